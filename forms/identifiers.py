"""Citizen ID numbers (GB 11643) and unified social credit codes (GB 32100, GB 11714)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from forms.divisions import HMT_PERMIT_CODES, PROVINCES, hangzhou_divisions
from forms.errors import IdentifierError
from kernel.idnumber import id_check_char

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_VALUES = {char: index for index, char in enumerate(USCC_ALPHABET)}
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


@dataclass(frozen=True, slots=True)
class IdNumber:
    """A valid 18-character citizen ID number and what it encodes."""

    value: str
    division: str
    birth_date: date
    gender: str
    hmt_permit: bool
    division_retired: bool


def normalize_id_number(raw: str) -> str:
    """Spaces removed and a trailing lowercase x made uppercase."""
    return "".join(raw.split()).upper()


def parse_id_number(raw: str, today: date | None = None) -> IdNumber:
    """Validate an 18-character ID number (or HK/Macao/Taiwan permit number)."""
    value = normalize_id_number(raw)
    if len(value) != 18 or not value.isascii() or not value[:17].isdigit() \
            or not (value[17].isdigit() or value[17] == "X"):
        raise IdentifierError("id_format", value)
    if id_check_char(value[:17]) != value[17]:
        raise IdentifierError("id_check", value)
    division = value[:6]
    retired = _check_id_division(division)
    born = _birth_date(value[6:14], today or date.today())
    gender = "male" if int(value[16]) % 2 else "female"
    return IdNumber(value, division, born, gender, division in HMT_PERMIT_CODES, retired)


def _check_id_division(division: str) -> bool:
    if division in HMT_PERMIT_CODES:
        return False
    if division[:2] not in PROVINCES or division[:2] in ("81", "82", "83"):
        raise IdentifierError("id_division", division)
    if division.endswith("0000"):
        raise IdentifierError("id_division", division)
    known = hangzhou_divisions().get(division)
    return bool(known and known.retired)


def _birth_date(digits: str, today: date) -> date:
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError as exc:
        raise IdentifierError("id_birth_date", digits) from exc
    if born.year < 1880 or born > today:
        raise IdentifierError("id_birth_date", digits)
    return born


def org_check_char(body: str) -> str:
    """The GB 11714 check character of an 8-character organisation code body."""
    total = sum(_org_value(char) * weight for char, weight in zip(body, ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return {10: "X", 11: "0"}.get(check, str(check))


def _org_value(char: str) -> int:
    if char.isdigit():
        return int(char)
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    raise IdentifierError("uscc_org_code", char)


def uscc_check_char(body: str) -> str:
    """The GB 32100 check character of a 17-character credit code body."""
    total = sum(USCC_VALUES[char] * weight
                for char, weight in zip(body, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalize_credit_code(raw: str) -> str:
    """Spaces removed, uppercase."""
    return "".join(raw.split()).upper()


def validate_credit_code(raw: str) -> str:
    """The normalised unified social credit code, or raise `IdentifierError`."""
    value = normalize_credit_code(raw)
    if len(value) != 18 or any(char not in USCC_VALUES for char in value):
        raise IdentifierError("uscc_format", value)
    if uscc_check_char(value[:17]) != value[17]:
        raise IdentifierError("uscc_check", value)
    division = value[2:8]
    if not division.isdigit() or division[:2] not in PROVINCES | {"10"}:
        raise IdentifierError("uscc_division", division)
    org = value[8:17]
    if org_check_char(org[:8]) != org[8]:
        raise IdentifierError("uscc_org_code", org)
    return value
