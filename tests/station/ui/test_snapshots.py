"""SVG snapshots of every screen and dialog (`screens_tour.SCENES`) at 80×24 and 120×40, in
Chinese and English.

The clock is fixed and there are no devices (the status bar reads "未连接"), so the pictures
do not move between runs. Update with
`pytest tests/station/ui/test_snapshots.py --snapshot-update` and review the SVGs: each
scene's `what` says what a reviewer should see.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input

from station.core.store import StationStore
from tests.conftest import Sessions
from tests.pilot import settle
from tests.station.ui.screens_tour import (
    LANGUAGES,
    SCENES,
    SIZES,
    Scene,
    app_for,
    arrive,
    counter_fixture,
)


def steady(scene: Scene, apps: Any) -> Any:
    """Take the scene's steps, then stop every text cursor blinking, so the picture is the
    same each run."""
    async def run(pilot: Any) -> None:
        await arrive(pilot, scene, apps)
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
    assert snap_compare(app_for(scene, store, lang), terminal_size=size, run_before=steady(scene, apps))
