"""A yes/no question: `ConfirmDialog(question)` dismisses with True or False."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Static

from station.ui.dialogs.base import StationDialog
from station.ui.i18n import N_, _


class ConfirmDialog(StationDialog[bool]):
    """确认."""

    BINDINGS = [
        Binding("y", "answer(True)", N_("确定"), id="yes"),
        Binding("n,escape", "answer(False)", N_("取消"), id="no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-text", markup=False)
            with Horizontal(classes="dialog-buttons"):
                yield Button(_("确定 (y)"), id="yes", variant="primary")
                yield Button(_("取消 (n)"), id="no")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)
