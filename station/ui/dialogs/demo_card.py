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

CARD_TYPES = {"resident": N_("居民身份证"), "hmt_permit": N_("港澳台居民居住证"),
              "foreigner_old": N_("外国人永久居留身份证（2017 版）"),
              "foreigner_new": N_("外国人永久居留身份证（2023 版）")}


def card_line(fixture: CardFixture) -> str:
    """One card as the picker lists it: holder, card type, validity (长期 or until a day)."""
    until = fixture.fields.get("valid_to", "")
    valid = (_("长期有效") if not until.isdigit() else
             _("有效期至 {day}").format(day=f"{until[:4]}-{until[4:6]}-{until[6:]}"))
    kind = _(CARD_TYPES[fixture.card_type]) if fixture.card_type in CARD_TYPES else fixture.card_type
    return f"{fixture.display_name} · {kind} · {valid}"


class DemoCardDialog(StationDialog[str | None]):
    """演示读卡."""

    BINDINGS = [Binding("escape", "cancel", N_("取消"), id="cancel")]

    def __init__(self, fixtures: list[CardFixture]) -> None:
        super().__init__()
        self.fixtures = fixtures

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="demo-cards"):
            yield Static(_("演示：选择一张模拟身份证放到读卡器上"), classes="section-title")
            yield Static(_("回车放卡 · Esc 取消"), classes="dialog-hint")
            yield OptionList(*[Option(card_line(f), id=f.name) for f in self.fixtures], id="fixtures")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
