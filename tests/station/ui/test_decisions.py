"""Pilot: the department's decision at the counter, in the words the hub sent it — a 补正 shows
what to bring and by when (and the amendment form repeats it), a 办结 how the citizen collects
the result and whether it closed on time."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Static

from station.core.applications import Status
from station.core.store import StationStore
from station.ui.app import make_app
from station.ui.screens.counter.amend import AmendScreen
from station.ui.screens.detail import DetailScreen
from sync.hub.cases import Decision, station_message
from sync.hub.models import HubCase
from tests.conftest import Sessions
from tests.station.ui.conftest import MessageLog, login, settle
from tests.station.ui.helpers import accepted
from tests.sync.department_helpers import AMENDMENT, COMPLETION

CASE = HubCase(department="citizen-card", closed_on="2026-11-30", on_time=1, promised_due="2026-12-10")


@pytest.mark.asyncio
async def test_an_amendment_request_says_what_to_bring_and_by_when(
        store: StationStore, sessions: Sessions, log: MessageLog) -> None:
    app_row = accepted(store, sessions.operator)
    message = station_message(Decision.REQUEST_AMENDMENT, AMENDMENT | {"deadline": "2026-12-12"}, CASE)
    store.applications.record_hub_status(sessions.sync_operator, app_row.id, Status.NEEDS_AMENDMENT, message)
    app = make_app(store)
    async with app.run_test(size=(140, 40), message_hook=log) as pilot:
        await login(pilot, "wang")
        await settle(pilot)
        amendments = app.screen.query_one("#amendments", DataTable)
        amendments.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        status = str(app.screen.query_one("#detail-status", Static).render())
        assert "请补正：户口簿首页及本人页复印件" in status and "补正期限：2026-12-12" in status
        assert "{" not in status  # the hub's JSON is read, never shown raw
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, AmendScreen)
        assert "户口簿首页及本人页复印件" in str(app.screen.query_one("#amend-request").render())


@pytest.mark.asyncio
async def test_a_completion_says_how_to_collect_and_whether_on_time(
        store: StationStore, sessions: Sessions, log: MessageLog) -> None:
    app_row = accepted(store, sessions.operator)
    message = station_message(Decision.COMPLETE, COMPLETION, CASE)
    store.applications.record_hub_status(sessions.sync_operator, app_row.id, Status.COMPLETED, message)
    app = make_app(store)
    async with app.run_test(size=(160, 40), message_hook=log) as pilot:
        await login(pilot, "wang")
        await settle(pilot)
        app.push_screen(DetailScreen(app_row.id))
        await settle(pilot)
        status = str(app.screen.query_one("#detail-status", Static).render())
        assert "领取方式：自取（西湖区市民卡服务网点（文三路90号））" in status
        assert "证号：SMK-2026-000123" in status and "按期办结" in status
