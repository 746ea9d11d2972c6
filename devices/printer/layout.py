"""A small, plain-data receipt layout that any package can build without importing more.

A receipt is a :class:`ReceiptLayout`: a tuple of elements printed top to bottom::

    ReceiptLayout((
        Line("杭州市西湖区便民服务中心", align="center", bold=True, size=2),
        Rule(),
        Columns("受理编号", "330106-20250601-0001"),
        Line("请凭此回执领取办理结果。"),
        QRCode("https://hub.example/r/330106-20250601-0001"),
        Cut(),
    ), title="受理回执")

Text wraps at the paper's width (32 or 48 columns; CJK characters are two columns
wide). The encoder (:mod:`devices.printer.encoder`) turns it into ESC/POS bytes, and
:meth:`ReceiptLayout.to_dict` / :meth:`ReceiptLayout.from_dict` give it a JSON shape.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, Literal

Align = Literal["left", "center", "right"]
ErrorCorrection = Literal["L", "M", "Q", "H"]
HriPosition = Literal["none", "above", "below", "both"]


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
    """Text at the left and at the right of one row: ``受理编号      330106-…``."""

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
    """A native QR code (GS ( k); the payload is sent as UTF-8 bytes."""

    payload: str
    module_size: int = 6
    error_correction: ErrorCorrection = "M"
    align: Align = "center"


@dataclass(frozen=True)
class Barcode:
    """A CODE128 barcode (code set B unless ``data`` starts with ``{A``/``{B``/``{C``)."""

    data: str
    height: int = 80
    module_width: int = 2
    hri: HriPosition = "below"
    align: Align = "center"


@dataclass(frozen=True)
class Feed:
    """Blank paper, in lines."""

    lines: int = 1


@dataclass(frozen=True)
class Cut:
    """Feed to the cutter and cut; ``partial`` leaves a hinge; ``feed`` adds motion units."""

    partial: bool = False
    feed: int = 0


@dataclass(frozen=True)
class DrawerKick:
    """Pulse the cash-drawer connector (pin 2 or 5)."""

    pin: Literal[2, 5] = 2
    on_ms: int = 100
    off_ms: int = 100


Element = Line | Columns | Rule | QRCode | Barcode | Feed | Cut | DrawerKick
ELEMENT_TYPES: dict[str, type[Element]] = {
    cls.__name__: cls for cls in (Line, Columns, Rule, QRCode, Barcode, Feed, Cut, DrawerKick)
}


@dataclass(frozen=True)
class ReceiptLayout:
    """A receipt: elements top to bottom, and a title for the print queue."""

    elements: tuple[Element, ...]
    title: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; each element carries its ``type`` name."""
        items = [{"type": type(e).__name__} | asdict(e) for e in self.elements]
        return {"title": self.title, "elements": items}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ReceiptLayout:
        """The layout :meth:`to_dict` produced."""
        elements = []
        for item in data["elements"]:
            element_type = ELEMENT_TYPES[item["type"]]
            names = {f.name for f in fields(element_type)}
            elements.append(element_type(**{k: v for k, v in item.items() if k in names}))
        return cls(tuple(elements), data.get("title", ""))
