"""The station app: screens wired to core services injected by `make_app`."""

from __future__ import annotations

import time
from collections.abc import Callable

from textual import events, on, work
from textual.app import App
from textual.binding import Binding
from textual.worker import Worker, WorkerState

from station.core.demo import DemoOperator
from station.core.errors import JiujinError
from station.core.session import Session
from station.core.store import StationStore
from station.ui.messages import LoggedIn, LoginRefused
from station.ui.screens.home import HomeScreen
from station.ui.screens.login import LoginScreen


class JiujinApp(App[None]):
    """就近 — the counter application."""

    CSS_PATH = "styles/app.tcss"
    TITLE = "就近 Jiujin"
    BINDINGS = [
        Binding("ctrl+l", "lock", "锁屏 Lock", id="lock"),
        Binding("ctrl+q", "quit", "退出 Quit", id="quit"),
    ]

    IDLE_CHECK_SECONDS = 5.0

    def __init__(self, store: StationStore, *, lang: str = "zh",
                 demo_operators: list[DemoOperator] | None = None,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.store = store
        self.lang = lang
        self.demo_operators = demo_operators or []
        self.session: Session | None = None
        self.sub_title = f"{store.config.name}（{store.config.code}）"
        self.monotonic = monotonic
        self.last_input = monotonic()

    def on_mount(self) -> None:
        self.push_screen(LoginScreen(self.store.config, self.demo_operators))
        self.set_interval(self.IDLE_CHECK_SECONDS, self.lock_if_idle)
        self.load_catalog()

    @work(thread=True, exit_on_error=False, group="catalog", description="load the service catalog")
    def load_catalog(self) -> None:
        """Load and validate the catalog off the UI thread while the operator logs in."""
        from station.core.services import station_catalog

        station_catalog()

    def on_event(self, event: events.Event):  # type: ignore[no-untyped-def]
        if isinstance(event, (events.Key, events.MouseDown)):
            self.last_input = self.monotonic()
        return super().on_event(event)

    def lock_if_idle(self) -> None:
        """Lock the screen after the station's idle-lock minutes without input."""
        idle = self.monotonic() - self.last_input
        if self.session is not None and idle >= self.store.config.idle_lock_minutes * 60:
            self.action_lock()

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
        self.switch_screen(HomeScreen(message.session))

    @on(LoginRefused)
    def show_login_error(self, message: LoginRefused) -> None:
        if isinstance(self.screen, LoginScreen):
            self.screen.show_error(message.message)

    def action_lock(self) -> None:
        """Return to the login screen; the session ends."""
        if self.session is None:
            return
        self.session.end()
        self.session = None
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.switch_screen(LoginScreen(self.store.config, self.demo_operators))

    @on(Worker.StateChanged)
    def report_worker_failure(self, event: Worker.StateChanged) -> None:
        """The one place worker failures surface: a notification, never a silent loss."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            text = error.message(self.lang) if isinstance(error, JiujinError) else type(error).__name__
            self.notify(text, title="出错了 Error", severity="error", timeout=10)


def make_app(store: StationStore, *, lang: str = "zh",
             demo_operators: list[DemoOperator] | None = None,
             monotonic: Callable[[], float] = time.monotonic) -> JiujinApp:
    """The one app factory, shared by the command line and the tests."""
    return JiujinApp(store, lang=lang, demo_operators=demo_operators, monotonic=monotonic)
