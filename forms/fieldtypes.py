"""Turning raw input into typed field values, and checking length, range and pattern."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from forms.divisions import hangzhou_divisions
from forms.errors import IdentifierError
from forms.identifiers import validate_credit_code, validate_person_number
from forms.models import Field
from forms.phones import normalize_phone
from forms.text import compact_identifier

MONEY_PLACES = 2


class FieldProblem(Exception):
    """A value is not acceptable for a field; `code` keys forms.messages."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def is_blank(value: object) -> bool:
    """True for None, empty or whitespace text, and empty lists."""
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    return isinstance(value, list | tuple) and not value


def coerce(field: Field, raw: object) -> Any:
    """The typed value of `raw` for `field`, None when blank; raise `FieldProblem`."""
    if is_blank(raw):
        return None
    return COERCERS[field.type](field, raw)


def _text(field: Field, raw: object) -> str:
    if not isinstance(raw, str):
        raise FieldProblem("type_text")
    return raw.strip()


def _integer(field: Field, raw: object) -> int:
    if isinstance(raw, bool):
        raise FieldProblem("type_integer")
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float) and raw.is_integer():
        return int(raw)
    text = raw.strip() if isinstance(raw, str) else ""
    if text.isascii() and text.lstrip("-").isdigit() and len(text) < 19:
        return int(text)
    raise FieldProblem("type_integer")


def to_decimal(raw: object) -> Decimal:
    """A finite Decimal from int, float, Decimal or text; raise `FieldProblem`."""
    if isinstance(raw, bool) or not isinstance(raw, int | float | str | Decimal):
        raise FieldProblem("type_decimal")
    try:
        value = Decimal(repr(raw)) if isinstance(raw, float) else Decimal(str(raw).strip())
    except InvalidOperation as exc:
        raise FieldProblem("type_decimal") from exc
    if not value.is_finite() or abs(value) >= Decimal(10) ** 18:
        raise FieldProblem("type_decimal")
    return value


def _decimal(field: Field, raw: object) -> Decimal:
    value = to_decimal(raw)
    places = MONEY_PLACES if field.type == "money" else field.decimals
    exponent = value.as_tuple().exponent
    if places is not None and isinstance(exponent, int) and -exponent > places:
        raise FieldProblem("decimals", decimals=places)
    return value


def to_date(raw: object) -> date:
    """A date from a date or `YYYY-MM-DD` text; raise `FieldProblem`."""
    if isinstance(raw, date) and not hasattr(raw, "hour"):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            pass
    raise FieldProblem("type_date")


def _date(field: Field, raw: object) -> date:
    return to_date(raw)


def _boolean(field: Field, raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.strip().lower() in ("true", "false"):
        return raw.strip().lower() == "true"
    raise FieldProblem("type_boolean")


def _choice(field: Field, raw: object) -> str:
    value = _text(field, raw)
    if value not in {choice.value for choice in field.choices}:
        raise FieldProblem("choice", value=value)
    return value


def _multi_choice(field: Field, raw: object) -> list[str]:
    if not isinstance(raw, list | tuple):
        raise FieldProblem("type_list")
    values = [_choice(field, element) for element in raw]
    return list(dict.fromkeys(values))


def _identifier(check: Callable[[str], object]) -> Callable[[Field, object], object]:
    def coerce_identifier(field: Field, raw: object) -> object:
        try:
            return check(_text(field, raw))
        except IdentifierError as exc:
            raise FieldProblem(exc.code) from exc

    return coerce_identifier


def _id_number(text: str) -> str:
    return validate_person_number(text)


def _division(field: Field, raw: object) -> str:
    code = compact_identifier(_text(field, raw))
    table = hangzhou_divisions()
    known = table.get(code)
    if known is not None and known.retired:
        raise FieldProblem("division_retired", value=code, merged=known.merged_into or "")
    level = {"hangzhou-county": "county", "hangzhou-town": "town"}.get(field.scope, "any")
    if not table.is_current(code, level):
        raise FieldProblem("division_unknown", value=code)
    return code


def _attachment(field: Field, raw: object) -> list[str]:
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list | tuple) or not all(isinstance(i, str) for i in items):
        raise FieldProblem("attachment_material")
    return [item for item in items if item.strip()]


def _group(field: Field, raw: object) -> list[Any]:
    if not isinstance(raw, list | tuple) or not all(isinstance(row, dict) for row in raw):
        raise FieldProblem("type_list")
    return list(raw)


COERCERS: dict[str, Callable[[Field, object], Any]] = {
    "text": _text,
    "address": _text,
    "integer": _integer,
    "decimal": _decimal,
    "money": _decimal,
    "date": _date,
    "boolean": _boolean,
    "choice": _choice,
    "multi_choice": _multi_choice,
    "phone": _identifier(normalize_phone),
    "id_number": _identifier(_id_number),
    "credit_code": _identifier(validate_credit_code),
    "division": _division,
    "attachment": _attachment,
    "group": _group,
}


def constraint_problems(field: Field, value: Any) -> list[FieldProblem]:
    """Length, range and pattern problems of a present, typed value."""
    problems = []
    if isinstance(value, str):
        if field.min_length is not None and len(value) < field.min_length:
            problems.append(FieldProblem("min_length", limit=field.min_length))
        if field.max_length is not None and len(value) > field.max_length:
            problems.append(FieldProblem("max_length", limit=field.max_length))
        if field.pattern is not None and not field.pattern.fullmatch(value):
            problems.append(FieldProblem("pattern"))
    if field.min is not None and not isinstance(value, str | list) and value < field.min:
        problems.append(FieldProblem("min", limit=field.min))
    if field.max is not None and not isinstance(value, str | list) and value > field.max:
        problems.append(FieldProblem("max", limit=field.max))
    return problems
