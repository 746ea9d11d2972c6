"""The engine's outcome in words: accept, 容缺 with its deadline, or a one-time notice."""

from __future__ import annotations

from forms import Evaluation
from station.ui.i18n import _, language
from station.ui.labels import MARK


def outcome_text(evaluation: Evaluation) -> str:
    """One or two lines saying what submitting will do now."""
    outcome, lang = evaluation.outcome, language()
    due = evaluation.due.date.isoformat() + ("" if evaluation.due.confirmed else _("（待确认）"))
    if outcome.kind == "one_time_notice":
        missing = _("、").join(entry.what.get(lang) + ("" if entry.verified else MARK)
                           for entry in outcome.notice)
        text = _("材料不全：提交将打印一次性告知书，草稿保留。缺：{missing}").format(missing=missing)
    elif outcome.kind == "accept_with_rongque":
        missing = _("、").join(m.material.name.get(lang) + ("" if m.material.source.verified else MARK)
                           for m in outcome.rongque)
        deadline = outcome.rongque_deadline.date.isoformat() if outcome.rongque_deadline else ""
        text = _("可容缺受理：{missing} 须于 {deadline} 前补交；承诺 {due} 办结").format(
            missing=missing, deadline=deadline, due=due)
    else:
        text = _("材料齐全，可受理；承诺 {due} 办结").format(due=due)
    if evaluation.errors and outcome.kind != "one_time_notice":
        text += "\n" + _("还有 {count} 处填写需完善").format(count=len(evaluation.errors))
    return text
