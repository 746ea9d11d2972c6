"""The device manager: every registered kind of device behind one small API.

The station passes a :class:`~devices.config.DeviceConfig`; the manager starts each
registered :class:`~devices.kind.DeviceKind` its settings enable, finds unconfigured
serial ports by probing, follows hot-plug by rescanning, and keeps a
:class:`HealthSummary` for the UI. All events (:data:`DeviceEvent`) go to one callback,
on the devices' own threads. Nothing here is specific to a kind except the shortcuts to
the reader's poller, the printer's queue and the scan inbox.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from devices import health
from devices.config import DeviceConfig, PrinterConfig, ReaderConfig, ScannerConfig
from devices.discovery import PortInfo, discover_ports, probe_kinds
from devices.errors import PortError
from devices.health import DeviceHealth, HealthSummary
from devices.idcard.events import ReaderEvent
from devices.idcard.poller import CardPoller
from devices.kind import DeviceContext, DeviceKind, KindRegistry, PortSlot, RunningDevice
from devices.printer.encoder import ReceiptEncoder
from devices.printer.jobs import JobState, JobStore, PrintQueue, QueueEvent
from devices.printer.layout import ReceiptLayout
from devices.scan_inbox import ScanEvent, ScanInbox

log = logging.getLogger(__name__)
P = TypeVar("P")

__all__ = ["DeviceAttached", "DeviceConfig", "DeviceDetached", "DeviceEvent", "DeviceManager",
           "PrinterConfig", "ReaderConfig", "ScannerConfig"]


@dataclass(frozen=True)
class DeviceAttached:
    """A serial port appeared (and, if probed, what answered on it)."""

    port: PortInfo
    kind: str | None = None


@dataclass(frozen=True)
class DeviceDetached:
    """A serial port disappeared."""

    port: PortInfo


DeviceEvent = ReaderEvent | QueueEvent | ScanEvent | DeviceAttached | DeviceDetached


class DeviceManager:
    """Starts and watches the station's devices; use as a context manager."""

    def __init__(
        self,
        config: DeviceConfig,
        on_event: Callable[[Any], None] = lambda event: None,
        job_store: JobStore | None = None,
        today: Callable[[], date] = date.today,
        dev: Path = Path("/dev"),
        kinds: KindRegistry | None = None,
    ) -> None:
        from devices.registry import KINDS

        self.config = config
        self.kinds = kinds if kinds is not None else KINDS
        self._on_event = on_event
        self._context = DeviceContext(on_event, today, config.poll, job_store)
        self._dev = dev
        self._slots = {
            kind.name: PortSlot(kind.configured_port(self._settings(kind)))
            for kind in self.kinds.serial()
        }
        self._running: dict[str, RunningDevice] = {}
        self._ports: dict[str, PortInfo] = {}
        self._stop = threading.Event()
        self._hotplug: threading.Thread | None = None

    # --- lifecycle ------------------------------------------------------------------------

    def start(self) -> DeviceManager:
        """Find unconfigured devices, then start every enabled kind and the hot-plug watch."""
        self._ports = {p.path: p for p in discover_ports(self._dev)}
        self._assign(list(self._ports.values()))
        for kind in self.kinds:
            settings = self._settings(kind)
            if kind.enabled(settings):
                slot = self._slots.get(kind.name, PortSlot(None))
                self._running[kind.name] = kind.start(settings, slot, self._context)
        self._hotplug = threading.Thread(target=self._watch_ports, name="hotplug", daemon=True)
        self._hotplug.start()
        return self

    def stop(self) -> None:
        """Stop every thread the manager started and close the ports."""
        self._stop.set()
        if self._hotplug is not None:
            self._hotplug.join(5)
        for running in self._running.values():
            running.stop()

    def __enter__(self) -> DeviceManager:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def running(self, name: str) -> RunningDevice | None:
        """The started device of a kind, by name; None when disabled or not started."""
        return self._running.get(name)

    @property
    def poller(self) -> CardPoller | None:
        return self._part("reader", CardPoller)

    @property
    def print_queue(self) -> PrintQueue | None:
        return self._part("printer", PrintQueue)

    @property
    def scan_inbox(self) -> ScanInbox | None:
        return self._part("scanner", ScanInbox)

    def _part(self, name: str, part_type: type[P]) -> P | None:
        running = self._running.get(name)
        part = running.part if running is not None else None
        return part if isinstance(part, part_type) else None

    def _settings(self, kind: DeviceKind) -> Any:
        return self.config.get(kind.config_type)

    # --- printing ---------------------------------------------------------------------------

    def encoder(self) -> ReceiptEncoder:
        """An encoder for the configured printer."""
        return ReceiptEncoder(self.config.printer.profile)

    def print_receipt(self, layout: ReceiptLayout) -> str:
        """Encode and queue a receipt; returns the job id."""
        return self.print_bytes(self.encoder().encode(layout), layout.title)

    def print_bytes(self, payload: bytes, title: str = "") -> str:
        """Queue ESC/POS bytes; returns the job id."""
        if self.print_queue is None:
            raise PortError("the printer is not enabled", message_zh="未启用打印机")
        return self.print_queue.submit(payload, title)

    # --- health -------------------------------------------------------------------------------

    def health(self) -> HealthSummary:
        """Where each registered device stands now."""
        jobs = self.print_queue.jobs() if self.print_queue else []
        return HealthSummary.of(
            [self._health(kind) for kind in self.kinds],
            held_jobs=sum(j.state is JobState.HELD for j in jobs),
            uncertain_jobs=sum(j.state is JobState.UNCERTAIN for j in jobs),
        )

    def _health(self, kind: DeviceKind) -> DeviceHealth:
        if not kind.enabled(self._settings(kind)):
            return health.disabled(kind.name)
        slot = self._slots.get(kind.name)
        if slot is not None and slot.path is None:
            return health.absent(kind.name, kind.label_zh, kind.label_en)
        running = self._running.get(kind.name)
        if running is None:
            return DeviceHealth(kind.name, "warning", f"{kind.label_zh}尚未启动",
                                f"The {kind.label_en} has not started", slot.path if slot else None)
        return running.health()

    # --- ports --------------------------------------------------------------------------------

    def _assign(self, ports: list[PortInfo]) -> list[tuple[PortInfo, str | None]]:
        """Probe new ports for a kind that has no port yet."""
        found: list[tuple[PortInfo, str | None]] = []
        taken = {slot.path for slot in self._slots.values()}
        candidates = [(kind, self._settings(kind)) for kind in self.kinds.serial()]
        for port in ports:
            if port.path in taken or not self._needs_port():
                found.append((port, None))
                continue
            result = probe_kinds(port.path, candidates)
            slot = self._slots.get(result.kind or "")
            kind = self.kinds.get(result.kind or "")
            if slot is not None and slot.path is None and kind and kind.enabled(self._settings(kind)):
                slot.path = port.path
            found.append((port, result.kind))
        return found

    def _release(self, path: str) -> None:
        """A found (not configured) port that vanished may come back under another name."""
        for slot in self._slots.values():
            if slot.path == path and slot.configured is None:
                slot.path = None

    def _needs_port(self) -> bool:
        return any(
            slot.path is None and kind.enabled(self._settings(kind))
            for kind in self.kinds.serial()
            if (slot := self._slots.get(kind.name)) is not None
        )

    def _watch_ports(self) -> None:
        while not self._stop.wait(self.config.hotplug_interval):
            try:
                self.rescan()
            except Exception:  # keep watching; the next rescan may work
                log.exception("hot-plug rescan failed")

    def rescan(self) -> None:
        """Compare the serial ports with the last scan; probe and report changes."""
        current = {p.path: p for p in discover_ports(self._dev)}
        added = [p for path, p in current.items() if path not in self._ports]
        removed = [p for path, p in self._ports.items() if path not in current]
        self._ports = current
        for port in removed:
            self._release(port.path)
            self._on_event(DeviceDetached(port))
        for port, kind in self._assign(added):
            self._on_event(DeviceAttached(port, kind))
