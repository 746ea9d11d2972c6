"""办事指南 — the service guide of one catalog item, one key away from the counter."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Markdown, Static

from forms import Item
from station.ui.dialogs.base import StationDialog
from station.ui.i18n import N_, _, language
from station.ui.labels import MARK, TO_CONFIRM, mark

NECESSITY = {"required": N_("必需"), "optional": N_("可选"), "rongque": N_("可容缺后补")}


def guide_markdown(item: Item) -> str:
    """The guide as Markdown: conditions, materials, limits, fees, basis, contact, FAQ.

    Every fact without a full source carries ※, explained at the top.
    """
    lang = language()
    lines = [f"## {item.name.get(lang)}（{item.code}）{mark(item.source)}", "",
             _("**实施机关**：{body}").format(body=item.bodies.implementing.get(lang))
             + mark(item.bodies.source), ""]
    if item.conditions:
        lines += [_("### 受理条件")]
        lines += [f"- {c.text.get(lang)}{mark(c.source)}" for c in item.conditions] + [""]
    lines += [_("### 申请材料")]
    for material in item.materials:
        where = f" — {material.where.get(lang)}" if material.where else ""
        necessity = _(NECESSITY[material.necessity])
        lines.append(f"- {material.name.get(lang)}{mark(material.source)}（{necessity}）{where}")
    lines += ["", _("### 时限与收费"),
              _("- 承诺时限：{limit}").format(limit=item.promised_limit.text().get(lang))
              + mark(item.promised_limit.source)]
    if item.legal_limit is not None:
        lines.append(_("- 法定时限：{limit}").format(limit=item.legal_limit.text().get(lang))
                     + mark(item.legal_limit.source))
    if item.rongque is not None:
        lines.append(_("- 容缺补交期限：{limit}").format(limit=item.rongque.text().get(lang))
                     + mark(item.rongque.source))
    lines.append((_("- 收费：收费") if item.fee.charged else _("- 收费：不收费")) + mark(item.fee.source))
    lines += [f"  - {f.name.get(lang)} {f.standard}{mark(f.source)}" for f in item.fee.items]
    lines += ["", _("### 办理依据")] + [f"- {b.law} {b.article}{mark(b.source)}" for b in item.basis]
    lines += ["", _("### 咨询与投诉"), _("- 咨询 {consult} · 投诉 {complaint}").format(
        consult=item.contact.consult, complaint=item.contact.complaint) + mark(item.contact.source)]
    if item.faq:
        lines += ["", _("### 常见问题")]
        for faq in item.faq:
            lines += [f"**{faq.question.get(lang)}{mark(faq.source)}**", "", faq.answer.get(lang), ""]
    if any(MARK in line for line in lines):
        lines[2:2] = [_(TO_CONFIRM), ""]
    return "\n".join(lines)


class GuideDialog(StationDialog[None]):
    """办事指南."""

    BINDINGS = [Binding("escape,f2,q", "dismiss", N_("关闭"), id="close")]

    def __init__(self, item: Item) -> None:
        super().__init__()
        self.item = item

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="guide"):
            with VerticalScroll():
                yield Markdown(guide_markdown(self.item))
            yield Static(_("Esc 关闭 · ↑↓ 滚动"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(VerticalScroll).focus()
