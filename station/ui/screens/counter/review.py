"""New application, step three: review everything, choose the output, submit."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from forms import Evaluation
from forms.display import field_rows
from station.core.counter import CounterDraft, FormIncomplete, provenance
from station.core.errors import JiujinError
from station.core.issuing import Output, submit_and_issue
from station.ui.base import StationScreen
from station.ui.i18n import N_, _, bilingual, language
from station.ui.messages import ApplicationRefused, ApplicationSubmitted
from station.ui.widgets.counter.materials import status_text
from station.ui.widgets.counter.outcome import outcome_text
from station.ui.widgets.status.key_footer import KeyFooter
from station.ui.widgets.status.title_bar import TitleBar
from station.ui.widgets.value_list import ValueList

SOURCES = {"card": N_("读卡"), "typed": N_("录入"), "context": N_("站点"), "computed": N_("计算"),
           "scanned": N_("扫描"), "shared_data": N_("共享")}
OUTPUTS = {"receipt_printer": N_("收据打印机"), "a4": N_("A4 PDF")}


class ReviewScreen(StationScreen):
    """核对并提交."""

    BINDINGS = [
        Binding("ctrl+s", "submit", N_("提交"), id="submit", tooltip=N_("受理并打印回执，或打印一次性告知书")),
        Binding("f5", "submit", N_("提交"), id="submit-f5", show=False),
        Binding("p", "switch_output", N_("切换输出"), id="output", tooltip=N_("收据打印机或 A4 PDF")),
        Binding("escape", "app.pop_screen", N_("返回修改"), id="back"),
    ]

    def __init__(self, draft: CounterDraft) -> None:
        super().__init__()
        self.draft = draft
        self.output: Output = "receipt_printer"
        self.submitting = False

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(_("请与申请人核对以下内容"), id="review-head", classes="section-title")
        with Horizontal(id="review-body"):
            with VerticalScroll(id="review-values"):
                yield ValueList((_("项目"), _("来源"), _("内容")), id="review-list")
            with Vertical(id="review-side"):
                yield ValueList((_("状态"), _("材料")), label_share=0.4, id="review-materials")
                yield Static("", id="review-outcome", markup=False)
                yield Static("", id="review-output", markup=False)
                yield Static("", id="review-error", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        if not self.services.has_devices:
            self.output = "a4"
        evaluation = self.services.counter.evaluate(self.session, self.draft)
        self.show_values(evaluation)
        self.query_one("#review-outcome", Static).update(outcome_text(evaluation))
        self.show_output()
        self.query_one("#review-values", VerticalScroll).focus()

    def show_values(self, evaluation: Evaluation) -> None:
        sources = provenance(self.draft, evaluation, self.services.counter.context(self.session))
        lang = language()
        rows = [(label.get(lang), _(SOURCES[sources[key]]) if sources.get(key) in SOURCES else "", value.get(lang))
                for key, label, value in field_rows(self.draft.item, evaluation.values, shown=evaluation.visible)]
        self.query_one("#review-list", ValueList).show(rows)
        self.query_one("#review-materials", ValueList).show(
            [(status_text(status), status.material.name.get(lang)) for status in evaluation.materials])

    def show_output(self) -> None:
        self.query_one("#review-output", Static).update(
            _("输出：{output}（p 切换）").format(output=_(OUTPUTS[self.output])))

    def action_switch_output(self) -> None:
        self.output = "a4" if self.output == "receipt_printer" else "receipt_printer"
        self.show_output()

    def action_submit(self) -> None:
        if self.submitting:
            return
        self.submitting = True
        self.query_one("#review-error", Static).update(_("正在提交…"))
        self.submit()

    @work(thread=True, exclusive=True, exit_on_error=False, group="submit", description="submit")
    def submit(self) -> None:
        """Submit and print through the core; field errors come back as a refusal."""
        printer = self.services.devices if self.services.has_devices else None
        try:
            result = submit_and_issue(self.services.counter, self.session, self.draft, self.output,
                                      printer, self.services.a4)
        except FormIncomplete as exc:
            self.post_message(ApplicationRefused(_("还有填写需要完善"), exc.errors))
            return
        except JiujinError as exc:  # e.g. the offline policy has stopped new applications
            self.post_message(ApplicationRefused(exc.message(language()), {}))
            return
        finally:
            self.submitting = False
        self.post_message(ApplicationSubmitted(result))

    @on(ApplicationRefused)
    def refused(self, message: ApplicationRefused) -> None:
        lines = [message.message] + [bilingual(text) for text in message.errors.values()]
        self.query_one("#review-error", Static).update("\n".join(lines))

    @on(ApplicationSubmitted)
    def submitted(self, message: ApplicationSubmitted) -> None:
        self.app.pop_screen()
        self.app.switch_screen(self.new_screen("result", message.result))
