"""The services the station app is built with (injected by `make_app`, shared by screens)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from station.core.counter import Counter
from station.core.print_jobs import A4Output
from station.core.station_devices import StationDevices
from station.core.store import StationStore

if TYPE_CHECKING:
    from devices import DemoDevices
    from station.core.sync_service import SyncService

Timing = Callable[[str, float], None]


@dataclass
class StationServices:
    """Store, counter, devices, A4 output, hub client and the app's timing hook."""

    store: StationStore
    counter: Counter
    devices: StationDevices
    a4: A4Output
    demo: DemoDevices | None = None
    sync: Callable[[StationStore], SyncService] | None = None
    timing: Timing | None = None

    def time(self, name: str, seconds: float) -> None:
        """Report one measured interval to the timing hook, if any (benchmarks use it)."""
        if self.timing is not None:
            self.timing(name, seconds)
