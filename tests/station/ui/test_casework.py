"""Pilot: the applications list (filters, search, masked numbers), the detail with its history,
the amendment (补正) and the supervisor's void."""

from __future__ import annotations

import json

import pytest
from textual.widgets import Checkbox, DataTable, Input

from devices import DemoDevices
from station.core.applications import Status
from station.core.counter import Counter
from station.core.models import Application, OutboxEvent
from station.core.store import StationStore
from station.ui.app import make_app
from station.ui.dialogs.void import VoidDialog
from station.ui.messages import ActionDone, ApplicationsLoaded, DetailLoaded
from station.ui.screens.applications import ApplicationsScreen
from station.ui.screens.counter.amend import AmendScreen
from station.ui.screens.detail import DetailScreen
from tests.conftest import Sessions
from tests.station.ui.conftest import MessageLog, login, settle, until
from tests.station.ui.helpers import accepted


@pytest.mark.asyncio
async def test_list_filters_search_and_masks(store: StationStore, sessions: Sessions, log: MessageLog) -> None:
    first = accepted(store, sessions.operator)
    accepted(store, sessions.operator, "HZ-SMK-103")
    app = make_app(store)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        await login(pilot, "wang")
        await pilot.press("l")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ApplicationsScreen)
        assert len(log.of(ApplicationsLoaded)[-1].rows) == 2
        table = screen.query_one("#applications", DataTable)
        assert all(str(table.get_row_at(i)[4]) == "110101********0011" for i in range(table.row_count))

        screen.query_one("#search", Input).value = first.receipt_number
        screen.query_one("#search", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert [r.id for r in log.of(ApplicationsLoaded)[-1].rows] == [first.id]
        screen.query_one("#search", Input).value = ""
        screen.query_one("#service").value = "HZ-SMK-103"
        await settle(pilot)
        assert [r.item_code for r in log.of(ApplicationsLoaded)[-1].rows] == ["HZ-SMK-103"]
        screen.query_one("#today-only", Checkbox).value = False
        await settle(pilot)
        assert len(log.of(ApplicationsLoaded)[-1].rows) == 1

        screen.query_one("#service").clear()
        await settle(pilot)
        table.focus()
        table.move_cursor(row=[r.id for r in screen.rows].index(first.id))
        await pilot.press("enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, DetailScreen)
        loaded = log.of(DetailLoaded)[-1].detail
        assert loaded.applicant_id == "110101199003070011"  # the full number, here only
        assert [e.action for e in loaded.history][:2] == ["application.draft_created",
                                                          "application.submitted"]


@pytest.mark.asyncio
async def test_amendment_from_home_to_the_outbox(store: StationStore, sessions: Sessions,
                                                 log: MessageLog) -> None:
    app_row = accepted(store, sessions.operator)
    store.applications.record_hub_status(sessions.sync_operator, app_row.id, Status.NEEDS_AMENDMENT,
                                         "联系电话有误，请核实")
    app = make_app(store)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        await login(pilot, "wang")
        await settle(pilot)
        amendments = app.screen.query_one("#amendments", DataTable)
        assert amendments.row_count == 1
        amendments.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, AmendScreen)
        assert "联系电话有误" in str(form.query_one("#amend-request").render())
        assert form.query_one("#input-applicant_name", Input).disabled  # the card's value stays locked
        form.query_one("#input-phone", Input).value = "13900000000"
        await settle(pilot)
        await pilot.press("f5")
        await log.wait_for(ActionDone)
        await settle(pilot)

        stored = Application.get_by_id(app_row.id)
        assert stored.status == "amended" and json.loads(stored.payload)["phone"] == "13900000000"
        assert json.loads(stored.provenance)["applicant_name"] == "card"
        last = OutboxEvent.select().order_by(OutboxEvent.seq.desc()).first()
        assert (last.kind, last.application_id) == ("amended", app_row.id)
        assert isinstance(app.screen, DetailScreen)


@pytest.mark.asyncio
async def test_an_amendment_in_progress_survives_the_lock_and_is_continued(
        store: StationStore, sessions: Sessions, log: MessageLog) -> None:
    """Half an amendment typed, then ctrl+l: after logging in again, opening the amendment
    continues it; sending it clears the working copy."""
    from station.core.models import AmendmentDraft

    app_row = accepted(store, sessions.operator)
    store.applications.record_hub_status(sessions.sync_operator, app_row.id, Status.NEEDS_AMENDMENT,
                                         "联系电话有误，请核实")
    app = make_app(store)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        for attempt in range(2):
            await login(pilot, "wang")
            await settle(pilot)
            amendments = app.screen.query_one("#amendments", DataTable)
            amendments.focus()
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("a")
            await settle(pilot)
            form = app.screen
            assert isinstance(form, AmendScreen)
            phone = form.query_one("#input-phone", Input)
            if attempt == 0:
                phone.value = "13900000000"
                await settle(pilot)
                await pilot.press("ctrl+l")
                await settle(pilot)
                assert AmendmentDraft.get_by_id(app_row.id) is not None
                assert json.loads(Application.get_by_id(app_row.id).payload)["phone"] == "13800000000"
        assert phone.value == "13900000000"  # continued where it was left
        await pilot.press("f5")
        await log.wait_for(ActionDone)
        await settle(pilot)
    assert json.loads(Application.get_by_id(app_row.id).payload)["phone"] == "13900000000"
    assert AmendmentDraft.get_or_none(AmendmentDraft.application == app_row.id) is None


@pytest.mark.asyncio
async def test_supervisor_voids_with_a_reason(store: StationStore, sessions: Sessions,
                                              log: MessageLog) -> None:
    app_row = accepted(store, sessions.operator)
    app = make_app(store)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        await login(pilot, "li")
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("v")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, VoidDialog)
        await pilot.press("enter")  # no reason: refused by the core
        await settle(pilot)
        assert Application.get_by_id(app_row.id).status == "submitted"
        assert "原因" in str(dialog.query_one("#void-error").render())
        dialog.query_one("#reason", Input).value = "申请人撤回"
        await pilot.press("enter")
        await settle(pilot)
        stored = Application.get_by_id(app_row.id)
        assert (stored.status, stored.status_message) == ("voided", "申请人撤回")
        assert isinstance(app.screen, DetailScreen)


