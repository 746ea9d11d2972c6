"""The decoded card: a frozen record of what the chip holds, plus its raw bytes."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from devices.errors import CardDataError
from devices.idcard.nations import nation_name
from devices.idcard.text_block import CardType, decode_fields
from kernel.idnumber import is_valid_id_number
from kernel.masking import mask_id

LONG_TERM = "长期"
GENDERS = {"1": "男", "2": "女", "0": "未知", "9": "未说明"}
#: The keys of :meth:`IdCard.as_card_data`, the forms engine's view of a card.
CARD_DATA_KEYS = (
    "name",
    "gender",
    "nation",
    "birth_date",
    "address",
    "id_number",
    "issuer",
    "valid_from",
    "valid_to",
    "card_type",
)


@dataclass(frozen=True)
class RawCard:
    """What a read returns before decoding: text block, WLT photo, fingerprint, new address."""

    text: bytes
    photo: bytes
    fingerprint: bytes | None = None
    new_address: str | None = None


@dataclass(frozen=True)
class IdCard:
    """身份证 — a decoded identity document (resident card, HMT permit or foreigner card).

    ``nation`` is the nation name (汉) on resident cards, blank on HMT permits and the
    ISO 3166 alpha-3 nationality on foreigner cards. ``valid_to`` is None for 长期.
    """

    name: str
    gender: str
    nation: str
    birth_date: date
    address: str
    id_number: str
    issuer: str
    valid_from: date
    valid_to: date | None
    card_type: CardType
    expired: bool
    text_block: bytes = field(repr=False)
    photo: bytes = field(repr=False)
    fingerprint: bytes | None = field(default=None, repr=False)
    new_address: str | None = None
    english_name: str = ""
    pass_number: str = ""
    issue_count: str = ""
    card_version: str = ""
    renewal_count: str = ""

    @property
    def current_address(self) -> str:
        """The latest address: the appended new address if the card has one."""
        return self.new_address or self.address

    def as_card_data(self) -> dict[str, Any]:
        """The forms engine's card data: plain strings, ISO dates, None for 长期."""
        return {
            "name": self.name,
            "gender": self.gender,
            "nation": self.nation,
            "birth_date": self.birth_date.isoformat(),
            "address": self.current_address,
            "id_number": self.id_number,
            "issuer": self.issuer,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "card_type": self.card_type,
        }

    def masked(self) -> IdCard:
        """A copy safe to show on screen or in logs: ID number and addresses hidden."""
        hidden_address = _mask_address(self.address)
        new_address = _mask_address(self.new_address) if self.new_address else None
        return replace(
            self,
            id_number=mask_id(self.id_number),
            address=hidden_address,
            new_address=new_address,
            pass_number=mask_id(self.pass_number) if self.pass_number else "",
        )


def _mask_address(address: str) -> str:
    return address[:6] + "*" * max(0, len(address) - 6)


def decode_card(raw: RawCard, today: date) -> IdCard:
    """Decode a read into an :class:`IdCard`, checking dates and the check digit."""
    card_type, fields = decode_fields(raw.text)
    valid_to = _parse_valid_to(fields["valid_to"])
    id_number = fields["id_number"].upper()
    if card_type != "foreigner_old" and not is_valid_id_number(id_number):
        raise CardDataError(f"ID number {mask_id(id_number)} fails its check digit")
    return IdCard(
        name=fields["name"] or fields.get("english_name", ""),
        gender=GENDERS.get(fields["gender"], fields["gender"]),
        nation=_nation(card_type, fields),
        birth_date=_parse_date(fields["birth_date"], "birth_date"),
        address=fields.get("address", ""),
        id_number=id_number,
        issuer=fields.get("issuer", ""),
        valid_from=_parse_date(fields["valid_from"], "valid_from"),
        valid_to=valid_to,
        card_type=card_type,
        expired=valid_to is not None and valid_to < today,
        text_block=raw.text,
        photo=raw.photo,
        fingerprint=raw.fingerprint,
        new_address=raw.new_address,
        english_name=fields.get("english_name", ""),
        pass_number=fields.get("pass_number", ""),
        issue_count=fields.get("issue_count", ""),
        card_version=fields.get("card_version", ""),
        renewal_count=fields.get("renewal_count", ""),
    )


def _nation(card_type: CardType, fields: dict[str, str]) -> str:
    if card_type == "resident":
        return nation_name(fields["nation"])
    if card_type == "hmt_permit":
        return ""
    return fields["nationality"]


def _parse_valid_to(text: str) -> date | None:
    return None if text.strip() == LONG_TERM else _parse_date(text, "valid_to")


def _parse_date(text: str, name: str) -> date:
    if len(text) != 8 or not text.isascii() or not text.isdigit():
        raise CardDataError(f"{name}={text!r} is not YYYYMMDD")
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError as error:
        raise CardDataError(f"{name}={text!r}: {error}") from error
