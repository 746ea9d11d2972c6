"""一次性告知书 — the one-time notice: everything missing, once, with why and where.

With 容缺 (accepted while minor materials follow) it also states the deadline.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from forms import NoticeEntry, Text
from kernel.masking import mask_id
from reports import pdf
from reports.errors import DocumentInputError
from reports.fonts import CjkFont
from reports.inputs import MissingItem, NoticeData
from reports.wording import TO_CONFIRM, deadline_text, marked, marked_str, needs_legend

TITLE = Text("一次性告知书", "One-time Notice of Missing Materials")
RONGQUE_TITLE = Text("容缺受理告知书", "Notice of Acceptance with Materials to Follow")
PROMISE = Text(
    "依据《浙江省保障“最多跑一次”改革规定》第十一条，本受理点一次性告知您办理本事项尚需的"
    "全部材料和条件。您按本告知书备齐后，无需再因同一事项的其他材料往返。",
    "Under article 11 of Zhejiang's 'at most one trip' regulation, this point tells you at once "
    "everything still needed. With all of it, you need not come back for anything else.",
)
RONGQUE_PROMISE = Text(
    "您的申请已容缺受理：主要材料齐全，下列材料请在期限内补交，逾期未补交的将按规定处理。",
    "Your application was accepted: the main materials are complete. Bring the items below "
    "by the deadline; otherwise the application is handled as the rules say.",
)


def items_from_entries(entries: tuple[NoticeEntry, ...] | list[NoticeEntry]) -> tuple[MissingItem, ...]:
    """The engine's notice entries as notice items, each id once, in order."""
    seen: set[str] = set()
    items = []
    for entry in entries:
        if entry.id not in seen:
            seen.add(entry.id)
            items.append(MissingItem(entry.id, entry.what, entry.why, entry.where, entry.basis,
                                     entry.verified))
    return tuple(items)


def notice_pdf(data: NoticeData, font: CjkFont | None = None) -> bytes:
    """The notice on A4."""
    items = _unique(data.items)
    if not items:
        raise DocumentInputError("没有需要告知的缺件", "nothing is missing: no notice to issue")
    styles = pdf.document_styles(font)
    rongque = data.rongque_deadline is not None
    title = RONGQUE_TITLE if rongque else TITLE
    rows: list[tuple[Text, object]] = [
        (Text("申请人", "Applicant"), data.applicant.name),
        (Text("证件号码", "ID No."), mask_id(data.applicant.id_number)),
        (Text("办理事项", "Service"), Text(f"{data.service.zh}（{data.service_code}）", data.service.en)),
        (Text("告知时间", "Issued at"), pdf.stamp(data.issued_at)),
    ]
    if data.reference:
        rows.insert(0, (Text("编号", "Reference"), data.reference))
    if rongque:
        rows.append((Text("补交期限", "Deadline"), deadline_text(data.rongque_deadline)))
    phone = marked_str(data.consult_phone, data.consult_verified)
    story: list[Flowable] = [
        *pdf.title_block(title, data.station.name, styles),
        pdf.field_table(rows, styles),
        pdf.spacer(3),
        pdf.markup(pdf.label(RONGQUE_PROMISE if rongque else PROMISE), styles.body),
        *pdf.heading(Text(f"尚需材料和条件（共 {len(items)} 项）", f"Still needed ({len(items)})"), styles),
        _items_table(items, styles),
        pdf.spacer(4),
        pdf.markup(pdf.label(Text(f"如有疑问请咨询 {phone}。", f"Questions: phone {phone}.")),
                   styles.body),
        *([pdf.spacer(2), pdf.markup(pdf.label(TO_CONFIRM), styles.small)]
          if needs_legend(data.consult_verified, *(i.verified for i in items)) else []),
        pdf.spacer(10),
        pdf.signature_lines([Text("告知人", "Issued by"), Text("申请人签收", "Received by")], styles),
        pdf.para(f"告知人：{data.operator}　受理点：{data.station.name}（{data.station.code}）",
                 styles.small),
    ]
    reference = data.reference or data.service_code
    return pdf.build_pdf(story, styles, title=f"{title.zh} {reference}",
                         footer=f"{title.zh} · {reference} · 就近 Jiujin")


def _unique(items: tuple[MissingItem, ...]) -> tuple[MissingItem, ...]:
    seen: set[str] = set()
    kept = []
    for item in items:
        if item.id not in seen:
            seen.add(item.id)
            kept.append(item)
    return tuple(kept)


def _items_table(items: tuple[MissingItem, ...], styles: pdf.Styles) -> Flowable:
    rows = []
    for i, item in enumerate(items, 1):
        why = item.why if not item.basis else Text(f"{item.why.zh}（依据：{item.basis}）", item.why.en)
        rows.append([str(i), marked(item.what, item.verified), why, item.where])
    header = [Text("序号", "No."), Text("材料或条件", "What"), Text("为何需要", "Why"),
              Text("何处获取", "Where to get it")]
    width = pdf.WIDTH - 16 * mm
    return pdf.grid_table(header, rows, styles, [16 * mm, width * 0.34, width * 0.33, width * 0.33])
