"""What the counter app and the kiosk share: devices reporting from their threads, device
news routed to the screen in front, the background sync while someone is logged in, and
the status bars kept current."""

from __future__ import annotations

import logging
import os
import sys
from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import App
from textual.message import Message
from textual.reactive import reactive

from station.ui.i18n import _, language
from station.ui.messages import (
    ApplicationSubmitted,
    CardReading,
    CardTapped,
    CardUnreadable,
    DevicesChanged,
    PrintJobChanged,
    ScanArrived,
    SyncRoundDone,
)

if TYPE_CHECKING:
    from textual.driver import Driver

    from devices import DeviceEvent, HealthSummary
    from station.core.errors import JiujinError, StationBusy
    from station.core.session import Session
    from station.core.sync_service import BackgroundReport, SyncLoop
    from station.ui.context import StationServices
    from sync.errors import SyncError

log = logging.getLogger(__name__)


class DeviceHostApp(App[None]):
    """An app whose screens hear the reader, printer and scan inbox, and show their health;
    while someone is logged in, it also keeps the station in touch with the hub."""

    SYNC_INTERVAL_SECONDS = 300.0  # a background round every five minutes, and after each submission
    SYNC_PROBE_SECONDS = 15.0  # while the hub cannot be reached: how often to try it again
    background_sync = True  # False: sync only when a sync operator pushes or pulls
    device_health: reactive[HealthSummary | None] = reactive(None)
    hub_status: reactive[tuple[str, str]] = reactive(("absent", ""))
    services: StationServices
    session: Session | None
    sync_loop: SyncLoop | None = None

    TERMINAL_CHECK_SECONDS = 1.0  # how soon a station whose terminal went away notices

    def get_driver_class(self) -> type[Driver]:
        """Textual's terminal driver, made to survive the terminal going away
        (`station.ui.terminal`); any other driver (Windows, a headless test) as Textual picks it."""
        driver = super().get_driver_class()
        if driver.__name__ != "LinuxDriver":
            return driver
        from station.ui.terminal import StationDriver  # imports termios: not on Windows

        return StationDriver

    @on(events.Mount)
    def guard_terminal(self) -> None:
        """Exit, as ^q does, once the terminal the station was started on has gone away.

        A closed terminal window or a dropped SSH link hangs the terminal up. The hang-up signal
        ends the station only when it reaches it: a wrapper such as `make run` can hold it back.
        The station would then run on unseen, holding its store open, while Textual's input
        reader turns at full speed on the dead terminal (Textualize/textual#6690). A terminal
        that hung up is no longer a terminal (`isatty` fails), so a one-second check finds it;
        the station's driver drops what it can no longer draw, so the exit runs to its end.
        """
        stdin = sys.__stdin__
        if self.is_headless or stdin is None or not os.isatty(stdin.fileno()):
            return
        self.set_interval(self.TERMINAL_CHECK_SECONDS, partial(self._exit_without_terminal, stdin.fileno()))

    def _exit_without_terminal(self, fd: int) -> None:
        if not os.isatty(fd):
            log.warning("the station's terminal has gone away: the station exits")
            self.exit()

    @work(thread=True, exclusive=True, exit_on_error=False, group="devices", description="start devices")
    def start_devices(self) -> None:
        """Open the reader, printer and scan inbox (their print jobs live in the store)."""
        self.services.devices.start()
        self.post_message(DevicesChanged(self.services.devices.health()))

    def relay_device_event(self, event: DeviceEvent) -> None:
        """Called on a device thread: hand the event on as messages, nothing more."""
        from station.ui.device_bridge import device_message  # loads the device drivers' types

        message = device_message(event)
        if isinstance(message, CardTapped):
            self.services.mark("card.read")  # the device's part ends here
        if message is not None:
            self.post_message(message)
        self.post_message(DevicesChanged(self.services.devices.health()))

    @on(CardReading)
    @on(CardTapped)
    @on(CardUnreadable)
    @on(PrintJobChanged)
    @on(ScanArrived)
    def route_device_message(self, message: Message) -> None:
        """Device news goes to the screen in front, only while someone is logged in."""
        if self.session is not None:
            self.screen.post_message(replace(message))  # type: ignore[type-var]

    @on(DevicesChanged)
    def show_device_health(self, message: DevicesChanged) -> None:
        self.device_health = message.health

    # -- background sync -----------------------------------------------------------------

    def start_background_sync(self, session: Session) -> None:
        """Push, and take in the hub's statuses and bundles, in the background while `session`
        lasts; nothing when the station has no hub address."""
        if not (self.background_sync and self.services.store.config.hub_url):
            return
        from station.core.sync_service import SyncLoop

        self.stop_background_sync()
        self.sync_loop = SyncLoop(self.services.store, session, self.SYNC_INTERVAL_SECONDS,
                                  self.SYNC_PROBE_SECONDS,
                                  on_result=lambda report, error: self._round_done(session, report, error))
        self.sync_loop.start()

    def _round_done(self, session: Session, report: BackgroundReport | None,
                    error: JiujinError | SyncError | None) -> None:
        """Called on the sync thread: hand the outcome on as a message, nothing more."""
        self.post_message(SyncRoundDone(session, report, error))

    def stop_background_sync(self) -> None:
        """Stop with the session; a round under way finishes on its own thread, unwatched."""
        if self.sync_loop is not None:
            self.sync_loop.stop(timeout=0)
            self.sync_loop = None

    @on(ApplicationSubmitted)
    def sync_soon(self) -> None:
        if self.sync_loop is not None:
            self.sync_loop.wake()

    @on(SyncRoundDone)
    def show_sync_round(self, message: SyncRoundDone) -> None:
        from station.core.errors import StationBusy
        from sync.errors import HubUnavailable, HubUnreachable

        if message.session is not self.session:  # a round that ended after its session did
            return
        if message.error is not None:
            if isinstance(message.error, (HubUnreachable, HubUnavailable)):
                self.hub_status = ("warning", _("离线，恢复后自动上报"))
            else:
                self.hub_status = ("fault", message.error.message(language()))
            if isinstance(message.error, StationBusy):
                self.station_re_keyed(message.error)
            return
        report = message.report
        self.hub_status = ("ok", _("已同步 {time}").format(time=self.services.store.clock().strftime("%H:%M")))
        if report is not None and report.session_ended:
            self.notify(_("市级中心停用了您的账户或更改了您的角色，请重新登录"), title=_("市级中心"),
                        severity="warning", timeout=30)
            self.session_ended_by_hub()
        else:
            if report is not None and report.bundles_applied:
                self.notify(_("已收到市级中心的 {count} 项更新（办件状态、政策等）").format(
                    count=report.bundles_applied), title=_("市级中心"))
            self.hub_news()  # the home's outbox and last contact say what the bar says

    def hub_news(self) -> None:
        """A round with the hub ended (it may have changed statuses, policy...): screens that
        show what it touched reload."""

    def station_re_keyed(self, error: StationBusy) -> None:
        """Another program re-keyed the database: this program's key is old, so the session
        cannot go on (a login reads the new key)."""
        self.stop_background_sync()

    def session_ended_by_hub(self) -> None:
        """The hub disabled the person logged in, or changed their role: the core has ended
        the session, so every service now refuses it; the app shows what follows."""
        self.stop_background_sync()

    def watch_device_health(self) -> None:
        self.refresh_status_bars()

    def watch_hub_status(self) -> None:
        self.refresh_status_bars()

    def refresh_status_bars(self) -> None:
        """Attributes down: the screen in front shows the devices' and hub's state."""
        from station.ui.widgets.status.status_bar import StatusBar

        if not self.screen_stack:  # device news can arrive before the first screen or after the last
            return
        for bar in self.screen.query(StatusBar).results(StatusBar):
            bar.show_state()
