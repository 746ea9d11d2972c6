"""补正通知书 — the amendment notice, when the deciding body asks for corrections (补正)."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from forms import Text
from kernel.masking import mask_id, mask_ids_in_text
from reports import pdf
from reports.fonts import CjkFont
from reports.inputs import AmendmentData
from reports.wording import TO_CONFIRM, marked_str

TITLE = Text("补正通知书", "Amendment Notice")
GUIDE = Text(
    "审批机关审查您的申请后，需要您补正以下内容。请携带本通知书和受理回执回到任一受理点办理，"
    "补正后审批继续进行。",
    "After review, the deciding body needs the corrections below. Bring this notice and your "
    "receipt to any service point; the review continues once they are made.",
)


def amendment_pdf(data: AmendmentData, font: CjkFont | None = None) -> bytes:
    """The amendment notice on A4."""
    styles = pdf.document_styles(font)
    phone = marked_str(data.consult_phone, data.consult_verified)
    rows: list[tuple[Text, object]] = [
        (Text("受理编号", "Receipt No."), data.receipt_number),
        (Text("申请人", "Applicant"), data.applicant.name),
        (Text("证件号码", "ID No."), mask_id(data.applicant.id_number)),
        (Text("办理事项", "Service"), data.service),
        (Text("通知时间", "Issued at"), pdf.stamp(data.issued_at)),
    ]
    if data.deadline is not None:
        rows.append((Text("补正期限", "Deadline"), Text(f"请于 {data.deadline.isoformat()} 前补正",
                                                      f"by {data.deadline.isoformat()}")))
    story: list[Flowable] = [
        *pdf.title_block(TITLE, data.station.name, styles),
        pdf.field_table(rows, styles),
        pdf.spacer(3),
        pdf.markup(pdf.label(GUIDE), styles.body),
        *pdf.heading(Text("审批机关意见", "What the deciding body says"), styles),
        pdf.para(mask_ids_in_text(data.request) or "（无）", styles.body),
    ]
    if data.items:
        rows_items = [[str(i), item.what, item.why, item.where] for i, item in enumerate(data.items, 1)]
        header = [Text("序号", "No."), Text("补正内容", "What"), Text("原因", "Why"),
                  Text("何处获取", "Where")]
        width = pdf.WIDTH - 16 * mm
        story += [*pdf.heading(Text("需补正事项", "To amend"), styles),
                  pdf.grid_table(header, rows_items, styles,
                                 [16 * mm, width * 0.34, width * 0.33, width * 0.33])]
    story += [
        pdf.spacer(4),
        pdf.markup(pdf.label(Text(f"如有疑问请咨询 {phone}。", f"Questions: phone {phone}.")),
                   styles.body),
        *([pdf.spacer(2), pdf.markup(pdf.label(TO_CONFIRM), styles.small)]
          if not data.consult_verified else []),
        pdf.spacer(10),
        pdf.signature_lines([Text("通知人", "Issued by"), Text("申请人签收", "Received by")], styles),
    ]
    if data.operator:
        story.append(pdf.para(f"通知人：{data.operator}　受理点：{data.station.name}", styles.small))
    return pdf.build_pdf(story, styles, title=f"{TITLE.zh} {data.receipt_number}",
                         footer=f"{TITLE.zh} · {data.receipt_number} · 就近 Jiujin")
