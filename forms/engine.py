"""The pure forms engine: values, card and context in; errors, materials and outcome out."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date
from typing import Any

from forms.errors import ExpressionError
from forms.expr import CALENDAR_KEY, WARNINGS_KEY, Expression
from forms.fieldtypes import FieldProblem, to_date
from forms.formstate import FormState
from forms.materials import card_token, decide, material_status
from forms.messages import field_message
from forms.models import Condition, Item
from forms.results import Evaluation, FieldError, MaterialStatus
from forms.text import Text
from forms.workdays import WorkingCalendar, due_date

CARD_DATES = ("birth_date", "valid_from", "valid_to")
UNCONFIRMED = Text("期限涉及尚无官方数据的节假日安排，日期待确认",
                   "The deadline falls where holiday data is not yet published; to be confirmed")
_default_calendar: WorkingCalendar | None = None


def default_calendar() -> WorkingCalendar:
    """The packaged working-day calendar, loaded once."""
    global _default_calendar
    if _default_calendar is None:
        _default_calendar = WorkingCalendar.load()
    return _default_calendar


def evaluate(item: Item, values: Mapping[str, Any], card: Mapping[str, Any] | None = None,
             context: Mapping[str, Any] | None = None, attachments: Collection[str] = (),
             calendar: WorkingCalendar | None = None, today: date | None = None) -> Evaluation:
    """Evaluate one application of `item`.

    Args:
        values: raw field values by id (JSON-like: dates as text are accepted).
        card: the ID-card data (name, gender, nation, birth_date, address, id_number,
            issuer, valid_from, valid_to, card_type), or None when no card was read.
        context: station and operator context (station_code, point_type, district,
            operator, operator_name, today; `unavailable_datasets` lists shared datasets
            that cannot be reached).
        attachments: ids of materials provided on paper or scanned.
    """
    context = context or {}
    calendar = calendar or default_calendar()
    day = today or _context_today(context) or date.today()
    env = base_env(card, context, day, calendar)
    state = FormState(item.fields, env)
    state.load(values)
    state.finish()
    statuses = _materials(item, state, card, context, attachments)
    unmet = _unmet_conditions(item, state)
    outcome = decide(item, statuses, unmet, day, calendar)
    due = due_date(item.promised_limit, day, calendar)
    warnings = list(state.warnings)
    late_rongque = outcome.rongque_deadline and not outcome.rongque_deadline.confirmed
    if not due.confirmed or late_rongque or env[WARNINGS_KEY]:
        warnings.append(UNCONFIRMED)
    return Evaluation(item, day, state.output(), frozenset(state.visible), state.computed,
                      state.errors, statuses, [c for _, c in unmet], outcome, due, warnings,
                      frozenset(state.required))


def _context_today(context: Mapping[str, Any]) -> date | None:
    raw = context.get("today")
    try:
        return to_date(raw) if raw is not None else None
    except FieldProblem:
        return None


def base_env(card: Mapping[str, Any] | None, context: Mapping[str, Any], today: date,
             calendar: WorkingCalendar) -> dict[str, Any]:
    """The names every expression sees besides the fields: card.*, context.*, today."""
    env: dict[str, Any] = {"today": today, CALENDAR_KEY: calendar, WARNINGS_KEY: []}
    for key, value in (card or {}).items():
        env[f"card.{key}"] = _card_value(key, value)
    for key, value in context.items():
        env[f"context.{key}"] = value
    env["context.today"] = today
    return env


def _card_value(key: str, value: Any) -> Any:
    if key in CARD_DATES and isinstance(value, str):
        try:
            return to_date(value)
        except FieldProblem:
            return None
    return value


def _run(expression: Expression, env: Mapping[str, Any], state: FormState, label: Text,
         path: str) -> object:
    try:
        return expression.evaluate(env)
    except ExpressionError as exc:
        state.errors.append(FieldError(path, "expression_failed",
                                       field_message("expression_failed", label, detail=exc.message_en)))
        return None


def _materials(item: Item, state: FormState, card: Mapping[str, Any] | None,
               context: Mapping[str, Any], attachments: Collection[str]) -> list[MaterialStatus]:
    provided = set(attachments) | state.attached_materials()
    token = card_token(card)
    unavailable = frozenset(context.get("unavailable_datasets") or ())
    statuses = []
    for material in item.materials:
        if material.when is not None:
            label = material.name
            if not _run(material.when, state.env, state, label, f"materials.{material.id}"):
                continue
        statuses.append(material_status(material, provided=provided, token=token,
                                        unavailable=unavailable,
                                        rongque_allowed=item.rongque is not None))
    return statuses


def _unmet_conditions(item: Item, state: FormState) -> list[tuple[int, Condition]]:
    unmet = []
    for index, condition in enumerate(item.conditions):
        if condition.check is None or any(
                state.env.get(name) is None for name in condition.check.names):
            continue
        try:
            result = condition.check.evaluate(state.env)
        except ExpressionError:
            continue
        if result is False:
            unmet.append((index, condition))
    return unmet

