"""The walker: what a screen on show leaves cut. It reads every row the screen shows and each
widget's own text, scrolling every scrolling region page by page (so a value below the fold
counts when it is whole there) and putting it back, and it finds footer keys, device states,
table columns and lines of text that reach past their edge."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.geometry import Region
from textual.widgets import DataTable
from textual.widgets._data_table import default_cell_formatter
from textual.widgets._footer import FooterKey

from kernel.width import text_width
from station.ui.widgets.status.status_bar import StatusCell
from station.ui.widgets.value_list import MIN_VALUE_WIDTH, ValueList
from tests.pilot import settle


async def cut_on_screen(pilot: Any, wanted: list[str]) -> list[str]:
    """What is cut on the screen in front: each of the `wanted` values not shown whole anywhere
    on it, then the footer keys and status cells, tables, value lists and lines of text cut at
    an edge. Every scrolling region is back where it was when this returns."""
    cut_chrome = chrome_cut(pilot.app)
    cut_tables = tables_cut(pilot.app) + values_squeezed(pilot.app) + clipped(pilot.app)
    rows = await everything_shown(pilot)
    missing = [value for value in wanted if not any(value.replace(" ", "") in text for text in rows)]
    return [f"not shown whole: {value}" for value in missing] + cut_chrome + cut_tables


MAX_PAGES = 40  # more than any screen here has


async def everything_shown(pilot: Any) -> list[str]:
    """Every row the screen shows, and each widget's own text (its rows joined, so a value it
    wraps reads as one string), with each scrolling region paged through from its top to its
    end and then put back where it was; spaces are left out."""
    seen = shown_now(pilot.app)
    for widget in list(pilot.app.screen.query("*")):
        if not widget.display or getattr(widget, "max_scroll_y", 0) <= 0:
            continue
        where = (widget.scroll_x, widget.scroll_y)
        widget.scroll_home(animate=False)
        await settle(pilot)
        seen += shown_now(pilot.app)
        for _ in range(MAX_PAGES):
            before = widget.scroll_y
            widget.scroll_page_down(animate=False)
            await settle(pilot)
            if widget.scroll_y <= before:  # at the end
                break
            seen += shown_now(pilot.app)
        widget.scroll_to(*where, animate=False)
        await settle(pilot)
    return seen


def shown_now(app: Any) -> list[str]:
    strips = app.screen._compositor.render_strips()
    leaves = [w for w in app.screen.query("*") if not w.children and w.display]
    texts = [strip.text.replace(" ", "") for strip in strips]
    for widget in leaves:
        texts += [column(strips, region) for region in text_regions(widget)]
    return texts


def text_regions(widget: Any) -> list[Region]:
    """Where `widget` shows its text on the screen, within every region around it: the whole
    widget, or for a table each column apart (a cell that wraps reads as one string)."""
    region = widget.region
    for node in widget.ancestors_with_self:
        if hasattr(node, "region"):
            region = region.intersection(node.region)
    if not isinstance(widget, DataTable):
        return [region]
    regions, x = [], widget.region.x - int(widget.scroll_x)
    for col in widget.ordered_columns:
        width = col.get_render_width(widget)
        regions.append(region.intersection(Region(x, region.y, width, region.height)))
        x += width
    return regions


def column(strips: list[Any], region: Region) -> str:
    return "".join(strips[y].crop(region.x, region.right).text for y in range(region.y, region.bottom)
                   ).replace(" ", "")



def chrome_cut(app: Any) -> list[str]:
    """The footer keys that reach past the screen's edge, and the status cells whose text is
    wider than the cell."""
    screen = app.screen
    width = app.size.width
    keys = [f"{k.key_display} {k.description}" for k in screen.query(FooterKey).results(FooterKey)
            if k.region.right > width]
    cells = [c.fitted(c.content_size.width) for c in screen.query(StatusCell).results(StatusCell)
             if c.content_size.width and text_width(c.fitted(c.content_size.width)) > c.content_size.width]
    return keys + cells


def tables_cut(app: Any) -> list[str]:
    """The columns of every table on the screen that cannot show a cell whole: a cell that
    wraps to more lines than its row is high, or a column reaching past the table's right
    edge (a table never needs scrolling sideways)."""
    cut = []
    for table in app.screen.query(DataTable).results(DataTable):
        right = table.scrollable_content_region.width
        if not table.row_count or not right:  # empty, or on a tab not shown
            continue
        x = 0
        for col in table.ordered_columns:
            width = col.get_render_width(table)
            name = f"#{table.id} {col.label.plain}"
            if x + width > right:
                cut.append(f"{name}: past the edge ({x + width} > {right})")
            elif not col.auto_width and (lines := cell_lines(app, table, col)) is not None:
                cut.append(f"{name}: {lines} lines in a row of fewer, {col.width} cells wide")
            x += width
    return cut


def clipped(app: Any) -> list[str]:
    """The widgets of text that reach past the right edge of what holds them (a line that does
    not wrap, cut at the screen's or a panel's edge)."""
    found = []
    for widget in app.screen.query("Static, Label"):
        if not widget.display or not widget.region.width:
            continue
        edge = min((node.region.right for node in widget.ancestors if hasattr(node, "region")
                    and node.region.width), default=app.size.width)
        if widget.region.right > min(edge, app.size.width):
            found.append(f"{type(widget).__name__}#{widget.id}: {str(widget.render())[:40]!r}")
    return found


def values_squeezed(app: Any) -> list[str]:
    """The label-and-value lists whose value column is left too narrow to read (a word broken
    every few cells), though its values are wider."""
    squeezed = []
    for values in app.screen.query(ValueList).results(ValueList):
        width = values.size.width
        if not values.rows or not width:
            continue
        room = width - sum(w + 1 for w in values.column_widths(width))
        widest = max(text_width(row[-1]) for row in values.rows)
        if room < min(widest, MIN_VALUE_WIDTH):
            squeezed.append(f"#{values.id}: values get {room} cells")
    return squeezed


def cell_lines(app: Any, table: DataTable[Any], col: Any) -> int | None:
    """The lines of the first cell in `col` that its row is too low to show, if any."""
    for row in table.ordered_rows:
        value = default_cell_formatter(table.get_cell(row.key, col.key))
        if not isinstance(value, Text):
            continue
        lines = len(value.wrap(app.console, col.width))
        if lines > row.height:
            return lines
    return None
