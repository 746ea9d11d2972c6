"""Supervisor and admin: void, unlock, operators, day close (日结), device settings with a live
test, station settings."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import (
    Button,
    DataTable,
    Input,
    Label,
    Select,
    Static,
    TabbedContent,
    TabPane,
    Tabs,
)

from reports.wording import VERDICTS, status_text
from station.core.clock import local_day
from station.core.config import DeviceSettings
from station.core.errors import JiujinError
from station.core.models import Operator
from station.core.roles import Action, Role, allowed
from station.core.settings import update_devices, update_station
from station.core.station_devices import device_config, test_receipt
from station.ui.base import StationScreen
from station.ui.i18n import N_, _, error_text, language
from station.ui.labels import ROLE_NAMES
from station.ui.messages import ActionDone, OperatorsLoaded
from station.ui.widgets.status.key_footer import KeyFooter
from station.ui.widgets.status.status_bar import StatusBar
from station.ui.widgets.status.title_bar import TitleBar
from sync.errors import SyncError

if TYPE_CHECKING:
    from station.core.day_close import DayPreview


@dataclass
class DayClosed(Message):
    """The day close finished (or why it did not); already in the screen's language."""

    message: str
    ok: bool = True


@dataclass
class DayPreviewed(Message):
    """What a day close would sign, ready to be confirmed."""

    preview: DayPreview


def day_close_text(report: dict[str, Any]) -> str:
    """What the day close did, in words."""
    summary = report["manifest"]
    text = _("{day} 日结：{count} 件已签署。").format(day=summary["day"], count=summary["count"])
    sent = {"http": _("已通过网络送达市级中心。"), "folder": _("已写入 U 盘，请带到有网络处导入。")}
    text += sent.get(report.get("sent") or "", _("尚未发送：未配置市级中心地址。"))
    result = report.get("result") or {}
    if result.get("verdict"):
        verdict = str(result["verdict"])
        named = VERDICTS[verdict].get(language()) if verdict in VERDICTS else verdict
        text += _("中心核对结果：{verdict}").format(verdict=named)
    return text


DRAFTS_NAMED = 5  # open drafts listed by name in the day close preview; the rest are counted


def day_preview_text(preview: DayPreview, service_name: Callable[[str, str], str]) -> str:
    """What the day close is about to sign (the station's day, counts by status, 容缺 still
    owed), and the drafts of that day it leaves out (who, the citizen masked, which service), as
    the question the supervisor answers; `service_name(code, stored)` names a service in the
    user's language."""
    day = _("{day}（{zone}）").format(day=preview.day.isoformat(), zone=preview.zone)
    if preview.count:
        counts = _("，").join(f"{status_text(s).get(language())} {n}" for s, n in sorted(preview.counts.items()))
        text = _("{day} 日结将签署 {count} 件：{counts}。").format(day=day, count=preview.count, counts=counts)
    else:
        text = _("{day} 没有已受理的申请，日结将签署一份空清单。").format(day=day)
    if preview.rongque_pending:
        text += _("其中 {count} 件容缺材料尚未补交。").format(count=preview.rongque_pending)
    if preview.drafts:
        text += "\n" + _("另有 {count} 份草稿未提交，不计入日结：").format(count=len(preview.drafts))
        for draft in preview.drafts[:DRAFTS_NAMED]:
            text += (f"\n· {draft.operator} · {draft.applicant} · {service_name(draft.item_code, draft.item_name)}"
                     f" · {draft.updated_at}")
        if len(preview.drafts) > DRAFTS_NAMED:
            text += "\n" + _("……等 {count} 份").format(count=len(preview.drafts))
    return text + "\n" + _("确认日结？")


#: The operators' keys and the role each needs.
OPERATOR_ACTIONS = {"add_operator": Action.OPERATOR_ADD, "disable_operator": Action.OPERATOR_DISABLE,
                    "set_password": Action.OPERATOR_RESET, "unlock_operator": Action.OPERATOR_UNLOCK}


def labelled(label: str, control: Any) -> Vertical:
    """A settings field with its label above it (a placeholder disappears once there is a value)."""
    return Vertical(Label(label), control, classes="labelled")


