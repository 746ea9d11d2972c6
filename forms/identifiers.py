"""Citizen ID numbers (GB 11643) and unified social credit codes (GB 32100, GB 11714).

What a clerk types is normalised first: full-width digits and letters (a Chinese keyboard
in full-width mode), spaces and hyphens. Division codes are checked against every GB/T
2260 code ever in use (`forms.divisions.national_codes`): a retired code stays valid in
an ID number issued while it was in use, a code that never existed does not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from forms.divisions import HMT_PERMIT_CODES, national_codes
from forms.errors import IdentifierError
from forms.text import compact_identifier
from kernel.idnumber import id_check_char

USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_VALUES = {char: index for index, char in enumerate(USCC_ALPHABET)}
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
#: GB 32100-2015 表1: registration department (登记管理部门, 1st character) and the
#: organisation categories (机构类别, 2nd character) it may assign. 1 机构编制, 2 外交,
#: 3 司法行政, 4 文化, 5 民政, 6 旅游, 7 宗教, 8 工会, 9 工商 (市场监管), A 中央军委改革和
#: 编制办公室, N 农业, Y 其他 (category always 1).
USCC_AUTHORITIES: dict[str, frozenset[str]] = {
    "1": frozenset("1239"), "2": frozenset("19"), "3": frozenset("123459"),
    "4": frozenset("19"), "5": frozenset("1239"), "6": frozenset("129"),
    "7": frozenset("129"), "8": frozenset("19"), "9": frozenset("123"),
    "A": frozenset("19"), "N": frozenset("1239"), "Y": frozenset("1"),
}
#: The registering authority's division of a national-level registration.
NATIONAL_REGISTRY = "100000"


#: The first digit of a 2023 foreigner permanent-residence number (no GB/T 2260 code starts
#: with 9); and the shape of the 2017 card's 15-character number.
FOREIGNER_PR_PREFIX = "9"
FOREIGNER_PR_2017 = re.compile(r"[A-Z]{3}[0-9]{12}")


@dataclass(frozen=True, slots=True)
class IdNumber:
    """A valid 18-character ID number (citizen, HK/Macao/Taiwan permit or 2023 foreigner
    permanent-residence card) and what it encodes."""

    value: str
    division: str
    birth_date: date
    gender: str
    hmt_permit: bool
    division_retired: bool
    #: A 2023 foreigner permanent-residence number: 9, the accepting province's two digits and a
    #: three-digit nationality code in place of the place code (`division` is the province).
    foreigner_pr: bool = False


def normalize_id_number(raw: str) -> str:
    """Half-width, spaces and hyphens removed, a trailing x (or ｘ) made uppercase."""
    return compact_identifier(raw)


def parse_id_number(raw: str, today: date | None = None) -> IdNumber:
    """Validate an 18-character ID number (or HK/Macao/Taiwan permit number)."""
    value = normalize_id_number(raw)
    if len(value) != 18 or not value.isascii() or not value[:17].isdigit() \
            or not (value[17].isdigit() or value[17] == "X"):
        raise IdentifierError("id_format", value)
    if id_check_char(value[:17]) != value[17]:
        raise IdentifierError("id_check", value)
    if value[0] == FOREIGNER_PR_PREFIX:
        division, retired = _check_pr_province(value[1:3]), False
    else:
        division = value[:6]
        retired = _check_id_division(division)
    born = _birth_date(value[6:14], today or date.today())
    gender = "male" if int(value[16]) % 2 else "female"
    return IdNumber(value, division, born, gender, division in HMT_PERMIT_CODES, retired,
                    foreigner_pr=value[0] == FOREIGNER_PR_PREFIX)


def validate_person_number(raw: str) -> str:
    """A person's number as a card carries it: an 18-character ID number (citizen, HK/Macao/
    Taiwan permit, 2023 foreigner permanent-residence card), or the 15-character number of a
    2017 foreigner permanent-residence card (three letters of nationality, then the province
    that accepted it and ten digits; its check is not published, so only its shape and
    province are checked)."""
    value = normalize_id_number(raw)
    if FOREIGNER_PR_2017.fullmatch(value):
        _check_pr_province(value[3:5])
        return value
    return parse_id_number(value).value


def _check_pr_province(digits: str) -> str:
    """The province code a permanent-residence number names, as a GB/T 2260 code."""
    code = f"{digits}0000"
    known = national_codes().get(code)
    if known is None or known.status != "province":
        raise IdentifierError("id_division", code)
    return code


def _check_id_division(division: str) -> bool:
    """True when the code is retired; raise when it is no GB/T 2260 county or prefecture."""
    if division in HMT_PERMIT_CODES:
        return False
    known = national_codes().get(division)
    if known is None or known.status == "province":
        raise IdentifierError("id_division", division)
    return known.status == "retired"


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
    """Half-width, spaces and hyphens removed, uppercase."""
    return compact_identifier(raw)


def validate_credit_code(raw: str) -> str:
    """The normalised unified social credit code, or raise `IdentifierError`."""
    value = normalize_credit_code(raw)
    if len(value) != 18 or any(char not in USCC_VALUES for char in value):
        raise IdentifierError("uscc_format", value)
    if uscc_check_char(value[:17]) != value[17]:
        raise IdentifierError("uscc_check", value)
    if value[1] not in USCC_AUTHORITIES.get(value[0], frozenset()):
        raise IdentifierError("uscc_authority", value[:2])
    division = value[2:8]
    if division != NATIONAL_REGISTRY and division not in national_codes():
        raise IdentifierError("uscc_division", division)
    org = value[8:17]
    if org_check_char(org[:8]) != org[8]:
        raise IdentifierError("uscc_org_code", org)
    return value
