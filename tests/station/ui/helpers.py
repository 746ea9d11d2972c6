"""Shared helpers for the station UI tests (and the core tests that file applications): the
demo card, the counter's steps through a pilot, an accepted application, the English catalog."""

from __future__ import annotations

from babel.messages.pofile import read_po
from textual.widgets import Input, Select

from devices import DemoDevices
from station.core.counter import Counter, identity_from_card
from station.core.models import Application
from station.core.session import Session
from station.core.store import StationStore
from station.ui.app import make_app
from station.ui.i18n import CATALOG_DIR
from station.ui.kiosk.screens import KioskConfirmScreen, KioskServicesScreen
from station.ui.messages import ApplicationSubmitted, CardTapped
from station.ui.screens.counter.form import FormScreen
from station.ui.screens.counter.review import ReviewScreen
from station.ui.screens.counter.start import StartScreen
from tests.conftest import PASSWORDS
from tests.station.ui.conftest import MessageLog, settle, until

ZHANGSAN = "110101199003070011"  # the resident_zhangsan fixture card


async def card_shown(pilot, log: MessageLog) -> StartScreen:  # type: ignore[no-untyped-def]
    """Once the reader has delivered a card: the start screen in front, showing it. (The start
    screen opens as the read begins; the card reaches it as one more message.)"""
    await log.wait_for(CardTapped)
    await until(pilot, lambda: isinstance(pilot.app.screen, StartScreen) and pilot.app.screen.card is not None)
    await settle(pilot)  # the card's line drawn, the focus moved on to the search
    start = pilot.app.screen
    assert isinstance(start, StartScreen)
    return start


async def tap_card_and_choose(pilot, demo: DemoDevices, log: MessageLog, code: str) -> FormScreen:  # type: ignore[no-untyped-def]
    """From home: tap the demo card, search the service by code, open its form."""
    demo.present_card("resident_zhangsan")
    start = await card_shown(pilot, log)
    start.query_one("#service-search", Input).value = code
    await settle(pilot)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    screen = pilot.app.screen
    assert isinstance(screen, FormScreen) and screen.draft.item.code == code
    return screen


async def choose_service_first(pilot, code: str) -> FormScreen:  # type: ignore[no-untyped-def]
    """From home, with no card: start a new application, choose the service by its code and
    wait for its form, which waits for the card."""
    await pilot.press("n")
    await settle(pilot)
    assert isinstance(pilot.app.screen, StartScreen)
    search = pilot.app.screen.query_one("#service-search", Input)
    search.focus()
    search.value = code
    await settle(pilot)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    form = pilot.app.screen
    assert isinstance(form, FormScreen) and form.awaiting_card
    return form


def set_field(screen: FormScreen, field_id: str, value: object) -> None:
    control = screen.query_one(f"#input-{field_id}")
    if isinstance(control, Select):
        control.value = value
    else:
        assert isinstance(control, Input)
        control.value = str(value)


async def submit(pilot, log: MessageLog) -> ApplicationSubmitted:  # type: ignore[no-untyped-def]
    await pilot.press("f5")
    await settle(pilot)
    assert isinstance(pilot.app.screen, ReviewScreen)
    await pilot.press("ctrl+s")
    message = await log.wait_for(ApplicationSubmitted)
    await settle(pilot)
    return message


CARD = {"name": "张三", "gender": "男", "nation": "汉", "birth_date": "1990-03-07",
        "address": "浙江省杭州市西湖区文三路90号", "id_number": "110101199003070011",
        "issuer": "杭州市公安局西湖分局", "valid_from": "2015-03-10", "valid_to": "2035-03-10",
        "card_type": "resident"}


def accepted(store: StationStore, operator: Session, code: str = "HZ-YB-106") -> Application:
    """An accepted application filed by `operator` with the card of 张三."""
    counter = Counter(store)
    draft = counter.start(operator, counter.item(code), identity_from_card(CARD))
    draft.values["phone"] = "13800000000"
    submission = counter.submit(operator, draft)
    return Application.get_by_id(submission.application_id)


def english_catalog() -> dict[str, str]:
    with (CATALOG_DIR / "en" / "LC_MESSAGES" / "jiujin.po").open("rb") as po:
        return {m.id: m.string for m in read_po(po) if m.id}


def kiosk_app(store: StationStore, demo: DemoDevices, now: list[float], *,  # type: ignore[no-untyped-def]
              as_demo: bool = False):
    """A kiosk whose reader and printer are the simulators: as a real kiosk (the simulators only
    behind its devices), or `as_demo` as `jiujin kiosk --demo` (F9 taps a demo card)."""
    session = store.login("wang", PASSWORDS["wang"])  # the kiosk's own operator account
    return make_app(store, devices=demo.config(), demo_devices=demo if as_demo else None, kiosk=True,
                    session=session, monotonic=lambda: now[0])


async def choose(pilot, demo: DemoDevices, log: MessageLog, code: str, *,  # type: ignore[no-untyped-def]
                 with_f9: bool = False) -> KioskConfirmScreen:
    """张三's card on the reader (placed by the test, or `with_f9` chosen in the demo kiosk's
    card picker as a visitor does), then the service `code` chosen: its confirm screen."""
    if with_f9:
        from station.ui.dialogs.demo_card import DemoCardDialog

        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(pilot.app.screen, DemoCardDialog)
        await pilot.press("enter")  # 张三 is first
    else:
        demo.present_card("resident_zhangsan")
    await log.wait_for(CardTapped)
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, KioskServicesScreen)
    assert screen.items and all(i.access.kiosk and i.card_only for i in screen.items)
    screen.highlight(code)
    await pilot.press("enter")
    await settle(pilot)
    confirm = pilot.app.screen
    assert isinstance(confirm, KioskConfirmScreen)
    return confirm
