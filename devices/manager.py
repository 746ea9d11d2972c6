"""The device manager: reader poller, print queue and scan inbox behind one small API.

The station reads ``station.toml`` and passes plain values (:class:`DeviceConfig`); the
manager starts what is configured, finds unconfigured reader and printer ports by
probing, follows hot-plug by rescanning, and keeps a :class:`HealthSummary` for the UI.
All events (:data:`DeviceEvent`) go to one callback, on the devices' own threads.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

from devices import health
from devices.discovery import PortInfo, discover_ports, probe_port
from devices.errors import PortError
from devices.health import DeviceHealth, HealthSummary
from devices.idcard.events import ReaderEvent, ReaderFault, ReaderReady
from devices.idcard.poller import CardPoller, PollSettings
from devices.idcard.reader import CardReader
from devices.printer.driver import ReceiptPrinter
from devices.printer.encoder import Charset, Fallback, PrinterProfile, ReceiptEncoder
from devices.printer.jobs import JobState, JobStore, PrintQueue, QueueEvent
from devices.printer.layout import ReceiptLayout
from devices.scan_inbox import InboxSettings, ScanEvent, ScanInbox, ScanInboxFault

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReaderConfig:
    """The ID-card reader: its port (None = find it), baud rate, and what to read."""

    port: str | None = None
    baud: int = 115200
    enabled: bool = True
    fingerprint: bool = False
    new_address: bool = True


@dataclass(frozen=True)
class PrinterConfig:
    """The receipt printer: port (None = find it), baud, paper width and font."""

    port: str | None = None
    baud: int = 9600
    enabled: bool = True
    paper_mm: Literal[58, 80] = 80
    charset: Charset = "gb18030"
    fallback: Fallback = "substitute"
    proof: bool = True

    @property
    def profile(self) -> PrinterProfile:
        return PrinterProfile(self.paper_mm, charset=self.charset, fallback=self.fallback)


@dataclass(frozen=True)
class DeviceConfig:
    """Everything the manager needs, as plain values (the station loads station.toml).

    The ``[devices]`` table :meth:`from_mapping` reads (every key optional)::

        [devices]
        scan_folder = "/home/counter/Scans"
        hotplug_interval = 2.0

        [devices.reader]        # port omitted: found by probing
        baud = 115200
        new_address = true

        [devices.printer]
        port = "/dev/serial/by-id/usb-Printer_POS80-if00"
        baud = 9600
        paper_mm = 80           # 58 or 80
        charset = "gb18030"     # or "gbk", "gb2312": what the printer's font covers
        fallback = "substitute" # or "raster": print such lines as images
        proof = true            # false for printers that do not answer GS r
    """

    reader: ReaderConfig = field(default_factory=ReaderConfig)
    printer: PrinterConfig = field(default_factory=PrinterConfig)
    scan_folder: Path | None = None
    hotplug_interval: float = 2.0
    poll: PollSettings = field(default_factory=PollSettings)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> DeviceConfig:
        """From a ``[devices]`` table: ``reader``/``printer`` sub-tables and ``scan_folder``."""
        folder = data.get("scan_folder")
        return cls(
            reader=ReaderConfig(**dict(data.get("reader", {}))),
            printer=PrinterConfig(**dict(data.get("printer", {}))),
            scan_folder=Path(folder) if folder else None,
            hotplug_interval=float(data.get("hotplug_interval", 2.0)),
        )


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
        on_event: Callable[[DeviceEvent], None] = lambda event: None,
        job_store: JobStore | None = None,
        today: Callable[[], date] = date.today,
        dev: Path = Path("/dev"),
    ) -> None:
        self.config = config
        self._on_event = on_event
        self._today = today
        self._dev = dev
        self._reader_port = config.reader.port
        self._printer_port = config.printer.port
        self._reader_event: ReaderEvent | None = None
        self._scan_fault: ScanInboxFault | None = None
        self._ports: dict[str, PortInfo] = {}
        self._stop = threading.Event()
        self._hotplug: threading.Thread | None = None
        self.poller: CardPoller | None = None
        self.print_queue: PrintQueue | None = None
        self.scan_inbox: ScanInbox | None = None
        self._job_store = job_store

    # --- lifecycle ------------------------------------------------------------------------

    def start(self) -> DeviceManager:
        """Find unconfigured devices, then start the reader, printer queue and inbox."""
        self._ports = {p.path: p for p in discover_ports(self._dev)}
        self._assign(list(self._ports.values()))
        if self.config.reader.enabled:
            self.poller = CardPoller(self._open_reader, self._reader_seen, self.config.poll)
            self.poller.start()
        if self.config.printer.enabled:
            self.print_queue = PrintQueue(self._open_printer, self._on_event, self._job_store)
            self.print_queue.start()
        if self.config.scan_folder is not None:
            self.scan_inbox = ScanInbox(self.config.scan_folder, self._scan_seen, InboxSettings())
            self.scan_inbox.start()
        self._hotplug = threading.Thread(target=self._watch_ports, name="hotplug", daemon=True)
        self._hotplug.start()
        return self

    def stop(self) -> None:
        """Stop every thread the manager started and close the ports."""
        self._stop.set()
        if self._hotplug is not None:
            self._hotplug.join(5)
        for part in (self.poller, self.print_queue, self.scan_inbox):
            if part is not None:
                part.stop()

    def __enter__(self) -> DeviceManager:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

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
        """Where each device stands now."""
        jobs = self.print_queue.jobs() if self.print_queue else []
        return HealthSummary(
            reader=self._reader_health(),
            printer=self._printer_health(),
            scanner=self._scanner_health(),
            held_jobs=sum(j.state is JobState.HELD for j in jobs),
            uncertain_jobs=sum(j.state is JobState.UNCERTAIN for j in jobs),
        )

    def _reader_health(self) -> DeviceHealth:
        if not self.config.reader.enabled:
            return health.disabled("reader")
        port, event = self._reader_port, self._reader_event
        if port is None:
            return health.absent("reader")
        if isinstance(event, ReaderFault):
            error = event.error
            return DeviceHealth(
                "reader", "fault", error.message_zh, error.message_en, port, error.detail
            )
        if event is None:
            return DeviceHealth(
                "reader", "warning", "正在连接读卡器", "Connecting to the card reader", port
            )
        return DeviceHealth("reader", "ok", "读卡器就绪", "Card reader ready", port)

    def _printer_health(self) -> DeviceHealth:
        if not self.config.printer.enabled:
            return health.disabled("printer")
        port = self._printer_port
        if port is None:
            return health.absent("printer")
        status = self.print_queue.last_status if self.print_queue else None
        if status is None:
            return DeviceHealth("printer", "ok", "打印机待命", "Printer standing by", port)
        state = "ok" if status.ready and status.problem is None else "fault"
        if status.ready and status.message("en").startswith("Paper near end"):
            state = "warning"
        return DeviceHealth("printer", state, status.message("zh"), status.message("en"), port)  # type: ignore[arg-type]

    def _scanner_health(self) -> DeviceHealth:
        if self.config.scan_folder is None:
            return health.disabled("scanner")
        if self._scan_fault is not None:
            text = str(self._scan_fault.error)
            return DeviceHealth(
                "scanner", "fault", "高拍仪文件夹不可用", "Scan folder unusable", None, text
            )
        return DeviceHealth(
            "scanner", "ok", "高拍仪就绪", "Document camera ready", str(self.config.scan_folder)
        )

    # --- ports --------------------------------------------------------------------------------

    def _open_reader(self) -> CardReader:
        if self._reader_port is None:
            raise PortError("no card reader found", message_zh="未找到读卡器")
        return CardReader.open(self._reader_port, self.config.reader.baud, today=self._today)

    def _open_printer(self) -> ReceiptPrinter:
        config = self.config.printer
        if self._printer_port is None:
            raise PortError("no printer found", message_zh="未找到打印机")
        return ReceiptPrinter.open(
            self._printer_port, config.baud, profile=config.profile, proof=config.proof
        )

    def _assign(self, ports: list[PortInfo]) -> list[tuple[PortInfo, str | None]]:
        """Probe new ports for a role that has no port yet."""
        found: list[tuple[PortInfo, str | None]] = []
        taken = {self._reader_port, self._printer_port}
        for port in ports:
            if port.path in taken or not self._needs_port():
                found.append((port, None))
                continue
            result = probe_port(port.path, printer_bauds=(self.config.printer.baud,))
            if result.kind == "reader" and self._reader_port is None and self.config.reader.enabled:
                self._reader_port = port.path
            elif (
                result.kind == "printer"
                and self._printer_port is None
                and self.config.printer.enabled
            ):
                self._printer_port = port.path
            found.append((port, result.kind))
        return found

    def _release(self, path: str) -> None:
        """A found (not configured) port that vanished may come back under another name."""
        if path == self._reader_port and self.config.reader.port is None:
            self._reader_port = None
        if path == self._printer_port and self.config.printer.port is None:
            self._printer_port = None

    def _needs_port(self) -> bool:
        reader = self.config.reader.enabled and self._reader_port is None
        printer = self.config.printer.enabled and self._printer_port is None
        return reader or printer

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

    # --- events -------------------------------------------------------------------------------

    def _reader_seen(self, event: ReaderEvent) -> None:
        ready = ReaderReady(self._reader_port or "")
        self._reader_event = event if isinstance(event, ReaderFault) else ready
        self._on_event(event)

    def _scan_seen(self, event: ScanEvent) -> None:
        if isinstance(event, ScanInboxFault):
            self._scan_fault = event
        self._on_event(event)
