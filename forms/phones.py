"""Mainland China phone numbers: mobile (11 digits) and landline (area code + number)."""

from __future__ import annotations

import re

from forms.errors import IdentifierError
from forms.text import DASHES, halfwidth

MOBILE = re.compile(r"1[3-9]\d{9}\Z")
LANDLINE = re.compile(r"(0(?:1\d|2\d|[3-9]\d{2}))([2-9]\d{6,7})(?:-(\d{1,6}))?\Z")
SEPARATORS = str.maketrans("", "", " ()")


def normalize_phone(raw: str) -> str:
    """A mobile as 11 digits, a landline as `0571-87654321` (with `-ext` if any)."""
    value = "".join("-" if char in DASHES else char for char in halfwidth(raw))
    value = "".join(value.split()).translate(SEPARATORS)
    for prefix in ("+86", "0086"):
        if value.startswith(prefix):
            value = value[len(prefix):].lstrip("-")
    compact = value.replace("-", "")
    if MOBILE.match(compact):
        return compact
    head, extension = value.rsplit("-", 1) if value.count("-") == 2 else (value, "")
    match = LANDLINE.match(head.replace("-", "") + (f"-{extension}" if extension else ""))
    if match is None:
        raise IdentifierError("phone_format", raw)
    area, number, ext = match.groups()
    return f"{area}-{number}" + (f"-{ext}" if ext else "")


def validate_phone(raw: str) -> str:
    """The normalised phone number, or raise `IdentifierError`."""
    return normalize_phone(raw)
