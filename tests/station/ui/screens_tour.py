"""Every screen and dialog of the station, reached the way a worker or a citizen reaches it,
for the snapshot set and the walker that looks for cut values (`test_every_screen.py`).

A scene starts from a fresh app on the login screen, over a store holding the same few
applications (`counter_fixture`), and ends with the screen on show. Each scene names the
values a citizen checks on it (names, ID numbers, receipt numbers, phone numbers, service
names), which the walker requires whole at 80×24 and 120×40, in Chinese and English.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from textual.widgets import Input, TabbedContent

from station.core.applications import Status
from station.core.counter import Counter, Submission, identity_from_card, typed_identity
from station.core.issuing import CounterResult
from station.core.store import StationStore
from station.ui.app import make_app
from tests.conftest import PASSWORDS, Sessions
from tests.pilot import settle, until
from tests.station.ui.conftest import login
from tests.station.ui.helpers import CARD

SIZES = [(80, 24), (120, 40)]
LANGUAGES = ["zh", "en"]
LISI_ID = "11010519491231002X"
LISI_MASKED = "110105********002X"
ZHANGSAN_MASKED = "110101********0011"


@dataclass(frozen=True)
class Applications:
    """The fixture's applications: accepted, awaiting amendment, and a draft of 李四."""

    accepted: str
    amendment: str
    draft: str
    accepted_receipt: str
    amendment_receipt: str
    submission: Submission  # the accepted one's


def counter_fixture(store: StationStore, sessions: Sessions) -> Applications:
    """One accepted (张三, 医保参保凭证打印), one awaiting amendment (张三, 市民卡补换), and one
    draft of 李四 started without a card (临时救助)."""
    counter = Counter(store)
    done = counter.start(sessions.operator, counter.item("HZ-YB-106"), identity_from_card(CARD))
    done.values["phone"] = "13800000000"
    accepted = counter.submit(sessions.operator, done)
    amend = counter.start(sessions.operator, counter.item("HZ-SMK-103"), identity_from_card(CARD))
    amend.values["phone"] = "13800000000"
    amended = counter.submit(sessions.operator, amend)
    store.applications.record_hub_status(sessions.sync_operator, amended.application_id,
                                         Status.NEEDS_AMENDMENT, "联系电话有误，请核实")
    draft = counter.start(sessions.operator, counter.item("HZ-MZ-102"), typed_identity(LISI_ID, "李四"))
    draft.values.update({"phone": "1380000", "hardship": "illness"})
    counter.save(sessions.operator, draft)
    return Applications(done.app_id, amended.application_id, draft.app_id,
                        accepted.receipt_number or "", amended.receipt_number or "", accepted)


Steps = Callable[[Any, Applications], Awaitable[None]]


@dataclass(frozen=True)
class Scene:
    """One screen on show: how to get there, who is logged in, and what a citizen checks on it."""

    name: str
    steps: Steps
    user: str | None = "wang"
    kiosk: bool = False
    #: Leave the offer to continue one's drafts on show after logging in (else it is declined).
    offer: bool = False
    #: Values that must be on the screen whole; a callable gets the fixture's applications.
    shows: Callable[[Applications, str], list[str]] | None = None


async def log_in(pilot: Any, name: str, offer: bool = False) -> None:
    """Log in on the login screen; unless `offer`, decline the offer to continue one's drafts."""
    from station.ui.dialogs.resume import ResumeDraftsDialog

    await login(pilot, name)
    if not offer and isinstance(pilot.app.screen, ResumeDraftsDialog):
        await pilot.press("escape")
        await settle(pilot)


def app_for(scene: Scene, store: StationStore, lang: str) -> Any:
    if scene.kiosk:
        return make_app(store, lang=lang, kiosk=True, session=store.login("wang", PASSWORDS["wang"]))
    from station.core.demo import DEMO_OPERATORS

    return make_app(store, lang=lang, demo_operators=DEMO_OPERATORS)


async def arrive(pilot: Any, scene: Scene, apps: Applications) -> None:
    """Log in as the scene's user (if any) and take its steps."""
    if scene.user is not None and not scene.kiosk:
        await log_in(pilot, scene.user, scene.offer)
    await scene.steps(pilot, apps)
    await settle(pilot)


# -- the steps of each scene --------------------------------------------------------------------

async def nothing(pilot: Any, apps: Applications) -> None:
    return None


def press(*keys: str) -> Steps:
    async def steps(pilot: Any, apps: Applications) -> None:
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return steps


#: The batches the sync screen lists in its scene: one the hub quarantined, one damaged on a stick.
BATCH_REASONS = ("unknown_catalog_version", "damaged:decrypt_failed")


