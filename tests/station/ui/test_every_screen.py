"""The walker: every screen and dialog (`screens_tour.SCENES`), at 80×24 and 120×40, in
Chinese and English, shows each value a citizen checks on it whole — never cut at a column's
or the screen's edge — and its footer keys and device states whole. It scrolls every
scrolling region page by page, so a value below the fold counts when it is whole there."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets._footer import FooterKey

from kernel.width import text_width
from station.core.store import StationStore
from station.ui.widgets.status.status_bar import StatusCell
from tests.conftest import Sessions
from tests.pilot import screen_lines, settle
from tests.station.ui.screens_tour import (
    LANGUAGES,
    SCENES,
    SIZES,
    Scene,
    app_for,
    arrive,
    counter_fixture,
)

MAX_PAGES = 40  # more than any screen here has


async def everything_shown(pilot: Any) -> list[str]:
    """Every row the screen shows, with each scrolling region paged through to its end."""
    rows = screen_lines(pilot.app)
    for widget in list(pilot.app.screen.query("*")):
        if not widget.display or getattr(widget, "max_scroll_y", 0) <= 0:
            continue
        widget.scroll_home(animate=False)
        await settle(pilot)
        for _ in range(MAX_PAGES):
            before = widget.scroll_y
            widget.scroll_page_down(animate=False)
            await settle(pilot)
            if widget.scroll_y <= before:  # at the end
                break
            rows += screen_lines(pilot.app)
    return rows


@pytest.mark.asyncio
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("scene", SCENES, ids=[s.name for s in SCENES])
async def test_what_a_citizen_checks_is_whole(store: StationStore, sessions: Sessions, scene: Scene,
                                              lang: str, size: tuple[int, int]) -> None:
    apps = counter_fixture(store, sessions)
    app = app_for(scene, store, lang)
    async with app.run_test(size=size) as pilot:
        await arrive(pilot, scene, apps)
        cut_chrome = chrome_cut(pilot.app)
        rows = await everything_shown(pilot)
    cut = [value for value in (scene.shows(apps) if scene.shows else []) if not any(value in row for row in rows)]
    assert not cut, f"{scene.name}: not shown whole: {cut}"
    assert not cut_chrome, f"{scene.name}: cut: {cut_chrome}"


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
