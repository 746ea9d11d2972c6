"""The status bar: card reader, receipt printer, scan inbox and hub, one cell each."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from kernel.width import text_width
from station.ui.i18n import N_, _, language

if TYPE_CHECKING:
    from devices import DeviceHealth, HealthSummary

STATES = ("ok", "warning", "fault", "absent", "disabled")


#: A state in one word, for a cell too narrow for the device's own message.
STATE_WORDS = {"ok": N_("正常"), "warning": N_("注意"), "fault": N_("故障"), "absent": N_("未连接"),
               "disabled": N_("未启用")}


class StatusCell(Static):
    """One device: a dot coloured by its state, its name and what it says — or, when the cell is
    too narrow for the message, its state in one word (the message is then its tooltip), and
    where even that does not fit, its short name beside the coloured dot."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parts = ("", "absent", "", "")

    def show(self, name: str, state: str, message: str, short: str = "") -> None:
        """Show the device `name` (`short` where space is scarce) in `state`, saying `message`."""
        self.set_classes(f"-{state}")
        self.parts = (name, state, message, short or name)
        self.tooltip = message or None
        self.update(self.fitted(self.content_size.width))

    def fitted(self, width: int) -> str:
        """The cell's text for `width` columns: the whole message if it fits, else the state."""
        name, state, message, short = self.parts
        word = _(STATE_WORDS[state]) if state in STATE_WORDS else ""
        candidates = [f"● {name} {message}", f"● {short} {message}", f"● {name} {word}", f"● {short} {word}"]
        return next((text.rstrip() for text in candidates if width <= 0 or text_width(text.rstrip()) <= width),
                    f"● {short}")

    def on_resize(self, event: events.Resize) -> None:
        self.update(self.fitted(self.content_size.width))


class StatusBar(Horizontal):
    """Shows the app's `device_health` and `hub_status`; the app refreshes the bar in front.

    It does not watch the app's reactives: a watcher on the app would keep every screen's bar
    (and so every screen) alive for the whole session.
    """

    def compose(self) -> ComposeResult:
        for cell in ("reader", "printer", "scanner", "hub"):
            yield StatusCell("", id=f"status-{cell}", markup=False)

    def on_mount(self) -> None:
        self.show_state()

    def show_state(self) -> None:
        """Draw what the app knows now."""
        self.show_devices(getattr(self.app, "device_health", None))
        self.show_hub(getattr(self.app, "hub_status", ("absent", "")))

    def cell(self, kind: str) -> StatusCell | None:
        """The cell of one device; None while the bar is being taken down."""
        found = self.query(f"#status-{kind}").results(StatusCell)
        return next(iter(found), None)

    def show_devices(self, health: HealthSummary | None) -> None:
        names = {"reader": _("读卡器"), "printer": _("打印机"), "scanner": _("高拍仪")}
        for kind, name in names.items():
            device: DeviceHealth | None = getattr(health, kind) if health is not None else None
            cell = self.cell(kind)
            if cell is None:
                return
            if device is None:
                cell.show(name, "absent", _("未连接"))
            else:
                cell.show(name, device.state, device.message(language()))
        printer = self.cell("printer")
        if printer is not None and health is not None and (health.held_jobs or health.uncertain_jobs):
            printer.show(
                _("打印机"), "warning", _("{held} 张待打印，{uncertain} 张待确认").format(
                    held=health.held_jobs, uncertain=health.uncertain_jobs))

    def show_hub(self, status: tuple[str, str]) -> None:
        state, message = status
        hub = self.cell("hub")
        if hub is not None:
            hub.show(_("市级中心"), state, message, _("中心"))
