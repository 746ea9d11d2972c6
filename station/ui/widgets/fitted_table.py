"""A table whose cells are read whole at any width: never cut at a column's or the screen's edge."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.widgets import DataTable

from kernel.width import text_width

Cell = str | Text


def natural_width(cell: Cell) -> int:
    """The cells a value takes on one line per line it holds."""
    return max((text_width(line) for line in str(cell).split("\n")), default=0)


def longest_word(cell: Cell) -> int:
    """The widest run without a space: what a wrapped line cannot break without folding it."""
    return max((text_width(word) for word in str(cell).split()), default=0)


def fitted_widths(natural: Sequence[int], wrap: Sequence[int], room: int, least: Sequence[int]) -> list[int]:
    """Each column's width in `room` cells: its natural width while everything fits; else the
    columns in `wrap` share what the others leave, in proportion to their natural widths and
    none narrower than its `least` (their cells wrap onto more lines)."""
    widths = list(natural)
    if not room or sum(widths) <= room:
        return widths
    wrapping = {i % len(widths) for i in wrap}
    left = room - sum(w for i, w in enumerate(widths) if i not in wrapping)
    free = sorted(wrapping)
    while free:  # a column whose share is below its least keeps its least; the rest share again
        budget = left - sum(widths[i] for i in wrapping - set(free))
        wanted = sum(natural[i] for i in free) or 1
        shares = {i: min(natural[i], budget * natural[i] // wanted) for i in free}
        pinned = [i for i in free if shares[i] < min(least[i], natural[i])]
        for i in pinned:
            widths[i] = min(least[i], natural[i])
        if not pinned:
            for i, share in shares.items():
                widths[i] = share
            break
        free = [i for i in free if i not in pinned]
    return widths


class FittedTable(DataTable[Text]):
    """Rows of text whose columns are as wide as their widest line; when the table is narrower
    than that, the columns named in `wrap` (by index, -1 for the last) give up width and their
    cells wrap onto more lines, so a value is never cut. Laid out again when its width changes.
    Cells are plain text (a name with brackets is shown as typed) or styled `Text`."""

    NARROWEST = 8  # a wrapping column keeps room for a word of this width at least,
    WORD_KEPT = 12  # and for its longest word up to this width (a longer one, or CJK, folds)

    def __init__(self, *, wrap: Sequence[int] = (-1,), **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self.wrap = tuple(wrap)
        self.headers: tuple[str, ...] = ()
        self.cells: list[tuple[Cell, ...]] = []
        self.keys: list[str | None] = []
        self.laid_out_for = -1

    def show(self, headers: Sequence[str], rows: Sequence[Sequence[Cell]],
             keys: Sequence[str | None] | None = None) -> None:
        """Show `rows` under `headers`, keeping the cursor on the same line where it can."""
        self.headers, self.cells = tuple(headers), [tuple(row) for row in rows]
        self.keys = list(keys) if keys is not None else [None] * len(self.cells)
        self.lay_out()

    def on_resize(self, event: events.Resize) -> None:
        if self.headers and self.size.width != self.laid_out_for:
            self.lay_out()

    def lay_out(self) -> None:
        row = self.cursor_row
        self.laid_out_for = self.size.width
        natural = [max([natural_width(h), *(natural_width(r[i]) for r in self.cells)])
                   for i, h in enumerate(self.headers)]
        least = [max(self.NARROWEST, min(self.WORD_KEPT, max([longest_word(h), *(longest_word(r[i]) for r in self.cells)])))
                 for i, h in enumerate(self.headers)]
        room = max(0, self.size.width - 2 * self.cell_padding * len(natural) - 2)  # a scrollbar
        widths = fitted_widths(natural, self.wrap, room if self.size.width else 0, least)
        self.clear(columns=True)
        for header, width in zip(self.headers, widths, strict=True):
            self.add_column(header, width=width)
        for cells, key in zip(self.cells, self.keys, strict=True):
            texts = [c if isinstance(c, Text) else Text(c) for c in cells]
            self.add_row(*texts, key=key, height=self.height_of(texts, widths))
        if self.row_count:
            self.move_cursor(row=min(max(row, 0), self.row_count - 1))

    def height_of(self, texts: Sequence[Text], widths: Sequence[int]) -> int:
        """The lines a row needs with its cells wrapped at their columns' widths (counted here:
        a row left to size itself was at times drawn empty on a real terminal)."""
        return max([1, *(len(text.wrap(self.app.console, max(width, 1))) for text, width in zip(texts, widths, strict=True))])