async def sync_with_batches(pilot: Any, apps: Applications) -> None:
    """The sync screen listing three batches, as the hub answered them: acknowledged, set aside
    as a damaged copy (to be sent again), and quarantined with the reason code only. The first
    holds the events filed so far, acknowledged with it."""
    from datetime import datetime

    from station.core import outbox
    from station.core.models import SyncBatch

    outbox.acknowledge(1, 100, datetime.fromisoformat("2026-11-26T01:30:00+00:00"))
    for no, (state, reason) in enumerate([("acknowledged", None), ("sealed", BATCH_REASONS[1]),
                                          ("quarantined", BATCH_REASONS[0])], start=1):
        SyncBatch.create(batch_no=no, first_seq=no * 100 - 99, last_seq=no * 100, record_count=100,
                         batch_id=f"batch-{no}", prev_batch=f"batch-{no - 1}", body_sha256="0" * 64,
                         created_at="2026-11-26T01:30:00+00:00", size=1, state=state, transport="folder",
                         sent_at="2026-11-26T01:30:00+00:00", last_error=reason,
                         acknowledged_at="2026-11-26T01:30:00+00:00" if state == "acknowledged" else None)
    await press("s")(pilot, apps)


def batch_reasons(apps: Applications, lang: str) -> list[str]:
    from reports.wording import quarantine_text

    return [quarantine_text(reason).get(lang) for reason in BATCH_REASONS]


async def new_with_typed_id(pilot: Any, apps: Applications) -> None:
    await pilot.press("n")
    await settle(pilot)
    screen = pilot.app.screen
    screen.query_one("#id-number", Input).value = LISI_ID
    screen.query_one("#person-name", Input).value = "李四"
    screen.query_one("#service-search", Input).value = "jzz"
    from forms.search import matches

    await until(pilot, lambda: bool(screen.items) and all(matches(i, "jzz") for i in screen.items))


async def bundle_case(pilot: Any, apps: Applications) -> None:
    """一件事: 李四 (typed ID number) and 退休一件事 chosen on the start screen; its two items listed."""
    from station.ui.screens.counter.bundle import BundleScreen

    await pilot.press("n")
    await settle(pilot)
    screen = pilot.app.screen
    screen.query_one("#id-number", Input).value = LISI_ID
    screen.query_one("#person-name", Input).value = "李四"
    search = screen.query_one("#service-search", Input)
    search.focus()
    search.value = "HZ-YJS-002"
    await until(pilot, lambda: bool(screen.bundles) and screen.listed_query == "HZ-YJS-002")
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(pilot.app.screen, BundleScreen))


def bundle_shows(apps: Applications, lang: str) -> list[str]:
    from forms import load_catalog

    catalog = load_catalog()
    return ["李四", LISI_MASKED, *(catalog.get(code).name.get(lang) for code in catalog.bundle("HZ-YJS-002").items)]


async def form_waiting_for_card(pilot: Any, apps: Applications) -> None:
    from tests.station.ui.helpers import choose_service_first

    await choose_service_first(pilot, "HZ-YB-106")


async def open_draft(pilot: Any, apps: Applications) -> None:
    pilot.app.screen.open_draft(apps.draft)
    await settle(pilot)


async def draft_with_errors(pilot: Any, apps: Applications) -> None:
    await open_draft(pilot, apps)
    form = pilot.app.screen
    form.query_one("#form").show_all_errors = True
    form.reevaluate()


async def review(pilot: Any, apps: Applications) -> None:
    from station.ui.screens.counter.review import ReviewScreen

    await open_draft(pilot, apps)
    pilot.app.screen.query_one("#input-phone", Input).value = "13800002222"
    await settle(pilot)
    await pilot.press("f5")
    await until(pilot, lambda: isinstance(pilot.app.screen, ReviewScreen))


def pushed(make: Callable[[Any, Applications], Any]) -> Steps:
    async def steps(pilot: Any, apps: Applications) -> None:
        pilot.app.push_screen(make(pilot.app, apps))
        await settle(pilot)

    return steps


def issued_now(app: Any) -> CounterResult:
    """张三's 医保参保凭证打印 accepted just now, its receipt held as an A4 PDF (no devices)."""
    from station.core.issuing import submit_and_issue

    counter = app.services.counter
    draft = counter.start(app.session, counter.item("HZ-YB-106"), identity_from_card(CARD))
    draft.values["phone"] = "13800000000"
    return submit_and_issue(counter, app.session, draft, "a4", None, app.services.a4)


def result_screen(app: Any, apps: Applications) -> Any:
    from station.ui.screens.counter.result import ResultScreen

    return ResultScreen(issued_now(app))


