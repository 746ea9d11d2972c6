"""New application, done: the receipt number or the notice, the print job and a preview."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.events import ScreenResume
from textual.widgets import Static

from station.core import ratings
from station.core.issuing import CounterResult, Issued, issue_receipt
from station.core.print_jobs import HeldDocuments
from station.ui.base import StationScreen
from station.ui.i18n import N_, _, bilingual, language
from station.ui.messages import DocumentIssued, PrintJobChanged
from station.ui.widgets.status.key_footer import KeyFooter
from station.ui.widgets.status.status_bar import StatusBar
from station.ui.widgets.status.title_bar import TitleBar

JOB_STATES = {"queued": N_("排队等待打印"), "printing": N_("正在打印…"), "printed": N_("已打印"),
              "held": N_("打印暂停：{problem}；恢复后自动续打"),
              "uncertain": N_("无法确认是否打印完整：请查看后选择补打"), "cancelled": N_("已取消")}
QUEUED = JOB_STATES["queued"]


def job_state_text(state: str, problem: str | None) -> str:
    """A print job's state in words; a held job says what the printer itself reports (no reply,
    cover open, paper out…), never a guess."""
    from devices.printer.status import PROBLEMS

    text = _(JOB_STATES[state]) if state in JOB_STATES else state
    if state == "held":
        zh, en = PROBLEMS.get(problem or "", ("打印机未就绪", "the printer is not ready"))
        text = text.format(problem=en if language() == "en" else zh)
    return text


class ResultScreen(StationScreen):
    """办理结果."""

    BINDINGS = [
        Binding("enter", "next", N_("下一位"), id="next", tooltip=N_("回到首页，接待下一位")),
        Binding("r", "reprint", N_("补打回执"), id="reprint"),
        Binding("s", "save_pdf", N_("保存 PDF"), id="save-pdf", tooltip=N_("把暂存的 A4 文件存到 U 盘等文件夹")),
        Binding("p", "rate", N_("请群众评价"), id="rate", tooltip=N_("把评价屏转向群众，请其为本次服务打分（好差评）")),
        Binding("escape", "next", N_("返回首页"), id="home", show=False),
    ]

    def __init__(self, result: CounterResult) -> None:
        super().__init__()
        self.result = result
        self.issued: Issued | None = result.issued

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(self.title_text(), id="result-title", markup=False)
        yield Static(self.detail_text(), id="result-detail", markup=False)
        yield Static(self.print_text(), id="print-state", markup=False)
        with VerticalScroll(id="preview-box"):
            yield Static("\n".join(self.issued.preview) if self.issued else "", id="preview",
                         markup=False)
        yield StatusBar(id="status-bar")
        yield KeyFooter()

    def title_text(self) -> str:
        outcome = self.result.submission.outcome
        if outcome == "one_time_notice":
            return _("材料不全：已出具一次性告知书，草稿已保留")
        if outcome == "accept_with_rongque":
            return _("容缺受理 · 回执号 {number}").format(number=self.result.submission.receipt_number)
        return _("已受理 · 回执号 {number}").format(number=self.result.submission.receipt_number)

    def detail_text(self) -> str:
        submission = self.result.submission
        if not submission.accepted:
            return _("申请人备齐告知书所列材料后，可在首页的草稿中继续办理。")
        text = _("承诺办结日期：{due}").format(due=submission.due_date)
        if submission.rongque_deadline:
            text += "\n" + _("容缺材料补交期限：{day}").format(day=submission.rongque_deadline)
        return text

    def print_text(self) -> str:
        if self.result.print_error is not None:
            return _("打印失败：{reason}。可在申请列表中补打。").format(
                reason=bilingual(" / ".join(self.result.print_error)))
        issued = self.issued
        if issued is None:
            return ""
        if issued.output == "a4":
            where = _("已发送到 A4 打印机") if issued.destination == "cups" else _("A4 PDF 已生成，暂存待打印（s 保存到 U 盘）")
            return where
        return _(QUEUED)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reprint":
            return self.result.submission.accepted
        if action == "save_pdf":
            return self.held_documents() is not None
        if action == "rate":
            return self.result.submission.accepted and not ratings.rated(self.result.submission.application_id)
        return True

    @on(ScreenResume)
    def offer_rating_again(self) -> None:
        """Back from the rating screen: once rated, the key goes."""
        self.refresh_bindings()

    def action_rate(self) -> None:
        submission = self.result.submission
        self.app.push_screen(self.new_screen("rating", submission.application_id, submission.receipt_number))

    def held_documents(self) -> HeldDocuments | None:
        """The A4 documents waiting in memory, when this result's document went there."""
        held = self.services.a4
        if self.issued is None or self.issued.destination != "held" or not isinstance(held, HeldDocuments):
            return None
        return held

    def action_save_pdf(self) -> None:
        held = self.held_documents()
        if held is None:
            return
        submission = self.result.submission
        kind = _("受理回执") if self.issued is not None and self.issued.kind == "receipt" else _("一次性告知书")
        name = f"{kind}-{submission.receipt_number or submission.application_id[:8]}"
        self.app.push_screen(self.new_screen("save_pdf", held, name), self.pdf_saved)

    def pdf_saved(self, path: str | None) -> None:
        if path:
            self.query_one("#print-state", Static).update(_("已保存：{path}").format(path=path))

    def action_reprint(self) -> None:
        if self.result.submission.accepted:
            self.reprint()

    @work(thread=True, exclusive=True, exit_on_error=False, group="print", description="reprint")
    def reprint(self) -> None:
        """Print the receipt again (recorded as issued again in the audit trail)."""
        output = self.issued.output if self.issued else "receipt_printer"
        printer = self.services.devices if self.services.has_devices else None
        self.post_message(DocumentIssued(issue_receipt(
            self.services.store, self.session, self.result.submission.application_id, output,
            printer, self.services.a4)))

    @on(DocumentIssued)
    def document_issued(self, message: DocumentIssued) -> None:
        self.issued = message.issued
        self.query_one("#print-state", Static).update(self.print_text())

    @on(PrintJobChanged)
    def job_changed(self, message: PrintJobChanged) -> None:
        if self.issued is None or message.job_id != self.issued.job_id:
            return
        self.query_one("#print-state", Static).update(job_state_text(message.state, message.problem))
        demo = self.services.demo
        if message.state == "printed" and demo is not None and demo.printer_model.receipts:
            self.query_one("#preview", Static).update(
                _("演示打印机实际打印：") + "\n" + demo.printer_model.receipts[-1].render_text())

    def action_next(self) -> None:
        self.app.pop_screen()
