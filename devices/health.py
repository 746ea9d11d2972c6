"""A plain health summary of the station's devices, for the UI's status bar."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

HealthState = Literal["ok", "warning", "fault", "absent", "disabled"]


@dataclass(frozen=True)
class DeviceHealth:
    """One device: its state and what to tell the operator, in Chinese and English."""

    kind: Literal["reader", "printer", "scanner"]
    state: HealthState
    message_zh: str
    message_en: str
    port: str | None = None
    detail: str = ""

    def message(self, lang: str | None = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh


@dataclass(frozen=True)
class HealthSummary:
    """Reader, printer and scan inbox, plus the print jobs waiting on the operator."""

    reader: DeviceHealth
    printer: DeviceHealth
    scanner: DeviceHealth
    held_jobs: int = 0
    uncertain_jobs: int = 0

    @property
    def ok(self) -> bool:
        """True when nothing needs attention."""
        devices = (self.reader, self.printer, self.scanner)
        return all(d.state in ("ok", "disabled") for d in devices) and not (
            self.held_jobs or self.uncertain_jobs
        )


def disabled(kind: Literal["reader", "printer", "scanner"]) -> DeviceHealth:
    return DeviceHealth(kind, "disabled", "未启用", "Not enabled")


def absent(kind: Literal["reader", "printer", "scanner"]) -> DeviceHealth:
    names = {"reader": ("读卡器", "card reader"), "printer": ("打印机", "printer"),
             "scanner": ("高拍仪", "document camera")}  # fmt: skip
    zh, en = names[kind]
    return DeviceHealth(kind, "absent", f"未找到{zh}", f"No {en} found")
