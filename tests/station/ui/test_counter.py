"""Pilot: the counter flows with the reader and printer simulators on real pseudo-terminals.

Each test asserts on the messages and the store first, then on the screen.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from textual.widgets import Input

from devices import DemoDevices, RawCard, decode_card, load_fixture
from devices.simulators.reader import Fault
from station.core.models import Application, AuditEvent, CounterDraft
from station.core.store import StationStore
from station.ui.app import make_app
from station.ui.messages import (
    ApplicationSubmitted,
    CardReading,
    CardTapped,
    CardUnreadable,
    DraftOpened,
    PrintJobChanged,
)
from station.ui.screens.counter.form import FormScreen
from station.ui.screens.counter.result import ResultScreen
from station.ui.screens.counter.start import StartScreen
from station.ui.screens.home import HomeScreen
from station.ui.screens.login import LoginScreen
from tests.station.ui.conftest import MessageLog, login, settle, until
from tests.station.ui.helpers import (
    ZHANGSAN,
    card_shown,
    choose_service_first,
    set_field,
    submit,
    tap_card_and_choose,
)


@pytest.mark.asyncio
async def test_card_to_prefilled_form_to_receipt_on_the_printer(store: StationStore, demo: DemoDevices,
                                                                 log: MessageLog) -> None:
    app = make_app(store, demo_devices=demo)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        await login(pilot, "wang")
        form = await tap_card_and_choose(pilot, demo, log, "HZ-YB-106")
        assert form.query_one("#input-applicant_name", Input).value == "张三"
        assert form.query_one("#input-id_number", Input).disabled  # the card's value, locked
        await pilot.press(*"13800000000")  # the first field to fill has the focus
        await pilot.pause()
        submitted = await submit(pilot, log)
        result = submitted.result
        assert result.submission.accepted and result.issued is not None
        printed = await log.wait_for(PrintJobChanged, lambda m: m.job_id == result.issued.job_id
                                     and m.state == "printed")
        assert printed.state == "printed"

        stored = Application.get_by_id(result.submission.application_id)
        assert (stored.status, stored.applicant_id) == ("submitted", ZHANGSAN)
        assert json.loads(stored.provenance)["id_number"] == "card"
        assert json.loads(stored.provenance)["phone"] == "typed"
        receipt = demo.printer_model.receipts[-1]
        assert stored.receipt_number in receipt.render_text()
        assert "110101********0011" in receipt.render_text()  # masked on paper
        assert isinstance(app.screen, ResultScreen)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, HomeScreen)


@pytest.mark.asyncio
async def test_missing_material_prints_the_one_time_notice_and_keeps_the_draft(
        store: StationStore, demo: DemoDevices, log: MessageLog) -> None:
    app = make_app(store, demo_devices=demo)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        await login(pilot, "wang")
        await tap_card_and_choose(pilot, demo, log, "HZ-YB-103")
        submitted = await submit(pilot, log)
        result = submitted.result
        assert result.submission.outcome == "one_time_notice" and result.issued is not None
        await log.wait_for(PrintJobChanged, lambda m: m.job_id == result.issued.job_id
                           and m.state == "printed")

        draft = Application.get_by_id(result.submission.application_id)
        assert draft.status == "draft" and draft.receipt_number is None
        notice = "\n".join(demo.printer_model.receipts[-1].lines)
        assert "一次性告知书" in notice and "异地居住证明" in notice
        assert AuditEvent.get_or_none(AuditEvent.action == "document.notice_issued",
                                      AuditEvent.subject == draft.id) is not None
        assert "一次性告知书" in str(app.screen.query_one("#result-title").render())


@pytest.mark.asyncio
async def test_a_drafts_notice_is_printed_again_from_its_detail(
        store: StationStore, demo: DemoDevices, log: MessageLog) -> None:
    """The citizen lost the slip: the draft's detail prints the one-time notice again (n),
    from what the draft lacks now, without submitting anything."""
    from station.ui.messages import DocumentIssued
    from station.ui.screens.detail import DetailScreen

    app = make_app(store, demo_devices=demo)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        await login(pilot, "wang")
        await tap_card_and_choose(pilot, demo, log, "HZ-YB-103")
        first = (await submit(pilot, log)).result
        await log.wait_for(PrintJobChanged, lambda m: m.job_id == first.issued.job_id and m.state == "printed")
        printed = len(demo.printer_model.receipts)

        app.push_screen(DetailScreen(first.submission.application_id))
        await settle(pilot)
        await pilot.press("n")
        again = (await log.wait_for(DocumentIssued)).issued
        assert again.kind == "notice" and again.job_id != first.issued.job_id
        await log.wait_for(PrintJobChanged, lambda m: m.job_id == again.job_id and m.state == "printed")
        assert len(demo.printer_model.receipts) == printed + 1
        notice = "\n".join(demo.printer_model.receipts[-1].lines)
        assert "一次性告知书" in notice and "异地居住证明" in notice
        draft = Application.get_by_id(first.submission.application_id)
        assert draft.status == "draft" and draft.receipt_number is None
        assert AuditEvent.select().where(AuditEvent.action == "document.notice_issued",
                                         AuditEvent.subject == draft.id).count() == 2


@pytest.mark.asyncio
async def test_rongque_prints_the_receipt_with_the_list_and_deadline(
        store: StationStore, demo: DemoDevices, log: MessageLog) -> None:
    app = make_app(store, demo_devices=demo)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        await login(pilot, "wang")
        form = await tap_card_and_choose(pilot, demo, log, "HZ-MZ-102")
        for field_id, value in {"town": "330106002", "current_address": "西湖区文三路90号",
                                "phone": "13800000000", "hardship": "illness",
                                "description": "住院治疗，自付费用较高"}.items():
            set_field(form, field_id, value)
        await settle(pilot)
        submitted = await submit(pilot, log)
        submission = submitted.result.submission
        assert submission.outcome == "accept_with_rongque" and submission.rongque_deadline
        issued = submitted.result.issued
        assert issued is not None
        await log.wait_for(PrintJobChanged, lambda m: m.job_id == issued.job_id and m.state == "printed")

        stored = Application.get_by_id(submission.application_id)
        assert stored.status == "accepted_pending_materials"
        assert stored.rongque_deadline == submission.rongque_deadline
        text = "\n".join(demo.printer_model.receipts[-1].lines)
        assert "容缺受理" in text and submission.rongque_deadline.isoformat() in text
        assert "困难情况证明" in text


@pytest.mark.asyncio
async def test_typed_id_number_is_checked_and_recorded_as_typed(store: StationStore, log: MessageLog) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        await login(pilot, "wang")
        await pilot.press("n")
        screen = app.screen
        assert isinstance(screen, StartScreen)
        screen.query_one("#id-number", Input).value = "110105194912310021"  # wrong check digit
        screen.query_one("#person-name", Input).value = "李四"
        screen.query_one("#service-search", Input).value = "HZ-YB-106"
        await settle(pilot)
        screen.query_one("#services").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, StartScreen) and Application.select().count() == 0
        assert "校验" in str(screen.query_one("#applicant-error").render())

        screen.query_one("#id-number", Input).value = "11010519491231002X"
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, FormScreen)
        assert form.query_one("#input-id_number", Input).value == "11010519491231002X"
        form.before_lock()  # save now
        stored = Application.get_by_id(form.draft.app_id)
        assert json.loads(stored.provenance)["id_number"] == "typed"


@pytest.mark.asyncio
async def test_idle_lock_keeps_the_draft(store: StationStore, demo: DemoDevices, log: MessageLog) -> None:
    now = [1000.0]
    app = make_app(store, demo_devices=demo, monotonic=lambda: now[0])
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        await login(pilot, "wang")
        form = await tap_card_and_choose(pilot, demo, log, "HZ-YB-106")
        await pilot.press(*"1380000")  # half a phone number, not yet autosaved
        now[0] += store.config.idle_lock_minutes * 60 + 1
        app.lock_if_idle()
        await settle(pilot)
        assert app.session is None and isinstance(app.screen, LoginScreen)

        saved = Application.get_by_id(form.draft.app_id)
        assert saved.status == "draft" and json.loads(saved.payload)["phone"] == "1380000"
        assert json.loads(CounterDraft.get_by_id(saved.id).card)["card"]["id_number"] == ZHANGSAN

        await login(pilot, "wang")  # the draft is offered again
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        resumed = app.screen
        assert isinstance(resumed, FormScreen) and resumed.draft.app_id == saved.id
        assert resumed.query_one("#input-phone", Input).value == "1380000"


@pytest.mark.asyncio
async def test_a_crash_mid_draft_loses_nothing_autosaved(station_dir, clock,  # type: ignore[no-untyped-def]
                                                         demo: DemoDevices) -> None:
    """The app is killed (SIGKILL, in its own process) right after the autosave; the next
    login offers the draft, with the card's data and what was typed."""
    import subprocess
    import sys

    from tests.conftest import REPO

    child = subprocess.run([sys.executable, "-m", "tests.station.ui.crash_child", str(station_dir)],
                           cwd=REPO, capture_output=True, text=True, timeout=120)
    assert child.returncode == -9, child.stderr[-2000:]  # killed, not exited
    draft_id = child.stdout.strip().splitlines()[-1]

    reopened = StationStore(station_dir, clock)
    second = MessageLog()
    app = make_app(reopened, demo_devices=demo)
    try:
        async with app.run_test(size=(120, 40), message_hook=second) as pilot:
            await login(pilot, "wang")
            await settle(pilot)
            assert type(app.screen).__name__ == "ResumeDraftsDialog"
            await pilot.press("enter")
            await settle(pilot)
            resumed = app.screen
            assert isinstance(resumed, FormScreen) and resumed.draft.app_id == draft_id
            assert resumed.draft.identity.card is not None  # the card's data came back too
            assert resumed.query_one("#input-phone", Input).value == "13800000000"
            assert "身份证已核验" in str(resumed.query_one("#materials").get_row_at(0))
    finally:
        reopened.close()


