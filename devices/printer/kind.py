"""The receipt printer as a kind of device: probed with DLE EOT, run by a print queue."""

from __future__ import annotations

from devices.config import PrinterConfig
from devices.errors import DeviceError, PortError
from devices.health import DeviceHealth
from devices.kind import DeviceContext, PortSlot
from devices.printer.driver import PrinterTimeouts, ReceiptPrinter
from devices.printer.jobs import PrintQueue


class PrinterKind:
    """打印机 — the ESC/POS receipt printer on a serial port."""

    name = "printer"
    label_zh = "打印机"
    label_en = "printer"
    config_type = PrinterConfig
    serial = True
    probe_order = 10  # first: a reader ignores DLE EOT, a printer would print a reader frame

    def enabled(self, config: PrinterConfig) -> bool:
        return config.enabled

    def configured_port(self, config: PrinterConfig) -> str | None:
        return config.port

    def probe(self, port: str, config: PrinterConfig, timeout: float) -> str | None:
        """"DLE EOT" when a printer answers a status request (DLE EOT 1) at the configured baud."""
        try:
            timeouts = PrinterTimeouts(status=timeout)
            with ReceiptPrinter.open(port, config.baud, timeouts=timeouts) as printer:
                return "DLE EOT" if printer.query(1) is not None else None
        except DeviceError:
            return None

    def start(self, config: PrinterConfig, slot: PortSlot, context: DeviceContext) -> RunningPrinter:
        return RunningPrinter(config, slot, context).start()


class RunningPrinter:
    """A print queue on the printer's port; its health is the last status the queue saw."""

    def __init__(self, config: PrinterConfig, slot: PortSlot, context: DeviceContext) -> None:
        self._config = config
        self._slot = slot
        self.queue = PrintQueue(self._open, context.on_event, context.job_store)

    @property
    def part(self) -> PrintQueue:
        return self.queue

    def start(self) -> RunningPrinter:
        self.queue.start()
        return self

    def stop(self) -> None:
        self.queue.stop()

    def health(self) -> DeviceHealth:
        port, status = self._slot.path, self.queue.last_status
        if status is None:
            return DeviceHealth("printer", "ok", "打印机待命", "Printer standing by", port)
        state = "ok" if status.ready and status.problem is None else "fault"
        if status.ready and status.message("en").startswith("Paper near end"):
            state = "warning"
        return DeviceHealth("printer", state, status.message("zh"), status.message("en"), port)  # type: ignore[arg-type]

    def _open(self) -> ReceiptPrinter:
        if self._slot.path is None:
            raise PortError("no printer found", message_zh="未找到打印机")
        config = self._config
        return ReceiptPrinter.open(self._slot.path, config.baud, profile=config.profile, proof=config.proof)
