"""一件事受理回执 — one receipt for every item of a 一件事 accepted together, with each item's
receipt number, as a thermal-printer layout (58/80 mm) and as A4 PDF."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table, TableStyle

from forms import Text
from kernel.masking import mask_id
from reports import pdf
from reports.fonts import CjkFont
from reports.inputs import CaseReceiptData, ReceiptData
from reports.layout import COLUMNS, Columns, Cut, Element, Feed, Line, QRCode, ReceiptLayout, Rule
from reports.qr import QRFlowable
from reports.receipt import STAMP, VERIFY, has_unverified
from reports.wording import (
    TO_CONFIRM,
    deadline_text,
    fee_text,
    marked,
    marked_str,
    material_status,
    promise_text,
    tracking_text,
)

TITLE = Text("一件事受理回执", "One-thing Acceptance Receipt")


def case_receipt_layout(data: CaseReceiptData, paper_mm: int = 80) -> ReceiptLayout:
    """The case's receipt for a 58 or 80 mm thermal printer: each item with its receipt number."""
    if paper_mm not in COLUMNS:
        raise ValueError(f"paper width {paper_mm} mm: 58 or 80")
    elements: list[Element] = [
        Line(data.station.name, "center", bold=True),
        Line(TITLE.zh, "center", bold=True, size=2),
        Rule(),
        Line(f"一件事：{data.bundle.zh}（{data.bundle_code}）", bold=True),
        *(Columns(key.zh, value) for key, value in _summary(data)),
        Rule(),
        Line(f"本次一并受理 {len(data.items)} 个事项：", bold=True),
    ]
    for number, item in enumerate(data.items, 1):
        elements += _item_rows(number, item)
    if any(item.rongque for item in data.items):
        elements += [Rule(), Line("容缺受理，待补交：", bold=True)]
        elements += [Line(f"- {marked_str(m.what.zh, m.verified)}（{item.service.zh}，"
                          f"{deadline_text(item.rongque_deadline).zh}）")
                     for item in data.items for m in item.rongque]
    elements += [
        Rule(),
        Line(tracking_text(data.lead.receipt_number, data.lead.consult_phone, data.lead.consult_verified).zh),
        *([Line(TO_CONFIRM.zh)] if _unverified(data) else []),
        Feed(1),
        QRCode(data.lead.qr_payload, module_size=5 if paper_mm == 58 else 6),
        Line(VERIFY.zh, "center"),
        Feed(3),
        Cut(),
    ]
    return ReceiptLayout(tuple(elements), title=f"{TITLE.zh} {data.lead.receipt_number}")


def _item_rows(number: int, item: ReceiptData) -> list[Element]:
    promise = item.promise
    due = promise.due.isoformat() if promise.due else promise_text(promise).zh
    rows: list[Element] = [Line(f"{number}. {item.service.zh}（{item.service_code}）", bold=True),
                           Columns("   受理编号", item.receipt_number),
                           Columns("   承诺办结", marked_str(due, promise.verified)),
                           Line(f"   收费：{fee_text(item.fee).zh}")]
    if item.materials:
        rows.append(Line("   已收材料：" + "、".join(marked_str(m.name.zh, m.verified) for m in item.materials)))
    return rows


def _summary(data: CaseReceiptData) -> list[tuple[Text, str]]:
    return [
        (Text("申请人", "Applicant"), data.applicant.name),
        (Text("证件号码", "ID No."), mask_id(data.applicant.id_number)),
        (Text("受理时间", "Accepted at"), pdf.stamp(data.accepted_at)),
        (Text("受理人", "Operator"), data.operator),
        (Text("一件事编号", "Case No."), data.case_id),
    ]


def _unverified(data: CaseReceiptData) -> bool:
    return any(has_unverified(item) for item in data.items)


