"""一件事 at the counter: the items of one bundle for one person, each filled in its own form,
reviewed together here and submitted as one case — one receipt, or one notice for all of them."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static

from forms import Evaluation
from forms.onething import bundle_notice
from station.core.counter import BundleCase, CounterDraft, FormIncomplete
from station.core.errors import JiujinError
from station.core.identity import mask_id
from station.core.issuing import CaseResult, Output, issue_case_receipt, submit_case_and_issue
from station.ui.base import StationScreen
from station.ui.i18n import N_, _, bilingual, language
from station.ui.messages import (
    CaseRefused,
    CaseSubmitted,
    DocumentIssued,
    DraftDiscarded,
    DraftOpened,
)
from station.ui.widgets.counter.outcome import outcome_text
from station.ui.widgets.fitted_table import FittedTable
from station.ui.widgets.status.key_footer import KeyFooter
from station.ui.widgets.status.status_bar import StatusBar
from station.ui.widgets.status.title_bar import TitleBar

OUTPUTS = {"receipt_printer": N_("收据打印机"), "a4": N_("A4 PDF")}


def item_state(evaluation: Evaluation) -> str:
    """One item of the case in a few words: ready, ready with 容缺, papers missing, fields to fill."""
    states = []
    if evaluation.outcome.kind == "one_time_notice":
        states.append(_("缺材料"))
    if evaluation.errors:
        states.append(_("待填写 {count} 处").format(count=len(evaluation.errors)))
    if not states:
        states.append(_("可容缺受理") if evaluation.outcome.kind == "accept_with_rongque" else _("可受理"))
    return _("，").join(states)


def item_label(draft: CounterDraft) -> str:
    """An item of the case: its name in the current language, and its code."""
    lang = language()
    name = draft.item.name.get(lang)
    return f"{name} ({draft.item.code})" if lang == "en" else f"{name}（{draft.item.code}）"


class BundleScreen(StationScreen):
    """一件事：逐项填写，一次核对，一并提交."""

    BINDINGS = [
        Binding("enter", "open_item", N_("填写此项"), id="open-item", tooltip=N_("打开所选事项的表单")),
        Binding("ctrl+s", "submit", N_("一并提交"), id="submit",
                tooltip=N_("全部事项一并受理并打印一张回执，或打印一份一次性告知书")),
        Binding("f5", "submit", N_("一并提交"), id="submit-f5", show=False),
        Binding("a", "add_optional", N_("加办事项"), id="add-item", tooltip=N_("加入此一件事可选的事项")),
        Binding("p", "switch_output", N_("切换输出"), id="output", tooltip=N_("收据打印机或 A4 PDF")),
        Binding("r", "reprint", N_("补打回执"), id="reprint", tooltip=N_("再打印一次这张一件事回执")),
        Binding("f8", "discard", N_("放弃一件事"), id="discard", tooltip=N_("删除这件一件事的全部草稿")),
        Binding("escape", "leave", N_("返回"), id="back", tooltip=N_("草稿已自动保存")),
    ]

    def __init__(self, case: BundleCase) -> None:
        super().__init__()
        self.case = case
        self.evaluations: list[Evaluation] = []
        self.output: Output = "receipt_printer"
        self.submitting = False
        self.result: CaseResult | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(self.heading(), id="bundle-head", markup=False)
        yield FittedTable(id="bundle-items", wrap=(1, -1))
        yield Static(_("回车填写所选事项；各项填好后 ctrl+s 一并提交"), id="bundle-hint", markup=False)
        with VerticalScroll(id="bundle-side"):
            yield Static("", id="bundle-outcome", markup=False)
            yield Static("", id="bundle-output", markup=False)
            yield Static("", id="bundle-error", markup=False)
            yield Static("", id="bundle-preview", markup=False)
        yield StatusBar(id="status-bar")
        yield KeyFooter()

    def heading(self) -> str:
        lead, lang = self.case.lead.identity, language()
        return _("一件事：{name}（{code}）· {person} {number} · 共 {count} 项").format(
            name=self.case.bundle.name.get(lang), code=self.case.bundle.code, person=lead.name,
            number=mask_id(lead.id_number), count=len(self.case.drafts))

    def on_mount(self) -> None:
        if not self.services.has_devices:
            self.output = "a4"
        self.show_case()
        self.show_output()
        self.query_one("#bundle-items", FittedTable).focus()

    def on_screen_resume(self) -> None:
        """Back from an item's form: its values and papers are the case's own, judged again."""
        if self.result is None:
            self.show_case()

    def show_case(self) -> None:
        counter = self.services.counter
        self.evaluations = [counter.evaluate(self.session, draft) for draft in self.case.drafts]
        rows = [(str(number), item_label(draft), item_state(evaluation))
                for number, (draft, evaluation) in enumerate(zip(self.case.drafts, self.evaluations,
                                                                  strict=True), 1)]
        self.query_one("#bundle-items", FittedTable).show([_("项次"), _("事项"), _("状态")], rows)
        self.query_one("#bundle-outcome", Static).update(self.outcome_text())

    def outcome_text(self) -> str:
        """What one submit will do now: accept every item, or one notice of what all still need."""
        lang = language()
        if any(e.outcome.kind == "one_time_notice" for e in self.evaluations):
            missing = _("、").join(entry.what.get(lang) for entry in bundle_notice(self.evaluations))
            return _("材料不全：提交将打印一份一次性告知书，全部草稿保留。缺：{missing}").format(missing=missing)
        lines = [_("全部事项可一并受理，提交后打印一张回执。")]
        lines += [_("{item}：{outcome}").format(item=draft.item.name.get(lang), outcome=outcome_text(evaluation))
                  for draft, evaluation in zip(self.case.drafts, self.evaluations, strict=True)]
        return "\n".join(lines)

    def show_output(self) -> None:
        self.query_one("#bundle-output", Static).update(
            _("输出：{output}（p 切换）").format(output=_(OUTPUTS[self.output])))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "reprint":
            return self.result is not None and self.result.submission.accepted
        if self.result is not None:  # submitted: only the way back (and the reprint) is left
            return action == "leave"
        if action == "add_optional":
            return self.next_optional() is not None
        return True

    def next_optional(self) -> str | None:
        """The first optional item of the bundle not in the case yet."""
        held = {draft.item.code for draft in self.case.drafts}
        return next((code for code in self.case.bundle.optional if code not in held), None)

    # -- keys ------------------------------------------------------------------------------

    def action_open_item(self) -> None:
        table = self.query_one("#bundle-items", FittedTable)
        if self.result is None and 0 <= table.cursor_row < len(self.case.drafts):
            self.app.push_screen(self.new_screen("form", self.case.drafts[table.cursor_row]))

    @on(DataTable.RowSelected, "#bundle-items")
    def item_selected(self) -> None:
        self.action_open_item()

    def action_add_optional(self) -> None:
        code = self.next_optional()
        if code is not None and not self.submitting:
            self.add_optional(code)

    @work(thread=True, exclusive=True, exit_on_error=False, group="draft", description="add an item")
    def add_optional(self, code: str) -> None:
        """One more draft in the case, for the optional item `code`."""
        self.post_message(DraftOpened(self.services.counter.add_to_case(self.session, self.case, code)))

    @on(DraftOpened)
    def item_added(self) -> None:
        self.query_one("#bundle-head", Static).update(self.heading())
        self.show_case()
        self.refresh_bindings()

    def action_discard(self) -> None:
        def discard(yes: bool | None) -> None:
            if yes:
                self.discard_case()

        self.app.push_screen(self.new_screen("confirm", _("放弃这件一件事？各事项已填写的内容将被删除。")), discard)

    @work(thread=True, exclusive=True, exit_on_error=False, group="draft", description="discard a 一件事")
    def discard_case(self) -> None:
        self.services.counter.discard_case(self.session, self.case)
        self.post_message(DraftDiscarded(self.case.case_id))

    @on(DraftDiscarded)
    def case_discarded(self) -> None:
        self.app.pop_screen()

    def action_reprint(self) -> None:
        if self.result is not None and self.result.submission.accepted:
            self.reprint()

    @work(thread=True, exclusive=True, exit_on_error=False, group="print", description="reprint a 一件事 receipt")
    def reprint(self) -> None:
        """Print the case's receipt again (recorded as issued again in the audit trail)."""
        assert self.result is not None
        output = self.result.issued.output if self.result.issued else self.output
        printer = self.services.devices if self.services.has_devices else None
        self.post_message(DocumentIssued(issue_case_receipt(self.services.store, self.session, self.case.case_id,
                                                            output, printer, self.services.a4)))

    @on(DocumentIssued)
    def reprinted(self, message: DocumentIssued) -> None:
        assert self.result is not None
        self.result = CaseResult(self.result.submission, message.issued)
        self.query_one("#bundle-error", Static).update(self.print_text(self.result))

    def action_switch_output(self) -> None:
        self.output = "a4" if self.output == "receipt_printer" else "receipt_printer"
        self.show_output()

    def action_leave(self) -> None:
        self.app.pop_screen()

    def before_lock(self) -> None:
        """Idle lock or ctrl+l: every item's draft is saved while the session is still open."""
        if self.result is None:
            for draft in self.case.drafts:
                self.services.counter.save(self.session, draft)

    # -- submitting ------------------------------------------------------------------------

    def action_submit(self) -> None:
        if self.submitting or self.result is not None:
            return
        self.submitting = True
        self.query_one("#bundle-error", Static).update(_("正在提交…"))
        self.submit()

    @work(thread=True, exclusive=True, exit_on_error=False, group="submit", description="submit a 一件事")
    def submit(self) -> None:
        """Submit every item as one case and print its one document through the core."""
        printer = self.services.devices if self.services.has_devices else None
        try:
            result = submit_case_and_issue(self.services.counter, self.session, self.case, self.output,
                                           printer, self.services.a4)
        except FormIncomplete as exc:
            self.post_message(CaseRefused(_("还有填写需要完善"), exc.errors))
            return
        except JiujinError as exc:
            self.post_message(CaseRefused(exc.message(language()), {}))
            return
        finally:
            self.submitting = False
        self.post_message(CaseSubmitted(result))

    @on(CaseRefused)
    def refused(self, message: CaseRefused) -> None:
        lines = [message.message] + [bilingual(text) for text in message.errors.values()]
        self.query_one("#bundle-error", Static).update("\n".join(lines))

    @on(CaseSubmitted)
    def submitted(self, message: CaseSubmitted) -> None:
        self.result = result = message.result
        submission = result.submission
        if submission.accepted:
            numbers = "\n".join(_("{item}：{outcome}").format(item=draft.item.name.get(language()),
                                                                outcome=s.receipt_number)
                                for draft, s in zip(self.case.drafts, submission.submissions, strict=True))
            text = _("已一并受理 {count} 项，回执号：").format(count=len(submission.submissions)) + "\n" + numbers
        else:
            text = _("材料不全：已出具一份一次性告知书，全部草稿已保留")
        self.query_one("#bundle-outcome", Static).update(text)
        self.query_one("#bundle-error", Static).update(self.print_text(result))
        if result.issued is not None and result.issued.preview:
            self.query_one("#bundle-preview", Static).update("\n".join(result.issued.preview))
        self.refresh_bindings()

    @staticmethod
    def print_text(result: CaseResult) -> str:
        if result.print_error is not None:
            return _("打印失败：{reason}。可在申请列表中补打。").format(reason=bilingual(" / ".join(result.print_error)))
        issued = result.issued
        if issued is None:
            return ""
        if issued.output == "a4":
            return _("已发送到 A4 打印机") if issued.destination == "cups" else _("A4 PDF 已生成，暂存待打印")
        return _("排队等待打印")
