"""The ID-card reader as a kind of device: probed by its SAM status, run by a poller."""

from __future__ import annotations

from dataclasses import replace

from devices.config import ReaderConfig
from devices.errors import DeviceError, PortError, ReaderStatusError
from devices.health import DeviceHealth
from devices.idcard.events import ReaderEvent, ReaderFault, ReaderReady
from devices.idcard.poller import CardPoller
from devices.idcard.reader import CardReader, ReaderTimeouts
from devices.kind import DeviceContext, PortSlot


class ReaderKind:
    """读卡器 — the GA 467 SAM ID-card reader on a serial port."""

    name = "reader"
    label_zh = "读卡器"
    label_en = "card reader"
    config_type = ReaderConfig
    serial = True
    probe_order = 20  # after the printer: the printer's DLE EOT is line noise to a reader

    def enabled(self, config: ReaderConfig) -> bool:
        return config.enabled

    def configured_port(self, config: ReaderConfig) -> str | None:
        return config.port

    def probe(self, port: str, config: ReaderConfig, timeout: float) -> str | None:
        """The SAM ID shown by a reader on the port; "SAM nn" when its SAM fails."""
        try:
            with CardReader.open(port, config.baud, timeouts=ReaderTimeouts(control=timeout)) as reader:
                try:
                    reader.sam_status()
                    return reader.sam_id().display
                except ReaderStatusError as error:
                    return f"SAM {error.code:02X}"
        except (PortError, DeviceError):
            return None

    def start(self, config: ReaderConfig, slot: PortSlot, context: DeviceContext) -> RunningReader:
        return RunningReader(config, slot, context).start()


class RunningReader:
    """A card poller on the reader's port, remembering the last thing it reported."""

    def __init__(self, config: ReaderConfig, slot: PortSlot, context: DeviceContext) -> None:
        self._config = config
        self._slot = slot
        self._context = context
        self._last: ReaderEvent | None = None
        settings = replace(context.poll, fingerprint=config.fingerprint,
                           new_address=config.new_address)
        self.poller = CardPoller(self._open, self._seen, settings)

    @property
    def part(self) -> CardPoller:
        return self.poller

    def start(self) -> RunningReader:
        self.poller.start()
        return self

    def stop(self) -> None:
        self.poller.stop()

    def health(self) -> DeviceHealth:
        port, event = self._slot.path, self._last
        if isinstance(event, ReaderFault):
            error = event.error
            return DeviceHealth("reader", "fault", error.message_zh, error.message_en, port, error.detail)
        if event is None:
            return DeviceHealth("reader", "warning", "正在连接读卡器", "Connecting to the card reader", port)
        return DeviceHealth("reader", "ok", "读卡器就绪", "Card reader ready", port)

    def _open(self) -> CardReader:
        if self._slot.path is None:
            raise PortError("no card reader found", message_zh="未找到读卡器")
        return CardReader.open(self._slot.path, self._config.baud, today=self._context.today)

    def _seen(self, event: ReaderEvent) -> None:
        self._last = event if isinstance(event, ReaderFault) else ReaderReady(self._slot.path or "")
        self._context.on_event(event)
