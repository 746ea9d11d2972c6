"""A plain health summary of the station's devices, for the UI's status bar."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

HealthState = Literal["ok", "warning", "fault", "absent", "disabled"]


@dataclass(frozen=True)
class DeviceHealth:
    """One device: its state and what to tell the operator, in Chinese and English.

    ``kind`` is the name its :class:`~devices.kind.DeviceKind` registered under
    ("reader", "printer", "scanner", or a kind added later).
    """

    kind: str
    state: HealthState
    message_zh: str
    message_en: str
    port: str | None = None
    detail: str = ""

    def message(self, lang: str | None = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh


@dataclass(frozen=True)
class HealthSummary:
    """Reader, printer and scan inbox, any other registered kinds, and the print jobs
    waiting on the operator."""

    reader: DeviceHealth
    printer: DeviceHealth
    scanner: DeviceHealth
    held_jobs: int = 0
    uncertain_jobs: int = 0
    others: tuple[DeviceHealth, ...] = ()

    @classmethod
    def of(cls, devices: Iterable[DeviceHealth], held_jobs: int = 0,
           uncertain_jobs: int = 0) -> HealthSummary:
        """From every kind's health; a built-in kind that is not registered shows disabled."""
        by_kind = {device.kind: device for device in devices}
        built_in = {name: by_kind.pop(name, disabled(name)) for name in ("reader", "printer", "scanner")}
        return cls(**built_in, held_jobs=held_jobs, uncertain_jobs=uncertain_jobs,
                   others=tuple(by_kind.values()))

    @property
    def devices(self) -> tuple[DeviceHealth, ...]:
        """Every device, the built-in three first."""
        return (self.reader, self.printer, self.scanner, *self.others)

    def get(self, kind: str) -> DeviceHealth | None:
        """The health of one kind, by name."""
        return next((device for device in self.devices if device.kind == kind), None)

    @property
    def ok(self) -> bool:
        """True when nothing needs attention."""
        return all(d.state in ("ok", "disabled") for d in self.devices) and not (
            self.held_jobs or self.uncertain_jobs
        )


def disabled(kind: str) -> DeviceHealth:
    return DeviceHealth(kind, "disabled", "未启用", "Not enabled")


def absent(kind: str, label_zh: str, label_en: str) -> DeviceHealth:
    """No port found for a serial device, e.g. "未找到读卡器" / "No card reader found"."""
    return DeviceHealth(kind, "absent", f"未找到{label_zh}", f"No {label_en} found")
