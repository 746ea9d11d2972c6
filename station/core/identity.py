"""Applicant identifiers the core checks before storing: citizen ID numbers and credit codes.

GB 11643-1999 (ISO 7064 MOD 11-2 check character) and GB 32100-2015 (MOD 31 check
character). The forms package validates fields in full; the core refuses an application
whose applicant cannot be identified at all.
"""

from __future__ import annotations

from datetime import date

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def id_check_char(first17: str) -> str:
    """The 18th character of a citizen ID number."""
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def normalise_id_number(text: str) -> str:
    """Strip spaces and upper-case a trailing x."""
    return text.strip().replace(" ", "").upper()


def is_valid_id_number(text: str) -> bool:
    """An 18-character number with a real birth date and a correct check character."""
    number = normalise_id_number(text)
    if len(number) != 18 or not number[:17].isdigit():
        return False
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return id_check_char(number[:17]) == number[17]


def credit_code_check_char(first17: str) -> str:
    """The 18th character of a unified social credit code."""
    total = sum(_USCC_ALPHABET.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return _USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(text: str) -> bool:
    """An 18-character code over the GB 32100 alphabet with a correct check character."""
    code = text.strip().upper()
    if len(code) != 18 or any(c not in _USCC_ALPHABET for c in code):
        return False
    return credit_code_check_char(code[:17]) == code[17]


def mask_id(text: str) -> str:
    """First six and last four characters, the middle hidden: 330106********123X."""
    if len(text) <= 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]
