"""The receipt's verifiable QR code: receipt number, application id and an Ed25519 signature.

Payload (ASCII, upper case, so the QR code uses the compact alphanumeric mode)::

    JJR1:<receipt number>:<application id>:<signature>

    JJR1              format tag, version 1
    receipt number    <station code>-<yyyymmdd>-<nnnn>, e.g. TS0001-20261126-0001
    application id    the UUIDv7, as 32 hexadecimal digits without dashes
    signature         Ed25519 by the station's key, RFC 4648 base32 without padding
                      (64 bytes → 103 characters)

The signed message is ``b"jiujin-receipt-qr-v1\\n" + receipt number + b"\\n" +
application id`` (the id in its canonical form: lower case, with dashes). The prefix
keeps these signatures apart from the batches the same key signs. The station is the
part of the receipt number before the first dash; anyone holding that station's public
key can check a receipt offline (`jiujin report verify-qr`). An Ed25519 signature cannot
be shortened and still verify, so "short" here means the compact encoding: the whole
payload is about 160 characters, a version 7 symbol at level M.

Printed, the payload rides in a link to the hub's citizens' page (`case_link`)::

    https://<hub>/c/JJR1:<receipt number>:<application id>:<signature>

so a phone's camera opens the case, while `verify-qr` still checks the payload inside the
link offline. The signature is the link's unguessable part: only the station can make it.
A link has lower-case letters, so a single segment would use the byte mode: about 200
characters, a version 10 or 11 symbol at level M, as a thermal printer that encodes the
symbol itself makes it, still inside a 58 mm receipt's width. The PDF's symbol puts the link's
address in byte mode and the payload in alphanumeric mode (`qr_matrix`): version 8.
"""

from __future__ import annotations

import base64
import binascii
import re
import uuid
from dataclasses import dataclass
from urllib.parse import unquote

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from reports.errors import QRFormatError, QRSignatureError
from reports.qr_mask import masked_symbol

TAG = "JJR1"
DOMAIN = b"jiujin-receipt-qr-v1\n"
SIGNATURE_CHARS = 103
RECEIPT_NUMBER = re.compile(r"^[A-Z0-9]{4,16}-\d{8}-\d{4,6}$")
_HEX_ID = re.compile(r"^[0-9A-F]{32}$")
_B32 = re.compile(r"^[A-Z2-7]{103}$")
#: The citizens' page of one case, below the hub's public address.
CASE_PATH = "/c/"
MAX_LINK = 400


@dataclass(frozen=True)
class ReceiptClaim:
    """What a verified QR payload says: the receipt, its application and its station."""

    receipt_number: str
    application_id: str
    station_code: str


def signed_message(receipt_number: str, application_id: str) -> bytes:
    """The bytes the station signs."""
    return DOMAIN + receipt_number.encode("ascii") + b"\n" + application_id.encode("ascii")


def sign_payload(receipt_number: str, application_id: str, key: Ed25519PrivateKey) -> str:
    """The QR payload of one receipt, signed with the station's key."""
    if not RECEIPT_NUMBER.match(receipt_number):
        raise QRFormatError("受理编号格式不符", f"not a receipt number: {receipt_number!r}")
    canonical = _canonical_id(application_id)
    signature = key.sign(signed_message(receipt_number, canonical))
    encoded = base64.b32encode(signature).decode("ascii").rstrip("=")
    return f"{TAG}:{receipt_number}:{uuid.UUID(canonical).hex.upper()}:{encoded}"


def case_link(base_url: str, payload: str) -> str:
    """The link printed in the receipt's QR code: the hub's page of this case."""
    return base_url.rstrip("/") + CASE_PATH + payload


def payload_of(text: str) -> str:
    """The signed payload in a scanned text: the text itself, or the last part of a case link."""
    text = text.strip()
    if len(text) > MAX_LINK:
        raise QRFormatError("不是就近受理回执二维码", "not a Jiujin receipt QR payload")
    if text.lower().startswith(("https://", "http://")):
        _, found, payload = text.partition(CASE_PATH)
        return unquote(payload.split("?", 1)[0].split("#", 1)[0]) if found else ""
    return text


