"""Errors raised by the device drivers, each with a Chinese and an English message.

A person at the counter sees ``message(lang)`` and knows what to do; the technical
detail stays in ``detail`` for the log::

    JiujinError (kernel.errors)       message_zh / message_en, message(lang)
    └── DeviceError
        ├── DeviceConfigError             a device setting has a bad value or an unknown name
        ├── PortError                     serial port cannot be opened, or vanished
        ├── ReaderError                   ID-card reader (GA 467 SAM protocol)
        │   ├── FrameError                bytes on the wire are not a valid frame
        │   │   ├── ChecksumError         XOR checksum does not match
        │   │   ├── FrameLengthError      LEN outside what the protocol allows
        │   │   └── TruncatedFrameError   a frame started but never finished
        │   ├── ReaderTimeout             no reply at all (unplugged, powered off)
        │   ├── ReaderStatusError         the reader answered with an error SW3 code
        │   │   ├── CommandRejected       10/11/21/23/24: the reader refused our frame
        │   │   ├── SamError              60/66: the security module is unusable
        │   │   └── CardError             the card, not the reader, is the problem
        │   │       ├── NoCardError       80: no card in the field
        │   │       ├── CardSelectError   81: select failed
        │   │       ├── CardReadError     41/47: read failed (card moved?)
        │   │       ├── CardAuthError     31/32/33: authentication failed
        │   │       ├── UnknownCardError  40: not an ID card
        │   │       └── NoContentError    91: nothing stored for this item
        │   └── CardDataError             the text block does not decode (date, check digit)
        ├── PrinterError                  ESC/POS receipt printer
        │   ├── PrinterNotResponding      no status reply: offline or unplugged, never "paper OK"
        │   ├── StatusReplyError          a reply byte without the status bit pattern
        │   ├── PrinterNotReady           paper out, cover open, or an error; carries the status
        │   ├── LayoutError               a layout element cannot be encoded (QR too long, ...)
        │   └── JobError                  unknown job id or a transition the job cannot make
        └── ScanInboxError                scan folder missing or not writable
"""

from __future__ import annotations

from typing import Any, ClassVar

from kernel import errors as kernel_errors

#: Shown when a card needs to be placed on the reader again.
REPLACE_CARD_ZH = "读卡失败：请将身份证重新放置在读卡器上"
REPLACE_CARD_EN = "Could not read the card: place the ID card on the reader again"


class DeviceError(kernel_errors.JiujinError):
    """Base of every device error; each class has default messages, a raise may override them."""

    default_zh: ClassVar[str] = "设备错误"
    default_en: ClassVar[str] = "Device error"

    def __init__(
        self,
        detail: str = "",
        *,
        message_zh: str | None = None,
        message_en: str | None = None,
    ) -> None:
        self.detail = detail
        super().__init__(message_zh or self.default_zh, message_en or self.default_en)
        self.args = (str(self),)

    def __str__(self) -> str:
        text = f"{self.message_en} / {self.message_zh}"
        return f"{text} ({self.detail})" if self.detail else text

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (type(self), self.detail, self.message_zh, self.message_en))


def _rebuild(cls: type[DeviceError], detail: str, zh: str, en: str) -> DeviceError:
    error = cls.__new__(cls)
    DeviceError.__init__(error, detail, message_zh=zh, message_en=en)
    return error


class DeviceConfigError(DeviceError):
    """A device setting has a bad value or an unknown name; ``key`` names it (``printer.baud``)."""

    default_zh = "设备设置有误"
    default_en = "Bad device setting"
    key: str = ""
    reason_zh: str = ""
    reason_en: str = ""

    def __init__(self, key: str, reason_zh: str, reason_en: str) -> None:
        super().__init__(
            key,
            message_zh=f"设备设置 {key} 有误：{reason_zh}",
            message_en=f"Device setting {key}: {reason_en}",
        )
        self.key, self.reason_zh, self.reason_en = key, reason_zh, reason_en


class PortError(DeviceError):
    """The serial port cannot be opened or disappeared (unplugged)."""

    default_zh = "无法打开设备端口：请检查连接线"
    default_en = "Cannot open the device port: check the cable"


# --- ID-card reader -------------------------------------------------------------------


class ReaderError(DeviceError):
    """Any problem with the ID-card reader."""

    default_zh = "身份证读卡器故障"
    default_en = "ID-card reader fault"


class FrameError(ReaderError):
    """The bytes received are not a valid protocol frame."""

    default_zh = "读卡器通信错误：请重试"
    default_en = "Reader communication error: try again"