@pytest.mark.asyncio
async def test_a4_pdf_when_chosen_instead_of_the_receipt_printer(store: StationStore, demo: DemoDevices,
                                                                 log: MessageLog, tmp_path: Path) -> None:
    from station.core.print_jobs import HeldDocuments
    from station.ui.messages import ActionDone
    from tests.reports.helpers import pdf_text

    a4 = HeldDocuments()
    app = make_app(store, demo_devices=demo, a4=a4)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        await login(pilot, "wang")
        await tap_card_and_choose(pilot, demo, log, "HZ-YB-106")
        await pilot.press(*"13800000000", "f5")
        await settle(pilot)
        await pilot.press("p")  # receipt printer → A4 PDF
        await pilot.press("ctrl+s")
        submitted = await log.wait_for(ApplicationSubmitted)
        issued = submitted.result.issued
        assert issued is not None and issued.output == "a4" and issued.destination == "held"
        assert [d.title for d in a4.documents] == ["受理回执"]
        assert a4.documents[0].pdf.startswith(b"%PDF")
        assert not demo.printer_model.receipts  # nothing went to the receipt printer

        # no A4 printer here: the operator saves the PDF to a USB stick to print elsewhere
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        dialog = app.screen
        dialog.query_one("#save-folder", Input).value = str(tmp_path / "missing")
        await pilot.press("enter")
        await log.wait_for(ActionDone, lambda m: not m.ok)
        await settle(pilot)
        assert "找不到文件夹" in str(dialog.query_one("#save-error").render())
        dialog.query_one("#save-folder", Input).value = str(tmp_path)
        await pilot.press("enter")
        await log.wait_for(ActionDone, lambda m: m.ok)
        await settle(pilot)
        (saved,) = tmp_path.glob("*.pdf")
        number = submitted.result.submission.receipt_number
        assert saved.name == f"受理回执-{number}.pdf"
        assert number in pdf_text(saved.read_bytes())
        assert str(saved) in str(app.screen.query_one("#print-state").render())


