"""Printer status: DLE EOT replies classified by their fixed bit pattern (reference §2.6).

A real-time reply always looks like ``0xx1xx10``; queued replies (GS r) look like
``0xx0xxxx``; XON (0x11) and XOFF (0x13) may be mixed in and are dropped. No reply
means "unknown": :class:`PrinterStatus` is then never ready and never "paper OK".
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from devices.errors import StatusReplyError

XON, XOFF = 0x11, 0x13
_REALTIME_MASK, _REALTIME_BITS = 0b1001_0011, 0b0001_0010
_QUEUED_MASK = 0b1001_0000


class Paper(Enum):
    """The roll, as the paper sensors report it."""

    OK = "ok"
    NEAR_END = "near_end"
    OUT = "out"
    UNKNOWN = "unknown"


def is_realtime_reply(byte: int) -> bool:
    """True if byte has the DLE EOT reply pattern ``0xx1xx10``."""
    return byte & _REALTIME_MASK == _REALTIME_BITS


def is_queued_reply(byte: int) -> bool:
    """True if byte has the GS r / GS I reply pattern ``0xx0xxxx``."""
    return byte & _QUEUED_MASK == 0


def split_replies(data: bytes) -> tuple[list[int], list[int]]:
    """Real-time replies and queued replies in data, in order; XON/XOFF and others dropped."""
    realtime, queued = [], []
    for byte in data:
        if byte in (XON, XOFF):
            continue
        if is_realtime_reply(byte):
            realtime.append(byte)
        elif is_queued_reply(byte):
            queued.append(byte)
    return realtime, queued


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer said; ``None`` fields were not asked or not answered."""

    reachable: bool
    online: bool | None = None
    cover_open: bool | None = None
    paper: Paper = Paper.UNKNOWN
    paper_end_stop: bool | None = None
    error: bool | None = None
    autocutter_error: bool | None = None
    unrecoverable_error: bool | None = None
    recoverable_error: bool | None = None
    feed_button: bool | None = None
    drawer_pin: bool | None = None

    @classmethod
    def unknown(cls) -> PrinterStatus:
        """No reply at all: offline, off or unplugged."""
        return cls(reachable=False)

    @property
    def ready(self) -> bool:
        """True only when every answer says the printer can print now."""
        return (
            self.reachable
            and self.online is True
            and self.cover_open is False
            and self.paper in (Paper.OK, Paper.NEAR_END)
            and self.error is not True
            and not self.autocutter_error
            and not self.unrecoverable_error
        )

    @property
    def problem(self) -> str | None:
        """The main reason it cannot print: a :data:`PROBLEMS` key, or None when ready."""
        checks = [
            ("no_reply", not self.reachable),
            ("cover_open", self.cover_open is True),
            ("paper_out", self.paper is Paper.OUT or self.paper_end_stop is True),
            ("cutter_error", bool(self.autocutter_error)),
            ("unrecoverable_error", bool(self.unrecoverable_error)),
            ("error", self.error is True or bool(self.recoverable_error)),
            ("offline", self.online is not True),
            ("paper_unknown", self.paper is Paper.UNKNOWN),
        ]
        return next((name for name, failed in checks if failed), None)

    def message(self, lang: str | None = "zh") -> str:
        """What to tell the operator."""
        zh, en = PROBLEMS.get(self.problem or "", _READY)
        if self.problem is None and self.paper is Paper.NEAR_END:
            zh, en = _NEAR_END
        return en if lang == "en" else zh


_READY = ("打印机就绪", "Printer ready")
_NEAR_END = ("打印纸即将用完：请准备更换纸卷", "Paper near end: have a new roll ready")
PROBLEMS: dict[str, tuple[str, str]] = {
    "no_reply": ("打印机无响应：请检查电源和连接线", "The printer does not answer: check power and cable"),
    "cover_open": ("打印机盖未关好：请合上打印机盖", "The printer cover is open: close it"),
    "paper_out": ("打印纸用完：请装入新纸卷", "Out of paper: load a new roll"),
    "cutter_error": ("切刀故障：请打开机盖检查切刀", "Cutter error: open the cover and check the cutter"),
    "unrecoverable_error": ("打印机故障：请关机后重新开机", "Printer fault: switch it off and on again"),
    "error": ("打印机出错：请检查打印机", "Printer error: check the printer"),
    "offline": ("打印机离线", "The printer is offline"),
    "paper_unknown": ("无法确认纸张状态", "Paper state unknown"),
}  # fmt: skip


def classify(n: int, byte: int) -> dict[str, object]:
    """The fields one DLE EOT n reply sets; raises StatusReplyError for a wrong pattern."""
    if n not in (1, 2, 3, 4):
        raise StatusReplyError(f"no DLE EOT function {n}")
    if not 0 <= byte <= 0xFF or not is_realtime_reply(byte):
        raise StatusReplyError(f"0x{byte:02X} is not a DLE EOT reply")
    if n == 1:
        return {"drawer_pin": bit(byte, 2), "online": not bit(byte, 3), "feed_button": bit(byte, 6)}
    if n == 2:
        return {"cover_open": bit(byte, 2), "paper_end_stop": bit(byte, 5), "error": bit(byte, 6)}
    if n == 3:
        return {
            "autocutter_error": bit(byte, 3),
            "unrecoverable_error": bit(byte, 5),
            "recoverable_error": bit(byte, 6),
        }
    return {"paper": _paper(byte)}


def _paper(byte: int) -> Paper:
    if byte & 0x60:
        return Paper.OUT
    if byte & 0x0C:
        return Paper.NEAR_END
    return Paper.OK


def bit(byte: int, index: int) -> bool:
    return bool(byte >> index & 1)


def combine(replies: dict[int, int | None]) -> PrinterStatus:
    """A status from DLE EOT replies by n (None = no reply); no replies at all = unknown."""
    answered = {n: b for n, b in replies.items() if b is not None}
    if not answered:
        return PrinterStatus.unknown()
    values: dict[str, object] = {}
    for n, byte in sorted(answered.items()):
        values |= classify(n, byte)
    return PrinterStatus(reachable=True, **values)  # type: ignore[arg-type]
