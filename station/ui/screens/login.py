"""Login (the lock screen): the station's name and type, operator and password; demo logins shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Button, DataTable, Input, Label, Static

from station.ui.base import StationScreen
from station.ui.i18n import N_, _, language, set_language
from station.ui.labels import POINT_TYPE_NAMES, ROLE_NAMES
from station.ui.widgets.status.key_footer import KeyFooter
from station.ui.widgets.status.title_bar import TitleBar

if TYPE_CHECKING:
    from station.core.config import StationConfig
    from station.core.demo import DemoOperator


class LoginScreen(StationScreen):
    """登录."""

    BINDINGS = [
        Binding("f2", "switch_language", N_("English"), id="language",
                tooltip=N_("切换界面语言（中文/English）")),
    ]

    def __init__(self, config: StationConfig, demo_operators: list[DemoOperator], locked_by: str = "") -> None:
        super().__init__()
        self.config = config
        self.demo_operators = demo_operators
        self.locked_by = locked_by  # after a lock: whose screen it was, so only the password is asked

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Center(), Vertical(id="login-box"):
            yield Static(self.config.name, id="station-name")
            yield Static(f"{_(POINT_TYPE_NAMES[self.config.point_type])} · {self.config.code}",
                         id="point-type")
            yield Label(_("用户名"))
            yield Input(id="name", placeholder=_("用户名"))
            yield Label(_("密码"))
            yield Input(id="password", password=True, placeholder=_("密码"))
            yield Button(_("登录"), id="login", variant="primary")
            yield Static("", id="login-error")
            if self.demo_operators:
                yield Static(_("演示账户（选中一行即可填入）"), id="demo-title")
                yield DataTable(id="demo-operators", cursor_type="row")
        yield KeyFooter()

    def on_mount(self) -> None:
        if self.demo_operators:
            table = self.query_one("#demo-operators", DataTable)
            table.add_columns(_("用户名"), _("姓名"), _("角色"), _("密码"))
            for person in self.demo_operators:
                table.add_row(person.name, person.display_name, _(ROLE_NAMES[person.role]),
                              person.password)
        if self.locked_by:
            self.query_one("#name", Input).value = self.locked_by
            self.query_one("#password", Input).focus()
        else:
            self.query_one("#name", Input).focus()

    @on(Input.Submitted, "#name")
    def focus_password(self) -> None:
        self.query_one("#password", Input).focus()

    @on(Input.Submitted, "#password")
    @on(Button.Pressed, "#login")
    def request_login(self) -> None:
        name = self.query_one("#name", Input).value.strip()
        password = self.query_one("#password", Input).value
        if not name or not password:
            self.show_error(_("请输入用户名和密码"))
            return
        self.query_one("#login-error", Static).update(_("正在登录…"))
        self.app.login(name, password)

    @on(DataTable.RowSelected, "#demo-operators")
    def fill_demo_login(self, event: DataTable.RowSelected) -> None:
        person = self.demo_operators[event.cursor_row]
        self.query_one("#name", Input).value = person.name
        self.query_one("#password", Input).value = person.password
        self.query_one("#login", Button).focus()

    def show_error(self, message: str) -> None:
        self.query_one("#password", Input).value = ""
        self.query_one("#login-error", Static).update(message)

    def action_switch_language(self) -> None:
        """Switch between Chinese and English and show this screen again in it."""
        set_language("en" if language() == "zh" else "zh")
        self.app.switch_screen(LoginScreen(self.config, self.demo_operators))
