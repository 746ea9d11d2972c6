"""Handing documents to the citizen: the receipt (受理回执) or the one-time notice (一次性告知书),
on the receipt printer or as an A4 PDF.

The receipt and the A4 documents come from `station.core.documents`; the one-time notice
on thermal paper is laid out here (reports has no thermal notice yet) and recorded in the
audit trail as `document.notice_issued`, like the A4 notice, so the daily report counts it.
"""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from typing import Literal, Protocol

from devices.errors import DeviceError
from devices.printer.layout import Columns, Cut, Element, Feed, Line, QRCode, ReceiptLayout, Rule
from devices.printer.width import COLUMNS, align, spread, wrap
from forms import Evaluation, Text
from forms.onething import bundle_notice
from forms.results import ONE_TIME_NOTICE, NoticeEntry
from kernel.masking import mask_id
from reports import ApplicantInfo, ReportsError
from station.core import audit, documents
from station.core.counter import BundleCase, CaseSubmission, Counter, CounterDraft, Submission
from station.core.db import write_transaction
from station.core.print_jobs import A4Output
from station.core.roles import Action, require
from station.core.session import Session
from station.core.store import StationStore

Output = Literal["receipt_printer", "a4"]


class ReceiptPrinterPort(Protocol):
    """What issuing needs of the device manager: queue a receipt layout, get a job id."""

    def print_receipt(self, layout: ReceiptLayout) -> str: ...


@dataclass(frozen=True)
class Issued:
    """A document handed out: which, where to, its print job, and its text for the screen."""

    kind: Literal["receipt", "notice", "supplement"]
    output: Output
    job_id: str | None
    destination: str  # printer | cups | held
    preview: tuple[str, ...]


#: What may stop a document going out after the application was accepted.
PRINT_ERRORS = (DeviceError, ReportsError, OSError, subprocess.SubprocessError)


def print_error(error: Exception) -> tuple[str, str]:
    """Why a document did not go out, in Chinese and English."""
    zh = getattr(error, "message_zh", None) or type(error).__name__
    en = getattr(error, "message_en", None) or type(error).__name__
    return str(zh), str(en)


@dataclass(frozen=True)
class CounterResult:
    """A submission and the document it gave; `print_error` when the document did not go out."""

    submission: Submission
    issued: Issued | None
    print_error: tuple[str, str] | None = None


def submit_and_issue(counter: Counter, session: Session, draft: CounterDraft, output: Output,
                     printer: ReceiptPrinterPort | None, a4: A4Output) -> CounterResult:
    """Submit, then print the receipt — or the one-time notice when materials are missing.

    An accepted application stays accepted when printing fails: the receipt can be printed
    again from the applications list.
    """
    submission = counter.submit(session, draft)
    store = counter.store
    try:
        if submission.accepted:
            issued = issue_receipt(store, session, submission.application_id, output, printer, a4)
        else:
            issued = issue_notice(store, session, draft, submission.evaluation, output, printer, a4)
    except PRINT_ERRORS as error:
        return CounterResult(submission, None, print_error(error))
    return CounterResult(submission, issued)


@dataclass(frozen=True)
class CaseResult:
    """A 一件事 submitted and the one document it gave (the case's receipt, or one notice)."""

    submission: CaseSubmission
    issued: Issued | None
    print_error: tuple[str, str] | None = None


def submit_case_and_issue(counter: Counter, session: Session, case: BundleCase, output: Output,
                          printer: ReceiptPrinterPort | None, a4: A4Output) -> CaseResult:
    """一件事: submit every item together, then print one receipt listing each item's receipt
    number — or one notice of everything the items still need. Accepted stays accepted when
    printing fails (the receipts can be printed again from the applications list)."""
    submission = counter.submit_case(session, case)
    store = counter.store
    try:
        if submission.accepted:
            issued = issue_case_receipt(store, session, case.case_id, output, printer, a4)
        else:
            issued = issue_case_notice(store, session, case, list(submission.evaluations), output, printer, a4)
    except PRINT_ERRORS as error:
        return CaseResult(submission, None, print_error(error))
    return CaseResult(submission, issued)


