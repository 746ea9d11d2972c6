"""Display width on a receipt: CJK and full-width characters take two columns."""

from __future__ import annotations

import unicodedata

#: Columns of the standard 12 × 24 font on 58 mm and 80 mm paper.
COLUMNS = {58: 32, 80: 48}
#: Printable dots across 58 mm and 80 mm paper (203 dpi heads).
DOTS = {58: 384, 80: 576}


def char_width(char: str) -> int:
    """Columns one character takes: 2 for wide and full-width, 0 for combining marks."""
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def text_width(text: str) -> int:
    """Columns the text takes."""
    return sum(char_width(c) for c in text)


def wrap(text: str, columns: int) -> list[str]:
    """Break text into lines of at most ``columns``; never splits a wide character."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(_wrap_paragraph(paragraph, max(columns, 2)))
    return lines


def _wrap_paragraph(text: str, columns: int) -> list[str]:
    lines, current, used = [], "", 0
    for char in text:
        width = char_width(char)
        if used + width > columns:
            lines.append(current.rstrip(" "))
            current, used = ("", 0) if char == " " else (char, width)
            continue
        current += char
        used += width
    lines.append(current)
    return lines


def align(text: str, columns: int, how: str) -> str:
    """Pad text to ``columns`` for left, center or right alignment (for text rendering)."""
    gap = max(0, columns - text_width(text))
    if how == "right":
        return " " * gap + text
    if how == "center":
        return " " * (gap // 2) + text + " " * (gap - gap // 2)
    return text + " " * gap


def spread(left: str, right: str, columns: int, fill: str = " ") -> list[str]:
    """One row with left and right text apart; two rows when they do not fit together."""
    gap = columns - text_width(left) - text_width(right)
    if gap >= 1:
        return [left + _fill(fill, gap) + right]
    return [*wrap(left, columns), *(align(r, columns, "right") for r in wrap(right, columns))]


def _fill(fill: str, gap: int) -> str:
    unit = max(1, text_width(fill))
    return (fill * (gap // unit)).ljust(gap)
