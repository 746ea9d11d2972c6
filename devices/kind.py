"""What a kind of device gives the device manager: the :class:`DeviceKind` protocol.

A kind of device (the ID-card reader, the receipt printer, the document camera's folder,
a signature pad…) is its driver plus one :class:`DeviceKind` registered in a
:class:`KindRegistry`. From that registration alone the manager reads the kind's settings
from ``[devices.<name>]``, finds its serial port by probing, starts it, reports its health,
and ``jiujin devices`` lists it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from devices.health import DeviceHealth

if TYPE_CHECKING:
    from devices.config import PollSettings
    from devices.printer.jobs import JobStore


class PortSlot:
    """The serial port a device uses now: the configured one, one found by probing, or none."""

    def __init__(self, configured: str | None) -> None:
        self.configured = configured
        self.path = configured


@dataclass(frozen=True)
class DeviceContext:
    """What the manager was given, handed to every kind it starts; a kind takes what it needs."""

    on_event: Callable[[Any], None]
    today: Callable[[], date]
    poll: PollSettings
    job_store: JobStore | None = None


@runtime_checkable
class RunningDevice(Protocol):
    """A started device: what runs it (a poller, a queue, a folder watcher), its health, stop."""

    @property
    def part(self) -> object:
        """The running object behind the device (CardPoller, PrintQueue, ScanInbox…)."""
        ...

    def health(self) -> DeviceHealth:
        """Where the device stands now (the manager has already checked enabled and port)."""
        ...

    def stop(self) -> None:
        """Stop its threads and close its port."""
        ...


class DeviceKind(Protocol):
    """One kind of device, as the manager, discovery and the command line see it.

    Attributes:
        name: the ``[devices.<name>]`` table, the health key and the probe's answer.
        label_zh, label_en: what a person calls it ("读卡器", "card reader").
        config_type: its settings dataclass (limits in :func:`devices.config.bounds` metadata,
            a ``kind`` class variable equal to ``name``).
        serial: True when it sits on a serial port that probing can find.
        probe_order: lower probes first; a probe must be harmless to the kinds after it.
    """

    name: str
    label_zh: str
    label_en: str
    config_type: type[Any]
    serial: bool
    probe_order: int

    def enabled(self, config: Any) -> bool:
        """Whether these settings ask for the device at all."""
        ...

    def configured_port(self, config: Any) -> str | None:
        """The port the settings name; None to find it by probing (or for a non-serial kind)."""
        ...

    def probe(self, port: str, config: Any, timeout: float) -> str | None:
        """A detail ("DLE EOT", the SAM ID) when this kind answers on ``port``, else None."""
        ...

    def start(self, config: Any, slot: PortSlot, context: DeviceContext) -> RunningDevice:
        """Start the device; it opens ``slot.path`` whenever it (re)connects."""
        ...


class KindRegistry:
    """The kinds a manager knows, in registration order; names are unique."""

    def __init__(self, kinds: Iterable[DeviceKind] = ()) -> None:
        self._kinds: dict[str, DeviceKind] = {}
        for kind in kinds:
            self.register(kind)

    def register(self, kind: DeviceKind) -> DeviceKind:
        """Add a kind; raises ValueError when the name is taken."""
        if kind.name in self._kinds:
            raise ValueError(f"device kind {kind.name!r} is already registered")
        if getattr(kind.config_type, "kind", None) != kind.name:
            raise ValueError(f"{kind.config_type.__name__}.kind must be {kind.name!r}")
        self._kinds[kind.name] = kind
        return kind

    def unregister(self, name: str) -> None:
        self._kinds.pop(name, None)

    def get(self, name: str) -> DeviceKind | None:
        return self._kinds.get(name)

    def copy(self) -> KindRegistry:
        return KindRegistry(self)

    def serial(self) -> list[DeviceKind]:
        """The serial kinds in the order to probe them."""
        return sorted((k for k in self if k.serial), key=lambda kind: kind.probe_order)

    def __iter__(self) -> Iterator[DeviceKind]:
        return iter(list(self._kinds.values()))

    def __contains__(self, name: object) -> bool:
        return name in self._kinds

    def names(self) -> list[str]:
        return list(self._kinds)