class SupervisorScreen(StationScreen):
    """管理."""

    BINDINGS = [  # the tabs' keys first: on a narrow footer the operators' keys give way (F1 lists them)
        Binding("f6", "switch_tab(-1)", N_("上一页"), id="previous-tab", tooltip=N_("切换到左边的标签页")),
        Binding("f7", "switch_tab(1)", N_("下一页"), id="next-tab", tooltip=N_("切换到右边的标签页")),
        Binding("a", "add_operator", N_("添加人员"), id="add-operator"),
        Binding("d", "disable_operator", N_("停用人员"), id="disable-operator"),
        Binding("p", "set_password", N_("设置密码"), id="set-password",
                tooltip=N_("重设密码；中心名单新增的人员在此设置首次密码")),
        Binding("u", "unlock_operator", N_("解锁人员"), id="unlock-operator",
                tooltip=N_("解除登录失败造成的锁定")),
        Binding("escape", "app.pop_screen", N_("返回"), id="back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.operators: list[Operator] = []

    def compose(self) -> ComposeResult:
        role = self.session.role
        config = self.services.store.config
        yield TitleBar()
        with Vertical(id="manage"):
            with TabbedContent():
                with TabPane(_("工作人员"), id="tab-operators"):
                    yield DataTable(id="operators", cursor_type="row", zebra_stripes=True)
                if allowed(role, Action.APPLICATION_VOID):
                    with TabPane(_("作废申请"), id="tab-void"):
                        yield Static(_("输入回执号后回车，再填写作废原因（仅限尚未上报的申请）"), markup=False)
                        yield Input(id="void-receipt", placeholder=_("回执号"))
                if allowed(role, Action.DAY_CLOSE):
                    with TabPane(_("日结"), id="tab-day"):
                        yield Static(_("签署今日清单（件数与每件申请的摘要）并发送到市级中心；无网络时填写 U 盘文件夹"), markup=False)
                        yield Input(id="day-folder", placeholder=_("U 盘文件夹（留空：通过网络发送）"))
                        yield Button(_("日结并发送"), id="close-day", variant="primary")
                        yield Static("", id="day-result", markup=False)
                if role == Role.ADMIN:
                    with TabPane(_("设备"), id="tab-devices"):
                        yield from self.device_form(config.devices)
                    with TabPane(_("站点"), id="tab-station"):
                        yield from self.station_form()
            yield Static("", id="manage-result", markup=False)
        yield StatusBar(id="status-bar")
        yield KeyFooter()

    def device_form(self, devices: DeviceSettings) -> ComposeResult:
        with Horizontal(classes="form-row"):
            yield labelled(_("读卡器串口"), Input(devices.reader_port, id="reader-port",
                                              placeholder=_("空：自动查找")))
            yield labelled(_("读卡器波特率"), Input(str(devices.reader_baud), id="reader-baud"))
        with Horizontal(classes="form-row"):
            yield labelled(_("打印机串口"), Input(devices.printer_port, id="printer-port",
                                              placeholder=_("空：自动查找")))
            yield labelled(_("打印机波特率"), Input(str(devices.printer_baud), id="printer-baud"))
            yield labelled(_("纸宽"), Select([("80 mm", 80), ("58 mm", 58)], id="paper",
                                            value=devices.paper_width_mm, allow_blank=False))
        yield labelled(_("高拍仪文件夹"), Input(devices.scan_inbox, id="scan-inbox", placeholder=_("空：不使用")))
        with Horizontal(classes="form-row"):
            yield Button(_("测试（打印测试页）"), id="test-devices")
            yield Button(_("保存设备设置"), id="save-devices", variant="primary")
        yield Static("", id="device-test", markup=False)

    def station_form(self) -> ComposeResult:
        config = self.services.store.config
        yield Label(_("站点名称"))
        yield Input(config.name, id="station-name-input")
        yield Label(_("无操作自动锁屏（分钟）"))
        yield Input(str(config.idle_lock_minutes), id="idle-minutes")
        yield Label(_("本地保留天数"))
        yield Input(str(config.retention_days), id="retention-days")
        yield Label(_("市级中心地址"))
        yield Input(config.hub_url, id="hub-url")
        yield Button(_("保存站点设置"), id="save-station", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#operators", DataTable).add_columns(_("用户名"), _("姓名"), _("角色"), _("状态"))
        self.load_operators()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The operators' keys act, and show, only on the operators' tab (a letter typed on
        another tab must not disable someone), and only for a role allowed to use them."""
        needed = OPERATOR_ACTIONS.get(action)
        if needed is None:
            return True
        return self.on_operators_tab() and allowed(self.session.role, needed)

    def on_operators_tab(self) -> bool:
        found = self.query(TabbedContent).results(TabbedContent)
        tabs = next(iter(found), None)
        return tabs is None or tabs.active in ("", "tab-operators")

    def action_switch_tab(self, step: int) -> None:
        """The tab to the left (-1) or right (1) of the one shown, round the end."""
        tabs = self.query_one(TabbedContent).query_one(Tabs)
        if step < 0:
            tabs.action_previous_tab()
        else:
            tabs.action_next_tab()

    @on(TabbedContent.TabActivated)
    def tab_changed(self) -> None:
        """The keys of the tab shown, and the focus in it: on its table or first field."""
        self.refresh_bindings()
        if self.on_operators_tab():
            self.query_one("#operators", DataTable).focus()
            return
        pane = self.query_one(TabbedContent).active_pane
        first = next((w for w in pane.query("Input, Select, Button") if w.focusable), None) if pane else None
        if first is not None:
            first.focus()

    def on_screen_resume(self) -> None:
        """Back from a dialog: the operators' table has the focus again, on the same row."""
        if self.on_operators_tab():
            self.query_one("#operators", DataTable).focus()

    # -- operators ----------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="operators", description="operators")
    def load_operators(self) -> None:
        self.post_message(OperatorsLoaded(self.services.store.operators.list(self.session)))

    @on(OperatorsLoaded)
    def show_operators(self, message: OperatorsLoaded) -> None:
        self.operators = message.operators
        table = self.query_one("#operators", DataTable)
        table.clear()
        for person in self.operators:
            state = {"active": _("在职"), "pending": _("待设密码")}.get(person.status, _("已停用"))
            table.add_row(person.name, person.display_name, _(ROLE_NAMES[person.role]), state)

    def selected_operator(self) -> str | None:
        table = self.query_one("#operators", DataTable)
        if not self.operators or table.cursor_row >= len(self.operators):
            return None
        return str(self.operators[table.cursor_row].name)

    def action_add_operator(self) -> None:
        self.app.push_screen(self.new_screen("add_operator"), lambda added: self.load_operators())

    def action_disable_operator(self) -> None:
        name = self.selected_operator()
        if name is not None:
            question = _("停用 {name}？停用后该账户无法登录，其密钥槽将被移除。").format(name=name)
            self.app.push_screen(self.new_screen("confirm", question),
                                 lambda yes: self.change_operator("disable", name) if yes else None)

    def action_set_password(self) -> None:
        name = self.selected_operator()
        if name is not None:
            self.app.push_screen(self.new_screen("set_password", name), lambda done: self.password_set(name, done))

    def password_set(self, name: str, done: bool | None) -> None:
        if done:
            self.query_one("#manage-result", Static).update(_("已为 {name} 设置密码").format(name=name))
            self.load_operators()

    def action_unlock_operator(self) -> None:
        name = self.selected_operator()
        if name is not None:
            self.change_operator("unlock", name)

    @work(thread=True, exclusive=True, exit_on_error=False, group="operators", description="operator")
    def change_operator(self, change: str, name: str) -> None:
        """Disable or unlock through the operator service (it checks the role)."""
        operators = self.services.store.operators
        try:
            (operators.disable if change == "disable" else operators.unlock)(self.session, name)
        except JiujinError as error:
            self.post_message(ActionDone(error_text(error), ok=False))
            return
        done = _("已停用 {name}") if change == "disable" else _("已解锁 {name}")
        self.post_message(ActionDone(done.format(name=name)))

    @on(ActionDone)
    def action_done(self, message: ActionDone) -> None:
        self.query_one("#manage-result", Static).update(message.message)
        self.load_operators()

    # -- void -----------------------------------------------------------------------------------

    @on(Input.Submitted, "#void-receipt")
    def void_receipt(self, event: Input.Submitted) -> None:
        self.app.push_screen(self.new_screen("void", event.value.strip()), self.voided)

    def voided(self, done: bool | None) -> None:
        if done:
            self.query_one("#manage-result", Static).update(_("已作废"))

    # -- day close --------------------------------------------------------------------------------

    @on(Button.Pressed, "#close-day")
    def close_day_pressed(self) -> None:
        self.preview_day()

    @work(thread=True, exclusive=True, exit_on_error=False, group="day", description="day close preview")
    def preview_day(self) -> None:
        """What the close would sign and the drafts it leaves out, to confirm first."""
        from station.core.day_close import preview_day

        store = self.services.store
        try:
            preview = preview_day(store, self.session, local_day(store.clock()))
        except JiujinError as error:
            self.post_message(DayClosed(error.message(language()), ok=False))
            return
        self.post_message(DayPreviewed(preview))

    @on(DayPreviewed)
    def confirm_day_close(self, message: DayPreviewed) -> None:
        def close(yes: bool | None) -> None:
            if yes:  # the day shown, even if the clock has passed midnight meanwhile
                text = self.query_one("#day-folder", Input).value.strip()
                self.query_one("#day-result", Static).update(_("正在日结…"))
                self.close_day(message.preview.day, Path(text).expanduser() if text else None)

        def named(code: str, stored: str) -> str:
            return self.services.counter.service_name(code, stored).get(language())

        self.app.push_screen(self.new_screen("confirm", day_preview_text(message.preview, named)), close)

    @work(thread=True, exclusive=True, exit_on_error=False, group="day", description="day close")
    def close_day(self, day: date, folder: Path | None) -> None:
        """Sign the day's manifest and send it; the hub's comparison comes back when online."""
        from station.core.day_close import close_day

        store = self.services.store
        try:
            report = close_day(store, self.session, day, folder=folder)
        except (JiujinError, SyncError) as error:
            self.post_message(DayClosed(error.message(language()), ok=False))
            return
        self.post_message(DayClosed(day_close_text(report)))

    @on(DayClosed)
    def day_closed(self, message: DayClosed) -> None:
        self.query_one("#day-result", Static).update(message.message)

    # -- devices and station --------------------------------------------------------------------

    def device_settings(self) -> DeviceSettings:
        def number(selector: str, default: int) -> int:
            text = self.query_one(selector, Input).value.strip()
            return int(text) if text.isdigit() else default

        paper = self.query_one("#paper", Select).value
        return DeviceSettings(
            self.query_one("#reader-port", Input).value.strip(), number("#reader-baud", 115200),
            self.query_one("#printer-port", Input).value.strip(), number("#printer-baud", 115200),
            paper if isinstance(paper, int) else 80, self.query_one("#scan-inbox", Input).value.strip())

    @on(Button.Pressed, "#test-devices")
    def test_pressed(self) -> None:
        self.query_one("#device-test", Static).update(_("正在测试…"))
        self.test_devices(self.device_settings())

    @work(thread=True, exclusive=True, exit_on_error=False, group="devices", description="device test")
    def test_devices(self, settings: DeviceSettings) -> None:
        """Restart the devices with these settings and print a test page."""
        devices = self.services.devices
        devices.restart(device_config(settings))
        devices.print_receipt(test_receipt(self.services.store.config.name))
        health = devices.health()
        lines = [d.message(language()) for d in (health.reader, health.printer, health.scanner)] if health else []
        self.post_message(ActionDone(_("测试页已送打印机。") + " · ".join(lines)))

    @on(Button.Pressed, "#save-devices")
    def save_devices(self) -> None:
        self.save_settings("devices")

    @on(Button.Pressed, "#save-station")
    def save_station(self) -> None:
        self.save_settings("station")

    @work(thread=True, exclusive=True, exit_on_error=False, group="settings", description="settings")
    def save_settings(self, which: str) -> None:
        """Validate and save station.toml through the core (admin only), then apply it."""
        store = self.services.store
        try:
            if which == "devices":
                config = update_devices(store, self.session, self.device_settings())
                self.services.devices.restart(device_config(config.devices))
            else:
                update_station(store, self.session, **self.station_settings())
        except (JiujinError, ValueError) as error:
            text = error_text(error) if isinstance(error, JiujinError) else str(error)
            self.post_message(ActionDone(text, ok=False))
            return
        self.post_message(ActionDone(_("设置已保存")))

    def station_settings(self) -> dict[str, object]:
        def number(selector: str) -> int:
            return int(self.query_one(selector, Input).value.strip())

        return {"name": self.query_one("#station-name-input", Input).value.strip(),
                "idle_lock_minutes": number("#idle-minutes"),
                "retention_days": number("#retention-days"),
                "hub_url": self.query_one("#hub-url", Input).value.strip()}
