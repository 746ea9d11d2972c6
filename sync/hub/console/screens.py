"""The hub console's screens: every station's ledger, and one station's drill-down."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, cast

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import Worker

from kernel.times import local_time
from sync.hub.console.dialogs import ReasonDialog
from sync.hub.console.messages import (
    ActionRecorded,
    LedgerLoaded,
    OneThingListed,
    OneThingShown,
    StationLoaded,
    WatchLoaded,
)

if TYPE_CHECKING:
    from sync.hub.console.desk import HubDesk

VERDICTS = {"agreed": "一致 agreed", "discrepant": "不一致 discrepant", "pending": "待比对 pending"}
DIVERGENCES = {"backwards": "倒退 backwards", "rewritten": "改写 rewritten", "reported": "站点报告 reported"}
REFRESH_SECONDS = 30.0


def skew_text(seconds: float | None) -> str:
    return "-" if seconds is None else f"{seconds:+.0f} s"


class ConsoleHost(Protocol):
    """What a console screen needs of its app: the desk, and the one failure handler."""

    desk: HubDesk

    def report_worker_failure(self, event: Worker.StateChanged) -> None: ...


class ConsoleScreen(Screen[None]):
    """What both screens share: the desk, and worker failures handed to the app's one handler."""

    @property
    def console(self) -> ConsoleHost:
        return cast(ConsoleHost, self.app)

    @property
    def desk(self) -> HubDesk:
        return self.console.desk

    @on(Worker.StateChanged)
    def forward_worker_state(self, event: Worker.StateChanged) -> None:
        """Worker news does not bubble: hand it to the app's one failure handler."""
        self.console.report_worker_failure(event)


class LedgerScreen(ConsoleScreen):
    """站点台账 — every station's ledger, refreshed in the background."""

    BINDINGS = [
        Binding("enter", "open_station", "详情 details", id="open", tooltip="站点缺号、隔离、日终清单 / gaps, quarantine, days"),
        Binding("f5,g", "refresh", "刷新 refresh", id="refresh", tooltip="重新对账 / reconcile again"),
        Binding("w", "watch", "巡检 watch", id="watch", tooltip="失联、积压、锚点、下行包、隔离 / what needs attention"),
        Binding("o", "onething", "一件事 one thing", id="onething",
                tooltip="一并受理的多个事项，作为一件办件 / bundles accepted as one case"),
        Binding("q", "app.quit", "退出 quit", id="quit"),
    ]
    COLUMNS = [("code", "站点 code"), ("name", "名称 name"), ("status", "状态 status"),
               ("last", "最后联系 last contact"), ("high", "最高序号 high-water"), ("gaps", "缺号 gaps"),
               ("quarantined", "隔离 quarantined"), ("days", "已对账 days reconciled"), ("skew", "时钟偏差 skew"),
               ("audit", "审计链分歧 audit divergences")]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="ledger"):
            yield Static("加载中… / loading…", id="ledger-summary", markup=False)
            yield DataTable(id="stations", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#stations", DataTable)
        for key, label in self.COLUMNS:
            table.add_column(label, key=key)
        self.set_interval(REFRESH_SECONDS, self.load)
        self.load()

    def on_screen_resume(self) -> None:
        if self.query_one("#stations", DataTable).row_count:
            self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="ledger", description="hub ledger")
    def load(self) -> None:
        self.post_message(LedgerLoaded(self.desk.ledger()))

    @on(LedgerLoaded)
    def show(self, message: LedgerLoaded) -> None:
        table = self.query_one("#stations", DataTable)
        selected = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value if table.row_count else None
        table.clear()
        for station in message.report["stations"]:
            table.add_row(*self.cells(station), key=station["code"])
        if selected is not None and selected in table.rows:
            table.move_cursor(row=table.get_row_index(selected))
        stations = message.report["stations"]
        self.query_one("#ledger-summary", Static).update(
            f"{len(stations)} 个站点 stations · 缺号 gaps {sum(len(s['gaps']) for s in stations)} · "
            f"隔离 quarantined {sum(len(s['quarantined']) for s in stations)} · "
            f"失联 silent {sum(1 for s in stations if s['silent'])} · "
            f"审计链分歧 audit divergences {sum(len(s['audit_divergences']) for s in stations)} · {message.report['at']}")

    @staticmethod
    def cells(station: dict[str, Any]) -> list[str | Text]:
        days = station["days"]
        status = station["status"] + (" · 失联 silent" if station["silent"] else "")
        return [station["code"], station["name"], Text(status, style="bold red" if station["silent"] else ""),
                local_time(station["last_contact"]) or "-", str(station["high_seq"]),
                Text(str(len(station["gaps"])), style="bold red" if station["gaps"] else ""),
                Text(str(len(station["quarantined"])), style="bold yellow" if station["quarantined"] else ""),
                f"{days['reconciled']}/{days['agreed'] + days['discrepant']}",
                skew_text(station["clock_skew_seconds"]),
                Text(str(len(station["audit_divergences"])), style="bold red" if station["audit_divergences"] else "")]

    def action_refresh(self) -> None:
        self.load()

    def action_watch(self) -> None:
        self.app.push_screen(WatchScreen())

    def action_onething(self) -> None:
        self.app.push_screen(OneThingScreen())

    @on(DataTable.RowSelected, "#stations")
    def action_open_station(self) -> None:
        table = self.query_one("#stations", DataTable)
        if table.row_count:
            code = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            self.app.push_screen(StationScreen(str(code)))


