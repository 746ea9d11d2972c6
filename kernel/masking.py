"""The one masking policy for identity numbers: the first six and last four characters shown.

Receipts, documents, screens, logs and the card reader's output all print
330106********123X; a value of ten characters or fewer is hidden whole.
"""

from __future__ import annotations

import re

#: An 18-character citizen ID number or credit code inside free text.
_ID_IN_TEXT = re.compile(
    r"(?<![0-9A-Za-z])([0-9A-Z]{6})([0-9A-Z]{8})([0-9A-Z]{3}[0-9A-Za-z])(?![0-9A-Za-z])"
)


def mask_id(number: str) -> str:
    """330106********123X: the middle hidden; masking a masked number changes nothing."""
    text = number.strip()
    if len(text) <= 10:
        return "*" * len(text)
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def mask_ids_in_text(text: str) -> str:
    """The text with every 18-character ID number or credit code in it masked."""
    return _ID_IN_TEXT.sub(lambda m: m.group(1) + "*" * 8 + m.group(3), text)


def mask_name(name: str) -> str:
    """张**: a person's name with all but its first character hidden (the citizens' pages)."""
    text = name.strip()
    return text[:1] + "*" * max(len(text) - 1, 1) if text else ""
