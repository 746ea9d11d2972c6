"""One application: its content, materials, history and the hub's status; reprint, amend, void."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Static

from forms import ItemNotFound
from reports.wording import event_text
from station.core.amendments import amendment_draft
from station.core.applications import VOIDABLE, Status
from station.core.decisions import COLLECTION_NAMES, DECISION_NAMES, HubDecision, read_decision
from station.core.overview import ApplicationDetail, application_detail
from station.core.roles import Action, allowed
from station.ui.base import StationScreen
from station.ui.i18n import N_, _, language
from station.ui.messages import (
    ActionDone,
    AmendmentOpened,
    CaseOpened,
    DetailLoaded,
    DocumentIssued,
    DraftOpened,
)
from station.ui.widgets.applications.rows import status_name
from station.ui.widgets.counter.materials import stored_status_text
from station.ui.widgets.status.key_footer import KeyFooter
from station.ui.widgets.status.status_bar import StatusBar
from station.ui.widgets.status.title_bar import TitleBar
from station.ui.widgets.value_list import ValueList

ACCEPTED = {"submitted", "accepted_pending_materials", "delivered", "accepted", "needs_amendment",
            "amended", "completed"}
def decision_text(decision: HubDecision) -> str:
    """The department's decision in one line: what to bring and by when, or how to collect."""
    en = language() == "en"
    if not decision.decision:
        return _("说明：{text}").format(text=decision.message) if decision.message else ""
    zh_name, en_name = DECISION_NAMES.get(decision.decision, (decision.decision, decision.decision))
    parts = [en_name if en else zh_name, decision.message]
    if decision.items:
        parts.append(_("请补正：{items}").format(items="；".join(i.what for i in decision.items)))
    if decision.deadline:
        parts.append(_("补正期限：{day}").format(day=decision.deadline.isoformat()))
    if decision.document_number:
        parts.append(_("证号：{number}").format(number=decision.document_number))
    if decision.collection is not None:
        zh_way, en_way = COLLECTION_NAMES[decision.collection.method]
        where = decision.collection.place or decision.collection.address
        parts.append(_("领取方式：{way}").format(way=(en_way if en else zh_way) + (f"（{where}）" if where else "")))
    if decision.on_time is not None:
        parts.append(_("按期办结") if decision.on_time else _("超期办结"))
    if decision.basis:
        parts.append(_("依据：{basis}").format(basis=decision.basis))
    return " · ".join(p for p in parts if p)


