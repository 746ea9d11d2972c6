"""Pilot: 好差评 at the station — on the kiosk right after a submission, and on the counter's
rating screen the clerk turns towards the citizen; each rating is stored once and queued for
the hub as a "rated" outbox event."""

from __future__ import annotations

import json

import pytest
from textual.widgets import Input, RadioSet, SelectionList, Static

from devices import DemoDevices
from kernel.ratings import Rating
from station.core import outbox
from station.core.models import Application, AuditEvent, CaseRating
from station.core.store import StationStore
from station.ui.app import make_app
from station.ui.kiosk.screens import KioskDoneScreen
from station.ui.messages import ApplicationSubmitted, RatingRecorded, RatingRefused
from station.ui.screens.counter.rating import RatingScreen
from station.ui.screens.counter.result import ResultScreen
from station.ui.widgets.rating.panel import RatingPanel
from tests.pilot import until
from tests.station.ui.conftest import MessageLog, login, settle
from tests.station.ui.helpers import choose, kiosk_app, submit, tap_card_and_choose


def _rated_event(application_id: str) -> dict[str, object]:
    (event,) = [e for e in outbox.unacknowledged() if e.kind == "rated" and e.application_id == application_id]
    return event.payload


async def _choose_level(pilot, panel: RatingPanel, level: int) -> None:  # type: ignore[no-untyped-def]
    panel.query_one(f"#level-{level}").value = True
    await pilot.pause()
    assert panel.query_one(RadioSet).pressed_button is not None


@pytest.mark.asyncio
async def test_the_kiosk_asks_for_a_rating_after_a_submission(store: StationStore, demo: DemoDevices,
                                                              log: MessageLog) -> None:
    now = [100.0]
    app = kiosk_app(store, demo, now)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        confirm = await choose(pilot, demo, log, "HZ-SMK-103")
        confirm.query_one("#input-phone", Input).value = "13800000000"
        await pilot.press("f5")
        submitted = await log.wait_for(ApplicationSubmitted)
        await settle(pilot)
        done = app.screen
        assert isinstance(done, KioskDoneScreen)
        panel = done.query_one(RatingPanel)
        await _choose_level(pilot, panel, 5)
        panel.query_one(SelectionList).select("efficiency")
        panel.query_one("#rating-text", Input).value = "很快"
        await pilot.click("#rating-submit")
        recorded = await log.wait_for(RatingRecorded)
        app_id = submitted.result.submission.application_id
        assert (recorded.application_id, recorded.level) == (app_id, 5)
        row = CaseRating.get_by_id(app_id)
        assert (row.level, json.loads(row.reasons), row.text, row.channel) == (5, ["efficiency"], "很快", "kiosk")
        assert _rated_event(app_id)["rating"]["channel"] == "kiosk"  # type: ignore[index]
        await settle(pilot)
        assert "感谢您的评价：非常满意" in str(done.query_one("#rating-done", Static).render())
        assert not panel.display


@pytest.mark.asyncio
async def test_the_counter_rating_screen_takes_one_rating_per_case(store: StationStore, demo: DemoDevices,
                                                                   log: MessageLog) -> None:
    app = make_app(store, demo_devices=demo)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        await login(pilot, "wang")
        await tap_card_and_choose(pilot, demo, log, "HZ-YB-106")
        await pilot.press(*"13800000000")
        submitted = await submit(pilot, log)
        app_id = submitted.result.submission.application_id
        assert isinstance(app.screen, ResultScreen) and "rate" in {b.binding.id for b in app.screen.active_bindings.values()}
        await pilot.press("p")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, RatingScreen)
        await pilot.click("#rating-submit")  # no level chosen yet
        await pilot.pause()
        assert "请选择一个评价等级" in str(screen.query_one("#rating-error", Static).render())
        assert CaseRating.select().count() == 0
        panel = screen.query_one(RatingPanel)
        await _choose_level(pilot, panel, 1)
        panel.query_one(SelectionList).select("attitude")
        button = panel.query_one("#rating-submit")
        await until(pilot, lambda: not button.has_class("-active"))  # a button takes no press while it flashes
        await pilot.click("#rating-submit")
        await log.wait_for(RatingRecorded)
        row = CaseRating.get_by_id(app_id)
        assert (row.level, row.channel, row.recorded_by) == (1, "counter", "wang")
        payload = _rated_event(app_id)
        assert payload["operator"] == "wang" and payload["rating"]["reasons"] == ["attitude"]  # type: ignore[index]
        assert AuditEvent.select().where(AuditEvent.action == "application.rated").count() == 1
        screen.record(Rating(5, (), "", "counter"))  # a second rating of the same case
        refused = await log.wait_for(RatingRefused)
        assert "每件只能评价一次" in refused.message and CaseRating.get_by_id(app_id).level == 1
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ResultScreen)
        assert "rate" not in {b.binding.id for b in app.screen.active_bindings.values()}
        assert Application.get_by_id(app_id).status == "submitted"
