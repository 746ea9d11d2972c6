"""Receipt lines by the columns a Chinese receipt printer really prints: wrapping, alignment
and two-sided rows.

A printer in Chinese mode prints every character its GB18030 bytes name: one byte is a
half-width glyph, two or four bytes a full-width one. So `·` `“` `”` `—` `…` `①` `×` — one
column in a terminal (East Asian width "ambiguous") — take two on paper, and a name such as
买买提·艾力 is eleven columns, not ten.
"""

from __future__ import annotations

from kernel import width as terminal

#: Columns of the standard 12 × 24 font on 58 mm and 80 mm paper.
COLUMNS = {58: 32, 80: 48}
#: Printable dots across 58 mm and 80 mm paper (203 dpi heads).
DOTS = {58: 384, 80: 576}


__all__ = ["COLUMNS", "DOTS", "align", "char_width", "spread", "text_width", "wrap"]


def char_width(char: str) -> int:
    """Columns one character takes on paper: 1 for a one-byte GB18030 character, 2 for more;
    a character GB18030 cannot carry (a lone surrogate) is as wide as a terminal shows it."""
    try:
        return 1 if len(char.encode("gb18030")) == 1 else 2
    except UnicodeEncodeError:
        return terminal.char_width(char)


def text_width(text: str) -> int:
    """Columns the text takes on paper."""
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
