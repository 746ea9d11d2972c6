"""Demo only: place one of the simulator's cards on the (simulated) reader."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from devices import CardFixture
from station.ui.dialogs.base import StationDialog
from station.ui.i18n import N_, _


class DemoCardDialog(StationDialog[str | None]):
    """演示读卡."""

    BINDINGS = [Binding("escape", "cancel", N_("取消"), id="cancel")]

    def __init__(self, fixtures: list[CardFixture]) -> None:
        super().__init__()
        self.fixtures = fixtures

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="demo-cards"):
            yield Static(_("演示：选择一张模拟身份证放到读卡器上"), classes="section-title")
            yield OptionList(*[Option(f"{f.display_name} · {f.description or f.card_type}", id=f.name)
                               for f in self.fixtures], id="fixtures")
            yield Static(_("回车放卡 · Esc 取消"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
