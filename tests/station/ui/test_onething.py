"""Pilot: 一件事 at the counter — the clerk picks a bundle for the person, fills each item in its
own form, reviews the case once and submits it once: every item accepted with its own receipt
number on one printed receipt, or one notice and every draft kept."""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input

from devices import DemoDevices
from forms import load_catalog
from station.core.counter import Counter, identity_from_card
from station.core.models import Application
from station.core.store import StationStore
from station.ui.app import make_app
from station.ui.messages import (
    CaseOpened,
    CaseSubmitted,
    DetailLoaded,
    DocumentIssued,
    DraftDiscarded,
    DraftOpened,
    PrintJobChanged,
)
from station.ui.screens.counter.bundle import BundleScreen
from station.ui.screens.counter.form import FormScreen
from station.ui.screens.counter.start import StartScreen
from station.ui.widgets.counter.materials import MaterialsChecklist, MaterialToggled
from tests.conftest import Sessions
from tests.pilot import until
from tests.station.core.onething_helpers import CARD, fill_case, sample
from tests.station.ui.conftest import MessageLog, login, settle
from tests.station.ui.helpers import set_field

CATALOG = load_catalog()
OLDER = ("110101196003070018", "测试人")  # typed: born 1960, of an age to retire


async def _pick_bundle(pilot: Any, log: MessageLog, code: str) -> BundleScreen:
    await pilot.press("n")
    await settle(pilot)
    start = pilot.app.screen
    assert isinstance(start, StartScreen)
    start.query_one("#id-number", Input).value, start.query_one("#person-name", Input).value = OLDER
    search = start.query_one("#service-search", Input)
    search.focus()
    search.value = code
    await until(pilot, lambda: bool(start.bundles) and start.listed_query == code)
    await pilot.press("enter")
    await log.wait_for(CaseOpened)
    await until(pilot, lambda: isinstance(pilot.app.screen, BundleScreen))
    screen = pilot.app.screen
    assert isinstance(screen, BundleScreen)
    return screen


async def _fill_each_item_in_its_form(pilot: Any, bundle: BundleScreen, papers: frozenset[str] = frozenset()
                                      ) -> None:
    """Enter on each item opens its form; the clerk types what is still blank and ticks the
    `papers` handed over (the checklist's space key); F5 goes back."""
    for row in range(len(bundle.case.drafts)):
        bundle.query_one("#bundle-items").move_cursor(row=row)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
        form = pilot.app.screen
        assert isinstance(form, FormScreen) and form.draft is bundle.case.drafts[row]
        counter = pilot.app.services.counter
        for _round in range(3):
            blank = [e.path for e in counter.evaluate(form.session, form.draft).errors if "." not in e.path]
            for path in blank:
                set_field(form, path, sample(form.draft.item, path))
            await settle(pilot)
        for material in papers & {m.id for m in form.draft.item.materials}:
            form.query_one(MaterialsChecklist).post_message(MaterialToggled(material))
        await settle(pilot)
        await pilot.press("f5")  # back to the case, not to a review of this item alone
        await until(pilot, lambda: pilot.app.screen is bundle)


@pytest.mark.asyncio
async def test_retirement_is_filled_item_by_item_and_submitted_once_with_one_receipt(
        store: StationStore, demo: DemoDevices, log: MessageLog) -> None:
    app = make_app(store, demo_devices=demo)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        await login(pilot, "wang")
        bundle = await _pick_bundle(pilot, log, "HZ-YJS-002")
        assert [d.item.code for d in bundle.case.drafts] == ["HZ-RS-102", "HZ-GJJ-101"]
        await pilot.press("a")  # the bundle's optional item: 老年卡
        await log.wait_for(DraftOpened)
        await settle(pilot)
        assert [d.item.code for d in bundle.case.drafts] == ["HZ-RS-102", "HZ-GJJ-101", "HZ-SMK-106"]
        assert bundle.query_one("#bundle-items").row_count == 3
        await _fill_each_item_in_its_form(pilot, bundle, frozenset({"identity"}))  # no card: ID seen on paper
        assert "全部事项可一并受理" in str(bundle.query_one("#bundle-outcome").render())

        await pilot.press("ctrl+s")
        submitted = await log.wait_for(CaseSubmitted)
        result = submitted.result
        assert result.submission.accepted and result.issued is not None
        numbers = [s.receipt_number for s in result.submission.submissions]
        stored = list(Application.select().where(Application.case_id == bundle.case.case_id))
        assert sorted(str(a.receipt_number) for a in stored) == sorted(numbers)
        assert {a.status for a in stored} == {"submitted"}
        await log.wait_for(PrintJobChanged, lambda m: m.job_id == result.issued.job_id and m.state == "printed")
        printed = demo.printer_model.receipts[-1].render_text()
        assert len(demo.printer_model.receipts) == 1  # one receipt for the case
        assert all(number in printed for number in numbers)
        await settle(pilot)
        shown = str(bundle.query_one("#bundle-outcome").render())
        assert len(numbers) == 3 and all(number in shown for number in numbers)
        await pilot.press("r")  # the citizen asks for the receipt again
        again = await log.wait_for(DocumentIssued)
        assert again.issued.job_id != result.issued.job_id
        await log.wait_for(PrintJobChanged, lambda m: m.job_id == again.issued.job_id and m.state == "printed")
        assert all(number in demo.printer_model.receipts[-1].render_text() for number in numbers)
        await pilot.press("escape")
        await settle(pilot)