class ChecksumError(FrameError):
    """The frame's XOR checksum does not match its contents."""


class FrameLengthError(FrameError):
    """The frame's LEN field is outside what the protocol allows."""


class TruncatedFrameError(FrameError):
    """A frame started but its remaining bytes never arrived."""


class ReaderTimeout(ReaderError):
    """The reader did not answer at all."""

    default_zh = "读卡器无响应：请检查读卡器电源和连接线"
    default_en = "The card reader does not answer: check its power and cable"


class ReaderStatusError(ReaderError):
    """The reader answered with an error status code (SW3)."""

    def __init__(self, code: int, detail: str = "", **messages: str | None) -> None:
        self.code = code
        super().__init__(detail or f"SW3={code:02X}", **messages)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild_status, (type(self), self.code, self.detail))


def _rebuild_status(cls: type[ReaderStatusError], code: int, detail: str) -> ReaderStatusError:
    return cls(code, detail)


class CommandRejected(ReaderStatusError):
    """The reader refused our frame (checksum, length, command, permission)."""

    default_zh = "读卡器拒绝了命令：请重启读卡器"
    default_en = "The reader rejected the command: restart the reader"


class SamError(ReaderStatusError):
    """The security module (SAM) failed its self-test or is not authorised."""

    default_zh = "读卡器安全模块不可用：请联系管理员更换读卡器"
    default_en = (
        "The reader's security module is unusable: ask the administrator to replace the reader"
    )


class CardError(ReaderStatusError):
    """The card could not be found, selected, authenticated or read."""

    default_zh = REPLACE_CARD_ZH
    default_en = REPLACE_CARD_EN


class NoCardError(CardError):
    """No card in the reader's field."""

    default_zh = "未检测到身份证：请将身份证放在读卡器上"
    default_en = "No ID card found: place the card on the reader"


class CardSelectError(CardError):
    """The card was found but could not be selected."""


class CardReadError(CardError):
    """Reading the card failed, usually because it moved."""


class CardAuthError(CardError):
    """Card and SAM failed to authenticate each other (damaged or fake card)."""

    default_zh = "身份证验证失败：请重新放置；如仍失败，证件可能已损坏"
    default_en = (
        "The card failed authentication: place it again; if it still fails the card may be damaged"
    )


class UnknownCardError(CardError):
    """The card in the field is not a supported identity document."""

    default_zh = "无法识别的卡片：请放置居民身份证或居住证"
    default_en = "Unrecognised card: place a resident ID card or residence permit"


class NoContentError(CardError):
    """The card holds nothing for the requested item (e.g. no new address)."""

    default_zh = "证件中没有该项信息"
    default_en = "The card holds no data for this item"


class CardDataError(ReaderError):
    """The card's text block does not decode into valid fields."""

    default_zh = REPLACE_CARD_ZH
    default_en = REPLACE_CARD_EN


# --- Receipt printer --------------------------------------------------------------------


class PrinterError(DeviceError):
    """Any problem with the receipt printer."""

    default_zh = "小票打印机故障"
    default_en = "Receipt printer fault"


class PrinterNotResponding(PrinterError):
    """The printer did not answer a status request: offline, off or unplugged."""

    default_zh = "打印机无响应：请检查打印机电源和连接线"
    default_en = "The printer does not answer: check its power and cable"


class StatusReplyError(PrinterError):
    """A byte that should be a status reply does not have the status bit pattern."""

    default_zh = "打印机状态无法识别"
    default_en = "Unrecognised printer status"


class PrinterNotReady(PrinterError):
    """The printer answered, and it cannot print now (paper, cover, error)."""

    default_zh = "打印机未就绪"
    default_en = "The printer is not ready"

    def __init__(self, status: object, detail: str = "", **messages: str | None) -> None:
        self.status = status
        super().__init__(detail, **messages)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.status, self.detail))


class LayoutError(PrinterError):
    """A receipt layout element cannot be encoded."""

    default_zh = "小票内容无法打印"
    default_en = "The receipt content cannot be printed"


class JobError(PrinterError):
    """Unknown print job, or a state change the job cannot make."""

    default_zh = "打印任务操作无效"
    default_en = "Invalid print job operation"


# --- Scan inbox ---------------------------------------------------------------------------


class ScanInboxError(DeviceError):
    """The document camera's folder is missing or cannot be used."""

    default_zh = "高拍仪文件夹不可用：请检查设置"
    default_en = "The document camera folder cannot be used: check the settings"
