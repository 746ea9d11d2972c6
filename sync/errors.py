"""Errors raised by sync and the hub, each with a Chinese and an English message.

    JiujinError (kernel.errors)      message_zh / message_en, message(lang)
    └── SyncError                    never personal data or secrets
        ├── SealError                    a sealed object that cannot be trusted (`reason` code)
        │   ├── MalformedSealed          framing, header or body unreadable
        │   ├── UnsupportedSuite         a crypto suite or format version this build lacks
        │   ├── BadSignature             the station's signature does not verify
        │   ├── WrongRecipient           sealed to another hub key
        │   ├── DecryptFailed            HPKE open failed (damaged ciphertext or header)
        │   └── BodyMismatch             body hash, size or records disagree with the header
        ├── TransportError
        │   ├── HubUnreachable           network down, refused, reset, timed out (retryable)
        │   ├── HubUnavailable           the hub answered 5xx (retryable)
        │   ├── HubRejected              the hub refused the request (4xx, not retryable)
        │   └── PinMismatch              the hub's TLS certificate is not the pinned one
        ├── AckError                     an acknowledgement or ledger that fails verification
        ├── FolderError                  a USB folder without a readable manifest
        ├── EnrolmentError               token unknown, spent or expired; station revoked
        └── HubError                     the hub's own problems
            ├── HubNotInitialised        no keys or database in the hub folder
            ├── StationNotFound          no such station at the hub
            └── CaseRefused              a department's request the hub refuses (`status`, `code`)

A `SealError` carries a stable `reason` (e.g. "bad_signature") that the hub stores with
a quarantined object.
"""

from __future__ import annotations

from kernel import errors as kernel_errors


class SyncError(kernel_errors.JiujinError):
    """Base of every error sync and the hub raise."""


class SealError(SyncError):
    """A sealed object failed a check; `reason` names which."""

    reason = "malformed"

    def __init__(self, message_zh: str, message_en: str, reason: str | None = None) -> None:
        super().__init__(message_zh, message_en)
        if reason is not None:
            self.reason = reason


class MalformedSealed(SealError):
    reason = "malformed"


class UnsupportedSuite(SealError):
    reason = "unsupported_suite"


class BadSignature(SealError):
    reason = "bad_signature"

    def __init__(self) -> None:
        super().__init__("签名无效：数据在途中被改动或并非该站点所发",
                         "the signature does not verify: altered in transit or not sent by this station")


class WrongRecipient(SealError):
    reason = "wrong_recipient"

    def __init__(self) -> None:
        super().__init__("该批次加密给了另一个中心密钥", "sealed to another hub key")


class DecryptFailed(SealError):
    reason = "decrypt_failed"

    def __init__(self) -> None:
        super().__init__("无法解密：密文或头部已损坏", "cannot open: the ciphertext or header is damaged")


class BodyMismatch(SealError):
    reason = "body_mismatch"


class TransportError(SyncError):
    """Moving bytes to or from the hub failed."""


class HubUnreachable(TransportError):
    """No answer from the hub; worth retrying later."""

    def __init__(self, detail: str) -> None:
        super().__init__(f"无法连接市级中心（{detail}），数据已保留，稍后自动重试",
                         f"cannot reach the city hub ({detail}); data is kept and will be retried")


class HubUnavailable(TransportError):
    """The hub answered with a server error; worth retrying later."""

    def __init__(self, status: int) -> None:
        super().__init__(f"市级中心暂时不可用（{status}），稍后重试",
                         f"the city hub is unavailable ({status}); retrying later")
        self.status = status


class HubRejected(TransportError):
    """The hub refused a request; retrying will not help."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(f"市级中心拒绝了请求（{status}）：{detail}",
                         f"the city hub refused the request ({status}): {detail}")
        self.status = status
        self.detail = detail


class PinMismatch(TransportError):
    """The hub's certificate is not the one this station pins."""

    def __init__(self) -> None:
        super().__init__("中心证书与预置指纹不符，已拒绝连接",
                         "the hub's certificate does not match the pinned fingerprint; refused")


class AckError(SyncError):
    """An acknowledgement that is not the hub's, or not for this station."""


class FolderError(SyncError):
    """A sync folder (USB) that cannot be read or written."""


class EnrolmentError(SyncError):
    """Enrolment refused: bad, spent or expired token, or a revoked station."""


class HubError(SyncError):
    """The hub cannot do what was asked."""


class HubNotInitialised(HubError):
    def __init__(self, folder: str) -> None:
        super().__init__(f"目录 {folder} 中没有市级中心，请先运行 jiujin hub init",
                         f"no hub in {folder}; run `jiujin hub init` first")


class StationNotFound(HubError):
    def __init__(self, code: str) -> None:
        super().__init__(f"中心没有站点 {code}", f"the hub has no station {code}")


class CaseRefused(HubError):
    """A department's call the hub refuses: `status` is the HTTP answer, `code` its stable name."""

    def __init__(self, status: int, code: str, message_zh: str, message_en: str) -> None:
        super().__init__(message_zh, message_en)
        self.status, self.code = status, code
