"""Home: today's figures, drafts to continue, amendments asked for, the outbox and the devices."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Static

from station.core.overview import ApplicationRow, CounterOverview, counter_overview
from station.core.roles import Action, Role, allowed
from station.ui.base import StationScreen
from station.ui.i18n import N_, _
from station.ui.labels import ROLE_NAMES
from station.ui.messages import (
    CardReading,
    CardTapped,
    CardUnreadable,
    CaseOpened,
    DraftOpened,
    OverviewLoaded,
)
from station.ui.widgets.applications.rows import STATUS_NAMES, status_name
from station.ui.widgets.fitted_table import FittedTable
from station.ui.widgets.status.key_footer import KeyFooter
from station.ui.widgets.status.status_bar import StatusBar
from station.ui.widgets.status.title_bar import TitleBar

COUNTER_ACTIONS = {"new_application": Action.APPLICATION_CREATE, "applications": Action.APPLICATION_VIEW,
                   "business": Action.APPLICATION_CREATE, "sync": Action.OUTBOX_READ}


class HomeScreen(StationScreen):
    """首页."""

    #: Below 100 columns the drafts and the amendments stack, so each table has the width to
    #: show an item, a name and an ID number whole.
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-wide")]

    BINDINGS = [
        Binding("n", "new_application", N_("新建申请"), id="new", tooltip=N_("读卡或输入身份证号，开始一件申请")),
        Binding("b", "business", N_("企业申请"), id="business", tooltip=N_("以统一社会信用代码办理")),
        Binding("l", "applications", N_("申请列表"), id="list"),
        Binding("s", "sync", N_("同步"), id="sync"),
        Binding("m", "manage", N_("管理"), id="manage", tooltip=N_("作废、解锁、工作人员、设备与站点设置")),
        Binding("r", "refresh", N_("刷新"), id="refresh"),
    ]

    def __init__(self, offer_drafts: bool = False) -> None:
        super().__init__()
        self.offer_drafts = offer_drafts
        self.drafts: list[ApplicationRow] = []
        self.amendments: list[ApplicationRow] = []
        self.reading: Screen[Any] | None = None  # the start screen opened for the card being read

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(id="home"):
            role = _(ROLE_NAMES[self.session.role])
            yield Static(_("您好，{name}（{role}）").format(name=self.session.display_name, role=role),
                         id="greeting", markup=False)
            yield Static(_("今日办件：加载中…"), id="today", markup=False)
            yield Static("", id="outbox", markup=False)
            with Horizontal(id="home-tables"):
                with Vertical(classes="home-column"):
                    yield Static(_("未完成的草稿（回车继续办理）"), classes="section-title")
                    yield FittedTable(id="drafts", wrap=(0,))
                with Vertical(classes="home-column"):
                    yield Static(_("待补正、待补交（回车打开）"), classes="section-title")
                    yield FittedTable(id="amendments", wrap=(0, -1))
            yield Static(self.hints(), id="hints", markup=False)
        yield StatusBar(id="status-bar")
        yield KeyFooter()

    def hints(self) -> str:
        if self.session.role == Role.ADMIN:
            return _("按 m 进入管理；ctrl+l 锁屏；F1 查看全部按键")
        if not self.counter_role:
            return _("s 同步与对账，l 申请列表（只读），F1 查看全部按键")
        hint = _("把身份证放在读卡器上即可开始；n 新建申请，l 申请列表，F1 查看全部按键")
        if self.services.demo is not None:
            hint += "\n" + _("演示：按 F9 把一张模拟身份证放到读卡器上")
        return hint

    @property
    def counter_role(self) -> bool:
        """True when this person files applications (the sync operator and admin do not)."""
        return allowed(self.session.role, Action.APPLICATION_CREATE)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        needed = COUNTER_ACTIONS.get(action)
        if needed is not None:
            return allowed(self.session.role, needed)
        if action == "manage":
            return self.session.role in (Role.SUPERVISOR, Role.ADMIN)
        return True

    def on_mount(self) -> None:
        self.load()

    def on_screen_resume(self) -> None:
        self.reading = None  # in front again: the start screen it opened for a card is closed
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="home", description="home figures")
    def load(self) -> None:
        self.post_message(OverviewLoaded(counter_overview(self.services.store, self.session)))

    @on(OverviewLoaded)
    def show_overview(self, message: OverviewLoaded) -> None:
        overview = message.overview
        self.show_counts(overview)
        self.drafts = overview.drafts
        self.amendments = [*overview.awaiting_amendment, *overview.owing_materials]
        self.query_one("#drafts", FittedTable).show(
            [_("事项"), _("申请人"), _("身份证号"), _("时间")],
            [(self.listed_service(row), row.applicant_name, row.masked_id, row.updated_at[11:]) for row in self.drafts])
        self.query_one("#amendments", FittedTable).show(
            [_("事项"), _("申请人"), _("身份证号"), _("待办")],
            [(self.listed_service(row), row.applicant_name, row.masked_id, self.awaited(row, overview.day))
             for row in self.amendments])
        contact = overview.last_hub_contact or _("尚未联系")
        self.query_one("#outbox", Static).update(
            _("待上报 {depth} 条 · 最近与市级中心联系：{contact}").format(depth=overview.outbox_depth,
                                                                 contact=contact))
        if self.station.hub_status[0] == "absent":  # no round yet: what the store knows
            state = "ok" if overview.last_hub_contact else "warning"
            self.station.hub_status = (state, _("待上报 {depth}").format(depth=overview.outbox_depth))
        offer, self.offer_drafts = self.offer_drafts, False
        if offer and self.own_drafts() and self.counter_role and self.is_current:
            self.ask_to_resume()

    @staticmethod
    def awaited(row: ApplicationRow, today: date) -> str:
        """What the application waits for: the hub's amendment request, or the 容缺 materials
        by their deadline (overdue once it has passed)."""
        if not row.deadline:
            return _("待补正")
        if row.deadline < today.isoformat():
            return _("补交已逾期（{day}）").format(day=row.deadline)
        return _("补交，{day} 前").format(day=row.deadline)

    def own_drafts(self) -> list[ApplicationRow]:
        """The drafts this person started: the ones to offer to continue after login."""
        return [row for row in self.drafts if row.operator == self.session.operator_name]

    def show_counts(self, overview: CounterOverview) -> None:
        counts = overview.counts
        total = sum(n for status, n in counts.items() if status != "draft")
        parts = [f"{status_name(s)} {n}" for s, n in sorted(counts.items()) if s in STATUS_NAMES]
        self.query_one("#today", Static).update(
            _("今日（{day}）办件 {total} 件：").format(day=overview.day.isoformat(), total=total)
            + (_("，").join(parts) or _("暂无")))

    def ask_to_resume(self) -> None:
        def resume(app_id: str | None) -> None:
            if app_id:
                self.open_draft(app_id)

        self.app.push_screen(self.new_screen("resume", self.own_drafts()), resume)

    @on(DataTable.RowSelected, "#drafts")
    def continue_draft(self, event: DataTable.RowSelected) -> None:
        """Continue the draft — or, for someone who files no applications, look at it."""
        app_id = self.drafts[event.cursor_row].id
        if self.counter_role:
            self.open_draft(app_id)
        else:
            self.app.push_screen(self.new_screen("detail", app_id))

    @on(DataTable.RowSelected, "#amendments")
    def open_amendment(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(self.new_screen("detail", self.amendments[event.cursor_row].id))

    @work(thread=True, exclusive=True, exit_on_error=False, group="draft", description="resume a draft")
    def open_draft(self, app_id: str) -> None:
        """Load a saved draft with its card, papers and scans; an item of a 一件事 opens its case."""
        draft = self.services.counter.resume(self.session, app_id)
        if draft.case_id:
            self.post_message(CaseOpened(self.services.counter.resume_case(self.session, draft.case_id)))
            return
        self.post_message(DraftOpened(draft))

    @on(DraftOpened)
    def show_draft(self, message: DraftOpened) -> None:
        self.app.push_screen(self.new_screen("form", message.draft))

    @on(CaseOpened)
    def show_case(self, message: CaseOpened) -> None:
        self.app.push_screen(self.new_screen("bundle", message.case))

    @on(CardReading)
    def start_reading_card(self) -> None:
        """A card placed on the home screen starts a new application for its holder. The start
        screen opens as the reader begins to read, so it is drawn by the time the card's data
        arrives (about 0.4 s later) and shows it at once."""
        if allowed(self.session.role, Action.APPLICATION_CREATE):
            self.reading = self.new_screen("start", reading=True)
            self.app.push_screen(self.reading)

    @on(CardTapped)
    @on(CardUnreadable)
    def card_read(self, message: CardTapped | CardUnreadable) -> None:
        """The read's outcome. The app hands device news to the screen in front, and it may
        have done so before this screen opened the start screen: the outcome goes on to it.
        A card read with no start screen open (it was left during the read) starts one."""
        reading, self.reading = self.reading, None
        if reading is not None:
            reading.post_message(replace(message))
        elif isinstance(message, CardTapped) and allowed(self.session.role, Action.APPLICATION_CREATE):
            self.app.push_screen(self.new_screen("start", card=message.card))

    def action_new_application(self) -> None:
        self.app.push_screen(self.new_screen("start"))

    def action_business(self) -> None:
        self.app.push_screen(self.new_screen("start", business=True))

    def action_applications(self) -> None:
        self.app.push_screen(self.new_screen("applications"))

    def action_sync(self) -> None:
        self.app.push_screen(self.new_screen("sync"))

    def action_manage(self) -> None:
        self.app.push_screen(self.new_screen("supervisor"))

    def action_refresh(self) -> None:
        self.load()