def case_receipt_pdf(data: CaseReceiptData, font: CjkFont | None = None) -> bytes:
    """The case's receipt on A4: the case, then every item with its receipt number and limit."""
    styles = pdf.document_styles(font)
    lead = data.lead
    rows: list[tuple[Text, object]] = [
        (Text("受理点", "Service point"), f"{data.station.name}（{data.station.code}）"),
        (Text("一件事", "One thing"), Text(f"{data.bundle.zh}（{data.bundle_code}）", data.bundle.en)),
        *_summary(data),
    ]
    story: list[Flowable] = [
        _case_head(data, styles),
        pdf.spacer(3),
        pdf.field_table(rows, styles),
        *pdf.heading(Text(f"一并受理的事项（共 {len(data.items)} 项）",
                          f"Items accepted together ({len(data.items)})"), styles),
        _items(data, styles),
        *pdf.heading(Text("已收材料", "Materials received"), styles),
        _materials(data, styles),
    ]
    owed = [(item, m) for item in data.items for m in item.rongque]
    if owed:
        story += [*pdf.heading(Text("容缺受理，待补交", "Accepted with materials to follow"), styles),
                  pdf.grid_table([Text("事项", "Service"), Text("待补材料", "To bring"), Text("期限", "By")],
                                 [[item.service, marked(m.what, m.verified), deadline_text(item.rongque_deadline)]
                                  for item, m in owed], styles,
                                 [50 * mm, 70 * mm, pdf.WIDTH - 120 * mm])]
    story += [
        *pdf.heading(Text("查询办理进度", "How to track"), styles),
        pdf.markup(pdf.label(tracking_text(lead.receipt_number, lead.consult_phone, lead.consult_verified)),
                   styles.body),
        pdf.markup(pdf.label(Text("每个事项也可凭其受理编号单独查询。",
                                  "Each item can also be tracked by its own receipt number.")), styles.body),
        *([pdf.spacer(2), pdf.markup(pdf.label(TO_CONFIRM), styles.small)] if _unverified(data) else []),
        pdf.spacer(10),
        pdf.signature_lines([STAMP, Text("日期", "Date")], styles),
    ]
    return pdf.build_pdf(story, styles, title=f"{TITLE.zh} {lead.receipt_number}",
                         footer=f"{TITLE.zh} · {data.bundle_code} · {lead.receipt_number} · 就近 Jiujin")


def _case_head(data: CaseReceiptData, styles: pdf.Styles) -> Table:
    """The title beside the QR code of the lead item's receipt (it links to the case's page)."""
    title = [*pdf.title_block(TITLE, data.station.name, styles)]
    code = [QRFlowable(data.lead.qr_payload, 36 * mm), pdf.markup(pdf.label(VERIFY), styles.small)]
    table = Table([[title, code]], colWidths=[pdf.WIDTH - 42 * mm, 42 * mm])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), styles.font.name),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("ALIGN", (1, 0), (1, 0), "CENTER")]))
    return table


def _items(data: CaseReceiptData, styles: pdf.Styles) -> Flowable:
    header = [Text("序号", "No."), Text("事项", "Service"), Text("受理编号", "Receipt No."),
              Text("承诺办结", "Promised by"), Text("收费", "Fee")]
    rows = [[str(i), Text(f"{item.service.zh}（{item.service_code}）", item.service.en), item.receipt_number,
             promise_text(item.promise), fee_text(item.fee)] for i, item in enumerate(data.items, 1)]
    return pdf.grid_table(header, rows, styles,
                          [12 * mm, 52 * mm, 44 * mm, 38 * mm, pdf.WIDTH - 146 * mm])


def _materials(data: CaseReceiptData, styles: pdf.Styles) -> Flowable:
    rows = [[item.service, marked(m.name, m.verified), material_status(m)]
            for item in data.items for m in item.materials]
    if not rows:
        return pdf.markup(pdf.label(Text("无需提交纸质材料", "No paper documents needed")), styles.body)
    header = [Text("事项", "Service"), Text("材料", "Material"), Text("方式", "How")]
    return pdf.grid_table(header, rows, styles, [50 * mm, pdf.WIDTH - 100 * mm, 50 * mm])