def rating_screen(app: Any, apps: Applications) -> Any:
    from station.ui.screens.counter.rating import RatingScreen

    return RatingScreen(apps.accepted, apps.accepted_receipt)


def detail(which: str) -> Callable[[Any, Applications], Any]:
    def make(app: Any, apps: Applications) -> Any:
        from station.ui.screens.detail import DetailScreen

        return DetailScreen(getattr(apps, which))

    return make


def supervisor_tab(tab: str) -> Steps:
    async def steps(pilot: Any, apps: Applications) -> None:
        await pilot.press("m")
        await settle(pilot)
        pilot.app.screen.query_one(TabbedContent).active = tab
        await settle(pilot)

    return steps


async def day_close_preview(pilot: Any, apps: Applications) -> None:
    """The supervisor asks to close the day: the preview waits for the answer."""
    from station.ui.dialogs.confirm import ConfirmDialog

    await supervisor_tab("tab-day")(pilot, apps)
    pilot.app.screen.query_one("#close-day").press()
    await until(pilot, lambda: isinstance(pilot.app.screen, ConfirmDialog))


def open_draft_line(apps: Applications, lang: str) -> list[str]:
    """The fixture's open draft as the day close preview names it: who, 李四 masked, the service."""
    from forms import load_catalog

    return [f"· 王小红 · 李* · {load_catalog().get('HZ-MZ-102').name.get(lang)} · 2026-11-26 09:30"]


def dialog(make: Callable[[Any, Applications], Any]) -> Steps:
    return pushed(make)


def void_dialog(app: Any, apps: Applications) -> Any:
    from station.ui.dialogs.void import VoidDialog

    return VoidDialog(apps.accepted)


OWED = ("employment_proof", "rental_contract")  # 居住证申领's materials accepted under 容缺


def owed(lang: str) -> list[tuple[str, str]]:
    from forms import load_catalog

    return [(m.id, m.name.get(lang)) for m in load_catalog().get("HZ-GA-004").materials if m.id in OWED]


def supplement_dialog(app: Any, apps: Applications) -> Any:
    from station.ui.dialogs.supplement import SupplementDialog
    from station.ui.i18n import language

    return SupplementDialog(owed(language()))


def confirm_dialog(app: Any, apps: Applications) -> Any:
    from station.ui.dialogs.confirm import ConfirmDialog
    from station.ui.i18n import _

    return ConfirmDialog(_("停用 {name}？").format(name="wang"))


def add_operator_dialog(app: Any, apps: Applications) -> Any:
    from station.ui.dialogs.operator import AddOperatorDialog

    return AddOperatorDialog()


def set_password_dialog(app: Any, apps: Applications) -> Any:
    from station.ui.dialogs.operator import SetPasswordDialog

    return SetPasswordDialog("wang")


def guide_dialog(app: Any, apps: Applications) -> Any:
    from station.ui.dialogs.guide import GuideDialog

    return GuideDialog(app.services.counter.item("HZ-GA-004"))


def help_dialog(app: Any, apps: Applications) -> Any:
    from station.ui.dialogs.help import HelpDialog

    return HelpDialog(app.screen)


def scan_dialog(app: Any, apps: Applications) -> Any:
    """A scan whose file is no longer in the inbox: the list, the preview saying so, the
    material to attach it to."""
    from station.ui.dialogs.scan import AttachScanDialog
    from station.ui.messages import ScanArrived

    draft = app.services.counter.resume(app.session, apps.draft)
    return AttachScanDialog(draft, [ScanArrived("/nonexistent/scan-0001.jpg", "0" * 64, "image/jpeg", 1024)],
                            None)


def save_pdf_dialog(app: Any, apps: Applications) -> Any:
    from station.core.print_jobs import HeldDocuments
    from station.ui.dialogs.save_pdf import SavePdfDialog

    return SavePdfDialog(HeldDocuments(), "receipt")


def demo_card_dialog(app: Any, apps: Applications) -> Any:
    from devices import fixture_names, load_fixture
    from station.ui.dialogs.demo_card import DemoCardDialog

    return DemoCardDialog([load_fixture(name) for name in fixture_names()])


async def kiosk_services(pilot: Any, apps: Applications) -> None:
    from station.ui.messages import CardTapped

    pilot.app.screen.post_message(CardTapped(CARD))
    await settle(pilot)


async def kiosk_confirm(pilot: Any, apps: Applications) -> None:
    await kiosk_services(pilot, apps)
    screen = pilot.app.screen
    index = [i.code for i in screen.items].index("HZ-SMK-103")
    screen.query_one("OptionList").highlighted = index
    await pilot.press("enter")
    await settle(pilot)