@pytest.mark.asyncio
async def test_the_service_first_then_the_card_opens_the_form_prefilled(
        store: StationStore, demo: DemoDevices, log: MessageLog) -> None:
    """The citizen says what they need before finding their card: the clerk chooses the
    service, the form opens at once and waits (read-only, nothing stored), and the tap
    creates the draft and fills the form in."""
    app = make_app(store, demo_devices=demo)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        await login(pilot, "wang")
        await choose_service_first(pilot, "HZ-YB-106")
        form = app.screen
        assert form.awaiting_card and form.query_one("#form").disabled and form.query_one("#materials").disabled
        assert "请将身份证放在读卡器上" in str(form.query_one("#form-head").render())
        assert Application.select().count() == 0  # nothing stored before the card
        await pilot.press("f5")  # nothing to review yet
        await settle(pilot)
        assert app.screen is form

        demo.present_card("resident_zhangsan")
        await log.wait_for(DraftOpened)
        await settle(pilot)
        assert not form.awaiting_card and not form.query_one("#form").disabled
        assert not form.query_one("#materials").disabled
        assert form.draft.item.code == "HZ-YB-106" and form.draft.identity.card is not None
        assert form.query_one("#input-applicant_name", Input).value == "张三"
        assert Application.get_by_id(form.draft.app_id).status == "draft"


