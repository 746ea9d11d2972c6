"""补交: the clerk ticks the 容缺 materials the citizen has brought in since acceptance."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import SelectionList, Static

from station.ui.dialogs.base import StationDialog
from station.ui.i18n import N_, _


class SupplementDialog(StationDialog[list[str] | None]):
    """补交材料: every material still owed, all ticked at first (a citizen usually brings them
    all); space unticks one, Enter records what is ticked and prints the 补交回执."""

    BINDINGS = [Binding("escape", "cancel", N_("取消"), id="cancel")]

    def __init__(self, owed: list[tuple[str, str]]) -> None:
        super().__init__()
        self.owed = owed  # (material id, its name in the user's language)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="supplement"):
            yield Static(_("补交容缺材料：勾选申请人本次带来的材料（空格勾选，回车确认并打印补交回执）"),
                         classes="dialog-text")
            yield SelectionList[str](*[(name, material, True) for material, name in self.owed],
                                     id="supplement-materials")
            yield Static("", id="supplement-error", markup=False)

    def on_mount(self) -> None:
        materials = self.query_one(SelectionList)
        materials.highlighted = 0  # the cursor on the first material, so space acts on what is seen
        materials.focus()

    def key_enter(self) -> None:
        """Enter confirms (space ticks, as everywhere in Jiujin's lists)."""
        chosen = list(self.query_one(SelectionList).selected)
        if not chosen:
            self.query_one("#supplement-error", Static).update(_("请至少勾选一项材料"))
            return
        self.dismiss(chosen)

    @on(SelectionList.SelectionToggled)
    def toggled(self) -> None:
        self.query_one("#supplement-error", Static).update("")

    def action_cancel(self) -> None:
        self.dismiss(None)
