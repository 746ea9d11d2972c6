"""Display width in terminal and printer columns: East Asian wide and full-width characters take two."""

from __future__ import annotations

import unicodedata


def char_width(char: str) -> int:
    """Columns one character takes: 2 for wide and full-width, 0 for combining marks, else 1."""
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def text_width(text: str) -> int:
    """Columns the text takes."""
    return sum(char_width(c) for c in text)


def pad(text: str, columns: int) -> str:
    """Text padded with spaces to `columns` display columns (as many as it takes when longer)."""
    return text + " " * max(0, columns - text_width(text))