class StationScreen(ConsoleScreen):
    """站点详情 — one station's gaps, quarantined batches and day manifests, with the actions."""

    BINDINGS = [
        Binding("r", "resend", "请求重发 resend", id="resend", tooltip="请求站点重发所选缺号 / resend the gap"),
        Binding("a", "release", "放行 release", id="release", tooltip="重新导入所选隔离批次 / ingest again"),
        Binding("x", "reject", "拒收 reject", id="reject", tooltip="拒收所选隔离批次 / close for good"),
        Binding("d", "mark_day", "标记已对账 reconciled", id="mark-day", tooltip="所选日终清单 / the day"),
        Binding("f5,g", "refresh", "刷新 refresh", id="refresh"),
        Binding("escape", "app.pop_screen", "返回 back", id="back"),
    ]

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="station"):
            yield Static(f"站点 station {self.code}", id="station-summary", markup=False)
            yield Static("缺号 gaps", classes="section-title")
            yield DataTable(id="gaps", cursor_type="row")
            yield Static("隔离 quarantined", classes="section-title")
            yield DataTable(id="quarantine", cursor_type="row")
            yield Static("日终清单 day manifests", classes="section-title")
            yield DataTable(id="days", cursor_type="row")
            yield Static("审计链分歧 audit divergences (jiujin hub station resolve-divergence)", classes="section-title")
            yield DataTable(id="divergences", cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#gaps", DataTable).add_columns("起 first", "止 last", "条数 count")
        self.query_one("#quarantine", DataTable).add_columns(
            "编号 id", "收到 received", "途径 via", "原因 reason", "说明 message")
        self.query_one("#days", DataTable).add_columns(
            "日期 day", "结论 verdict", "条数 count", "缺失 missing", "多出 extra", "内容不符 mismatch",
            "缺序号 missing seqs", "已对账 reconciled")
        self.query_one("#divergences", DataTable).add_columns(
            "编号 id", "发现 detected", "类型 kind", "位置 event", "中心锚点 hub's anchor", "来源 source", "途径 via")
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="station", description="station ledger")
    def load(self) -> None:
        self.post_message(StationLoaded(self.desk.station(self.code)))

    @on(StationLoaded)
    def show(self, message: StationLoaded) -> None:
        row, days = message.detail.ledger, message.detail.days
        self.query_one("#station-summary", Static).update(
            f"站点 station {self.code} {row.get('name', '')} · {row.get('status', '?')} · "
            f"最高序号 high-water {row.get('high_seq', 0)} · 最后联系 last contact {local_time(row.get('last_contact')) or '-'} · "
            f"时钟偏差 skew {skew_text(row.get('clock_skew_seconds'))}")
        self.fill("#gaps", [(f"{a}-{b}", [str(a), str(b), str(b - a + 1)]) for a, b in row.get("gaps", [])])
        self.fill("#quarantine", [(str(q["id"]), [str(q["id"]), local_time(q["received_at"]), q["via"], q["reason"],
                                                  f"{q['message_zh']} / {q['message_en']}"])
                                  for q in row.get("quarantined", [])])
        self.fill("#days", [(d["day"], self.day_cells(d)) for d in days])
        self.fill("#divergences", [(str(d["id"]), [str(d["id"]), d["detected_at"], DIVERGENCES.get(d["kind"], d["kind"]),
                                                   str(d["seq"]), str(d["held_seq"] or "-"), d["source"], d["via"]])
                                   for d in row.get("audit_divergences", [])])
        self.refresh_bindings()

    def fill(self, selector: str, rows: list[tuple[str, list[str]]]) -> None:
        table = self.query_one(selector, DataTable)
        cursor = table.cursor_row
        table.clear()
        for key, cells in rows:
            table.add_row(*cells, key=key)
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1))

    @staticmethod
    def day_cells(day: dict[str, Any]) -> list[str]:
        seqs = ", ".join(f"{a}-{b}" for a, b in day.get("missing_seqs", [])) or "-"
        return [day["day"], VERDICTS.get(day.get("verdict", "pending"), day.get("verdict", "")),
                str(day.get("count", "-")), str(len(day.get("missing", []))), str(len(day.get("extra", []))),
                str(len(day.get("content_mismatch", []))), seqs, local_time(day.get("reconciled_at")) or "-"]

    def selected(self, selector: str) -> str | None:
        """The key of the row under the cursor of a table, or None when it is empty."""
        table = self.query_one(selector, DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        tables = {"resend": "#gaps", "release": "#quarantine", "reject": "#quarantine", "mark_day": "#days"}
        if action in tables and self.is_mounted:
            return True if self.selected(tables[action]) is not None else None
        return True

    def action_refresh(self) -> None:
        self.load()

    # -- actions: each asks what it needs, then one worker calls the desk -------------------

    def action_resend(self) -> None:
        gap = self.selected("#gaps")
        if gap is None:
            return
        first, last = (int(n) for n in gap.split("-"))
        question = f"请求站点 {self.code} 重发 {first}–{last} / ask {self.code} to resend {first}–{last}"

        def answered(reason: str | None) -> None:
            if reason is not None:
                self.resend(first, last, reason)
        self.app.push_screen(ReasonDialog(question, required=False, default="缺号 gap"), answered)

    def action_release(self) -> None:
        self.decide("release", "放行（重新导入）release (ingest again)")

    def action_reject(self) -> None:
        self.decide("reject", "拒收 reject")

    def decide(self, decision: str, label: str) -> None:
        entry = self.selected("#quarantine")
        if entry is None:
            return

        def answered(reason: str | None) -> None:
            if reason:
                self.apply_decision(decision, int(entry), reason)
        self.app.push_screen(ReasonDialog(f"{label} #{entry} — 原因 reason?"), answered)

    def action_mark_day(self) -> None:
        day = self.selected("#days")
        if day is not None:
            self.mark_day(day)

    @work(thread=True, exit_on_error=False, group="actions", description="request resend")
    def resend(self, first: int, last: int, reason: str) -> None:
        version = self.desk.request_resend(self.code, first, last, reason)
        self.post_message(ActionRecorded(f"已请求重发 resend requested {first}–{last} (bundle v{version})"))

    @work(thread=True, exit_on_error=False, group="actions", description="quarantine decision")
    def apply_decision(self, decision: str, quarantine_id: int, reason: str) -> None:
        if decision == "reject":
            self.desk.reject(quarantine_id, reason)
            self.post_message(ActionRecorded(f"已拒收 rejected #{quarantine_id}"))
            return
        status = self.desk.release(quarantine_id, reason)["status"]
        self.post_message(ActionRecorded(f"已放行 released #{quarantine_id}: {status}",
                                         "information" if status in ("stored", "duplicate") else "warning"))

    @work(thread=True, exit_on_error=False, group="actions", description="mark day reconciled")
    def mark_day(self, day: str) -> None:
        version = self.desk.mark_reconciled(self.code, day)
        self.post_message(ActionRecorded(f"{day} 已标记为已对账 marked reconciled (bundle v{version})"))

    @on(ActionRecorded)
    def recorded(self, message: ActionRecorded) -> None:
        self.notify(message.text, severity=message.severity)  # type: ignore[arg-type]
        self.load()


class WatchScreen(ConsoleScreen):
    """站点巡检 — everything the watch found, quarantined batches with their reasons last."""

    BINDINGS = [
        Binding("f5,g", "refresh", "刷新 refresh", id="refresh"),
        Binding("escape", "app.pop_screen", "返回 back", id="back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="watch"):
            yield Static("加载中… / loading…", id="watch-summary", markup=False)
            yield DataTable(id="findings", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#findings", DataTable).add_columns("类别 signal", "站点 station", "详情 details")
        self.set_interval(REFRESH_SECONDS, self.load)
        self.load()

    def action_refresh(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="watch", description="hub watch")
    def load(self) -> None:
        self.post_message(WatchLoaded(self.desk.watch()))

    @on(WatchLoaded)
    def show(self, message: WatchLoaded) -> None:
        report = message.report
        self.query_one("#watch-summary", Static).update(
            f"{report.stations} 个站点 stations · 待处理 alerts {report.alerts} · {report.at}")
        table = self.query_one("#findings", DataTable)
        table.clear()
        for row in watch_rows(report):
            table.add_row(*row)


def watch_rows(report: Any) -> list[tuple[str, str, str]]:
    """One row per finding of a `station_watch.WatchReport`."""
    rows = [("失联 silent", s.station, f"最后联系 last contact {s.last_contact or '从未 never'}") for s in report.silent]
    rows += [("积压增长 backlog", b.station, f"{b.missing}（一天前 a day ago {b.before}）")
             for b in report.backlogs if b.growing]
    rows += [("锚点 anchor", a.station, f"{a.what_zh} / {a.what_en}") for a in report.anchors]
    rows += [("下行包 bundle", f.station, f"v{f.version} {f.kind} {f.reason}") for f in report.failed_bundles]
    rows += [("到期 expiring", e.station, f"{e.what} {e.expires_at}") for e in report.expiring]
    rows += [("隔离 quarantined", q.station or "?", f"#{q.id} {q.reason}: {q.message_zh} / {q.message_en}")
             for q in report.quarantined]
    return rows


ONETHING_STATES = {"open": "办理中 open", "closed": "已结束 closed", "completed": "已办结 completed"}


class OneThingScreen(ConsoleScreen):
    """一件事办件 — the bundles points accepted as one case, and the items of the chosen one."""

    BINDINGS = [
        Binding("enter", "open_case", "事项 items", id="open", tooltip="所选一件事的各个事项 / the case's items"),
        Binding("f5,g", "refresh", "刷新 refresh", id="refresh"),
        Binding("escape", "app.pop_screen", "返回 back", id="back"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="onething"):
            yield Static("加载中… / loading…", id="onething-summary", markup=False)
            yield DataTable(id="onething-cases", cursor_type="row", zebra_stripes=True)
            yield Static("", id="onething-case", markup=False)
            yield DataTable(id="onething-items", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#onething-cases", DataTable).add_columns(
            "一件事 bundle", "站点 station", "日期 day", "事项数 items", "办件号 case")
        self.query_one("#onething-items", DataTable).add_columns(
            "事项 item", "受理编号 receipt No.", "状态 status", "部门 department", "部门状态 department status")
        self.load()

    def action_refresh(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="onething", description="一件事 cases")
    def load(self) -> None:
        self.post_message(OneThingListed(self.desk.onething_cases()))

    @on(OneThingListed)
    def show_cases(self, message: OneThingListed) -> None:
        table = self.query_one("#onething-cases", DataTable)
        table.clear()
        for case in message.cases:
            table.add_row(f"{case['bundle_name']}（{case['bundle_code']}）", case["station"], case["day"],
                          str(case["items"]), case["case_id"], key=case["case_id"])
        self.query_one("#onething-summary", Static).update(
            f"{len(message.cases)} 件一件事 cases" if message.cases else "没有一件事办件 / no 一件事 cases")

    @on(DataTable.RowSelected, "#onething-cases")
    def action_open_case(self) -> None:
        table = self.query_one("#onething-cases", DataTable)
        if table.row_count:
            self.show_case(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))

    @work(thread=True, exclusive=True, exit_on_error=False, group="onething-case", description="一件事 case")
    def show_case(self, case_id: str) -> None:
        self.post_message(OneThingShown(self.desk.onething_case(case_id)))

    @on(OneThingShown)
    def show_items(self, message: OneThingShown) -> None:
        case, table = message.case, self.query_one("#onething-items", DataTable)
        table.clear()
        if case is None:
            self.query_one("#onething-case", Static).update("中心没有此一件事办件 / no such case at the hub")
            return
        self.query_one("#onething-case", Static).update(
            f"{case['bundle_name']}（{case['bundle_code']}） · {case['applicant']['name']} {case['applicant']['id']}"
            f" · {ONETHING_STATES.get(case['state'], case['state'])} · {case['case_id']}")
        for item in case["items"]:
            table.add_row(f"{item['item_name']}（{item['item_code']}）", item["receipt_number"], item["status"],
                          item["department"] or "-", item["department_status"] or "-")
