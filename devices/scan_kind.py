"""The document camera's scan folder as a kind of device: no port, a watched folder."""

from __future__ import annotations

from devices.config import ScannerConfig
from devices.health import DeviceHealth
from devices.kind import DeviceContext, PortSlot
from devices.scan_inbox import InboxSettings, ScanEvent, ScanInbox, ScanInboxFault


class ScannerKind:
    """高拍仪 — the document camera, seen through the folder it saves scans into."""

    name = "scanner"
    label_zh = "高拍仪"
    label_en = "document camera"
    config_type = ScannerConfig
    serial = False
    probe_order = 100

    def enabled(self, config: ScannerConfig) -> bool:
        return config.enabled

    def configured_port(self, config: ScannerConfig) -> str | None:
        return None

    def probe(self, port: str, config: ScannerConfig, timeout: float) -> str | None:
        return None

    def start(self, config: ScannerConfig, slot: PortSlot, context: DeviceContext) -> RunningScanner:
        return RunningScanner(config, context).start()


class RunningScanner:
    """A scan inbox on the folder, remembering whether the folder failed."""

    def __init__(self, config: ScannerConfig, context: DeviceContext) -> None:
        assert config.folder is not None, "started only when a folder is set"
        self._folder = config.folder
        self._context = context
        self._fault: ScanInboxFault | None = None
        self.inbox = ScanInbox(config.folder, self._seen, InboxSettings())

    @property
    def part(self) -> ScanInbox:
        return self.inbox

    def start(self) -> RunningScanner:
        self.inbox.start()
        return self

    def stop(self) -> None:
        self.inbox.stop()

    def health(self) -> DeviceHealth:
        if self._fault is not None:
            return DeviceHealth("scanner", "fault", "高拍仪文件夹不可用", "Scan folder unusable",
                                None, str(self._fault.error))
        return DeviceHealth("scanner", "ok", "高拍仪就绪", "Document camera ready", str(self._folder))

    def _seen(self, event: ScanEvent) -> None:
        if isinstance(event, ScanInboxFault):
            self._fault = event
        self._context.on_event(event)
