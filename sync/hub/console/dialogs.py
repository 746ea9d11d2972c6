"""原因 — a typed modal asking the operator for the reason of an action."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static


class ReasonDialog(ModalScreen[str | None]):
    """Dismisses with the reason typed (stripped), or None when cancelled."""

    DEFAULT_CSS = """
    ReasonDialog { align: center middle; }
    ReasonDialog > Vertical { width: 72; height: auto; padding: 1 2; border: thick $primary; background: $surface; }
    ReasonDialog #reason-error { color: $error; height: auto; }
    ReasonDialog Horizontal { height: auto; margin-top: 1; }
    ReasonDialog Button { margin-right: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "取消 cancel", id="cancel")]

    def __init__(self, question: str, *, required: bool = True, default: str = "") -> None:
        super().__init__()
        self.question = question
        self.required = required
        self.default = default

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(self.question, markup=False)
            yield Input(self.default, placeholder="原因 reason", id="reason")
            yield Static("", id="reason-error")
            with Horizontal():
                yield Button("确定 OK", id="ok", variant="primary")
                yield Button("取消 cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#ok")
    def confirm(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        if self.required and not reason:
            self.query_one("#reason-error", Static).update("须填写原因 / a reason is required")
            return
        self.dismiss(reason)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