@pytest.mark.asyncio
async def test_an_operator_cannot_void(store: StationStore, sessions: Sessions) -> None:
    accepted(store, sessions.operator)
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await login(pilot, "wang")
        await pilot.press("l")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)


@pytest.mark.asyncio
async def test_supervisor_closes_the_day_to_a_usb_folder(store: StationStore, sessions: Sessions,
                                                         tmp_path) -> None:  # type: ignore[no-untyped-def]
    """At 80×24 the close first shows what it will sign (the station's day, counts by status,
    容缺 still owed) and the day's open drafts it leaves out (who, the citizen masked, which
    service), and signs only once confirmed."""
    from datetime import date

    from textual.widgets import Static

    from station.core.counter import typed_identity
    from station.core.models import Setting
    from station.ui.dialogs.confirm import ConfirmDialog
    from tests.reports.helpers import draft_input

    accepted(store, sessions.operator)
    owing = store.applications.create_draft(sessions.operator, draft_input(
        {"identity": "satisfied_by_card", "rental_contract": "missing_rongque"}))
    store.applications.submit(sessions.operator, owing.id, rongque_deadline=date(2026, 12, 3))
    counter = Counter(store)
    counter.start(sessions.operator, counter.item("HZ-YB-103"), typed_identity("11010519491231002X", "李四"))
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "li")
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        screen.query_one("TabbedContent").active = "tab-day"
        screen.query_one("#day-folder", Input).value = str(tmp_path / "usb")
        await settle(pilot)
        screen.query_one("#close-day").press()  # first the preview: what it signs, what it leaves out
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        question = app.screen.question
        assert question.startswith("2026-11-26（Asia/Shanghai） 日结将签署 2 件：容缺受理 1，已受理 1。"
                                   "其中 1 件容缺材料尚未补交。\n另有 1 份草稿未提交，不计入日结：\n")
        assert "\n· 王小红 · 李* · 异地长期居住人员就医备案 · 2026-11-26 09:30\n确认日结？" in question
        assert "11010519491231002X" not in question and "李四" not in question
        await pilot.press("n")  # not yet: nothing is signed
        await settle(pilot)
        assert Setting.get_or_none(Setting.key == "day.closed.2026-11-26") is None
        screen.query_one("#close-day").press()
        await until(pilot, lambda: isinstance(app.screen, ConfirmDialog))
        await pilot.press("y")
        await until(pilot, lambda: Setting.get_or_none(Setting.key == "day.closed.2026-11-26") is not None)
        await settle(pilot)
        assert list((tmp_path / "usb").rglob("2026-11-26.json"))
        assert "2 件已签署" in str(screen.query_one("#day-result", Static).render())


@pytest.mark.asyncio
async def test_a_draft_found_in_the_list_can_be_continued(store: StationStore, sessions: Sessions) -> None:
    from station.core.counter import typed_identity
    from station.ui.screens.counter.form import FormScreen

    counter = Counter(store)
    draft = counter.start(sessions.operator, counter.item("HZ-YB-103"), typed_identity("11010519491231002X", "李四"))
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await login(pilot, "wang")
        await pilot.press("escape", "l")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, FormScreen) and app.screen.draft.app_id == draft.app_id


@pytest.mark.asyncio
async def test_a_clerk_records_deferred_materials_and_prints_the_supplement_receipt(
        store: StationStore, sessions: Sessions, demo: DemoDevices, log: MessageLog) -> None:
    from datetime import date

    from station.ui.dialogs.supplement import SupplementDialog
    from station.ui.messages import PrintJobChanged
    from tests.reports.helpers import draft_input

    owed = {"identity": "satisfied_by_card", "rental_contract": "missing_rongque",
            "employment_proof": "missing_rongque"}
    app_row = store.applications.create_draft(sessions.operator, draft_input(owed))
    store.applications.submit(sessions.operator, app_row.id, rongque_deadline=date(2026, 12, 3))
    app = make_app(store, demo_devices=demo)
    async with app.run_test(size=(80, 24), message_hook=log) as pilot:
        await login(pilot, "wang")
        app.push_screen(DetailScreen(str(app_row.id)))
        await until(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.detail is not None)
        detail = app.screen
        assert "b" in app.screen.active_bindings
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, SupplementDialog))
        await pilot.press("down", "space")  # the guide's order: the citizen brought the proof of employment only
        await pilot.press("enter")
        printed = await log.wait_for(PrintJobChanged, lambda m: m.state == "printed")
        assert printed.state == "printed"
        receipt = "\n".join(demo.printer_model.receipts[-1].lines)
        handed_in, _sep, still_owed = receipt.partition("仍待补交")
        assert "补交回执" in handed_in and "本次补交" in handed_in
        assert "就业证明" in handed_in.partition("本次补交")[2].partition("已收材料")[0]
        assert "房屋租赁合同" in still_owed
        await until(pilot, lambda: app.screen is detail and [m for m, _n in detail.detail.owed] == ["rental_contract"])
        await pilot.press("b")
        await until(pilot, lambda: isinstance(app.screen, SupplementDialog))
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is detail and detail.detail.owed == [])
        assert "b" not in app.screen.active_bindings  # nothing more is owed
        assert Application.get_by_id(app_row.id).status == "submitted"