class DetailScreen(StationScreen):
    """申请详情."""

    BINDINGS = [
        Binding("c", "continue_draft", N_("继续办理"), id="continue", tooltip=N_("打开草稿继续填写")),
        Binding("r", "reprint", N_("补打回执"), id="reprint"),
        Binding("b", "supplement", N_("补交材料"), id="supplement",
                tooltip=N_("申请人带来容缺材料：记录并打印补交回执")),
        Binding("n", "notice", N_("打印告知书"), id="notice",
                tooltip=N_("按草稿现在缺少的材料再打印一次性告知书")),
        Binding("a", "amend", N_("补正"), id="amend", tooltip=N_("按市级中心的要求补正后重新提交")),
        Binding("v", "void", N_("作废"), id="void", tooltip=N_("主管：作废尚未上报的申请，须填写原因")),
        Binding("escape", "app.pop_screen", N_("返回"), id="back"),
    ]

    def __init__(self, app_id: str) -> None:
        super().__init__()
        self.app_id = app_id
        self.detail: ApplicationDetail | None = None

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(_("加载中…"), id="detail-head", classes="section-title", markup=False)
        yield Static("", id="detail-status", markup=False)
        with Horizontal(id="detail-body"):
            with Vertical(id="detail-info"), VerticalScroll(id="detail-scroll"):
                yield ValueList(id="detail-values")
            with Vertical(id="detail-history"):
                yield Static(_("办理记录"), classes="section-title")
                with VerticalScroll(id="history-scroll"):
                    yield ValueList((_("时间"), _("经办"), _("事件")), label_share=0.5, id="history")
        yield StatusBar(id="status-bar")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="detail", description="detail")
    def load(self) -> None:
        app = self.services.store.applications.get(self.session, self.app_id)
        item = self.services.counter.filed_item(str(app.item_code), str(app.catalog_version))
        self.post_message(DetailLoaded(application_detail(self.services.store, self.session,
                                                          self.app_id, item)))

    @on(DetailLoaded)
    def show(self, message: DetailLoaded) -> None:
        detail = self.detail = message.detail
        row = detail.row
        self.query_one("#detail-head", Static).update(
            f"{row.receipt_number or _('（草稿）')} · {detail.service.get(language())} · {status_name(row.status)}")
        status = _("状态：{status}").format(status=status_name(row.status))
        decided = decision_text(read_decision(detail.status_message))
        if decided:
            status += " · " + decided
        self.query_one("#detail-status", Static).update(status)
        lang = language()
        rows = [(_("申请人"), row.applicant_name), (_("证件号码"), detail.applicant_id)]
        if detail.representative_id:
            rows.append((_("法定代表人身份证号"), detail.representative_id))
        rows += [(_("受理时间"), detail.submitted_at or ""),
                 (_("承诺办结"), detail.due_date or ""), (_("容缺补交期限"), detail.rongque_deadline or "")]
        rows += self.case_rows(detail)
        rows += [(label.get(lang), value.get(lang)) for label, value in detail.values]
        rows += [(_("材料：{name}").format(name=name.get(lang)), stored_status_text(status))
                 for name, status in detail.materials]
        self.query_one("#detail-values", ValueList).show([r for r in rows if r[1]])
        self.query_one("#history", ValueList).show(
            [(entry.at, entry.operator, event_text(entry.action, entry.detail).get(lang))
             for entry in detail.history])
        self.refresh_bindings()

    def case_rows(self, detail: ApplicationDetail) -> list[tuple[str, str]]:
        """一件事: the bundle, and each other item of the case with its receipt number and status."""
        if not detail.case_id:
            return []
        code = str(detail.bundle_code or "")
        try:
            name = self.services.counter.catalog.bundle(code).name.get(language())
        except ItemNotFound:
            name = code
        rows = [(_("一件事"), f"{name}（{code}）")]
        rows += [(_("同一件事：{service}").format(
                     service=self.services.counter.service_name(other.item_code, other.item_name).get(language())),
                  f"{other.receipt_number or _('（草稿）')} · {status_name(other.status)}")
                 for other in detail.together]
        return rows

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        status = self.detail.row.status if self.detail else ""
        role = self.session.role
        if action == "continue_draft":
            return status == Status.DRAFT and allowed(role, Action.APPLICATION_CREATE)
        if action == "reprint":
            return status in ACCEPTED and allowed(role, Action.APPLICATION_VIEW)
        if action == "notice":
            return status == Status.DRAFT and allowed(role, Action.APPLICATION_CREATE)
        if action == "amend":
            return status == Status.NEEDS_AMENDMENT and allowed(role, Action.APPLICATION_AMEND)
        if action == "void":
            return status in VOIDABLE and allowed(role, Action.APPLICATION_VOID)
        if action == "supplement":
            return bool(self.detail and self.detail.owed) and allowed(role, Action.APPLICATION_SUPPLEMENT)
        return True

    @work(thread=True, exclusive=True, exit_on_error=False, group="detail", description="resume")
    def action_continue_draft(self) -> None:
        """Load the draft with its card, papers and scans; an item of a 一件事 opens its case."""
        draft = self.services.counter.resume(self.session, self.app_id)
        if draft.case_id:
            self.post_message(CaseOpened(self.services.counter.resume_case(self.session, draft.case_id)))
            return
        self.post_message(DraftOpened(draft))

    @on(DraftOpened)
    def show_draft(self, message: DraftOpened) -> None:
        self.app.switch_screen(self.new_screen("form", message.draft))

    @on(CaseOpened)
    def show_case(self, message: CaseOpened) -> None:
        self.app.switch_screen(self.new_screen("bundle", message.case))

    @work(thread=True, exclusive=True, exit_on_error=False, group="print", description="reprint")
    def action_reprint(self) -> None:
        """Print the receipt again on the receipt printer (or A4 without one); an item of a 一件事
        gets its case's one receipt again."""
        from station.core.issuing import issue_case_receipt, issue_receipt

        devices = self.services.devices
        if self.detail is not None and self.detail.case_id:
            self.post_message(DocumentIssued(issue_case_receipt(
                self.services.store, self.session, self.detail.case_id, "receipt_printer",
                devices if self.services.has_devices else None, self.services.a4)))
            return
        self.post_message(DocumentIssued(issue_receipt(
            self.services.store, self.session, self.app_id, "receipt_printer",
            devices if self.services.has_devices else None, self.services.a4)))

    @work(thread=True, exclusive=True, exit_on_error=False, group="print", description="notice")
    def action_notice(self) -> None:
        """Print the draft's one-time notice again, from what it lacks now."""
        from station.core.issuing import reissue_notice

        devices = self.services.devices
        issued = reissue_notice(self.services.counter, self.session, self.app_id,
                                devices if self.services.has_devices else None, self.services.a4)
        if issued is None:
            self.post_message(ActionDone(_("材料已齐全，无需一次性告知书，可继续办理并提交")))
        else:
            self.post_message(DocumentIssued(issued))

    def action_supplement(self) -> None:
        if self.detail is not None:
            owed = [(material, name.get(language())) for material, name in self.detail.owed]
            self.app.push_screen(self.new_screen("supplement", owed), self.supplement)

    @work(thread=True, exclusive=True, exit_on_error=False, group="print", description="supplement")
    def supplement(self, received: list[str] | None) -> None:
        """补交: record what the citizen brought and print the 补交回执 (A4 without a printer)."""
        from station.core.issuing import supplement_and_issue

        if not received:
            return
        devices = self.services.devices
        self.post_message(DocumentIssued(supplement_and_issue(
            self.services.store, self.session, self.app_id, received,
            devices if self.services.has_devices else None, self.services.a4)))

    @on(DocumentIssued)
    def issued(self, message: DocumentIssued) -> None:
        a4 = message.issued.output == "a4"
        if message.issued.kind == "supplement":
            self.notify(_("已记录补交，A4 补交回执已生成（无收据打印机）") if a4 else _("已记录补交，补交回执已打印"))
        elif message.issued.kind == "notice":
            self.notify(_("A4 一次性告知书已生成") if a4 else _("一次性告知书已打印"))
        else:
            self.notify(_("A4 回执已生成") if a4 else _("回执已补打"))
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="detail", description="amend")
    def action_amend(self) -> None:
        """Load the application as a working copy for the amendment (补正)."""
        self.post_message(AmendmentOpened(amendment_draft(self.services.counter, self.session, self.app_id)))

    @on(AmendmentOpened)
    def show_amendment(self, message: AmendmentOpened) -> None:
        decision = read_decision(self.detail.status_message if self.detail else None)
        request = decision_text(decision)
        opened = message.opened
        self.app.push_screen(self.new_screen("amend", opened.draft, opened.locked, request or ""))
        if opened.resumed:
            self.notify(_("已恢复上次未提交的补正内容"), timeout=4)

    def action_void(self) -> None:
        self.app.push_screen(self.new_screen("void", self.app_id), self.voided)

    def voided(self, done: bool | None) -> None:
        if done:
            self.load()

    @on(ActionDone)
    def action_done(self, message: ActionDone) -> None:
        self.notify(message.message, severity="information" if message.ok else "error")
        self.load()
