"""Home: today's figures and the way to every counter task."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from station.core import outbox
from station.core.clock import local_day
from station.core.session import Session
from station.ui.messages import HomeLoaded

STATUS_NAMES = {"draft": "草稿", "submitted": "已受理", "accepted_pending_materials": "容缺受理",
                "delivered": "已上报", "accepted": "已受理（中心）", "needs_amendment": "待补正",
                "amended": "已补正", "rejected": "不予受理", "completed": "已办结", "voided": "已作废"}


class HomeScreen(Screen[None]):
    """首页."""

    BINDINGS = [
        Binding("n", "new_application", "新建申请 New", id="new"),
        Binding("l", "applications", "申请列表 List", id="list"),
        Binding("r", "refresh", "刷新 Refresh", id="refresh"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="home"):
            yield Static(f"您好，{self.session.display_name}", id="greeting")
            yield Static("今日办件：加载中…", id="today")
            yield Static("", id="outbox")
            yield Static("n 新建申请   l 申请列表   ctrl+l 锁屏", id="hints", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="home", description="home figures")
    def load(self) -> None:
        store = self.app.store  # type: ignore[attr-defined]
        counts = store.applications.counts_for_day(self.session, local_day(store.clock()))
        self.post_message(HomeLoaded(counts, outbox.depth()))

    @on(HomeLoaded)
    def show_figures(self, message: HomeLoaded) -> None:
        total = sum(n for status, n in message.counts.items() if status != "draft")
        parts = [f"{STATUS_NAMES.get(s, s)} {n}" for s, n in sorted(message.counts.items())]
        self.query_one("#today", Static).update(f"今日办件 {total} 件：" + ("，".join(parts) or "暂无"))
        self.query_one("#outbox", Static).update(f"待上报事件 {message.outbox_depth} 条")

    def action_new_application(self) -> None:
        from station.core.services import service_choices
        from station.ui.screens.new_application import NewApplicationScreen

        point_type = self.app.store.config.point_type  # type: ignore[attr-defined]
        self.app.push_screen(NewApplicationScreen(self.session, service_choices(point_type)))

    def action_applications(self) -> None:
        from station.ui.screens.applications import ApplicationsScreen

        self.app.push_screen(ApplicationsScreen(self.session))

    def action_refresh(self) -> None:
        self.load()
