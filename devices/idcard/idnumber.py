"""公民身份号码 — the GB 11643 check character (ISO 7064 MOD 11-2)."""

from __future__ import annotations

_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]
_CHECK = "10X98765432"


def check_character(first17: str) -> str:
    """The check character ('0'-'9' or 'X') for the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError(f"need 17 digits, got {first17!r}")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def is_valid(id_number: str) -> bool:
    """True if id_number is 17 digits and the right check character."""
    if len(id_number) != 18:
        return False
    try:
        return check_character(id_number[:17]) == id_number[17].upper()
    except ValueError:
        return False


def mask(id_number: str) -> str:
    """The number with the middle hidden, as counters print it: 3301**********123X."""
    if len(id_number) <= 8:
        return "*" * len(id_number)
    return id_number[:4] + "*" * (len(id_number) - 8) + id_number[-4:]
