"""公民身份号码 — the GB 11643 check character (ISO 7064 MOD 11-2) of citizen ID numbers."""

from __future__ import annotations

#: Weights of the first 17 digits: 2^(17-i) mod 11.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
#: The check character for each remainder mod 11.
ID_CHECK = "10X98765432"


def id_check_char(body: str) -> str:
    """The check character ('0'-'9' or 'X') of 17 ASCII digits; ValueError otherwise."""
    if len(body) != 17 or not body.isascii() or not body.isdigit():
        raise ValueError(f"need 17 digits, got {body!r}")
    total = sum(int(digit) * weight for digit, weight in zip(body, ID_WEIGHTS, strict=True))
    return ID_CHECK[total % 11]


def is_valid_id_number(text: str) -> bool:
    """True for 17 digits followed by their check character (a lowercase x is accepted)."""
    if len(text) != 18:
        return False
    try:
        return id_check_char(text[:17]) == text[17].upper()
    except ValueError:
        return False