@pytest.mark.asyncio
async def test_after_a_death_with_papers_missing_prints_one_notice_and_keeps_every_draft(
        store: StationStore, demo: DemoDevices, log: MessageLog) -> None:
    app = make_app(store, demo_devices=demo)
    async with app.run_test(size=(80, 24), message_hook=log) as pilot:
        await login(pilot, "wang")
        bundle = await _pick_bundle(pilot, log, "HZ-YJS-003")
        await _fill_each_item_in_its_form(pilot, bundle)
        assert "一次性告知书" in str(bundle.query_one("#bundle-outcome").render())

        await pilot.press("ctrl+s")
        submitted = await log.wait_for(CaseSubmitted)
        assert not submitted.result.submission.accepted
        assert submitted.result.issued is not None and submitted.result.issued.kind == "notice"
        stored = list(Application.select().where(Application.case_id == bundle.case.case_id))
        assert len(stored) == 2 and {a.status for a in stored} == {"draft"}
        await log.wait_for(PrintJobChanged, lambda m: m.state == "printed")
        printed = demo.printer_model.receipts[-1].render_text().replace(" ", "")
        assert "一次性告知书" in printed and "身后一件事" in printed


@pytest.mark.asyncio
async def test_an_item_of_a_case_names_its_case_and_reprints_the_cases_one_receipt(
        store: StationStore, sessions: Sessions, demo: DemoDevices, log: MessageLog) -> None:
    counter = Counter(store)
    case = counter.start_case(sessions.operator, CATALOG.bundle("HZ-YJS-002"), identity_from_card(CARD))
    fill_case(counter, sessions.operator, case)
    numbers = [s.receipt_number for s in counter.submit_case(sessions.operator, case).submissions]
    app = make_app(store, demo_devices=demo)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        await login(pilot, "wang")
        app.push_screen(app.ROUTES.build("detail", case.lead.app_id))
        await log.wait_for(DetailLoaded)
        await settle(pilot)
        shown = "\n".join(" ".join(str(cell) for cell in row) for row in _value_rows(app.screen))
        assert "退休一件事（HZ-YJS-002）" in shown and numbers[1] in shown
        await pilot.press("r")
        issued = await log.wait_for(DocumentIssued)
        await log.wait_for(PrintJobChanged, lambda m: m.job_id == issued.issued.job_id and m.state == "printed")
        printed = demo.printer_model.receipts[-1].render_text()
        assert "一件事受理回执" in printed.replace(" ", "") and all(number in printed for number in numbers)


def _value_rows(screen: Any) -> list[tuple[str, ...]]:
    from station.ui.widgets.value_list import ValueList

    return list(screen.query_one("#detail-values", ValueList).rows)


@pytest.mark.asyncio
async def test_a_case_is_discarded_whole_and_none_of_its_items_alone(
        store: StationStore, demo: DemoDevices, log: MessageLog) -> None:
    app = make_app(store, demo_devices=demo)
    async with app.run_test(size=(80, 24), message_hook=log) as pilot:
        await login(pilot, "wang")
        bundle = await _pick_bundle(pilot, log, "HZ-YJS-003")
        bundle.query_one("#bundle-items").move_cursor(row=0)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
        assert pilot.app.screen.check_action("discard", ()) is False  # an item alone: no
        await pilot.press("escape")
        await until(pilot, lambda: pilot.app.screen is bundle)
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press("y")
        await log.wait_for(DraftDiscarded)
        await settle(pilot)
        assert Application.select().where(Application.case_id == bundle.case.case_id).count() == 0
        assert not isinstance(pilot.app.screen, BundleScreen)
