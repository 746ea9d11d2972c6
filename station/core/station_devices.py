"""The counter's devices: reader, receipt printer and scan inbox, from `station.toml`.

The device manager starts once the store is unlocked, because unfinished print jobs live
in the encrypted store (`StoredJobs`). Device events go to one callback on the devices'
threads; the UI hands them on as messages and never lets a device thread touch a widget.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TYPE_CHECKING

from devices import (
    Columns,
    Cut,
    DeviceConfig,
    DeviceEvent,
    DeviceManager,
    Feed,
    HealthSummary,
    Line,
    QRCode,
    ReceiptLayout,
    Rule,
    ScanOffered,
)
from station.core.config import DeviceSettings
from station.core.errors import ValidationFailed
from station.core.print_jobs import StoredJobs
from station.core.session import Session

if TYPE_CHECKING:
    from station.core.counter import Counter, CounterDraft


def device_config(settings: DeviceSettings) -> DeviceConfig:
    """The devices package's configuration behind the station's `[devices]` settings."""
    return settings.config


def test_receipt(station_name: str) -> ReceiptLayout:
    """A short page proving the printer prints Chinese, columns, a QR code and cuts."""
    return ReceiptLayout((
        Line(station_name, "center", bold=True),
        Line("打印测试 Printer test", "center", bold=True, size=2),
        Rule(),
        Columns("中文", "杭州市便民服务中心 ￥12.50"),
        QRCode("jiujin:print-test"),
        Feed(2),
        Cut(),
    ), "打印测试")


class StationDevices:
    """Starts, stops and speaks for the device manager of this counter."""

    def __init__(self, config: DeviceConfig | None,
                 on_event: Callable[[DeviceEvent], None] = lambda event: None) -> None:
        self.config = config
        self.on_event = on_event
        self.manager: DeviceManager | None = None

    @property
    def configured(self) -> bool:
        return self.config is not None

    def start(self) -> None:
        """Find and open the devices (probing takes a moment: call from a worker)."""
        if self.config is None or self.manager is not None:
            return
        self.manager = DeviceManager(self.config, self.on_event, job_store=StoredJobs()).start()

    def stop(self) -> None:
        if self.manager is not None:
            self.manager.stop()
            self.manager = None

    def restart(self, config: DeviceConfig) -> None:
        """Apply new settings: stop the manager and start one with `config`."""
        self.stop()
        self.config = config
        self.start()

    def health(self) -> HealthSummary | None:
        return self.manager.health() if self.manager is not None else None

    def print_receipt(self, layout: ReceiptLayout) -> str:
        """Queue a receipt (the issuing module's printer port)."""
        if self.manager is None:
            from devices import PortError

            raise PortError("devices not started", message_zh="设备尚未启动")
        return self.manager.print_receipt(layout)

    def reprint(self, job_id: str) -> None:
        """The operator asks for a printed or uncertain job again."""
        if self.manager is not None and self.manager.print_queue is not None:
            self.manager.print_queue.reprint(job_id)


def attach_offered_scan(counter: Counter, devices: StationDevices, session: Session,
                        draft: CounterDraft, material_id: str, offer: ScanOffered) -> str:
    """Store an offered scan with the draft, then delete the file from the inbox (the store's
    encrypted copy is the only one left); its SHA-256."""
    content = offer.path.read_bytes()
    if hashlib.sha256(content).hexdigest() != offer.sha256:
        raise ValidationFailed({"scan": "扫描件已被改动，请重新扫描 / the scan changed; scan again"})
    sha256 = counter.attach_scan(session, draft, material_id, content, offer.media_type)
    inbox = devices.manager.scan_inbox if devices.manager is not None else None
    if inbox is not None:
        inbox.consume(offer)
    return sha256
