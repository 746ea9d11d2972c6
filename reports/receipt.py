"""受理回执 — the acceptance receipt, as a thermal-printer layout (58/80 mm) and as A4 PDF."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Table, TableStyle

from forms import Text
from kernel.masking import mask_id
from reports import pdf
from reports.fonts import CjkFont
from reports.inputs import ReceiptData
from reports.layout import COLUMNS, Columns, Cut, Element, Feed, Line, QRCode, ReceiptLayout, Rule
from reports.qr import QRFlowable
from reports.wording import (
    TO_CONFIRM,
    deadline_text,
    fee_text,
    marked,
    marked_str,
    material_status,
    needs_legend,
    promise_text,
    tracking_text,
)

TITLE = Text("受理回执", "Acceptance Receipt")
SUPPLEMENT_TITLE = Text("补交回执", "Receipt for Documents Handed In")
VERIFY = Text("扫码核验回执真伪", "Scan to verify this receipt")
STAMP = Text("受理单位（盖章）", "Issuing point (stamp)")


def receipt_layout(data: ReceiptData, paper_mm: int = 80) -> ReceiptLayout:
    """The receipt for a 58 or 80 mm thermal printer."""
    if paper_mm not in COLUMNS:
        raise ValueError(f"paper width {paper_mm} mm: 58 or 80")
    elements: list[Element] = [
        Line(data.station.name, "center", bold=True),
        Line(_title(data).zh, "center", bold=True, size=2),
        Rule(),
        *(Columns(key.zh, value) for key, value in _summary(data)),
        Line(f"办理事项：{data.service.zh}"),
        *_supplement_rows(data),
        *_promise_rows(data),
        Line(f"收费：{fee_text(data.fee).zh}"),
        Rule(),
        Line("已收材料：", bold=True),
        *(Columns(f"{i}. {marked_str(m.name.zh, m.verified)}", material_status(m).zh)
          for i, m in enumerate(data.materials, 1)),
    ]
    if not data.materials:
        elements.append(Line("无需提交纸质材料"))
    if data.rongque:
        owed = "仍待补交" if data.supplement else "容缺受理"
        elements += [Rule(), Line(f"{owed}：{deadline_text(data.rongque_deadline).zh}", bold=True)]
        elements += [Line(f"{i}. {marked_str(item.what.zh, item.verified)}")
                     for i, item in enumerate(data.rongque, 1)]
    elements += [
        Rule(),
        Line(tracking_text(data.receipt_number, data.consult_phone, data.consult_verified).zh),
        *([Line(TO_CONFIRM.zh)] if has_unverified(data) else []),
        Feed(1),
        QRCode(data.qr_payload, module_size=5 if paper_mm == 58 else 6),
        Line(VERIFY.zh, "center"),
        Feed(3),
        Cut(),
    ]
    return ReceiptLayout(tuple(elements), title=f"{_title(data).zh} {data.receipt_number}")


def _title(data: ReceiptData) -> Text:
    return SUPPLEMENT_TITLE if data.supplement else TITLE


def _supplement_rows(data: ReceiptData) -> list[Element]:
    """补交: when, to whom, and each material handed in this time."""
    if data.supplement is None:
        return []
    given = data.supplement
    return [Rule(), Columns("补交时间", pdf.stamp(given.at)), Columns("经办人", given.operator),
            Line("本次补交：", bold=True),
            *(Line(f"{i}. {name.zh}") for i, name in enumerate(given.materials, 1))]


def _promise_rows(data: ReceiptData) -> list[Element]:
    promise = data.promise
    if promise.due is None:
        return [Line(f"承诺办结：{promise_text(promise).zh}")]
    rows: list[Element] = [Columns("承诺办结", marked_str(promise.due.isoformat(), promise.verified))]
    if promise.limit is not None:
        rows.append(Columns("办结时限", marked_str(promise.limit.zh, promise.verified)))
    if not promise.confirmed:
        rows.append(Line("（节假日安排待公布，日期待确认）", "right"))
    return rows


def has_unverified(data: ReceiptData) -> bool:
    """True when the receipt shows a fact the catalog has no full source for."""
    fee = [data.fee.verified, *(line.verified for line in data.fee.lines)]
    return needs_legend(data.promise.verified, data.consult_verified, *fee,
                        *(m.verified for m in data.materials), *(i.verified for i in data.rongque))


def _summary(data: ReceiptData) -> list[tuple[Text, str]]:
    return [
        (Text("受理编号", "Receipt No."), data.receipt_number),
        (Text("申请人", "Applicant"), data.applicant.name),
        (Text("证件号码", "ID No."), mask_id(data.applicant.id_number)),
        (Text("受理时间", "Accepted at"), pdf.stamp(data.accepted_at)),
        (Text("受理人", "Operator"), data.operator),
    ]


def receipt_pdf(data: ReceiptData, font: CjkFont | None = None) -> bytes:
    """The receipt on one A4 page."""
    styles = pdf.document_styles(font)
    rows: list[tuple[Text, object]] = [
        (Text("受理点", "Service point"), f"{data.station.name}（{data.station.code}）"),
        *_summary(data)[:3],
        (Text("办理事项", "Service"), Text(f"{data.service.zh}（{data.service_code}）",
                                            data.service.en)),
        (Text("受理时间", "Accepted at"), pdf.stamp(data.accepted_at)),
        (Text("承诺办结", "Promised by"), promise_text(data.promise)),
        (Text("收费", "Fee"), fee_text(data.fee)),
        (Text("受理人", "Operator"), data.operator),
    ]
    story: list[Flowable] = [
        _head(data, styles),
        pdf.spacer(3),
        pdf.field_table(rows, styles),
    ]
    if data.supplement is not None:
        given = data.supplement
        story += [*pdf.heading(Text("本次补交", "Handed in this time"), styles),
                  pdf.field_table([(Text("补交时间", "Handed in at"), pdf.stamp(given.at)),
                                   (Text("经办人", "Received by"), given.operator),
                                   *((Text(f"材料 {i}", f"Document {i}"), name)
                                     for i, name in enumerate(given.materials, 1))], styles)]
    story += [
        *pdf.heading(Text("已收材料", "Materials received"), styles),
        _materials(data, styles),
    ]
    if data.rongque:
        owed = (Text("仍待补交", "Still to bring") if data.supplement
                else Text("容缺受理", "Accepted with materials to follow"))
        story += [*pdf.heading(owed, styles),
                  pdf.words(deadline_text(data.rongque_deadline), styles.body),
                  pdf.spacer(2), _rongque(data, styles)]
    story += [
        *pdf.heading(Text("查询办理进度", "How to track"), styles),
        pdf.words(tracking_text(data.receipt_number, data.consult_phone, data.consult_verified),
                  styles.body),
        *([pdf.spacer(2), pdf.words(TO_CONFIRM, styles.small)]
          if has_unverified(data) else []),
        pdf.spacer(10),
        pdf.signature_lines([STAMP, Text("日期", "Date")], styles),
    ]
    return pdf.build_pdf(story, styles, title=f"{_title(data).zh} {data.receipt_number}",
                         footer=f"{_title(data).zh} · {data.receipt_number} · 就近 Jiujin")


def _head(data: ReceiptData, styles: pdf.Styles) -> Table:
    title = [*pdf.title_block(_title(data), data.station.name, styles)]
    code = [QRFlowable(data.qr_payload, 36 * mm), pdf.words(VERIFY, styles.small)]
    table = Table([[title, code]], colWidths=[pdf.WIDTH - 42 * mm, 42 * mm])
    table.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), styles.font.name),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("ALIGN", (1, 0), (1, 0), "CENTER")]))
    return table


def _materials(data: ReceiptData, styles: pdf.Styles) -> Flowable:
    if not data.materials:
        return pdf.words(Text("无需提交纸质材料", "No paper documents needed"), styles.body)
    rows = [[str(i), marked(m.name, m.verified), material_status(m)]
            for i, m in enumerate(data.materials, 1)]
    header = [Text("序号", "No."), Text("材料", "Material"), Text("方式", "How")]
    return pdf.grid_table(header, rows, styles, [16 * mm, pdf.WIDTH - 66 * mm, 50 * mm])


def _rongque(data: ReceiptData, styles: pdf.Styles) -> Flowable:
    rows = [[str(i), marked(item.what, item.verified), item.where]
            for i, item in enumerate(data.rongque, 1)]
    header = [Text("序号", "No."), Text("待补材料", "To bring"), Text("何处获取", "Where")]
    return pdf.grid_table(header, rows, styles, [16 * mm, 80 * mm, pdf.WIDTH - 96 * mm])
