"""申请表 — the application form, prefilled from what the counter gathered, for signature.

ID numbers on the form are masked like everywhere on paper; the full numbers stay in the
station's encrypted record.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from reportlab.lib.units import mm
from reportlab.platypus import Flowable

from forms import Field, Item, Text
from forms.display import value_text
from kernel.masking import mask_id
from reports import pdf
from reports.fonts import CjkFont
from reports.inputs import FormData, FormField
from reports.wording import TO_CONFIRM, marked, material_status

TITLE = Text("申请表", "Application Form")
PLEDGE = Text(
    "本人承诺：以上填写的信息及提交的材料真实、准确、完整，如有虚假，愿承担相应法律责任。"
    "本人同意有关部门为办理本事项查询、核验本人相关信息。",
    "I declare that the information and materials above are true, accurate and complete, "
    "and accept legal responsibility otherwise. I consent to the checks needed for this service.",
)


def form_fields(item: Item, values: Mapping[str, Any]) -> tuple[FormField, ...]:
    """The item's fields with the values as printed; attachments are listed as materials."""
    printed = []
    for field in item.fields:
        if field.type == "attachment":
            continue
        value = values.get(field.id)
        if value in (None, "", []) and field.show_if is not None:
            continue  # a conditional field that did not apply
        if field.type == "group":
            printed.append(_group(field, value if isinstance(value, list) else []))
        else:
            printed.append(FormField(field.label, printed_value(field, value)))
    return tuple(printed)


def printed_value(field: Field, value: Any) -> str:
    """One value as it reads on paper: choice labels, 是/否, masked identity numbers."""
    return value_text(field, value, paper=True).zh


def _group(field: Field, entries: list[Any]) -> FormField:
    columns = tuple(sub.label for sub in field.fields)
    rows = tuple(
        tuple(printed_value(sub, entry.get(sub.id) if isinstance(entry, dict) else None)
              for sub in field.fields)
        for entry in entries)
    return FormField(field.label, f"{len(rows)} 项" if rows else "（无）", rows, columns)


def form_pdf(data: FormData, font: CjkFont | None = None) -> bytes:
    """The prefilled form on A4, with the pledge and signature lines."""
    styles = pdf.document_styles(font)
    head: list[tuple[Text, object]] = [
        (Text("办理事项", "Service"), Text(f"{data.service.zh}（{data.service_code}）", data.service.en)),
        (Text("申请人", "Applicant"), data.applicant.name),
        (Text("证件号码", "ID No."), mask_id(data.applicant.id_number)),
    ]
    if data.applicant.representative_id:
        head.append((Text("法定代表人证件", "Representative ID"), mask_id(data.applicant.representative_id)))
    if data.reference:
        head.insert(0, (Text("编号", "Reference"), data.reference))
    story: list[Flowable] = [
        *pdf.title_block(TITLE, data.station.name, styles),
        pdf.field_table(head, styles),
        *pdf.heading(Text("申请信息", "Application details"), styles),
    ]
    simple = [(f.label, f.value) for f in data.fields if not f.columns]
    if simple:
        story.append(pdf.field_table(simple, styles))
    for group in (f for f in data.fields if f.columns):
        story += [*pdf.heading(group.label, styles), _group_table(group, styles)]
    if data.materials:
        rows = [[str(i), marked(m.name, m.verified), material_status(m)]
                for i, m in enumerate(data.materials, 1)]
        story += [*pdf.heading(Text("材料清单", "Materials"), styles),
                  pdf.grid_table([Text("序号", "No."), Text("材料", "Material"), Text("方式", "How")],
                                 rows, styles, [16 * mm, pdf.WIDTH - 66 * mm, 50 * mm])]
        if not all(m.verified for m in data.materials):
            story += [pdf.spacer(2), pdf.markup(pdf.label(TO_CONFIRM), styles.small)]
    story += [
        *pdf.heading(Text("申请人承诺", "Declaration"), styles),
        pdf.markup(pdf.label(PLEDGE), styles.body),
        pdf.spacer(8),
        pdf.signature_lines([Text("申请人签名", "Applicant's signature"), Text("日期", "Date")], styles),
        pdf.spacer(4),
        pdf.signature_lines([Text("受理人", "Accepted by"), Text("日期", "Date")], styles),
        pdf.para(f"打印时间：{pdf.stamp(data.printed_at)}　目录版本：{data.catalog_version}", styles.small),
    ]
    reference = data.reference or data.service_code
    return pdf.build_pdf(story, styles, title=f"{TITLE.zh} {reference}",
                         footer=f"{TITLE.zh} · {reference} · 就近 Jiujin")


def _group_table(group: FormField, styles: pdf.Styles) -> Flowable:
    if not group.rows:
        return pdf.para("（无）", styles.cell)
    width = (pdf.WIDTH - 12 * mm) / len(group.columns)
    rows = [[str(i), *row] for i, row in enumerate(group.rows, 1)]
    return pdf.grid_table([Text("#", "#"), *group.columns], rows, styles,
                          [12 * mm] + [width] * len(group.columns))
