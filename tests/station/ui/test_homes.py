"""Pilot: each role's home offers what that role does — the sync operator neither starts
applications nor opens drafts as forms, and after login each person is offered only their own
drafts to continue."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import Static

from devices import DemoDevices
from station.core.counter import Counter, typed_identity
from station.core.store import StationStore
from station.ui.app import make_app
from station.ui.dialogs.resume import ResumeDraftsDialog
from station.ui.screens.detail import DetailScreen
from station.ui.screens.home import HomeScreen
from tests.conftest import Sessions
from tests.station.ui.conftest import login, settle, until


def clerks_draft(store: StationStore, sessions: Sessions) -> str:
    counter = Counter(store)
    draft = counter.start(sessions.operator, counter.item("HZ-MZ-102"), typed_identity("11010519491231002X", "李四"))
    counter.save(sessions.operator, draft)
    return draft.app_id


@pytest.mark.asyncio
async def test_the_sync_operators_home(store: StationStore, sessions: Sessions, demo: DemoDevices) -> None:
    app_id = clerks_draft(store, sessions)
    app = make_app(store, demo_devices=demo)
    async with app.run_test(size=(120, 40)) as pilot:
        await login(pilot, "zhao")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)  # no offer to continue the clerk's draft
        keys = {b.binding.key for b in app.screen.active_bindings.values() if b.enabled}
        assert "n" not in keys and "f9" not in keys and "s" in keys
        hints = str(app.screen.query_one("#hints", Static).render())
        assert "n 新建申请" not in hints and "F9" not in hints
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)
        app.screen.query_one("#drafts").focus()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
        assert app.screen.app_id == app_id


@pytest.mark.asyncio
async def test_only_ones_own_drafts_are_offered(store: StationStore, sessions: Sessions) -> None:
    clerks_draft(store, sessions)
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await login(pilot, "li")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)  # the supervisor is not asked to continue 王小红's draft
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await login(pilot, "wang")
        await until(pilot, lambda: isinstance(app.screen, ResumeDraftsDialog))


@pytest.mark.asyncio
async def test_ctrl_l_locks_while_the_drafts_are_offered(store: StationStore, sessions: Sessions) -> None:
    from station.ui.screens.login import LoginScreen

    clerks_draft(store, sessions)
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await login(pilot, "wang")
        await until(pilot, lambda: isinstance(app.screen, ResumeDraftsDialog))
        await pilot.press("ctrl+l")
        await until(pilot, lambda: isinstance(app.screen, LoginScreen))
        assert app.session is None


@pytest.mark.asyncio
@pytest.mark.parametrize(("deadline", "zh", "en"), [
    (date(2026, 12, 3), "补交，2026-12-03 前", "Documents due by 2026-12-03"),
    (date(2026, 11, 25), "补交已逾期（2026-11-25）", "Documents overdue (due 2026-11-25)"),
], ids=["due", "overdue"])
async def test_materials_owed_under_rongque_wait_on_the_home_until_handed_in(
        store: StationStore, sessions: Sessions, deadline: date, zh: str, en: str) -> None:
    """待补交: an application accepted under 容缺 waits beside the hub's amendment requests,
    with its deadline (overdue once passed), opens to its detail, and leaves once handed in."""
    from station.ui.widgets.fitted_table import FittedTable
    from tests.reports.helpers import draft_input

    owed = {"identity": "satisfied_by_card", "rental_contract": "missing_rongque"}
    draft = store.applications.create_draft(sessions.operator, draft_input(owed))
    store.applications.submit(sessions.operator, draft.id, rongque_deadline=deadline)
    for lang, words in (("zh", zh), ("en", en)):
        assert await awaiting_row_opens_the_detail(store, lang) == ["张三", "110105********002X", words]
    store.applications.supplement(sessions.operator, str(draft.id), ["rental_contract"])
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await login(pilot, "wang")
        assert isinstance(app.screen, HomeScreen)
        await until(pilot, lambda: app.screen.query_one("#today", Static).render() != "")
        await settle(pilot)
        assert app.screen.query_one("#amendments", FittedTable).row_count == 0


async def awaiting_row_opens_the_detail(store: StationStore, lang: str) -> list[str]:
    """The one row awaiting something on the home (after its service), once Enter opened it."""
    from station.ui.widgets.fitted_table import FittedTable

    app = make_app(store, lang=lang)
    async with app.run_test(size=(120, 40)) as pilot:
        await login(pilot, "wang")
        table = app.screen.query_one("#amendments", FittedTable)
        await until(pilot, lambda: table.row_count == 1)
        cells = [str(cell) for cell in table.get_row_at(0)][1:]
        table.focus()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
    return cells