def parse_payload(text: str) -> tuple[ReceiptClaim, bytes]:
    """The claim and the signature in a payload or a case link; raise `QRFormatError` when malformed."""
    parts = payload_of(text).split(":")
    if len(parts) != 4 or parts[0] != TAG:
        raise QRFormatError("不是就近受理回执二维码", "not a Jiujin receipt QR payload")
    _, receipt_number, raw_id, raw_signature = parts
    if not RECEIPT_NUMBER.match(receipt_number):
        raise QRFormatError("二维码中的受理编号格式不符", "malformed receipt number in the payload")
    if not _HEX_ID.match(raw_id):
        raise QRFormatError("二维码中的申请编号格式不符", "malformed application id in the payload")
    if not _B32.match(raw_signature):
        raise QRFormatError("二维码中的签名格式不符", "malformed signature in the payload")
    signature = _decode_signature(raw_signature)
    claim = ReceiptClaim(receipt_number, str(uuid.UUID(hex=raw_id)), receipt_number.split("-")[0])
    return claim, signature


def verify_payload(text: str, public_key: Ed25519PublicKey | bytes) -> ReceiptClaim:
    """The claim of a payload whose signature verifies; raise a `QRError` otherwise."""
    claim, signature = parse_payload(text)
    key = (public_key if isinstance(public_key, Ed25519PublicKey)
           else Ed25519PublicKey.from_public_bytes(public_key))
    try:
        key.verify(signature, signed_message(claim.receipt_number, claim.application_id))
    except InvalidSignature:
        raise QRSignatureError() from None
    return claim


def qr_matrix(payload: str, level: str = "M") -> list[list[bool]]:
    """The QR symbol's modules (True = dark), quiet zone not included, at error correction
    `level` exactly. segno (ISO/IEC 18004) picks the smallest version and each segment's
    mode; the mask is scored as the standard asks, a line at a time (`reports.qr_mask`),
    which gives segno's own symbol in about a third of its time."""
    return masked_symbol(_segments(payload), level)


#: The characters of QR's alphanumeric mode, 5.5 bits each against 8 in byte mode.
_ALPHANUMERIC = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:")
#: A shorter tail does not repay the second segment's mode and length fields.
_MIN_TAIL = 16


def _segments(payload: str) -> str | list[str]:
    """A printed link as two segments: its address in byte mode, and its upper-case tail
    (the JJR1 payload, about 160 characters) in alphanumeric mode. A link of 190 characters
    then fits a version 8 symbol instead of 10: larger modules at the same printed size, for
    a phone to read. A reader joins the segments back into the one link."""
    start = len(payload)
    while start and payload[start - 1] in _ALPHANUMERIC:
        start -= 1
    if start == 0 or len(payload) - start < _MIN_TAIL:
        return payload
    return [payload[:start], payload[start:]]


class QRFlowable(Flowable):  # type: ignore[misc]
    """A QR code `size` points square, quiet zone included, drawn as one filled path.

    `qr_matrix` makes the symbol; reportlab's `QrCodeWidget` is not used because it
    builds one shape per dark module and walks them twice (bounds, then drawing): about
    60 ms for a receipt's symbol, against about 2 ms for merged runs in one path.
    """

    QUIET = 4

    def __init__(self, payload: str, size: float, level: str = "M") -> None:
        super().__init__()
        self.payload, self.size, self.level = payload, size, level
        self.width = self.height = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        return self.size, self.size

    def draw(self) -> None:
        matrix = qr_matrix(self.payload, self.level)
        draw_matrix(self.canv, matrix, 0, 0, self.size, self.QUIET)


def draw_matrix(canvas: Canvas, matrix: list[list[bool]], x: float, y: float, size: float,
                quiet: int = 4) -> None:
    """Draw the modules at (x, y), `size` points square, dark runs merged per row."""
    count = len(matrix)
    unit = size / (count + 2 * quiet)
    path = canvas.beginPath()
    for row, cells in enumerate(matrix):
        top = y + size - (row + quiet + 1) * unit
        col = 0
        while col < count:
            if not cells[col]:
                col += 1
                continue
            start = col
            while col < count and cells[col]:
                col += 1
            path.rect(x + (start + quiet) * unit, top, (col - start) * unit, unit)
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()


def _decode_signature(text: str) -> bytes:
    """The 64 signature bytes; only the canonical encoding is accepted (no spare bits set)."""
    try:
        signature = base64.b32decode(text + "=" * (-len(text) % 8))
    except binascii.Error:
        signature = b""
    if len(signature) != 64 or base64.b32encode(signature).decode("ascii").rstrip("=") != text:
        raise QRFormatError("二维码中的签名格式不符", "malformed signature in the payload")
    return signature


def _canonical_id(application_id: str) -> str:
    try:
        return str(uuid.UUID(application_id))
    except ValueError:
        raise QRFormatError("申请编号格式不符", "the application id is not a UUID") from None
