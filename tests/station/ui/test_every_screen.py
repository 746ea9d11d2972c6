"""Every screen and dialog (`screens_tour.SCENES`) at 80×24 and 120×40, in Chinese and
English: its SVG snapshot, and the walker's reading that each value a citizen checks on it is
shown whole (never cut at a column's or the screen's edge), with its footer keys, device states
and table columns whole. One run of the app per picture serves both.

The clock is fixed and there are no devices (the status bar reads "未连接"), so the pictures do
not move between runs. Update with
`pytest tests/station/ui/test_every_screen.py --snapshot-update` and review the SVGs: each
scene's `what` says what a reviewer should see.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.widgets import DataTable, Input

from station.core.store import StationStore
from tests.conftest import Sessions
from tests.pilot import footer_drawn, settle
from tests.station.ui.screens_tour import (
    LANGUAGES,
    SCENES,
    SIZES,
    Applications,
    Scene,
    app_for,
    arrive,
    counter_fixture,
)
from tests.station.ui.walker import cut_on_screen, tables_cut


def steady_and_walked(scene: Scene, apps: Applications, lang: str, cut: list[str]) -> Any:
    """Take the scene's steps, note in `cut` what the walker finds cut, then stop every text
    cursor blinking, so the picture is the same each run."""
    async def run(pilot: Any) -> None:
        await arrive(pilot, scene, apps)
        await footer_drawn(pilot)  # else the walker could find no footer key to read
        cut.extend(await cut_on_screen(pilot, scene.shows(apps, lang) if scene.shows else []))
        for node in pilot.app.screen.query(Input).results(Input):
            node.cursor_blink = False
        await settle(pilot)

    return run


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("scene", SCENES, ids=[s.name for s in SCENES])
def test_screen(snap_compare: Any, store: StationStore, sessions: Sessions, scene: Scene, lang: str,
                size: tuple[int, int]) -> None:
    apps = counter_fixture(store, sessions)
    cut: list[str] = []
    assert snap_compare(app_for(scene, store, lang), terminal_size=size,
                        run_before=steady_and_walked(scene, apps, lang, cut))
    assert not cut, f"{scene.name}: {cut}"


@pytest.mark.asyncio
@pytest.mark.parametrize(("width", "height", "cut"), [(4, 1, True), (4, 2, False), (None, 1, False)])
async def test_the_walker_sees_a_cell_cut(width: int | None, height: int, cut: bool) -> None:
    """The check itself: a cell wider than its fixed column and its row's height is cut; the
    same cell wrapped onto a row high enough, or in a column as wide as it, is whole."""

    class Table(App[None]):
        def compose(self) -> ComposeResult:
            yield DataTable(id="t")

        def on_mount(self) -> None:
            table = self.query_one(DataTable)
            table.add_column("x", width=width)
            table.add_row("abcdefgh", height=height)

    async with Table().run_test(size=(40, 10)) as pilot:
        assert bool(tables_cut(pilot.app)) is cut
