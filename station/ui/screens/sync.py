"""Sync: the outbox, the hub's last contact, batches; push and pull now; USB export and import."""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, ProgressBar, Static

from kernel.times import local_time
from reports import wording
from station.core.errors import JiujinError
from station.core.overview import last_hub_contact
from station.core.roles import Action, allowed
from station.ui.base import StationScreen
from station.ui.i18n import N_, _, language
from station.ui.messages import ActionDone, SyncLoaded, SyncProgressed
from station.ui.widgets.fitted_table import FittedTable
from station.ui.widgets.status.key_footer import KeyFooter
from station.ui.widgets.status.status_bar import StatusBar
from station.ui.widgets.status.title_bar import TitleBar

if TYPE_CHECKING:
    from station.core.sync_service import BatchLine, PushReport, SyncService
from sync.errors import SyncError

BATCH_STATES = {"sealed": N_("已封装"), "sent": N_("已发送"), "acknowledged": N_("已确认"),
                "quarantined": N_("已隔离")}


BATCHES_SHOWN = 200
TRANSPORTS = {"http": N_("网络"), "folder": N_("U 盘")}


def batch_cells(line: BatchLine, zone: tzinfo) -> list[str | Text]:
    """One batch row, each cell whole and wrapping: its number, the outbox sequence numbers it
    carries, its record count, its state above the way it went (quarantined in red), when it
    was sent (or sealed) on the station's clock, and why the hub set it (or a copy) aside."""
    state = _(BATCH_STATES.get(line.state, line.state))
    way = _(TRANSPORTS[line.transport]) if line.transport in TRANSPORTS else "—"
    when = local_time(line.sent_at or line.created_at, zone)
    return [str(line.batch_no), f"{line.first_seq}–{line.last_seq}", str(line.records),
            Text(f"{state}\n{way}", style="bold red" if line.state == "quarantined" else ""),
            when.replace(" ", "\n"), batch_reason(line)]


def batch_reason(line: BatchLine) -> str:
    """Why the hub set the batch aside, in the user's language: the hub's own words when its
    signed answer carries them, else the reason code's sentence; nothing for a batch in order."""
    if line.state != "quarantined" and not (line.reason or "").startswith(wording.DAMAGED_COPY):
        return ""
    words = line.message_zh if language() == "zh" else line.message_en
    return words or wording.quarantine_text(line.reason).get(language())


def ledger_lines(ledger: dict[str, Any]) -> list[str]:
    """The ledger facts a sync operator acts on: oldest unsent, resend requests, a freeze."""
    lines = []
    hours = ledger.get("oldest_unsent_hours")
    if hours is not None:
        lines.append(_("最早未上报事件已等待 {hours} 小时").format(hours=hours))
    for request in ledger.get("resend_requests", [])[-3:]:
        lines.append(_("中心要求重发序号 {first}–{last}").format(
            first=request.get("first_seq", "?"), last=request.get("last_seq", "?")))
    offline = ledger.get("offline", {})
    for limit in offline.get("exceeded", []):
        lines.append(_("已暂停受理：{reason}").format(reason=limit["zh"] if language() == "zh" else limit["en"]))
    return lines


#: What a bundle of each kind brought down, counted by bundles (statuses are counted by update).
BUNDLE_WORDS = {"catalog": N_("事项目录更新 {count} 个"), "calendar": N_("节假日日历更新 {count} 个"),
                "shared_data": N_("共享数据可用情况更新 {count} 个"), "offline_policy": N_("离线受理规则更新 {count} 个"),
                "roster": N_("人员名单更新 {count} 个"), "revocations": N_("人员停用通知 {count} 个"),
                "resend": N_("重发要求 {count} 个"), "reconciled": N_("日终对账结果 {count} 个")}


def sent_words(what: str, report: PushReport, folder: Path | None) -> list[str]:
    """What a push or a USB export sent."""
    attachments = _("，附件 {count} 个").format(count=report.attachments_sent) if report.attachments_sent else ""
    if what == "export":
        if not report.sent and not report.attachments_sent:
            return [_("没有需要写入 U 盘的批次（{folder}）").format(folder=folder)]
        return [_("已写入 {folder}：{sent} 批{attachments}，请交市级中心导入").format(
            folder=folder, sent=report.sent, attachments=attachments)]
    if not report.sent and not report.attachments_sent:
        return [_("没有需要上报的批次")]
    return [_("已上报 {sent} 批{attachments}").format(sent=report.sent, attachments=attachments)]


def acknowledged_words(report: PushReport) -> list[str]:
    """What the hub acknowledged, and how many applications it made `delivered`."""
    if not report.acknowledged:
        return [_("没有新的确认")]
    words = _("市级中心确认 {batches} 批（{records} 条事件）").format(
        batches=report.acknowledged, records=report.records_acknowledged)
    if report.delivered:
        words += _("，{count} 件申请已送达").format(count=report.delivered)
    return [words]


