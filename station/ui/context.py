"""The services the station app is built with (injected by `make_app`, shared by screens).

Everything past the login screen is built on first use: the counter loads the catalog,
and the devices need the unlocked store for their print jobs. Start-up imports stay small.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cached_property
from time import perf_counter
from typing import TYPE_CHECKING

from station.core.store import StationStore

if TYPE_CHECKING:
    from devices import DemoDevices, DeviceConfig, DeviceEvent
    from forms import Catalog
    from station.core.counter import Counter
    from station.core.print_jobs import A4Output
    from station.core.station_devices import StationDevices
    from station.core.sync_service import SyncService

Timing = Callable[[str, float], None]


class StationServices:
    """Store, counter, devices, A4 output, hub client and the app's timing hook."""

    def __init__(self, store: StationStore, *, catalog: Catalog | None = None,
                 devices: DeviceConfig | None = None,
                 a4: A4Output | Callable[[], A4Output] | None = None,
                 demo: DemoDevices | None = None,
                 sync: Callable[[StationStore], SyncService] | None = None,
                 timing: Timing | None = None) -> None:
        self.store = store
        self.catalog = catalog
        self.devices_config = devices
        self.demo = demo
        self.sync = sync
        self.timing = timing
        self._a4 = a4
        self.on_device_event: Callable[[DeviceEvent], None] = lambda event: None

    @cached_property
    def counter(self) -> Counter:
        from station.core.counter import Counter

        return Counter(self.store, self.catalog)

    @cached_property
    def devices(self) -> StationDevices:
        from station.core.station_devices import StationDevices

        return StationDevices(self.devices_config, lambda event: self.on_device_event(event))

    @cached_property
    def a4(self) -> A4Output:
        """The A4 output: as given, found by the given function on first use (asking CUPS
        costs a process, so not at start-up), or documents held in memory."""
        from station.core.print_jobs import HeldDocuments

        if callable(self._a4):
            return self._a4()
        return self._a4 or HeldDocuments()

    @property
    def has_devices(self) -> bool:
        return self.devices_config is not None

    def time(self, name: str, seconds: float) -> None:
        """Report one measured interval to the timing hook, if any (benchmarks use it)."""
        if self.timing is not None:
            self.timing(name, seconds)

    def mark(self, name: str) -> None:
        """Report that something just reached the screen (the value is `perf_counter()`)."""
        if self.timing is not None:
            self.timing(name, perf_counter())
