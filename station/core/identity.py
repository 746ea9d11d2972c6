"""Applicant identifiers as the core needs them: valid or not, and masked for display.

The algorithms (GB 11643 citizen ID numbers, GB 32100 credit codes) live in
`forms.identifiers`; the core refuses an application whose applicant cannot be
identified at all.
"""

from __future__ import annotations

from collections.abc import Callable

from forms import IdentifierError, parse_id_number, validate_credit_code
from forms.identifiers import normalize_id_number, validate_person_number
from kernel.masking import mask_id

#: `mask_id` is the kernel's; station/ui still imports it from here.
__all__ = ["is_valid_credit_code", "is_valid_id_number", "is_valid_typed_id_number", "mask_id", "normalise_id_number"]


def normalise_id_number(text: str) -> str:
    """Half-width, without spaces or hyphens, a trailing x upper-cased."""
    return normalize_id_number(text)


def is_valid_id_number(text: str) -> bool:
    """A well-formed number of a person's card: a citizen ID number, an HK/Macao/Taiwan permit
    number or a foreigner's permanent-residence number (2023 or 2017 card)."""
    return _passes(validate_person_number, text)


def is_valid_typed_id_number(text: str) -> bool:
    """An 18-character number typed without a card, which must carry its birth date and gender
    (the 2017 foreigner card's number does not, so it is read from the card only)."""
    return _passes(parse_id_number, text)


def is_valid_credit_code(text: str) -> bool:
    """A unified social credit code with correct check characters."""
    return _passes(validate_credit_code, text)


def _passes(check: Callable[[str], object], text: str) -> bool:
    try:
        check(text)
    except IdentifierError:
        return False
    return True
