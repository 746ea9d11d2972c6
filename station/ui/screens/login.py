"""Login: the station's name and type, operator name and password; demo logins shown."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Center, Vertical
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, Static

from station.core.config import StationConfig
from station.core.demo import DemoOperator

POINT_TYPE_NAMES = {"village": "村便民服务中心", "community": "社区便民服务中心",
                    "police": "派出所户籍窗口", "bank": "银行网点"}
ROLE_NAMES = {"operator": "窗口人员", "supervisor": "主管", "sync_operator": "同步对账员", "admin": "管理员"}


class LoginScreen(Screen[None]):
    """登录."""

    def __init__(self, config: StationConfig, demo_operators: list[DemoOperator]) -> None:
        super().__init__()
        self.config = config
        self.demo_operators = demo_operators

    def compose(self) -> ComposeResult:
        yield Header()
        with Center(), Vertical(id="login-box"):
            yield Static(self.config.name, id="station-name")
            yield Static(f"{POINT_TYPE_NAMES[self.config.point_type]} · {self.config.code}", id="point-type")
            yield Label("用户名 Operator")
            yield Input(id="name", placeholder="用户名")
            yield Label("密码 Password")
            yield Input(id="password", password=True, placeholder="密码")
            yield Button("登录 Log in", id="login", variant="primary")
            yield Static("", id="login-error")
            if self.demo_operators:
                yield Static("演示账户 Demo operators", id="demo-title")
                yield DataTable(id="demo-operators", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        if self.demo_operators:
            table = self.query_one("#demo-operators", DataTable)
            table.add_columns("用户名", "姓名", "角色", "密码")
            for person in self.demo_operators:
                table.add_row(person.name, person.display_name, ROLE_NAMES[person.role], person.password)
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
            self.show_error("请输入用户名和密码")
            return
        self.query_one("#login-error", Static).update("正在登录…")
        self.app.login(name, password)  # type: ignore[attr-defined]

    @on(DataTable.RowSelected, "#demo-operators")
    def fill_demo_login(self, event: DataTable.RowSelected) -> None:
        person = self.demo_operators[event.cursor_row]
        self.query_one("#name", Input).value = person.name
        self.query_one("#password", Input).value = person.password
        self.query_one("#password", Input).focus()

    def show_error(self, message: str) -> None:
        self.query_one("#password", Input).value = ""
        self.query_one("#login-error", Static).update(message)
