"""Add an operator (admin): name, display name, role and a first password."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Button, Input, Select, Static

from station.core.errors import JiujinError
from station.core.roles import Role
from station.ui.dialogs.base import StationDialog
from station.ui.i18n import N_, _, error_text
from station.ui.labels import ROLE_NAMES
from station.ui.messages import ActionDone


class AddOperatorDialog(StationDialog[bool]):
    """添加工作人员."""

    BINDINGS = [Binding("escape", "cancel", N_("取消"), id="cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="add-operator"):
            yield Static(_("添加工作人员"), classes="section-title")
            yield Input(id="new-name", placeholder=_("用户名（字母、数字）"))
            yield Input(id="new-display", placeholder=_("姓名"))
            yield Select([(_(name), role) for role, name in ROLE_NAMES.items()], id="new-role",
                         value=Role.OPERATOR.value, allow_blank=False)
            yield Input(id="new-password", password=True, placeholder=_("初始密码（至少 8 位）"))
            yield Button(_("添加"), id="add", variant="primary")
            yield Static("", id="add-error", markup=False)

    @on(Button.Pressed, "#add")
    @on(Input.Submitted, "#new-password")
    def add_pressed(self) -> None:
        role = self.query_one("#new-role", Select).value
        self.add(self.query_one("#new-name", Input).value.strip(),
                 self.query_one("#new-display", Input).value.strip(), Role(str(role)),
                 self.query_one("#new-password", Input).value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="operators", description="add operator")
    def add(self, name: str, display: str, role: Role, password: str) -> None:
        """Add through the operator service: a key slot sealed by this admin's session."""
        try:
            self.services.store.operators.add(self.session, name, display, role, password)
        except JiujinError as error:
            self.post_message(ActionDone(error_text(error), ok=False))
            return
        self.post_message(ActionDone(_("已添加")))

    @on(ActionDone)
    def done(self, message: ActionDone) -> None:
        if message.ok:
            self.dismiss(True)
        else:
            self.query_one("#add-error", Static).update(message.message)

    def action_cancel(self) -> None:
        self.dismiss(False)


class SetPasswordDialog(StationDialog[bool]):
    """设置密码: an admin gives an operator a new password, or a first one to a person the
    hub's roster provisioned (they wait as pending until then)."""

    BINDINGS = [Binding("escape", "cancel", N_("取消"), id="cancel")]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.operator_name = name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="set-password"):
            yield Static(_("为 {name} 设置密码").format(name=self.operator_name), classes="section-title",
                         markup=False)
            yield Input(id="set-password-input", password=True, placeholder=_("新密码（至少 8 位）"))
            yield Button(_("设置"), id="set", variant="primary")
            yield Static("", id="set-error", markup=False)

    @on(Button.Pressed, "#set")
    @on(Input.Submitted, "#set-password-input")
    def set_pressed(self) -> None:
        self.set_password(self.query_one("#set-password-input", Input).value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="operators", description="set password")
    def set_password(self, password: str) -> None:
        """Through the operator service: a new key slot sealed by this admin's session."""
        try:
            self.services.store.operators.reset_password(self.session, self.operator_name, password)
        except JiujinError as error:
            self.post_message(ActionDone(error_text(error), ok=False))
            return
        self.post_message(ActionDone(_("已设置密码")))

    @on(ActionDone)
    def done(self, message: ActionDone) -> None:
        if message.ok:
            self.dismiss(True)
        else:
            self.query_one("#set-error", Static).update(message.message)

    def action_cancel(self) -> None:
        self.dismiss(False)
