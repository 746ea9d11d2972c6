"""作废: a supervisor voids an application the hub does not hold yet, with a reason."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from station.core.amendments import void
from station.core.errors import JiujinError
from station.ui.dialogs.base import StationDialog
from station.ui.i18n import N_, _, error_text
from station.ui.messages import ActionDone


class VoidDialog(StationDialog[bool]):
    """作废申请."""

    BINDINGS = [Binding("escape", "cancel", N_("取消"), id="cancel")]

    def __init__(self, app_id: str) -> None:
        super().__init__()
        self.app_id = app_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="void"):
            yield Static(_("作废后不可恢复，并记入审计。请填写作废原因，回车确认。"), classes="dialog-text")
            yield Input(id="reason", placeholder=_("作废原因"))
            yield Static("", id="void-error", markup=False)

    @on(Input.Submitted, "#reason")
    def confirm(self, event: Input.Submitted) -> None:
        self.void(event.value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="void", description="void")
    def void(self, reason: str) -> None:
        """Void through the application service (it checks the role and the status)."""
        try:
            void(self.services.store, self.session, self.app_id, reason)
        except JiujinError as exc:
            self.post_message(ActionDone(error_text(exc), ok=False))
            return
        self.post_message(ActionDone(_("已作废")))

    @on(ActionDone)
    def done(self, message: ActionDone) -> None:
        if message.ok:
            self.dismiss(True)
        else:
            self.query_one("#void-error", Static).update(message.message)

    def action_cancel(self) -> None:
        self.dismiss(False)
