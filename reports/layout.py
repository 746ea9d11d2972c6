"""Plain-data receipt layouts for the thermal printer, shaped like `devices.printer.layout`.

`reports` does not import `devices`: these dataclasses carry the same names, fields and
defaults, and `ReceiptLayout.to_dict()` gives the same JSON shape, so the station turns
one into the other with `devices.printer.layout.ReceiptLayout.from_dict(layout.to_dict())`.
A test keeps the two shapes equal.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, Literal

Align = Literal["left", "center", "right"]
ErrorCorrection = Literal["L", "M", "Q", "H"]
#: Columns of the standard 12 × 24 font on 58 mm and 80 mm paper.
COLUMNS = {58: 32, 80: 48}


@dataclass(frozen=True)
class Line:
    """A line of text, wrapped at the paper width; ``size`` magnifies 1–8 times."""

    text: str = ""
    align: Align = "left"
    bold: bool = False
    size: int = 1
    underline: bool = False


@dataclass(frozen=True)
class Columns:
    """Text at the left and at the right of one row."""

    left: str
    right: str
    bold: bool = False
    fill: str = " "


@dataclass(frozen=True)
class Rule:
    """A separator across the paper, drawn with ``char``."""

    char: str = "-"


@dataclass(frozen=True)
class QRCode:
    """A native QR code; the payload is sent as UTF-8 bytes."""

    payload: str
    module_size: int = 6
    error_correction: ErrorCorrection = "M"
    align: Align = "center"


@dataclass(frozen=True)
class Feed:
    """Blank paper, in lines."""

    lines: int = 1


@dataclass(frozen=True)
class Cut:
    """Feed to the cutter and cut; ``partial`` leaves a hinge."""

    partial: bool = False
    feed: int = 0


Element = Line | Columns | Rule | QRCode | Feed | Cut


@dataclass(frozen=True)
class ReceiptLayout:
    """A receipt: elements top to bottom, and a title for the print queue."""

    elements: tuple[Element, ...]
    title: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; each element carries its ``type`` name."""
        items = [{"type": type(e).__name__} | asdict(e) for e in self.elements]
        return {"title": self.title, "elements": items}

    def text(self) -> str:
        """The printed words, one element per line (for tests and previews)."""
        rows = []
        for element in self.elements:
            if isinstance(element, Line):
                rows.append(element.text)
            elif isinstance(element, Columns):
                rows.append(f"{element.left} {element.right}")
        return "\n".join(rows)