@pytest.mark.asyncio
async def test_a_card_placed_at_home_opens_the_start_screen_as_its_read_begins(
        store: StationStore, demo: DemoDevices, log: MessageLog) -> None:
    """The start screen opens when the reader begins to read, so it is drawn by the time the
    card's data arrives; the read's outcome goes to that one screen, a failure as much as a card."""
    app = make_app(store, demo_devices=demo)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        await login(pilot, "wang")
        demo.reader_simulator.script(Fault.auth_failure(times=0))  # every read fails, retries too, until cleared
        demo.present_card("resident_zhangsan")
        failed = await log.wait_for(CardUnreadable)
        await settle(pilot)
        start = app.screen
        assert isinstance(start, StartScreen)
        assert failed.message in str(start.query_one("#card-state").render())
        assert [type(s) for s in app.screen_stack[-2:]] == [HomeScreen, StartScreen]

        demo.reader_simulator.clear_faults()
        seen = len(demo.reader_simulator.commands_seen)
        demo.remove_card()  # the reader reads a card again once it has seen it leave
        assert demo.reader_simulator.wait_for_commands(seen + 3)
        demo.present_card("resident_zhangsan")
        assert await card_shown(pilot, log) is start
        assert "张三" in str(start.query_one("#card-state").render())
        assert [type(s) for s in app.screen_stack[-2:]] == [HomeScreen, StartScreen]
        # each read was announced before its outcome, which reached the start screen
        news = [type(m).__name__ for m in log.messages if isinstance(m, (CardReading, CardTapped, CardUnreadable))
                and m._sender is app]
        assert news == ["CardReading", "CardUnreadable", "CardReading", "CardTapped"]


@pytest.mark.asyncio
async def test_the_start_screen_says_while_a_card_is_read(store: StationStore, demo: DemoDevices,
                                                         log: MessageLog) -> None:
    """Between a card's placing and its data (about half a second) the clerk sees it being
    read, on the start screen and on a form waiting for the card."""
    app = make_app(store, demo_devices=demo)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        await login(pilot, "wang")
        app.post_message(CardReading())  # as the app gets it from the reader's CardFound
        await until(pilot, lambda: isinstance(app.screen, StartScreen))
        await settle(pilot)
        assert "正在读卡，请勿移开身份证" in str(app.screen.query_one("#card-state").render())
        await pilot.press("escape")
        await settle(pilot)

        # a read so quick that its card reaches the home screen before the start screen opens
        fixture = load_fixture("resident_wangwu_longterm")
        card = decode_card(RawCard(fixture.text_block(), fixture.photo()), store.clock().date()).as_card_data()
        app.post_message(CardReading())
        app.post_message(CardTapped(card))
        await log.wait_for(CardTapped, lambda m: m._sender is not app)  # the home screen handed it on
        await settle(pilot)
        assert [type(s) for s in app.screen_stack[-2:]] == [HomeScreen, StartScreen]
        assert "王五" in str(app.screen.query_one("#card-state").render())
        await pilot.press("escape")
        await settle(pilot)

        form = await choose_service_first(pilot, "HZ-YB-106")
        app.post_message(CardReading())
        await settle(pilot)
        assert "正在读卡，请勿移开身份证" in str(form.query_one("#form-head").render())
        app.post_message(CardUnreadable("读卡失败，请重新放置身份证"))
        await settle(pilot)
        assert "请将身份证放在读卡器上" in str(form.query_one("#form-head").render())  # asked again
        assert form.awaiting_card


@pytest.mark.asyncio
async def test_a_waiting_form_warns_of_an_expired_card(
        store: StationStore, demo: DemoDevices, log: MessageLog) -> None:
    """The card fills a waiting form even when expired (the clerk decides), with a warning."""
    from textual.notifications import Notify

    app = make_app(store, demo_devices=demo)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        await login(pilot, "wang")
        await choose_service_first(pilot, "HZ-YB-106")
        demo.present_card("resident_zhaoliu_expired")
        await log.wait_for(DraftOpened)
        await settle(pilot)
        warning = await log.wait_for(Notify, lambda m: "证件已过期" in m.notification.message)
        assert warning.notification.severity == "warning"
        assert not app.screen.awaiting_card
