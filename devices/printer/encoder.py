"""Turn a :class:`~devices.printer.layout.ReceiptLayout` into ESC/POS bytes.

Each job starts with ESC @ and, on a Chinese profile, FS & (GB18030 text). Styles are set
right before a line and reset right after it, so every line stands on its own.
Characters the printer's font cannot print are replaced (``fallback="substitute"``) or
the whole line is sent as a raster image (``fallback="raster"``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from devices.errors import LayoutError
from devices.printer import commands as cmd
from devices.printer.charsets import Charset, Fallback
from devices.printer.layout import (
    Barcode,
    Columns,
    Cut,
    DrawerKick,
    Element,
    Feed,
    Line,
    QRCode,
    ReceiptLayout,
    Rule,
)
from devices.printer.width import COLUMNS, DOTS, char_width, spread, text_width, wrap


@dataclass(frozen=True)
class PrinterProfile:
    """What the printer can do: paper width, Chinese mode, the font's character set."""

    paper_mm: Literal[58, 80] = 80
    chinese: bool = True
    charset: Charset = "gb18030"
    fallback: Fallback = "substitute"
    substitute: str = "?"
    #: Extra characters the font lacks even though the charset has them.
    missing: frozenset[str] = field(default_factory=frozenset)

    @property
    def columns(self) -> int:
        return COLUMNS[self.paper_mm]

    @property
    def dots(self) -> int:
        return DOTS[self.paper_mm]

    def can_print(self, char: str) -> bool:
        """True if the printer's font has this character (in this mode)."""
        if char in self.missing or (char < " " or char == "\x7f"):
            return False
        if char.isascii():
            return True
        if not self.chinese:
            return False
        try:
            char.encode(self.charset)
        except UnicodeEncodeError:
            return False
        return self.charset == "gb18030" or len(char.encode("gb18030")) <= 2


class ReceiptEncoder:
    """Encodes layouts for one printer profile."""

    def __init__(self, profile: PrinterProfile | None = None) -> None:
        self.profile = profile or PrinterProfile()
        self._align = "left"
        self._handlers: dict[type, Callable[[object], bytes]] = {
            Line: self._line,  # type: ignore[dict-item]
            Columns: self._columns,  # type: ignore[dict-item]
            Rule: self._rule,  # type: ignore[dict-item]
            QRCode: self._qr,  # type: ignore[dict-item]
            Barcode: self._barcode,  # type: ignore[dict-item]
            Feed: lambda e: cmd.feed_lines(e.lines),  # type: ignore[attr-defined]
            Cut: lambda e: cmd.cut(e.partial, e.feed),  # type: ignore[attr-defined]
            DrawerKick: lambda e: cmd.drawer_kick(e.pin, e.on_ms, e.off_ms),  # type: ignore[attr-defined]
        }

    def encode(self, layout: ReceiptLayout) -> bytes:
        """The whole job: initialise, character mode, every element in order."""
        self._align = "left"
        parts = [cmd.initialise(), cmd.chinese_mode(self.profile.chinese)]
        parts.extend(self.element(element) for element in layout.elements)
        return b"".join(parts)

    def element(self, element: Element) -> bytes:
        """The bytes of one element (alignment state carries over between calls)."""
        handler = self._handlers.get(type(element))
        if handler is None:
            raise LayoutError(f"unknown layout element {element!r}")
        return handler(element)

    # --- text ------------------------------------------------------------------------

    def _line(self, line: Line) -> bytes:
        if not 1 <= line.size <= 8:
            raise LayoutError(f"size {line.size} is not 1-8")
        rows = wrap(line.text, self.profile.columns // line.size)
        return b"".join(self._styled_row(row, line) for row in rows)

    def _styled_row(self, text: str, line: Line) -> bytes:
        before, after = [self._set_align(line.align)], []
        if line.size != 1:
            before.append(cmd.character_size(line.size, line.size))
            after.append(cmd.character_size(1, 1))
        if line.bold:
            before.append(cmd.bold(True))
            after.append(cmd.bold(False))
        if line.underline:
            before.append(cmd.underline(1))
            after.append(cmd.underline(0))
        body = self._text(text, line.size)
        return b"".join([*before, body, *after])

    def _text(self, text: str, size: int) -> bytes:
        """Encoded text and LF; a raster image instead when the font lacks a character."""
        profile = self.profile
        if all(profile.can_print(c) for c in text):
            return _encode(text, profile) + cmd.LF
        if profile.fallback == "raster":
            from devices.printer.raster import render_line

            return render_line(text, profile.dots, size, self._align)
        return _encode(self._substitute(text), profile) + cmd.LF

    def _substitute(self, text: str) -> str:
        sub = self.profile.substitute
        return "".join(
            c if self.profile.can_print(c) else sub * max(1, char_width(c)) for c in text
        )

    def _columns(self, row: Columns) -> bytes:
        rows = spread(row.left, row.right, self.profile.columns, row.fill)
        line = Line("", "left", row.bold)
        return b"".join(self._styled_row(text, line) for text in rows)

    def _rule(self, rule: Rule) -> bytes:
        count = self.profile.columns // max(1, text_width(rule.char))
        return self._set_align("left") + self._text(rule.char * count, 1)

    def _set_align(self, how: str) -> bytes:
        if how == self._align:
            return b""
        self._align = how
        return cmd.align(how)

    # --- codes -------------------------------------------------------------------------

    def _qr(self, qr: QRCode) -> bytes:
        try:
            body = cmd.qr_code(qr.payload.encode("utf-8"), qr.module_size, qr.error_correction)
        except ValueError as error:
            raise LayoutError(str(error)) from error
        return self._set_align(qr.align) + body

    def _barcode(self, code: Barcode) -> bytes:
        data = code.data if code.data.startswith(("{A", "{B", "{C")) else "{B" + code.data
        try:
            raw = data.encode("ascii")
            body = cmd.barcode_code128(raw, code.height, code.module_width, code.hri)
        except (UnicodeEncodeError, ValueError) as error:
            raise LayoutError(f"CODE128 {code.data!r}: {error}") from error
        return self._set_align(code.align) + body + cmd.LF


def _encode(text: str, profile: PrinterProfile) -> bytes:
    codec = "gb18030" if profile.chinese else "ascii"
    return text.encode(codec, errors="replace")


def encode_receipt(layout: ReceiptLayout, profile: PrinterProfile | None = None) -> bytes:
    """ESC/POS bytes for a whole receipt."""
    return ReceiptEncoder(profile).encode(layout)
