"""The citizens' pages as HTML: one small stylesheet inline, no script, readable on a 360-px phone.

Chinese first; `?lang=en` gives English. Every value shown is escaped here; the pages name
no one beyond the masked name.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from html import escape
from urllib.parse import quote

from kernel.ratings import LEVELS, MAX_TEXT, ONLINE_REASONS, REASONS
from sync.hub.citizen_cases import Case, Step
from sync.hub.ratings import Given

STYLE = """
*{box-sizing:border-box}body{margin:0;font:16px/1.5 system-ui,"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;
color:#1a1a1a;background:#f4f5f7}header{background:#b5121b;color:#fff;padding:12px 16px}
header h1{font-size:18px;margin:0}header a{color:#fff;float:right;font-size:14px}
main{max-width:640px;margin:0 auto;padding:12px}section{background:#fff;border-radius:8px;padding:12px 14px;
margin:0 0 12px}h2{font-size:17px;margin:0 0 8px}dl{margin:0}dt{color:#666;font-size:14px}dd{margin:0 0 8px}
ol{list-style:none;margin:0;padding:0}li{border-left:3px solid #b5121b;padding:0 0 10px 12px;margin-left:4px}
li.now{border-color:#1a7f37}.when{color:#666;font-size:14px}.note{background:#fff8e1;padding:8px;
border-radius:6px;margin-top:4px}.err{background:#fde7e9;color:#8a1020;padding:8px;border-radius:6px}
label{display:block;padding:6px 0}input[type=text],textarea{width:100%;font:inherit;padding:8px;
border:1px solid #bbb;border-radius:6px}button{width:100%;font:inherit;padding:10px;border:0;border-radius:6px;
background:#b5121b;color:#fff;margin-top:8px}fieldset{border:0;padding:0;margin:0 0 8px}legend{font-weight:600}
footer{color:#666;font-size:13px;text-align:center;padding:8px 0 24px}
"""
STEP_NAMES: dict[str, tuple[str, str]] = {
    "submitted": ("受理", "Accepted at the service point"),
    "forwarded": ("转办", "Forwarded to the department"),
    "accepted": ("部门受理", "Taken up by the department"),
    "needs_amendment": ("补正", "More documents needed"),
    "amended": ("已补正", "Documents supplied"),
    "supplemented": ("容缺材料已补交", "Deferred documents handed in"),
    "completed": ("办结", "Completed"),
    "rejected": ("不予受理", "Not accepted"),
    "returned": ("部门退回", "Returned by the department"),
    "voided": ("已作废", "Cancelled"),
}


def t(lang: str, zh: str, en: str) -> str:
    """The text in the page's language, escaped."""
    return escape(en if lang == "en" else zh)


def page(lang: str, title: tuple[str, str], body: str, switch_to: str) -> str:
    """A whole page; `switch_to` is this page's address in the other language."""
    other = t(lang, "English", "中文")
    return (f'<!doctype html><html lang="{"en" if lang == "en" else "zh-CN"}"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width,initial-scale=1">'
            f'<meta name="robots" content="noindex"><title>{t(lang, *title)}</title><style>{STYLE}</style></head>'
            f'<body><header><a href="{escape(switch_to)}">{other}</a><h1>{t(lang, *title)}</h1></header>'
            f'<main>{body}</main><footer>{t(lang, "就近办 · 杭州", "Jiujin · Hangzhou")}</footer></body></html>')


def case_page(lang: str, case: Case, given: Given | None, item_en: str, action: str, notice: str = "",
              names_en: Mapping[str, str] | None = None) -> str:
    """The case: what, where, the steps, the promised day, the other items of its 一件事 (with
    `names_en`, item code -> English name), and the rating (form or result)."""
    body = f'<div class="err" role="alert">{escape(notice)}</div>' if notice else ""
    body += _summary(lang, case, item_en) + _together(lang, case, names_en or {}) + _steps(lang, case.steps)
    body += _rating_result(lang, given) if given is not None else _rating_form(lang, action)
    return page(lang, ("办件进度", "Case progress"), body, _other(lang, action.removesuffix("/rating")))


def _summary(lang: str, case: Case, item_en: str) -> str:
    status = STEP_NAMES.get(case.status, (case.status, case.status))
    rows = [(("办理事项", "Service"), item_en if lang == "en" and item_en else case.item_name),
            (("受理编号", "Receipt No."), case.receipt_number),
            (("申请人", "Applicant"), case.masked_name),
            (("受理点", "Service point"), case.station_name),
            (("当前状态", "Status"), status[1] if lang == "en" else status[0]),
            (("承诺办结日期", "Promised by"), _promise(lang, case.due_date))]
    items = "".join(f"<dt>{t(lang, *label)}</dt><dd>{escape(value)}</dd>" for label, value in rows)
    return f"<section><h2>{t(lang, '办件信息', 'Your case')}</h2><dl>{items}</dl></section>"


def _together(lang: str, case: Case, names_en: Mapping[str, str]) -> str:
    """一件事: the bundle, and each of its other items with its receipt number and status."""
    if case.bundle is None:
        return ""
    code, name, name_en = case.bundle
    rows = []
    for item in case.together:
        status = STEP_NAMES.get(item.status, (item.status, item.status))
        shown = names_en.get(item.item_code) or item.item_name if lang == "en" else item.item_name
        rows.append(f"<li>{escape(shown)} · {escape(item.receipt_number)} · "
                    f"{escape(status[1] if lang == 'en' else status[0])}</li>")
    title = t(lang, f"一件事：{name}（{code}）", f"{name_en} ({code})")
    lead = t(lang, "与本事项一并受理的其他事项：", "Accepted together with this one:")
    return f"<section><h2>{title}</h2><p>{lead}</p><ol>{''.join(rows)}</ol></section>"


def _promise(lang: str, due: str | None) -> str:
    if not due:
        return "即办件" if lang != "en" else "Handled on the spot"
    return f"{due}（按法定工作日计算）" if lang != "en" else f"{due} (counted in working days)"


def _steps(lang: str, steps: Iterable[Step]) -> str:
    shown = list(steps)
    items = []
    for n, step in enumerate(shown):
        name = STEP_NAMES.get(step.kind, (step.kind, step.kind))
        extra = _step_note(lang, step)
        css = ' class="now"' if n == len(shown) - 1 else ""
        items.append(f'<li{css}><strong>{t(lang, *name)}</strong> <span class="when">{escape(step.at[:10])}</span>'
                     f"{extra}</li>")
    return f"<section><h2>{t(lang, '办理进度', 'Steps')}</h2><ol>{''.join(items)}</ol></section>"


def _step_note(lang: str, step: Step) -> str:
    lines = []
    if step.kind == "needs_amendment":
        lines.append(t(lang, "请补充：", "Please bring: ") + escape(step.message or "—"))
        if step.deadline:
            lines.append(t(lang, f"请于 {step.deadline} 前补正", f"by {step.deadline}"))
    elif step.kind == "completed" and step.message:
        lines.append(t(lang, "领取方式：", "How to collect: ") + escape(step.message))
    elif step.message:
        lines.append(escape(step.message))
    return "".join(f'<div class="note">{line}</div>' for line in lines)


def _rating_form(lang: str, action: str) -> str:
    levels = "".join(f'<label><input type="radio" name="level" value="{level}" required> {t(lang, *names)}</label>'
                     for level, names in LEVELS.items())
    reasons = "".join(f'<label><input type="checkbox" name="reason" value="{code}"> {t(lang, *names)}</label>'
                      for code, names in ONLINE_REASONS.items())
    return (f'<section id="rate"><h2>{t(lang, "好差评：请评价本次服务", "Rate this service")}</h2>'
            f'<form method="post" action="{escape(action)}"><input type="hidden" name="lang" value="{escape(lang)}">'
            f'<fieldset><legend>{t(lang, "评价等级", "Your rating")}</legend>{levels}</fieldset>'
            f'<fieldset><legend>{t(lang, "原因（可多选，选填）", "Reasons (optional)")}</legend>{reasons}</fieldset>'
            f'<label>{t(lang, "意见建议（选填）", "Comments (optional)")}'
            f'<textarea name="text" rows="3" maxlength="{MAX_TEXT}"></textarea></label>'
            f'<button type="submit">{t(lang, "提交评价", "Submit rating")}</button>'
            f'<p class="when">{t(lang, "每件只能评价一次。", "A case is rated once.")}</p></form></section>')


def _rating_result(lang: str, given: Given) -> str:
    level = LEVELS[given.rating.level]
    parts = [f"<p>{t(lang, '您的评价：', 'Your rating: ')}<strong>{t(lang, *level)}</strong>"
             f' <span class="when">{escape(given.rated_at[:10])}</span></p>']
    if given.rating.reasons:
        names = "、" if lang != "en" else ", "
        parts.append(f"<p>{escape(names.join((REASONS[r][1] if lang == 'en' else REASONS[r][0]) for r in given.rating.reasons))}</p>")
    if given.rating.text:
        parts.append(f"<p>{escape(given.rating.text)}</p>")
    if given.reply:
        parts.append(f'<div class="note" id="reply"><strong>{t(lang, "整改答复", "Our reply")}</strong> '
                     f'<span class="when">{escape((given.replied_at or "")[:10])}</span><br>{escape(given.reply)}</div>')
    elif given.due_on:
        parts.append(f'<div class="note">{t(lang, f"您的意见已转交整改，将于 {given.due_on} 前答复。", f"Your concern has been passed on; you will have a reply by {given.due_on}.")}</div>')
    return f'<section id="rating"><h2>{t(lang, "好差评", "Your rating")}</h2>{"".join(parts)}</section>'


def lookup_page(lang: str, notice: str = "", receipt_number: str = "") -> str:
    """The form that finds a case by receipt number and the ID number's last four characters."""
    body = f'<div class="err" role="alert">{escape(notice)}</div>' if notice else ""
    body += (f'<section><h2>{t(lang, "查询办件进度", "Find your case")}</h2><form method="post" action="/c">'
             f'<input type="hidden" name="lang" value="{escape(lang)}">'
             f'<label>{t(lang, "受理编号（见回执）", "Receipt No. (on your receipt)")}'
             f'<input type="text" name="receipt" maxlength="32" value="{escape(receipt_number)}" required '
             f'autocomplete="off" placeholder="TS0001-20261126-0001"></label>'
             f'<label>{t(lang, "证件号码后四位", "Last four characters of your ID number")}'
             f'<input type="text" name="tail" maxlength="4" minlength="4" required autocomplete="off"></label>'
             f'<button type="submit">{t(lang, "查询", "Find")}</button></form>'
             f'<p class="when">{t(lang, "也可直接扫描回执上的二维码。", "Or scan the QR code on your receipt.")}'
             f' <a href="/c/help{"?lang=en" if lang == "en" else ""}">{t(lang, "帮助", "Help")}</a></p></section>')
    return page(lang, ("办件查询", "Find your case"), body, _other(lang, "/c"))


def message_page(lang: str, title: tuple[str, str], message: tuple[str, str]) -> str:
    """A page with one message: an invalid link, a case not yet at the hub, too many lookups."""
    body = (f'<section><h2>{t(lang, *title)}</h2><p>{t(lang, *message)}</p>'
            f'<p><a href="/c{"?lang=en" if lang == "en" else ""}">{t(lang, "按受理编号查询", "Find a case by receipt number")}'
            "</a></p></section>")
    return page(lang, title, body, _other(lang, "/c"))


def _other(lang: str, path: str) -> str:
    return quote(path, safe="/:-") + ("" if lang == "en" else "?lang=en")
