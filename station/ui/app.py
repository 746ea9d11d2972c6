"""The station app: screens wired to core services injected by `make_app`."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.worker import Worker, WorkerState

from station.core.errors import JiujinError, StationBusy
from station.core.roles import Action, allowed
from station.core.session import Session
from station.core.store import StationStore
from station.ui.context import StationServices, Timing
from station.ui.device_host import DeviceHostApp
from station.ui.i18n import N_, _, language, set_language
from station.ui.messages import LoggedIn, LoginRefused
from station.ui.navigation import Routes, ScreenName
from station.ui.screens.login import LoginScreen

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from devices import DemoDevices, DeviceConfig
    from forms import Catalog
    from station.core.demo import DemoOperator
    from station.core.print_jobs import A4Output

COUNTER_ROUTES = Routes({
    "login": "station.ui.screens.login:LoginScreen",
    "home": "station.ui.screens.home:HomeScreen",
    "start": "station.ui.screens.counter.start:StartScreen",
    "bundle": "station.ui.screens.counter.bundle:BundleScreen",
    "form": "station.ui.screens.counter.form:FormScreen",
    "review": "station.ui.screens.counter.review:ReviewScreen",
    "result": "station.ui.screens.counter.result:ResultScreen",
    "rating": "station.ui.screens.counter.rating:RatingScreen",
    "amend": "station.ui.screens.counter.amend:AmendScreen",
    "detail": "station.ui.screens.detail:DetailScreen",
    "applications": "station.ui.screens.applications:ApplicationsScreen",
    "sync": "station.ui.screens.sync:SyncScreen",
    "supervisor": "station.ui.screens.supervisor:SupervisorScreen",
    "help": "station.ui.dialogs.help:HelpDialog",
    "demo_card": "station.ui.dialogs.demo_card:DemoCardDialog",
    "resume": "station.ui.dialogs.resume:ResumeDraftsDialog",
    "confirm": "station.ui.dialogs.confirm:ConfirmDialog",
    "guide": "station.ui.dialogs.guide:GuideDialog",
    "scan": "station.ui.dialogs.scan:AttachScanDialog",
    "save_pdf": "station.ui.dialogs.save_pdf:SavePdfDialog",
    "void": "station.ui.dialogs.void:VoidDialog",
    "supplement": "station.ui.dialogs.supplement:SupplementDialog",
    "add_operator": "station.ui.dialogs.operator:AddOperatorDialog",
    "set_password": "station.ui.dialogs.operator:SetPasswordDialog",
})
STYLES = ["base", "login", "home", "counter", "applications", "supervisor", "dialogs", "rating"]


class DeferredStartDone(Message):
    """The work the command left until the login screen was drawn is done."""


class JiujinApp(DeviceHostApp):
    """就近 — the counter application."""

    CSS_PATH = [f"styles/{name}.tcss" for name in STYLES]
    TITLE = "就近 Jiujin"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("ctrl+l", "lock", N_("锁屏"), id="lock", tooltip=N_("结束会话，回到登录界面"),
                priority=True),  # a dialog on top (the drafts offer) must not stop the lock
        Binding("f1", "help", N_("帮助"), id="help", tooltip=N_("列出本界面的全部按键")),
        Binding("ctrl+q", "quit", N_("退出"), id="quit"),
        Binding("f9", "demo_card", N_("演示读卡"), id="demo-card", tooltip=N_("把一张模拟身份证放到读卡器上")),
    ]
    ROUTES = COUNTER_ROUTES
    IDLE_CHECK_SECONDS = 5.0
    CATALOG_PRELOAD_DELAY = 0.5  # idle time after the login screen shows, while a password is typed

    def __init__(self, services: StationServices, *, demo_operators: list[DemoOperator] | None = None,
                 monotonic: Callable[[], float] = time.monotonic,
                 after_start: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.after_start = after_start
        self.services = services
        self.store = services.store
        self.demo_operators = demo_operators or []
        self.session: Session | None = None
        self.sub_title = f"{self.store.config.name}（{self.store.config.code}）"
        self.monotonic = monotonic
        self.last_input = monotonic()
        self.last_key_at: float | None = None
        services.on_device_event = self.relay_device_event

    @property
    def lang(self) -> str:
        return language()

    def on_mount(self) -> None:
        self.push_screen(LoginScreen(self.store.config, self.demo_operators))
        self.set_interval(self.IDLE_CHECK_SECONDS, self.lock_if_idle)
        self.set_timer(self.CATALOG_PRELOAD_DELAY, self.load_catalog)
        if self.after_start is not None:
            self.call_after_refresh(self.run_after_start)

    def on_unmount(self) -> None:
        self.stop_background_sync()
        if self.services.has_devices:
            self.services.devices.stop()

    @work(thread=True, exit_on_error=False, group="after-start", description="the command's deferred start")
    def run_after_start(self) -> None:
        """What the command left until the login screen was drawn; a failure is logged (the
        station works on without it, as it does without a hub)."""
        assert self.after_start is not None
        try:
            self.after_start()
        except Exception:
            log.exception("deferred start failed")
            return
        self.post_message(DeferredStartDone())

    @on(DeferredStartDone)
    def sync_after_start(self) -> None:
        """Someone who logged in before the deferred start gave the station its hub (a demo
        just made enrols after its login screen is drawn) syncs from now on."""
        if self.session is not None and self.sync_loop is None:
            self.start_background_sync(self.session)

    @work(thread=True, exit_on_error=False, group="catalog", description="load the service catalog")
    def load_catalog(self) -> None:
        """Load and validate the catalog off the UI thread while the operator logs in."""
        self.services.counter.catalog.codes()

    def on_event(self, event: events.Event):  # type: ignore[no-untyped-def]
        if isinstance(event, (events.Key, events.MouseDown)):
            self.last_input = self.monotonic()
            self.last_key_at = time.perf_counter()
        return super().on_event(event)

    def is_showing(self, name: ScreenName) -> bool:
        """Whether the screen in front is the one called `name` in the routes."""
        return isinstance(self.screen, self.ROUTES.screen_class(name))

    # -- sessions ------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="login", description="login")
    def login(self, name: str, password: str) -> None:
        """Unlock the store (Argon2id takes a moment) and report the outcome."""
        try:
            session = self.store.login(name, password)
        except JiujinError as exc:
            self.post_message(LoginRefused(exc.message(self.lang)))
            return
        self.post_message(LoggedIn(session))

    @on(LoggedIn)
    def start_session(self, message: LoggedIn) -> None:
        self.session = message.session
        self.last_input = self.monotonic()
        self.start_devices()
        self.start_background_sync(message.session)
        self.switch_screen(self.ROUTES.build("home", offer_drafts=True))

    @on(LoginRefused)
    def show_login_error(self, message: LoginRefused) -> None:
        if isinstance(self.screen, LoginScreen):
            self.screen.show_error(message.message)

    def lock_if_idle(self) -> None:
        """Lock the screen after the station's idle-lock minutes without input."""
        idle = self.monotonic() - self.last_input
        if self.session is not None and idle >= self.store.config.idle_lock_minutes * 60:
            self.action_lock()

    def action_lock(self) -> None:
        """Return to the login screen; open drafts are saved first, then the session ends."""
        if self.session is None:
            return
        for screen in self.screen_stack:
            before_lock = getattr(screen, "before_lock", None)
            if callable(before_lock):
                try:
                    before_lock()
                except JiujinError as error:  # a full disk, or a session the hub ended: lock all the same
                    self.notify(error.message(self.lang), title=_("未能保存"), severity="error", timeout=30)
        self.stop_background_sync()
        name = self.session.operator_name
        self.session.end()
        self.session = None
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(LoginScreen(self.store.config, self.demo_operators, locked_by=name))

    def session_ended_by_hub(self) -> None:
        super().session_ended_by_hub()
        self.action_lock()

    def station_re_keyed(self, error: StationBusy) -> None:
        """Say so and lock: logging in again opens the database with the new key."""
        super().station_re_keyed(error)
        self.notify(error.message(self.lang), title=_("出错了"), severity="error", timeout=30)
        self.action_lock()

    def hub_news(self) -> None:
        if self.is_showing("home"):
            self.screen.load()  # type: ignore[attr-defined]

    def action_help(self) -> None:
        if not self.is_showing("help"):
            self.push_screen(self.ROUTES.build("help", self.screen))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "demo_card":  # a card starts an application: only for those who file them
            return (self.services.demo is not None and self.session is not None
                    and allowed(self.session.role, Action.APPLICATION_CREATE))
        return True

    def action_demo_card(self) -> None:
        demo = self.services.demo
        if demo is not None and self.session is not None:
            self.push_screen(self.ROUTES.build("demo_card", demo.cards()), self.present_demo_card)

    def present_demo_card(self, name: str | None) -> None:
        if name and self.services.demo is not None:
            self.services.demo.present_card(name)

    @on(Worker.StateChanged)
    def report_worker_failure(self, event: Worker.StateChanged) -> None:
        """The one place worker failures surface: a notification, never a silent loss."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            if isinstance(error, StationBusy) and self.session is not None:
                self.station_re_keyed(error)
                return
            text = error.message(self.lang) if isinstance(error, JiujinError) else _(
                "操作未完成：{kind}").format(kind=type(error).__name__)
            self.notify(text, title=_("出错了"), severity="error", timeout=10)


def make_app(store: StationStore, *, lang: str = "zh",
             demo_operators: list[DemoOperator] | None = None,
             monotonic: Callable[[], float] = time.monotonic,
             devices: DeviceConfig | None = None, demo_devices: DemoDevices | None = None,
             catalog: Catalog | None = None, a4: A4Output | Callable[[], A4Output] | None = None,
             timing: Timing | None = None, kiosk: bool = False,
             session: Session | None = None, after_start: Callable[[], None] | None = None) -> App[None]:
    """The one app factory, shared by the command line, the tests and the benchmarks.

    `devices` configures the reader, printer and scan inbox (None: no devices); `a4` is the
    A4 output or the function that finds it when first needed;
    `demo_devices` are the simulators behind `jiujin demo`; `kiosk` builds the citizen's
    self-service app instead of the counter, running as the kiosk account's `session`;
    `after_start` is work the command leaves until the login screen is drawn (the demo's
    local hub), run off the UI thread.
    """
    set_language(lang)
    if devices is None and demo_devices is not None:
        devices = demo_devices.config()
    services = StationServices(store, catalog=catalog, devices=devices, a4=a4, demo=demo_devices,
                               timing=timing)
    if kiosk:
        from station.ui.kiosk.app import KioskApp

        assert session is not None, "the kiosk runs as its own operator account"
        return KioskApp(services, session, monotonic=monotonic)
    return JiujinApp(services, demo_operators=demo_operators, monotonic=monotonic, after_start=after_start)
