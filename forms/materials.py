"""Materials logic: each material's status, and the outcome (accept, 容缺, one-time notice)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

from forms.models import Condition, Item, Material
from forms.results import (
    ACCEPT,
    ACCEPT_WITH_RONGQUE,
    MISSING,
    MISSING_RONGQUE,
    ONE_TIME_NOTICE,
    PROVIDED,
    SATISFIED_BY_CARD,
    SATISFIED_BY_SHARED_DATA,
    MaterialStatus,
    NoticeEntry,
    Outcome,
)
from forms.text import Text
from forms.vocab import CARD_TYPE_TOKENS
from forms.workdays import WorkingCalendar, due_date

DEFAULT_WHY = Text("办理本事项所需材料", "Needed for this service")
ONSITE_WHERE = Text("在窗口现场填写或采集", "Filled in or taken at the window")
CONDITION_WHY = Text("不符合受理条件", "An acceptance condition is not met")
CONDITION_WHERE = Text("请咨询窗口工作人员", "Ask the window staff")
#: Detail of a material whose shared datasets cannot be reached now.
SHARED_UNAVAILABLE = "shared_unavailable"
SHARED_UNAVAILABLE_WHY = Text("共享数据暂时无法调取，请提供纸质或电子材料",
                              "The shared data cannot be reached now: bring the document")


def card_token(card: Mapping[str, Any] | None) -> str | None:
    """The identity credential a tapped card proves (`id_card` unless it says otherwise)."""
    if card is None:
        return None
    card_type = str(card.get("card_type") or "id_card")
    return CARD_TYPE_TOKENS.get(card_type, card_type)


def material_status(material: Material, *, provided: Collection[str], token: str | None,
                    unavailable: Collection[str], rongque_allowed: bool = False) -> MaterialStatus:
    """The status of one applicable material, in the order of docs/catalog-format.md §7.

    A material that only shared data replaces, with every such dataset unavailable, is
    missing: 容缺 (to follow, and the hub confirms the data after sync) when the item accepts
    容缺, else required on paper; its notice entry says the data could not be reached.
    """
    required = material.necessity != "optional"
    if material.id in provided:
        return MaterialStatus(material, PROVIDED, required, "attached")
    if material.channel == "onsite":
        return MaterialStatus(material, PROVIDED, required, "onsite")
    if token is not None and token in material.identity_tokens:
        return MaterialStatus(material, SATISFIED_BY_CARD, required, token)
    dataset = next((d for d in material.datasets if d not in unavailable), None)
    if dataset is not None:
        return MaterialStatus(material, SATISFIED_BY_SHARED_DATA, required, dataset)
    if material.datasets and required:
        status = MISSING_RONGQUE if rongque_allowed or material.necessity == "rongque" else MISSING
        return MaterialStatus(material, status, required, SHARED_UNAVAILABLE)
    status = MISSING_RONGQUE if material.necessity == "rongque" else MISSING
    return MaterialStatus(material, status, required)


def notice_for_material(material: Material, detail: str = "") -> NoticeEntry:
    """The one-time-notice entry for a missing material (`detail` from its status)."""
    why = material.why or DEFAULT_WHY
    if detail == SHARED_UNAVAILABLE:
        why = Text(f"{SHARED_UNAVAILABLE_WHY.zh}（{why.zh}）", f"{SHARED_UNAVAILABLE_WHY.en} ({why.en})")
    return NoticeEntry("material", material.id, material.name, why,
                       material.where or ONSITE_WHERE, material.basis or "",
                       material.source.verified)


def notice_for_condition(index: int, condition: Condition) -> NoticeEntry:
    """The one-time-notice entry for an unmet acceptance condition."""
    return NoticeEntry("condition", f"condition-{index}", condition.text, CONDITION_WHY,
                       CONDITION_WHERE, verified=condition.source.verified)


def decide(item: Item, statuses: list[MaterialStatus], unmet: list[tuple[int, Condition]],
           today: date, calendar: WorkingCalendar) -> Outcome:
    """Accept now, accept with 容缺 (list and deadline), or a one-time notice of everything."""
    missing = [s for s in statuses if s.required and s.missing]
    blocking = [s for s in missing if s.status == MISSING]
    if blocking or unmet:
        entries = [notice_for_condition(i, c) for i, c in unmet]
        seen: set[str] = set()
        for status in missing:
            if status.material.id not in seen:
                seen.add(status.material.id)
                entries.append(notice_for_material(status.material, status.detail))
        return Outcome(ONE_TIME_NOTICE, notice=tuple(entries))
    if missing:
        deadline = due_date(item.rongque, today, calendar) if item.rongque else None
        return Outcome(ACCEPT_WITH_RONGQUE, rongque=tuple(missing), rongque_deadline=deadline)
    return Outcome(ACCEPT)