async def amend(pilot: Any, apps: Applications) -> None:
    await pushed(detail("amendment"))(pilot, apps)
    await pilot.press("a")
    await settle(pilot)


def kiosk_done(app: Any, apps: Applications) -> Any:
    from station.ui.kiosk.screens import KioskDoneScreen

    return KioskDoneScreen(issued_now(app))


def kiosk_leave(app: Any, apps: Applications) -> Any:
    from station.ui.kiosk.leave import LeaveKioskDialog

    return LeaveKioskDialog()


def third_receipt(apps: Applications) -> str:
    """The receipt number of the application a scene accepts itself (after the fixture's two)."""
    return apps.accepted_receipt.rsplit("-", 1)[0] + "-0003"


def material_names(code: str, lang: str) -> list[str]:
    """The names of an item's materials as the checklist shows them, in `lang`."""
    from station.core.documents import default_catalog

    return [m.name.get(lang) for m in default_catalog().get(code).materials if m.necessity != "optional"]


def _receipts(apps: Applications) -> list[str]:
    return [apps.accepted_receipt, apps.amendment_receipt]


SCENES = [
    Scene("login", nothing, user=None),
    Scene("home_operator", nothing, shows=lambda apps, lang: ["李四", LISI_MASKED]),
    Scene("home_supervisor", nothing, user="li"),
    Scene("home_sync_operator", nothing, user="zhao"),
    Scene("home_admin", nothing, user="admin"),
    Scene("resume_drafts", nothing, offer=True, shows=lambda apps, lang: ["李四"]),
    Scene("counter_start", new_with_typed_id, shows=lambda apps, lang: [LISI_ID, "李四"]),
    Scene("bundle", bundle_case, shows=bundle_shows),
    Scene("form_waiting_for_card", form_waiting_for_card),
    Scene("form_with_errors", draft_with_errors,
          shows=lambda apps, lang: ["李四", LISI_ID, *material_names("HZ-MZ-102", lang)]),
    Scene("review", review, shows=lambda apps, lang: ["李四", LISI_ID, "13800002222"]),
    Scene("result", pushed(result_screen), shows=lambda apps, lang: [third_receipt(apps)]),
    Scene("rating", pushed(rating_screen), shows=lambda apps, lang: [apps.accepted_receipt]),
    Scene("applications", press("l"), shows=lambda apps, lang: ["李四", "张三", *_receipts(apps)]),
    Scene("detail_amendment", pushed(detail("amendment")),
          shows=lambda apps, lang: ["张三", "110101199003070011", "13800000000", apps.amendment_receipt]),
    Scene("amend", amend, shows=lambda apps, lang: ["张三", "13800000000", CARD["address"],
                                                     *material_names("HZ-SMK-103", lang)]),
    Scene("detail_draft", pushed(detail("draft")), shows=lambda apps, lang: ["李四", LISI_ID]),
    Scene("manage_operators", supervisor_tab("tab-operators"), user="admin"),
    Scene("manage_devices", supervisor_tab("tab-devices"), user="admin"),
    Scene("manage_station", supervisor_tab("tab-station"), user="admin"),
    Scene("manage_void", supervisor_tab("tab-void"), user="li"),
    Scene("manage_day_close", supervisor_tab("tab-day"), user="li"),
    Scene("day_close_preview", day_close_preview, user="li", shows=open_draft_line),
    Scene("add_operator", dialog(add_operator_dialog), user="admin"),
    Scene("set_password", dialog(set_password_dialog), user="admin"),
    Scene("confirm", dialog(confirm_dialog), user="admin"),
    Scene("void", dialog(void_dialog), user="li"),
    Scene("supplement", dialog(supplement_dialog), shows=lambda apps, lang: [name for _m, name in owed(lang)]),
    Scene("sync", press("s"), user="zhao"),
    Scene("sync_batches", sync_with_batches, user="zhao", shows=batch_reasons),
    Scene("help", press("f1")),
    Scene("locked", press("ctrl+l")),
    Scene("guide", dialog(guide_dialog)),
    Scene("scan", dialog(scan_dialog)),
    Scene("save_pdf", dialog(save_pdf_dialog)),
    Scene("demo_card", dialog(demo_card_dialog)),
    Scene("kiosk_start", nothing, kiosk=True),
    Scene("kiosk_services", kiosk_services, kiosk=True, shows=lambda apps, lang: ["张三"]),
    Scene("kiosk_confirm", kiosk_confirm, kiosk=True, shows=lambda apps, lang: ["张三"]),
    Scene("kiosk_done", pushed(kiosk_done), kiosk=True, shows=lambda apps, lang: [third_receipt(apps)]),
    Scene("kiosk_leave", pushed(kiosk_leave), kiosk=True),
]