def issue_case_receipt(store: StationStore, session: Session, case_id: str, output: Output,
                       printer: ReceiptPrinterPort | None, a4: A4Output) -> Issued:
    """Print (or reprint) the one receipt of an accepted 一件事."""
    if output == "a4" or printer is None:
        with write_transaction():
            pdf = documents.case_receipt_pdf(store, session, case_id)
        return Issued("receipt", "a4", None, a4.spool(pdf, "一件事受理回执"), ())
    with write_transaction():
        layout = documents.case_receipt_layout(store, session, case_id)
    job = printer.print_receipt(layout)
    return Issued("receipt", output, job, "printer", preview_lines(layout, _paper(store)))


def issue_case_notice(store: StationStore, session: Session, case: BundleCase, evaluations: list[Evaluation],
                      output: Output, printer: ReceiptPrinterPort | None, a4: A4Output) -> Issued:
    """一件事: one notice of everything the case's items still need, each thing once; drafts stay."""
    require(session, Action.APPLICATION_VIEW)
    lead = case.lead.applicant
    applicant = ApplicantInfo(lead.name, lead.id_number, lead.kind, lead.representative_id)
    subjects = [draft.app_id for draft in case.drafts]
    if output == "a4" or printer is None:
        with write_transaction():
            pdf = documents.bundle_notice_pdf(store, session, case.bundle, evaluations, applicant,
                                              record_subjects=subjects)
        return Issued("notice", "a4", None, a4.spool(pdf, "一件事一次性告知书"), ())
    entries = bundle_notice(evaluations)
    layout = _notice_layout(store, session, case.bundle.name, case.bundle.code, entries, applicant,
                            case.lead.item.contact.consult)
    job = printer.print_receipt(layout)
    with write_transaction():
        for subject in subjects:
            audit.append(store.clock(), session.operator_name, "document.notice_issued", subject,
                         {"format": "escpos"})
    return Issued("notice", output, job, "printer", preview_lines(layout, _paper(store)))


def issue_receipt(store: StationStore, session: Session, application_id: str, output: Output,
                  printer: ReceiptPrinterPort | None, a4: A4Output) -> Issued:
    """Print (or reprint) an accepted application's receipt."""
    if output == "a4" or printer is None:
        with write_transaction():  # documents records the issue in the audit trail
            pdf = documents.receipt_pdf(store, session, application_id)
        return Issued("receipt", "a4", None, a4.spool(pdf, "受理回执"), ())
    with write_transaction():
        layout = documents.receipt_layout(store, session, application_id)
    job = printer.print_receipt(layout)
    return Issued("receipt", output, job, "printer", preview_lines(layout, _paper(store)))


def supplement_and_issue(store: StationStore, session: Session, application_id: str, received: list[str],
                         printer: ReceiptPrinterPort | None, a4: A4Output) -> Issued:
    """补交: record the 容缺 materials handed in (the hub hears of it at the next sync) and print
    the 补交回执 on the receipt printer, or as an A4 PDF without one."""
    store.applications.supplement(session, application_id, received)
    with write_transaction():  # documents records the issue in the audit trail
        given = documents.supplement_data(store, session, application_id, received)
        if printer is None:
            pdf = documents.receipt_pdf(store, session, application_id, supplement=given)
        else:
            layout = documents.receipt_layout(store, session, application_id, supplement=given)
    if printer is None:
        return Issued("supplement", "a4", None, a4.spool(pdf, "补交回执"), ())
    job = printer.print_receipt(layout)
    return Issued("supplement", "receipt_printer", job, "printer", preview_lines(layout, _paper(store)))


