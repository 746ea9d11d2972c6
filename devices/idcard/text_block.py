"""The 256-byte text block: UCS-2LE fields padded with spaces, four layouts (§1.7).

The same field tables decode a block read from a card and encode one for the simulator
and the fixtures, so the two can never disagree.
"""

from __future__ import annotations

from typing import Literal

from devices.errors import CardDataError

TEXT_SIZE = 256
FLAG_OFFSET = 248

CardType = Literal["resident", "hmt_permit", "foreigner_old", "foreigner_new"]
CARD_TYPES: tuple[CardType, ...] = ("resident", "hmt_permit", "foreigner_old", "foreigner_new")

#: field name, byte offset, byte length; in block order.
Layout = tuple[tuple[str, int, int], ...]

_RESIDENT_BASE: Layout = (
    ("name", 0, 30),
    ("gender", 30, 2),
    ("nation", 32, 4),
    ("birth_date", 36, 16),
    ("address", 52, 70),
    ("id_number", 122, 36),
    ("issuer", 158, 30),
    ("valid_from", 188, 16),
    ("valid_to", 204, 16),
)

LAYOUTS: dict[CardType, Layout] = {
    "resident": (*_RESIDENT_BASE, ("reserved", 220, 28), ("flag", 248, 2), ("tail", 250, 6)),
    "hmt_permit": (
        *_RESIDENT_BASE,
        ("pass_number", 220, 18),
        ("issue_count", 238, 4),
        ("reserved", 242, 6),
        ("flag", 248, 2),
        ("tail", 250, 6),
    ),
    "foreigner_old": (
        ("english_name", 0, 120),
        ("gender", 120, 2),
        ("id_number", 122, 30),
        ("nationality", 152, 6),
        ("name", 158, 30),
        ("valid_from", 188, 16),
        ("valid_to", 204, 16),
        ("birth_date", 220, 16),
        ("card_version", 236, 4),
        ("issuer", 240, 8),
        ("flag", 248, 2),
        ("tail", 250, 6),
    ),
    "foreigner_new": (
        ("name", 0, 30),
        ("gender", 30, 2),
        ("renewal_count", 32, 4),
        ("birth_date", 36, 16),
        ("english_name_1", 52, 70),
        ("id_number", 122, 36),
        ("reserved", 158, 30),
        ("valid_from", 188, 16),
        ("valid_to", 204, 16),
        ("english_name_2", 220, 22),
        ("nationality", 242, 6),
        ("flag", 248, 2),
        ("previous_link", 250, 6),
    ),
}

FLAGS: dict[CardType, str] = {
    "resident": " ",
    "hmt_permit": "J",
    "foreigner_old": "I",
    "foreigner_new": "Y",
}
_TYPE_BY_FLAG = {flag: card_type for card_type, flag in FLAGS.items()}


def card_type_of(block: bytes) -> CardType:
    """The document type from the flag at offset 248; anything but I/J/Y is a resident card."""
    flag = block[FLAG_OFFSET : FLAG_OFFSET + 2].decode("utf-16-le", errors="replace")
    return _TYPE_BY_FLAG.get(flag, "resident")


def decode_fields(block: bytes) -> tuple[CardType, dict[str, str]]:
    """The card type and every field of the block as stripped text."""
    if len(block) != TEXT_SIZE:
        raise CardDataError(f"text block is {len(block)} bytes, not {TEXT_SIZE}")
    card_type = card_type_of(block)
    fields = {}
    for name, offset, size in LAYOUTS[card_type]:
        fields[name] = _decode_text(block[offset : offset + size], name)
    if card_type == "foreigner_new":
        first = block[52:122].decode("utf-16-le", errors="replace")
        second = fields["english_name_2"]
        fields["english_name"] = (first + second).rstrip() if second else first.rstrip()
    return card_type, fields


def _decode_text(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-16-le").rstrip(" \x00")
    except UnicodeDecodeError as error:
        raise CardDataError(f"field {name} is not UCS-2: {error}") from error


def encode_fields(card_type: CardType, fields: dict[str, str]) -> bytes:
    """A 256-byte block with fields placed by the card type's layout (for simulators)."""
    values = dict(fields) | {"flag": FLAGS[card_type]}
    if card_type == "foreigner_new" and "english_name" in fields:
        english = fields["english_name"]
        values["english_name_1"], values["english_name_2"] = english[:35], english[35:46]
    block = bytearray(" ".encode("utf-16-le") * (TEXT_SIZE // 2))
    for name, offset, size in LAYOUTS[card_type]:
        block[offset : offset + size] = _encode_text(values.get(name, ""), size, name)
    return bytes(block)


def _encode_text(value: str, size: int, name: str) -> bytes:
    encoded = value.encode("utf-16-le")
    if len(encoded) > size:
        raise ValueError(f"{name}={value!r} is longer than {size // 2} characters")
    return encoded + " ".encode("utf-16-le") * ((size - len(encoded)) // 2)
