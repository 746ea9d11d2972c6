"""The service picker: 常办事项 learned from the station's own history, one Enter from search
to form, a list that never answers an older search, and a wrong pick that leaves no draft."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import Input, OptionList

from devices import DemoDevices
from forms.search import matches
from station.core.applications import Status
from station.core.counter import FREQUENT_DAYS, Counter, identity_from_card
from station.core.models import Application
from station.core.store import StationStore
from station.ui.app import make_app
from station.ui.messages import ServicesFound
from station.ui.screens.counter.form import FormScreen
from station.ui.screens.counter.start import StartScreen
from station.ui.screens.home import HomeScreen
from tests.conftest import Sessions
from tests.pilot import settle, until
from tests.station.ui.conftest import MessageLog, login
from tests.station.ui.helpers import CARD, card_shown, set_field, tap_card_and_choose


def accept(store: StationStore, sessions: Sessions, code: str, times: int) -> None:
    counter = Counter(store)
    for _ in range(times):
        draft = counter.start(sessions.operator, counter.item(code), identity_from_card(CARD))
        draft.values["phone"] = "13800000000"
        assert counter.submit(sessions.operator, draft).accepted


async def card_at_the_start(pilot, demo: DemoDevices, log: MessageLog) -> StartScreen:  # type: ignore[no-untyped-def]
    """Log in, tap the demo card and wait for the service list (no search typed yet)."""
    await login(pilot, "wang")
    demo.present_card("resident_zhangsan")
    start = await card_shown(pilot, log)
    await until(pilot, lambda: start.listed_query == "")
    return start


def drafts() -> int:
    return Application.select().where(Application.status == Status.DRAFT).count()


def test_frequent_services_are_learned_from_what_this_station_accepted(
        store: StationStore, sessions: Sessions) -> None:
    counter = Counter(store)
    assert counter.frequent("person") == []  # a new station has no history yet
    accept(store, sessions, "HZ-SMK-103", 3)
    accept(store, sessions, "HZ-YB-106", 1)
    never_sent = counter.start(sessions.operator, counter.item("HZ-YB-106"), identity_from_card(CARD))
    counter.save(sessions.operator, never_sent)  # a draft does not count
    assert [i.code for i in counter.frequent("person")] == ["HZ-SMK-103"]  # once is not 常办
    accept(store, sessions, "HZ-YB-106", 1)
    assert [i.code for i in counter.frequent("person")] == ["HZ-SMK-103", "HZ-YB-106"]
    assert counter.frequent("business") == []

    long_ago = counter.today() - timedelta(days=FREQUENT_DAYS + 1)
    for app in Application.select().where(Application.item_code == "HZ-SMK-103"):  # accepted long ago
        code, _day, number = str(app.receipt_number).split("-")
        app.day, app.receipt_number = long_ago, f"{code}-{long_ago:%Y%m%d}-{number}"
        app.save()
    assert [i.code for i in counter.frequent("person")] == ["HZ-YB-106"]


@pytest.mark.asyncio
async def test_the_station_frequent_services_head_the_list_and_enter_opens_one(
        store: StationStore, sessions: Sessions, demo: DemoDevices, log: MessageLog) -> None:
    accept(store, sessions, "HZ-YB-106", 2)
    app = make_app(store, demo_devices=demo)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        start = await card_at_the_start(pilot, demo, log)
        options = start.query_one("#services", OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert prompts[0] == "常办事项" and "HZ-YB-106" in prompts[1]
        # then the 一件事 this point files, then every service
        assert prompts[2] == "一件事（多个事项一次申请）" and "HZ-YJS-002" in prompts[3]
        assert prompts.index("全部可办事项") > 3
        assert start.highlighted_item() is not None and start.highlighted_item().code == "HZ-YB-106"
        assert start.query_one("#service-search", Input).has_focus
        await pilot.press("enter")  # one Enter from the search opens the highlighted service
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        assert app.screen.draft.item.code == "HZ-YB-106"


@pytest.mark.asyncio
async def test_an_older_search_finishing_late_never_replaces_the_list(
        store: StationStore, demo: DemoDevices, log: MessageLog) -> None:
    app = make_app(store, demo_devices=demo)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        start = await card_at_the_start(pilot, demo, log)
        await pilot.press(*"jzz")
        await until(pilot, lambda: start.listed_query == "jzz")
        found = [item.code for item in start.items]
        everything = Counter(store).services("person")  # the unfiltered search, done late
        assert found and len(found) < len(everything) and all(matches(i, "jzz") for i in start.items)

        start.post_message(ServicesFound(everything, ""))
        await settle(pilot)
        assert [item.code for item in start.items] == found
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        assert app.screen.draft.item.code == found[0]


@pytest.mark.asyncio
async def test_enter_pressed_before_the_search_answers_opens_that_search_s_first_match(
        store: StationStore, demo: DemoDevices, log: MessageLog) -> None:
    """A worker who types a code and presses Enter faster than the search runs gets the form
    of what they typed, never the line the older list had under its cursor."""
    app = make_app(store, demo_devices=demo)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        start = await card_at_the_start(pilot, demo, log)
        search = start.query_one("#service-search", Input)
        older_first = start.highlighted_item()
        assert older_first is not None and older_first.code != "HZ-YB-106"
        search.value = "HZ-YB-106"  # its search has not run yet
        start.search_submitted(Input.Submitted(search, "HZ-YB-106"))
        assert app.screen is start and drafts() == 0  # nothing opened from the older list
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        assert app.screen.draft.item.code == "HZ-YB-106" and drafts() == 1


@pytest.mark.asyncio
async def test_an_early_enter_lapses_when_the_search_is_typed_on(store: StationStore, demo: DemoDevices,
                                                                 log: MessageLog) -> None:
    app = make_app(store, demo_devices=demo)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        start = await card_at_the_start(pilot, demo, log)
        search = start.query_one("#service-search", Input)
        search.value = "jz"
        start.search_submitted(Input.Submitted(search, "jz"))
        search.value = "jzz"  # typed on before the results of "jz" arrived
        await until(pilot, lambda: start.listed_query == "jzz")
        await settle(pilot)
        assert app.screen is start and drafts() == 0


@pytest.mark.asyncio
async def test_a_service_name_typed_where_the_id_number_goes_searches(store: StationStore,
                                                                      log: MessageLog) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        await login(pilot, "wang")
        await pilot.press("n")
        start = app.screen
        assert isinstance(start, StartScreen) and start.query_one("#id-number", Input).has_focus
        await until(pilot, lambda: start.listed_query == "")
        await pilot.press(*"jzz")
        await until(pilot, lambda: start.listed_query == "jzz")
        assert start.query_one("#id-number", Input).value == ""
        assert start.query_one("#service-search", Input).value == "jzz"
        start.query_one("#id-number", Input).focus()
        await pilot.press(*"110101")  # an ID number stays where it is
        assert start.query_one("#id-number", Input).value == "110101"


@pytest.mark.asyncio
async def test_a_wrong_pick_left_at_once_keeps_no_draft(store: StationStore, demo: DemoDevices,
                                                        log: MessageLog) -> None:
    app = make_app(store, demo_devices=demo)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        await login(pilot, "wang")
        await tap_card_and_choose(pilot, demo, log, "HZ-YB-106")
        assert drafts() == 1
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert drafts() == 0

        log.messages.clear()  # the next tap is a new one
        form = await tap_card_and_choose(pilot, demo, log, "HZ-YB-106")
        set_field(form, "phone", "13800000000")  # something entered: the draft is kept
        await settle(pilot)
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert drafts() == 1


@pytest.mark.asyncio
async def test_back_from_the_review_the_focus_is_on_the_first_field_it_found_wrong(
        store: StationStore, demo: DemoDevices, log: MessageLog) -> None:
    app = make_app(store, demo_devices=demo)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        await login(pilot, "wang")
        form = await tap_card_and_choose(pilot, demo, log, "HZ-YB-106")
        phone = form.query_one("#input-phone", Input)
        assert phone.has_focus and phone.value == ""
        await pilot.press("tab")  # the clerk moved on without the phone number
        elsewhere = app.focused
        assert elsewhere is not phone
        await pilot.press("f5")
        await until(pilot, lambda: app.screen is not form)
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is form)
        await settle(pilot)
        assert phone.has_focus
        await pilot.press(*"13800000000")  # what is typed next goes where the review pointed
        await settle(pilot)
        assert phone.value == "13800000000"