def issue_notice(store: StationStore, session: Session, draft: CounterDraft, evaluation: Evaluation,
                 output: Output, printer: ReceiptPrinterPort | None, a4: A4Output) -> Issued:
    """Print the one-time notice of everything the application still lacks; the draft stays."""
    require(session, Action.APPLICATION_VIEW)
    applicant = ApplicantInfo(draft.applicant.name, draft.applicant.id_number,
                              draft.applicant.kind, draft.applicant.representative_id)
    if output == "a4" or printer is None:
        with write_transaction():
            pdf = documents.notice_pdf_from_evaluation(store, session, evaluation, applicant,
                                                       record_subject=draft.app_id)
        return Issued("notice", "a4", None, a4.spool(pdf, "一次性告知书"), ())
    layout = notice_layout(store, session, evaluation, applicant)
    job = printer.print_receipt(layout)
    with write_transaction():
        audit.append(store.clock(), session.operator_name, "document.notice_issued", draft.app_id,
                     {"format": "escpos"})
    return Issued("notice", output, job, "printer", preview_lines(layout, _paper(store)))


def reissue_notice(counter: Counter, session: Session, app_id: str, printer: ReceiptPrinterPort | None,
                   a4: A4Output) -> Issued | None:
    """Print a draft's one-time notice again, from what it lacks now (the citizen lost the slip,
    or brought some papers since); None when it lacks nothing and can be submitted."""
    draft = counter.resume(session, app_id)
    evaluation = counter.evaluate(session, draft)
    if evaluation.outcome.kind != ONE_TIME_NOTICE:
        return None
    return issue_notice(counter.store, session, draft, evaluation, "receipt_printer", printer, a4)


def notice_layout(store: StationStore, session: Session, evaluation: Evaluation,
                  applicant: ApplicantInfo) -> ReceiptLayout:
    """The one-time notice for the receipt printer: what is missing, why, and where to get it."""
    item = evaluation.item
    return _notice_layout(store, session, item.name, item.code, evaluation.outcome.notice, applicant,
                          item.contact.consult)


def _notice_layout(store: StationStore, session: Session, service: Text, code: str,
                   entries: tuple[NoticeEntry, ...], applicant: ApplicantInfo, consult: str) -> ReceiptLayout:
    elements: list[Element] = [
        Line(store.config.name, "center", bold=True),
        Line("一次性告知书", "center", bold=True, size=2),
        Rule(),
        Columns("申请人", applicant.name),
        Columns("证件号码", mask_id(applicant.id_number)),
        Line(f"办理事项：{service.zh}"),
        Columns("告知时间", store.clock().strftime("%Y-%m-%d %H:%M")),
        Columns("告知人", session.display_name),
        Rule(),
        Line(f"尚需材料和条件（共 {len(entries)} 项）：", bold=True),
    ]
    for number, entry in enumerate(entries, 1):
        elements += [Line(f"{number}. {entry.what.zh}", bold=True), Line(f"   原因：{entry.why.zh}"),
                     Line(f"   获取：{entry.where.zh}")]
    elements += [
        Rule(),
        Line("备齐以上材料后，无需再因本事项的其他材料往返。"),
        Line(f"咨询电话：{consult}"),
        Feed(3),
        Cut(),
    ]
    return ReceiptLayout(tuple(elements), title=f"一次性告知书 {code}")


def preview_lines(layout: ReceiptLayout, paper_mm: int = 80) -> tuple[str, ...]:
    """The layout as the paper will read, for the screen (QR codes as a marker)."""
    columns = COLUMNS.get(paper_mm, COLUMNS[80])
    rows: list[str] = []
    for element in layout.elements:
        if isinstance(element, Line):
            width = max(2, columns // max(1, element.size))
            rows += [align(text, columns, element.align).rstrip() for text in wrap(element.text, width)]
        elif isinstance(element, Columns):
            rows += spread(element.left, element.right, columns, element.fill)
        elif isinstance(element, Rule):
            rows.append(element.char * columns)
        elif isinstance(element, QRCode):
            rows.append(align("[二维码 QR]", columns, "center").rstrip())
        elif isinstance(element, Cut):
            rows.append("✂" + "-" * (columns - 2))
    return tuple(rows)


def _paper(store: StationStore) -> int:
    return store.config.devices.paper_width_mm
