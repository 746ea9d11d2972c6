"""Errors raised by the documents and reports, each with a Chinese and an English message.

    JiujinError (kernel.errors)          message_zh / message_en, message(lang)
    └── ReportsError                     never personal data
        ├── DocumentInputError           a document's input is incomplete or inconsistent
        ├── HubDataError                 the hub's database lacks the tables or columns a report reads
        └── QRError                      a receipt's QR payload does not check out
            ├── QRFormatError            not a Jiujin receipt payload (prefix, fields, encoding)
            └── QRSignatureError         the signature does not verify: tampered, or another key

    FontFallbackWarning (UserWarning)  no embeddable CJK font: STSong-Light (not embedded) used
"""

from __future__ import annotations

from kernel import errors as kernel_errors


class ReportsError(kernel_errors.JiujinError):
    """Base of every error `reports` raises."""


class DocumentInputError(ReportsError):
    """A document cannot be produced from what it was given."""


class HubDataError(ReportsError):
    """The hub database does not hold what the report reads."""


class QRError(ReportsError):
    """A receipt QR payload failed verification."""


class QRFormatError(QRError):
    """The text is not a Jiujin receipt payload."""


class QRSignatureError(QRError):
    """The payload is well formed but its signature does not verify."""

    def __init__(self) -> None:
        super().__init__(
            "回执二维码签名无效：内容被改动，或不是本站点签发",
            "The receipt QR signature does not verify: altered, or not issued by this station",
        )


class FontFallbackWarning(UserWarning):
    """No embeddable CJK TrueType font was found; the STSong-Light CID font is used."""
