"""Pilot: every value a citizen checks reads as its label, in the chosen language, and whole —
wrapped, never cut — on the review and the application detail, at 80×24 and 120×40."""

from __future__ import annotations

from typing import Any

import pytest
from textual.containers import VerticalScroll

from station.core.counter import Counter, typed_identity
from station.core.store import StationStore
from station.ui.app import make_app
from station.ui.screens.counter.review import ReviewScreen
from station.ui.screens.detail import DetailScreen
from station.ui.widgets.value_list import ValueList
from tests.conftest import Sessions
from tests.pilot import column_text, screen_lines
from tests.station.ui.conftest import login, settle, until

ID_NUMBER = "11010519491231002X"
ADDRESS = "杭州市西湖区北山街道保俶路宝石山下一弄十七号三单元五楼五零二室（东边那扇门）"
DESCRIPTION = "家中老人突发脑梗住院，医疗费用已超过家庭全部积蓄，近两个月无收入来源，申请临时救助"
VALUES = {"town": "330106002", "current_address": ADDRESS, "phone": "13800002222",
          "hardship": "illness", "urgent": True, "amount_requested": "3000",
          "description": DESCRIPTION}
#: What the citizen must read on the screen, and the codes that must not stand in for it.
SHOWN = {"zh": ["北山街道", "突发重大疾病", "是", "女", "13800002222", ID_NUMBER, ADDRESS, DESCRIPTION],
         "en": ["北山街道", "Suddenseriousillness", "Yes", "Female", "13800002222", ID_NUMBER, ADDRESS,
                DESCRIPTION]}
CODES = {"zh": ["330106002", "illness", "True"], "en": ["330106002", "True", "女"]}
SIZES = [(80, 24), (120, 40)]


def draft_of_lisi(store: StationStore, sessions: Sessions) -> str:
    counter = Counter(store)
    draft = counter.start(sessions.operator, counter.item("HZ-MZ-102"),
                          typed_identity(ID_NUMBER, "李四"))
    draft.values.update(VALUES)
    counter.save(sessions.operator, draft)
    return draft.app_id


async def whole_values(pilot: Any, values: ValueList) -> str:
    """Walk the list's scrolling frame page by page and return its value column, joined: a
    value cut at the frame's edge or the column's width is not in it whole."""
    frame = values.parent
    assert isinstance(frame, VerticalScroll)
    frame.scroll_home(animate=False)
    await settle(pilot)
    seen = column_text(pilot.app, values, values.value_offset)
    while frame.scroll_y < frame.max_scroll_y:
        frame.scroll_page_down(animate=False)
        await settle(pilot)
        seen += column_text(pilot.app, values, values.value_offset)
    return seen


async def open_review(pilot: Any, app_id: str) -> ReviewScreen:
    await login(pilot, "wang")
    await pilot.press("escape")  # the offer to continue the draft
    await settle(pilot)
    pilot.app.screen.open_draft(app_id)
    await settle(pilot)
    await pilot.press("f5")
    await until(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))
    screen = pilot.app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


@pytest.mark.asyncio
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_review_shows_labels_whole(store: StationStore, sessions: Sessions,
                                             size: tuple[int, int], lang: str) -> None:
    app_id = draft_of_lisi(store, sessions)
    app = make_app(store, lang=lang)
    async with app.run_test(size=size) as pilot:
        screen = await open_review(pilot, app_id)
        seen = await whole_values(pilot, screen.query_one("#review-list", ValueList))
        for value in SHOWN[lang]:
            assert value in seen, (value, screen_lines(app))
        for code in CODES[lang]:
            assert code not in seen
        labels = [row[0] for row in screen.query_one("#review-list", ValueList).rows]
        assert labels.index("联系电话" if lang == "zh" else "Phone") < labels.index(
            "困难类型" if lang == "zh" else "Type of hardship")  # the form's order
        # no receipt printer at this station: the review says the documents come as an A4 PDF
        assert "A4 PDF" in str(screen.query_one("#review-output").render())
        if lang == "en":  # what is missing, listed the English way
            outcome = " ".join(screen_lines(app))
            assert "Missing" in outcome or "missing" in outcome, outcome
            assert "、" not in outcome


@pytest.mark.asyncio
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_detail_shows_labels_whole_and_events_as_sentences(
        store: StationStore, sessions: Sessions, size: tuple[int, int], lang: str) -> None:
    app_id = draft_of_lisi(store, sessions)
    app = make_app(store, lang=lang)
    async with app.run_test(size=size) as pilot:
        await login(pilot, "wang")
        await pilot.press("escape")
        await settle(pilot)
        app.push_screen(DetailScreen(app_id))
        await until(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.detail is not None)
        await settle(pilot)
        values = app.screen.query_one("#detail-values", ValueList)
        seen = await whole_values(pilot, values)
        for value in SHOWN[lang]:
            assert value in seen, (value, screen_lines(app))
        for code in CODES[lang]:
            assert code not in seen
        assert values.value_offset <= 0.34 * values.size.width + 2  # the label column is not the widest name
        labels = [row[0] for row in values.rows]
        assert labels.index("联系电话" if lang == "zh" else "Phone") < labels.index(
            "困难类型" if lang == "zh" else "Type of hardship")  # the form's order, as on the review
        history = await whole_values(pilot, app.screen.query_one("#history", ValueList))
        assert ("建立草稿" if lang == "zh" else "Draftstarted") in history


@pytest.mark.asyncio
async def test_english_lists_name_services_and_counts_in_english(store: StationStore, sessions: Sessions) -> None:
    from textual.widgets import DataTable, Static

    from station.ui.screens.applications import ApplicationsScreen
    from tests.station.ui.helpers import accepted

    accepted(store, sessions.operator)
    app = make_app(store, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await login(pilot, "wang")
        await settle(pilot)
        today = str(app.screen.query_one("#today", Static).render())
        assert "1 applications" not in today and "Accepted 1" in today and "，" not in today
        await pilot.press("l")
        await until(pilot, lambda: isinstance(app.screen, ApplicationsScreen))
        await settle(pilot)
        cells = [str(c) for c in app.screen.query_one("#applications", DataTable).get_row_at(0)]
        assert "Accepted" in cells and not any("医疗保险" in c for c in cells)


def test_the_day_close_names_the_hubs_verdict() -> None:
    from station.ui.i18n import set_language
    from station.ui.screens.supervisor import day_close_text

    report = {"manifest": {"day": "2026-11-26", "count": 3}, "sent": "http", "result": {"verdict": "agreed"}}
    assert "一致" in day_close_text(report) and "agreed" not in day_close_text(report)
    set_language("en")
    assert day_close_text(report).endswith("agreed")


def test_a_rongque_application_keeps_its_marker_once_delivered() -> None:
    from station.core.overview import ApplicationRow
    from station.ui.widgets.applications.rows import row_cells

    row = ApplicationRow("a1", "TS0001-20261126-0001", "delivered", "HZ-MZ-102", "临时救助申请", "李四",
                         "110105********002X", "2026-11-26 09:41", "wang", rongque=True)
    assert row_cells(row)[1] == "已上报（容缺）"
    assert row_cells(ApplicationRow(**{**row.__dict__, "rongque": False}))[1] == "已上报"
