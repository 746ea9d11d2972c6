"""Label and value rows that wrap and never cut: what a citizen checks their data on."""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from rich.text import Text
from textual.geometry import Size
from textual.widgets import Static

from kernel.width import text_width

#: The label column takes what its longest label needs, up to this share of the width; a
#: longer label wraps inside it, so the value keeps the rest of the line.
LABEL_SHARE = 0.34
#: The narrowest a value gets before the label and notes beside it wrap to leave it room.
MIN_VALUE_WIDTH = 10


class ValueList(Static):
    """Rows of (label, notes..., value) laid out for the width the list has: the label column as
    wide as its labels need (at most a third), short note columns (a value's source, an
    operator) as wide as their text, and the value last, in all the rest, wrapping at any
    character when it must — so a value is never cut, at 80 columns or 200."""

    def __init__(self, headers: Sequence[str] = (), *, label_share: float = LABEL_SHARE,
                 id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.headers = tuple(headers)
        self.label_share = label_share
        self.rows: list[tuple[str, ...]] = []
        #: Cells from the list's left edge to where the value column starts, as last drawn.
        self.value_offset = 0

    def show(self, rows: Sequence[Sequence[str]]) -> None:
        """Show these rows; each is a label, then any notes, then the value."""
        self.rows = [tuple(row) for row in rows]
        self.refresh(layout=True)

    def column_widths(self, width: int) -> list[int]:
        """The label's and the notes' widths at `width`; the value takes what is left."""
        columns = max((len(row) for row in self.rows), default=len(self.headers))
        cells = [row + ("",) * (columns - len(row)) for row in self.rows]
        if self.headers:
            cells.append(self.headers + ("",) * (columns - len(self.headers)))
        widest = [max((text_width(row[i]) for row in cells), default=0) for i in range(columns - 1)]
        label = min(max(widest[:1] or [4]), max(4, int(width * self.label_share)))
        widths = [max(label, 4), *widest[1:]]
        room = width - len(widths) - max(MIN_VALUE_WIDTH, width // 3)  # the value keeps a third
        if sum(widths) > room > 0:  # the label and notes give way, in proportion, and wrap
            total = sum(widths)
            widths = [max(4, w * room // total) for w in widths]
        return widths

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        """As many lines as the rows take wrapped at `width` (not at the width last drawn)."""
        options = self.app.console.options.update_width(max(width, 1))
        return len(self.app.console.render_lines(self.table(width), options, pad=False))

    def render(self) -> Table:
        return self.table(self.size.width)

    def table(self, width: int) -> Table:
        """The rows laid out for `width` cells."""
        widths = self.column_widths(max(width, 20))
        self.value_offset = sum(w + 1 for w in widths)
        table = Table(box=None, expand=True, show_header=bool(self.headers), padding=(0, 1, 0, 0),
                      header_style="bold", show_edge=False)
        headers = self.headers + ("",) * (len(widths) + 1 - len(self.headers))
        table.add_column(headers[0], width=widths[0], overflow="fold", style="bold")
        for header, width in zip(headers[1:-1], widths[1:], strict=True):
            table.add_column(header, width=width, overflow="fold")
        table.add_column(headers[-1], ratio=1, overflow="fold")
        for row in self.rows:
            label, *notes, value = row + ("",) * (len(widths) + 1 - len(row))
            table.add_row(Text(label), *(Text(n) for n in notes), Text(value))
        return table
