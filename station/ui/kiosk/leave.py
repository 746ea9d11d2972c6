"""Leaving kiosk mode: after the exit keys, an admin's name and password."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from station.core import kiosk
from station.core.errors import JiujinError
from station.ui.dialogs.base import StationDialog
from station.ui.i18n import N_, _, language
from station.ui.messages import ActionDone


class LeaveKioskDialog(StationDialog[None]):
    """退出自助机模式（管理员）."""

    BINDINGS = [Binding("escape", "cancel", N_("取消"), id="cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="leave-kiosk"):
            yield Static(_("退出自助机模式：请管理员登录"), classes="section-title")
            yield Input(id="admin-name", placeholder=_("管理员用户名"))
            yield Input(id="admin-password", password=True, placeholder=_("密码"))
            yield Static("", id="leave-error", markup=False)

    @on(Input.Submitted, "#admin-name")
    def next_field(self) -> None:
        self.query_one("#admin-password", Input).focus()

    @on(Input.Submitted, "#admin-password")
    def submitted(self) -> None:
        self.check(self.query_one("#admin-name", Input).value.strip(),
                   self.query_one("#admin-password", Input).value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="leave", description="leave kiosk")
    def check(self, name: str, password: str) -> None:
        """An admin's login (audited) lets the kiosk close; anyone else is refused."""
        try:
            session = self.services.store.login(name, password)
        except JiujinError as error:
            self.post_message(ActionDone(error.message(language()), ok=False))
            return
        allowed = kiosk.may_leave(session)
        session.end()
        self.post_message(ActionDone("" if allowed else _("只有管理员可以退出自助机模式"), ok=allowed))

    @on(ActionDone)
    def done(self, message: ActionDone) -> None:
        if message.ok:
            self.app.exit()
        else:
            self.query_one("#admin-password", Input).value = ""
            self.query_one("#leave-error", Static).update(message.message)

    def action_cancel(self) -> None:
        self.dismiss(None)
