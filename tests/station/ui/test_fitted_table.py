"""The fitted table: every cell is read whole, at the table's natural width or narrower."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult

from station.ui.widgets.fitted_table import FittedTable, fitted_widths


def test_columns_keep_their_width_while_everything_fits() -> None:
    assert fitted_widths([20, 6, 18], wrap=(0,), room=60, least=[8, 8, 8]) == [20, 6, 18]


def test_the_wrapping_columns_give_up_what_does_not_fit() -> None:
    assert fitted_widths([30, 6, 18, 5], wrap=(0,), room=40, least=[8, 8, 8, 8]) == [11, 6, 18, 5]
    assert fitted_widths([30, 10, 18], wrap=(0, 1), room=40, least=[8, 8, 8]) == [14, 8, 18]  # within the room
    assert fitted_widths([40, 10], wrap=(0, 1), room=25, least=[8, 9]) == [16, 9]  # "amendment" stays whole


class Table(App[None]):
    def compose(self) -> ComposeResult:
        yield FittedTable(id="t", wrap=(0,))

    def on_mount(self) -> None:
        self.query_one(FittedTable).show(["事项", "身份证号"], [("城乡居民基本医疗保险参保登记（新生儿）", "110101********0011"),
                                                             ("[b]卡[/b]", "330106********0022")])


@pytest.mark.asyncio
async def test_a_narrow_table_wraps_its_long_cells_and_keeps_brackets() -> None:
    async with Table().run_test(size=(40, 12)) as pilot:
        table = pilot.app.query_one(FittedTable)
        service, number = table.ordered_columns
        assert number.width == 18 and service.width < 30  # the ID number is never squeezed, the name gives way
        assert table.ordered_rows[0].height >= 2  # the service's name wraps onto more lines
        assert str(table.get_row_at(1)[0]) == "[b]卡[/b]"  # shown as typed, not read as markup
        await pilot.resize_terminal(100, 12)
        await pilot.pause()
        assert table.ordered_rows[0].height == 1  # wide enough again: one line