def bundle_words(bundles: dict[str, Any]) -> list[str]:
    """What came down from the hub: decisions and requests for amendment, then the other
    bundles by kind; refused ones are named too."""
    parts: list[str] = []
    if bundles.get("decisions"):
        parts.append(_("办件决定 {count} 件").format(count=bundles["decisions"]))
    if bundles.get("amendments"):
        parts.append(_("补正要求 {count} 件").format(count=bundles["amendments"]))
    for kind, count in sorted(bundles.get("kinds", {}).items()):
        if kind in BUNDLE_WORDS:
            parts.append(_(BUNDLE_WORDS[kind]).format(count=count))
    if not parts:
        parts.append(_("没有新的下行包") if not bundles.get("applied") else
                     _("收到下行包 {count} 个").format(count=len(bundles["applied"])))
    refused = len(bundles.get("refused", []))
    if refused:
        parts.append(_("拒收下行包 {count} 个（签名或内容不符，已记入日志）").format(count=refused))
    return parts


def trouble_words(report: PushReport) -> list[str]:
    """Batches the hub quarantined, copies it set aside as damaged, files that were skipped."""
    parts: list[str] = []
    numbers = _("、")
    if report.quarantined:
        parts.append(_("被市级中心隔离 {count} 批（第 {batches} 批），原因见下表").format(
            count=len(report.quarantined), batches=numbers.join(map(str, report.quarantined))))
    if report.damaged:
        parts.append(_("第 {batches} 批在途中损坏，市级中心未收，下次上报或导出时重发").format(
            batches=numbers.join(map(str, report.damaged))))
    if report.problems:
        first = report.problems[0].partition(" / ")
        parts.append(_("跳过无法读取的文件 {count} 个：{first}").format(
            count=len(report.problems), first=first[2] if language() == "en" and first[2] else first[0]))
    return parts


def result_text(what: str, report: PushReport, bundles: dict[str, Any], folder: Path | None = None) -> str:
    """What one push, pull, USB export or USB import did, in the user's language; when it had
    nothing to do it says so rather than counting zeros."""
    if what in ("push", "export"):
        parts = sent_words(what, report, folder)
        if what == "push" or report.acknowledged:
            parts += acknowledged_words(report)
        return _("；").join(parts + trouble_words(report))
    if what == "import":
        head = _("从 U 盘 {folder} 导入：").format(folder=folder)
    else:
        head = _("从市级中心拉取：")
    return head + _("；").join(acknowledged_words(report) + bundle_words(bundles) + trouble_words(report))


