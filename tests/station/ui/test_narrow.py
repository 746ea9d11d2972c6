"""Pilot at 80×24, in Chinese and English: the footer keeps the keys that matter, every status
cell says its state, the demo card picker shows its hint and plain card names, and the list's
filters stay on one line."""

from __future__ import annotations

import pytest
from textual.widgets import OptionList

from devices import DemoDevices
from station.core.store import StationStore
from station.ui.app import make_app
from station.ui.dialogs.demo_card import DemoCardDialog
from station.ui.screens.applications import ApplicationsScreen
from station.ui.widgets.status.status_bar import StatusCell
from tests.pilot import screen_lines
from tests.station.ui.conftest import login, settle, until

SMALL = (80, 24)
WORDS = {"zh": ("正常", "未启用", "未连接", "注意", "故障"), "en": ("OK", "Off", "Not connected", "Check", "Fault")}


@pytest.mark.asyncio
@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_footer_and_status_bar_fit_80_columns(store: StationStore, demo: DemoDevices,
                                                        lang: str) -> None:
    app = make_app(store, lang=lang, demo_devices=demo)
    async with app.run_test(size=SMALL) as pilot:
        await login(pilot, "wang")
        await settle(pilot)
        footer = screen_lines(app)[-1]
        assert "f1" in footer and "f9" in footer, footer
        for cell in app.screen.query(StatusCell).results(StatusCell):
            name, _state, message, _short = cell.parts
            shown = str(cell.render())
            assert shown.rstrip() != f"● {name}"  # a state is always said
            assert message in shown or any(word in shown for word in WORDS[lang]), shown
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, ApplicationsScreen))
        await settle(pilot)
        footer = screen_lines(app)[-1]
        assert all(key in footer for key in ("esc", "f1", "f9")), footer
        assert app.screen.query_one("#filters").region.height == 3  # no prompt wraps onto a second line


@pytest.mark.asyncio
@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_demo_card_picker_shows_its_hint_and_plain_names(store: StationStore, demo: DemoDevices,
                                                                   lang: str) -> None:
    app = make_app(store, lang=lang, demo_devices=demo)
    async with app.run_test(size=SMALL) as pilot:
        await login(pilot, "wang")
        await pilot.press("f9")
        await until(pilot, lambda: isinstance(app.screen, DemoCardDialog))
        text = "\n".join(screen_lines(app))
        assert ("回车放卡" if lang == "zh" else "Enter places the card") in text
        options = app.screen.query_one(OptionList)
        lines = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any("马丁内斯" in line for line in lines)
        assert not any("synthetic" in line for line in lines)  # no developer notes
        if lang == "zh":
            assert all("居" in line for line in lines)  # 居民身份证 / 居留 / 居住证
