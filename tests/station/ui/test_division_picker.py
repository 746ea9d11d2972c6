"""A town is chosen by name: typing its name, pinyin or pinyin initials lists the current
towns with their district, ↓ and Enter (or Enter at once) pick one, the draft holds its code and
the review names it. Retired towns (the 2021 changes) are never offered."""

from __future__ import annotations

import pytest
from textual.widgets import Input, OptionList

from devices import DemoDevices
from forms.search import find_divisions
from station.core.store import StationStore
from station.ui.app import make_app
from station.ui.screens.counter.review import ReviewScreen
from station.ui.widgets.counter.fields import DivisionField
from tests.pilot import screen_lines
from tests.station.ui.conftest import MessageLog, login, settle, until
from tests.station.ui.helpers import tap_card_and_choose


def test_towns_are_found_by_name_pinyin_initials_and_full_pinyin() -> None:
    for query in ("北山", "bsj", "beishan", "BeiShan"):
        assert "330106002" in [d.code for d in find_divisions(query, "town")], query
    assert [d.code for d in find_divisions("beishan", "town")] == ["330106002"]
    assert [d.name for d in find_divisions("xhq", "county")] == ["西湖区"]
    assert all(len(d.code) == 9 for d in find_divisions("xh", "town"))
    assert find_divisions("", "town") == [] and find_divisions("zzzzzz", "town") == []


def test_retired_towns_are_never_offered() -> None:
    from forms import hangzhou_divisions

    retired = [d for d in hangzhou_divisions().divisions.values() if d.retired]
    assert retired
    offered = {d.code for r in retired for d in find_divisions(r.name, "any", 50)}
    assert not offered & {r.code for r in retired}


@pytest.mark.asyncio
async def test_the_clerk_picks_a_town_by_its_pinyin_initials(store: StationStore, demo: DemoDevices,
                                                             log: MessageLog) -> None:
    app = make_app(store, demo_devices=demo)
    async with app.run_test(size=(80, 24), message_hook=log) as pilot:
        await login(pilot, "wang")
        form = await tap_card_and_choose(pilot, demo, log, "HZ-MZ-102")
        town = form.query_one("#field-town", DivisionField)
        control = form.query_one("#input-town", Input)
        control.focus()
        await pilot.press(*"bsj")
        choices = town.query_one(".division-choices", OptionList)
        await until(pilot, lambda: choices.display and choices.option_count == 2)
        shown = "\n".join(screen_lines(app))
        assert "半山街道（拱墅区）" in shown and "北山街道（西湖区）" in shown
        await pilot.press("down", "down", "enter")  # into the list, the second match, pick it
        await settle(pilot)
        assert control.value == "330106002" and not choices.display and control.has_focus
        assert "北山街道（西湖区）" in str(town.query_one(".division-name").render())
        assert form.draft.values["town"] == "330106002"

        control.value = ""
        await pilot.press(*"beishan", "enter")  # Enter at once takes the best match
        await settle(pilot)
        assert control.value == "330106002"
        await pilot.press("f5")
        await until(pilot, lambda: isinstance(app.screen, ReviewScreen))
        review = "\n".join(screen_lines(app))
        assert "北山街道" in review and "330106002" not in review