class SyncScreen(StationScreen):
    """同步."""

    BINDINGS = [
        Binding("p", "push", N_("立即上报"), id="push", tooltip=N_("封装待上报事件并发送到市级中心")),
        Binding("l", "pull", N_("拉取回执"), id="pull", tooltip=N_("从市级中心取回确认和状态")),
        Binding("e", "export", N_("导出到U盘"), id="export"),
        Binding("i", "import_folder", N_("从U盘导入"), id="import"),
        Binding("f5", "refresh", N_("刷新"), id="refresh"),
        Binding("escape", "app.pop_screen", N_("返回"), id="back"),
    ]

    usb_pending: str | None = None  # the USB export or import waiting for its folder

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(id="sync"):
            yield Static(_("加载中…"), id="sync-status", markup=False)
            yield FittedTable(id="batches", wrap=(-1,))
            with Horizontal(classes="form-row", id="usb-row"):
                yield Input(id="usb-folder", placeholder=_("U 盘文件夹，例如 /media/usb/jiujin"))
                yield Button(_("导出到U盘"), id="usb-export", compact=True)
                yield Button(_("从U盘导入"), id="usb-import", compact=True)
            with Horizontal(id="sync-progress-row", classes="form-row"):
                yield Static("", id="sync-progress-label", markup=False)
                yield ProgressBar(id="sync-progress", show_eta=False)
            yield Static("", id="sync-result", markup=False)
        yield StatusBar(id="status-bar")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.load()

    def show_batches(self, lines: list[BatchLine]) -> None:
        """The batches, newest (and quarantined) first; every column as wide as its widest
        line and the reason taking what is left, so that at 80 columns cells wrap, never cut."""
        zone = self.services.store.config.zone
        self.query_one("#batches", FittedTable).show(
            [_("批次"), _("序号"), _("条数"), _("状态"), _("时间"), _("隔离原因")],
            [batch_cells(line, zone) for line in lines], [str(line.batch_no) for line in lines])

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("push", "pull", "export", "import_folder"):
            return allowed(self.session.role, Action.SYNC_RUN)
        return True

    def service(self) -> SyncService:
        from station.core.sync_service import SyncService

        factory = self.services.sync or SyncService
        return factory(self.services.store)

    @work(thread=True, exclusive=True, exit_on_error=False, group="sync", description="sync status")
    def load(self) -> None:
        from station.core.day_close import ledger

        service = self.service()
        status = service.status(self.session)
        self.post_message(SyncLoaded(status, last_hub_contact(self.services.store.config.zone),
                                     ledger(self.services.store), service.batches(self.session, BATCHES_SHOWN)))

    @on(SyncLoaded)
    def show(self, message: SyncLoaded) -> None:
        status = message.status
        hub = status.hub_url or _("未配置")
        enrolled = _("已注册") if status.enrolled else _("未注册")
        lines = [
            _("待上报事件：{depth} 条（本站序号已到 {high}）").format(depth=status.outbox_depth,
                                                         high=status.outbox_high_water),
            _("最近与市级中心联系：{when}").format(when=message.last_contact or _("尚未联系")),
            _("市级中心：{hub}（{enrolled}）").format(hub=hub, enrolled=enrolled),
        ]
        counts = "，".join(f"{_(BATCH_STATES.get(state, state))} {count}" for state, count in status.batches.items())
        lines.append(_("批次：{counts}").format(counts=counts))
        lines += ledger_lines(message.ledger)
        if status.quarantined_batches:
            lines.append(_("被隔离的批次：{batches}，请联系市级中心").format(
                batches=", ".join(map(str, status.quarantined_batches))))
        if status.last_error:
            lines.append(_("最近一次错误：{error}").format(
                error=wording.quarantine_text(status.last_error).get(language())))
        self.query_one("#sync-status", Static).update("\n".join(lines))
        self.show_batches(message.batches)

    def folder(self, what: str) -> Path | None:
        """The USB folder typed; when there is none yet, ask for it and remember `what` was
        asked, so that Enter in the field goes on with it."""
        text = self.query_one("#usb-folder", Input).value.strip()
        if not text:
            self.usb_pending = what
            self.query_one("#sync-result", Static).update(
                _("请先填写 U 盘文件夹，回车后导出") if what == "export" else _("请先填写 U 盘文件夹，回车后导入"))
            self.query_one("#usb-folder", Input).focus()
            return None
        return Path(text).expanduser()

    @on(Input.Submitted, "#usb-folder")
    def usb_folder_entered(self) -> None:
        """Enter in the folder field: go on with the export or import that asked for it, else
        move to the export button (the import button beside it)."""
        pending, self.usb_pending = self.usb_pending, None
        if pending == "export":
            self.action_export()
        elif pending == "import":
            self.action_import_folder()
        else:
            self.query_one("#usb-export", Button).focus()

    @on(Button.Pressed, "#usb-export")
    def export_pressed(self) -> None:
        self.action_export()

    @on(Button.Pressed, "#usb-import")
    def import_pressed(self) -> None:
        self.action_import_folder()

    def action_push(self) -> None:
        self.run_sync("push", None)

    def action_pull(self) -> None:
        self.run_sync("pull", None)

    def action_export(self) -> None:
        folder = self.folder("export")
        if folder is not None:
            self.run_sync("export", folder)

    def action_import_folder(self) -> None:
        folder = self.folder("import")
        if folder is not None:
            self.run_sync("import", folder)

    @work(thread=True, exclusive=True, exit_on_error=False, group="sync-run", description="sync")
    def run_sync(self, what: str, folder: Path | None) -> None:
        """Push, pull, export or import through the core; report what it did. Pulling and
        importing bring the hub's acknowledgements and then its signed bundles."""
        service = self.service()

        def progress(_what: str, done: int, total: int) -> None:
            self.post_message(SyncProgressed(what, done, total))

        self.post_message(SyncProgressed(what, 0, 0))
        bundles: dict[str, Any] = {}
        try:
            if what == "push":
                report = service.push(self.session, progress)
            elif what == "export":
                report = service.export(self.session, folder or Path(), progress)
            elif what == "pull":
                report, bundles = service.pull_from_hub(self.session)
            else:
                report, bundles = service.import_from_folder(self.session, folder or Path(), progress)
        except (JiujinError, SyncError) as error:
            self.post_message(ActionDone(error.message(language()), ok=False))
            return
        self.post_message(ActionDone(result_text(what, report, bundles, folder)))

    @on(SyncProgressed)
    def progressed(self, message: SyncProgressed) -> None:
        names = {"push": _("正在上报"), "pull": _("正在拉取回执"), "export": _("正在写入 U 盘"),
                 "import": _("正在从 U 盘导入")}
        self.query_one("#sync-progress-row").display = True
        self.query_one("#sync-progress-label", Static).update(
            f"{names.get(message.what, message.what)} {message.done}/{message.total or '?'}")
        bar = self.query_one("#sync-progress", ProgressBar)
        bar.update(total=message.total or None, progress=message.done)

    @on(ActionDone)
    def done(self, message: ActionDone) -> None:
        self.query_one("#sync-result", Static).update(message.message)
        self.query_one("#sync-progress-row").display = False
        self.load()

    def action_refresh(self) -> None:
        self.load()
