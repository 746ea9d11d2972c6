"""What the simulated printer put on paper: styled lines, QR codes, barcodes, images, cuts."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from devices.printer.width import COLUMNS, align


@dataclass(frozen=True)
class Style:
    """Text style in effect when a line printed."""

    align: str = "left"
    bold: bool = False
    underline: int = 0
    width: int = 1
    height: int = 1


@dataclass(frozen=True)
class PrintedLine:
    """A line of text as printed, with its style."""

    text: str
    style: Style = Style()
    #: Columns the line took on paper, counted from the bytes the printer received (not from
    #: the text, so a layout that measured a character wrongly shows here).
    columns: int = 0


@dataclass(frozen=True)
class PrintedQR:
    """A QR symbol printed by GS ( k function 181."""

    payload: bytes
    module_size: int
    error_correction: str
    model: int
    align: str

    @property
    def text(self) -> str:
        return self.payload.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class PrintedBarcode:
    """A barcode printed by GS k."""

    symbology: int
    data: bytes
    height: int
    module_width: int
    hri: int
    align: str

    @property
    def text(self) -> str:
        """The data without a CODE128 code-set selector ({A, {B, {C)."""
        text = self.data.decode("ascii", errors="replace")
        return text[2:] if text[:2] in ("{A", "{B", "{C") else text


@dataclass(frozen=True)
class PrintedImage:
    """A raster image printed by GS v 0 (1 bits are black dots)."""

    width: int
    height: int
    bits: bytes = field(repr=False)


Printed = PrintedLine | PrintedQR | PrintedBarcode | PrintedImage


@dataclass
class Receipt:
    """Paper between two cuts; ``interrupted`` when the printer stopped part-way."""

    items: list[Printed] = field(default_factory=list)
    cut: str | None = None
    interrupted: bool = False

    @property
    def lines(self) -> list[str]:
        """The text of the printed lines (QR codes, barcodes and images left out)."""
        return [item.text for item in self.items if isinstance(item, PrintedLine)]

    def overflowing(self, columns: int) -> list[PrintedLine]:
        """Lines wider than the paper's `columns`: a real printer would break them mid-word."""
        return [item for item in self.items if isinstance(item, PrintedLine) and item.columns > columns]

    @property
    def qr_payloads(self) -> list[str]:
        return [item.text for item in self.items if isinstance(item, PrintedQR)]

    @property
    def barcodes(self) -> list[str]:
        return [item.text for item in self.items if isinstance(item, PrintedBarcode)]

    def render_text(self, columns: int = COLUMNS[80]) -> str:
        """The receipt as plain text, aligned as printed (for previews and tests)."""
        rows = [_text_row(item, columns) for item in self.items]
        if self.interrupted:
            rows.append(align("~~ 打印中断 / interrupted ~~", columns, "center"))
        if self.cut == "torn":
            rows.append("~" * columns)
        elif self.cut:
            rows.append("✂" + "-" * (columns - 2))
        return "\n".join(row.rstrip() for row in rows)


def _text_row(item: Printed, columns: int) -> str:
    if isinstance(item, PrintedLine):
        spaced = item.text if item.style.width == 1 else _widen(item.text, item.style.width)
        return _place(spaced, item.columns, columns, item.style.align)
    if isinstance(item, PrintedQR):
        return align(f"[QR {item.text}]", columns, item.align)
    if isinstance(item, PrintedBarcode):
        return align(f"[CODE128 {item.text}]", columns, item.align)
    return f"[image {item.width}x{item.height}]"


def _widen(text: str, factor: int) -> str:
    """Double-width text drawn with spaces, so the text's width still matches the paper."""
    pad = " " * (factor - 1)
    return "".join(c + pad * glyph_columns(c) for c in text)


def glyph_columns(char: str) -> int:
    """Columns the head gives a character in Chinese mode: one for a single GB18030 byte (ASCII),
    two for anything longer — the printer's own count, not the encoder's measure."""
    return 1 if ord(char) < 0x80 else 2


def _place(text: str, used: int, columns: int, how: str) -> str:
    """Text that took `used` columns on paper, placed on a line of `columns` as the head did."""
    gap = max(0, columns - used)
    if how == "right":
        return " " * gap + text
    if how == "center":
        return " " * (gap // 2) + text
    return text


class PrinterModel:
    """Everything printed since the simulator started; thread-safe."""

    def __init__(self, paper_mm: int = 80) -> None:
        self.paper_mm = paper_mm
        self._receipts: list[Receipt] = [Receipt()]
        self.drawer_kicks = 0
        self.unknown_commands: list[bytes] = []
        self._changed = threading.Condition()

    @property
    def columns(self) -> int:
        return COLUMNS.get(self.paper_mm, 48)

    @property
    def receipts(self) -> list[Receipt]:
        """Receipts that have been cut, oldest first."""
        with self._changed:
            return [r for r in self._receipts if r.cut]

    @property
    def current(self) -> Receipt:
        """Paper printed since the last cut."""
        with self._changed:
            return self._receipts[-1]

    def add(self, item: Printed) -> None:
        with self._changed:
            self._receipts[-1].items.append(item)
            self._changed.notify_all()

    def cut(self, how: str) -> None:
        with self._changed:
            self._receipts[-1].cut = how
            self._receipts.append(Receipt())
            self._changed.notify_all()

    def tear(self) -> None:
        """The operator tears off an unfinished receipt (to load paper or clear a jam)."""
        with self._changed:
            if self._receipts[-1].items:
                self._receipts[-1].cut = "torn"
                self._receipts.append(Receipt())
                self._changed.notify_all()

    def interrupt(self) -> None:
        with self._changed:
            self._receipts[-1].interrupted = True
            self._changed.notify_all()

    def wait_for_receipts(self, count: int, timeout: float = 5.0) -> list[Receipt]:
        """Block until ``count`` receipts have been cut; returns them (raises on timeout)."""
        with self._changed:
            if not self._changed.wait_for(lambda: len(self._cut()) >= count, timeout):
                raise TimeoutError(f"{len(self._cut())} of {count} receipts after {timeout} s")
            return self._cut()

    def _cut(self) -> list[Receipt]:
        return [r for r in self._receipts if r.cut]

    def render_text(self) -> str:
        """Every receipt, cut or not, as text."""
        with self._changed:
            parts = [r.render_text(self.columns) for r in self._receipts if r.items or r.cut]
        return "\n".join(parts)
