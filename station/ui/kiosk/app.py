"""The kiosk app: citizen-facing, full screen, card-only services; nothing of the counter.

Sixty seconds without input returns to the start and forgets the card. Leaving needs the
exit keys (F12 three times) and an admin's name and password.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from textual import events, on
from textual.binding import Binding
from textual.worker import Worker, WorkerState

from station.core import kiosk
from station.core.session import Session
from station.ui.context import StationServices
from station.ui.device_host import DeviceHostApp
from station.ui.i18n import _, language, set_language
from station.ui.kiosk.screens import KioskStartScreen
from station.ui.navigation import Routes


class KioskApp(DeviceHostApp):
    """自助机."""

    CSS_PATH = ["../styles/base.tcss", "../styles/kiosk.tcss", "../styles/dialogs.tcss", "../styles/rating.tcss"]
    TITLE = "就近 · 自助服务"
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("ctrl+q", "ignore", show=False, priority=True),
        Binding("ctrl+c", "ignore", show=False, priority=True),
        Binding(kiosk.EXIT_KEYS[0], "exit_key", show=False, priority=True),
    ]
    ROUTES = Routes({"leave_kiosk": "station.ui.kiosk.leave:LeaveKioskDialog",
                     "demo_card": "station.ui.dialogs.demo_card:DemoCardDialog"})
    IDLE_CHECK_SECONDS = 1.0

    def __init__(self, services: StationServices, session: Session,
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.services = services
        self.store = services.store
        self.session: Session | None = session
        self.monotonic = monotonic
        self.last_input = monotonic()
        self.exit_presses: list[float] = []
        self.default_language = language()  # each citizen starts in the kiosk's own language
        services.on_device_event = self.relay_device_event

    def on_mount(self) -> None:
        self.push_screen(KioskStartScreen())
        self.set_interval(self.IDLE_CHECK_SECONDS, self.restart_if_idle)
        self.start_devices()
        if self.session is not None:
            self.start_background_sync(self.session)

    def on_unmount(self) -> None:
        self.stop_background_sync()
        self.services.devices.stop()

    def action_ignore(self) -> None:
        """Quit keys do nothing here: only an admin leaves kiosk mode."""

    def on_event(self, event: events.Event):  # type: ignore[no-untyped-def]
        if isinstance(event, (events.Key, events.MouseDown)):
            self.last_input = self.monotonic()
        return super().on_event(event)

    def action_exit_key(self) -> None:
        """F12 three times within three seconds asks for an admin's password."""
        now = self.monotonic()
        self.exit_presses = [t for t in self.exit_presses if now - t <= kiosk.EXIT_KEYS_WITHIN_SECONDS]
        self.exit_presses.append(now)
        if len(self.exit_presses) >= len(kiosk.EXIT_KEYS):
            self.exit_presses.clear()
            self.push_screen(self.ROUTES.build("leave_kiosk"))

    def restart_if_idle(self) -> None:
        """Sixty seconds without input: back to the start, the card and answers forgotten."""
        if self.monotonic() - self.last_input >= kiosk.IDLE_SECONDS:
            self.restart()

    def restart(self) -> None:
        """Drop every screen above the start; what they held goes with them, and the next
        citizen starts in the kiosk's own language."""
        while len(self.screen_stack) > 2:
            self.pop_screen()
        self.last_input = self.monotonic()
        if language() != self.default_language:
            set_language(self.default_language)
            self.screen.refresh(recompose=True)

    @on(Worker.StateChanged)
    def report_worker_failure(self, event: Worker.StateChanged) -> None:
        """The one place worker failures surface; the citizen is sent to a person."""
        if event.state == WorkerState.ERROR:
            self.notify(_("暂时无法办理，请到人工窗口"), severity="error", timeout=8)
