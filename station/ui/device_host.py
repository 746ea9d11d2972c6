"""What the counter app and the kiosk share: devices reporting from their threads, device
news routed to the screen in front, and the status bars kept current."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import App
from textual.message import Message
from textual.reactive import reactive

from station.ui.messages import (
    CardTapped,
    CardUnreadable,
    DevicesChanged,
    PrintJobChanged,
    ScanArrived,
)

if TYPE_CHECKING:
    from devices import DeviceEvent, HealthSummary
    from station.core.session import Session
    from station.ui.context import StationServices


class DeviceHostApp(App[None]):
    """An app whose screens hear the reader, printer and scan inbox, and show their health."""

    device_health: reactive[HealthSummary | None] = reactive(None)
    hub_status: reactive[tuple[str, str]] = reactive(("absent", ""))
    services: StationServices
    session: Session | None

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

    def watch_device_health(self) -> None:
        self.refresh_status_bars()

    def watch_hub_status(self) -> None:
        self.refresh_status_bars()

    def refresh_status_bars(self) -> None:
        """Attributes down: the screen in front shows the devices' and hub's state."""
        from station.ui.widgets.status.status_bar import StatusBar

        for bar in self.screen.query(StatusBar).results(StatusBar):
            bar.show_state()
