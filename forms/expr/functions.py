"""Built-in functions of the expression language; each takes the environment first."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Protocol

from forms.expr.values import (
    OperationError,
    OperationLimit,
    equal,
    is_number,
    number,
    text,
    type_name,
)

CALENDAR_KEY = "$calendar"
WARNINGS_KEY = "$warnings"
MAX_SPAN_DAYS = 3700

Env = Mapping[str, Any]


class WorkingDayCounter(Protocol):
    """What `working_days()` needs from a calendar."""

    def working_days_between(self, start: date, end: date) -> tuple[int, bool]:
        """Working days after start up to end, and whether every day was confirmed."""
        ...


def _date(value: object, what: str = "argument") -> date:
    if not isinstance(value, date):
        raise OperationError(f"{what} must be a date, got {type_name(value)}")
    return value


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise OperationError(f"expected text, got {type_name(value)}")
    return value


def fn_age(env: Env, birth: object, on: object = None) -> object:
    """Whole years from birth to `on` (default today)."""
    if birth is None:
        return None
    born = _date(birth)
    day = _date(env.get("today") if on is None else on)
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def fn_working_days(env: Env, start: object, end: object) -> object:
    """Working days after `start` up to and including `end`."""
    if start is None or end is None:
        return None
    first, last = _date(start), _date(end)
    if abs((last - first).days) > MAX_SPAN_DAYS:
        raise OperationLimit(f"working_days spans more than {MAX_SPAN_DAYS} days")
    calendar: WorkingDayCounter | None = env.get(CALENDAR_KEY)
    if calendar is None:
        raise OperationError("no working-day calendar available")
    count, confirmed = calendar.working_days_between(first, last)
    warnings = env.get(WARNINGS_KEY)
    if not confirmed and isinstance(warnings, list):
        warnings.append(("unconfirmed_calendar", first, last))
    return count


def fn_days_between(env: Env, start: object, end: object) -> object:
    """Calendar days from start to end."""
    if start is None or end is None:
        return None
    return (_date(end) - _date(start)).days


def fn_months_between(env: Env, start: object, end: object) -> object:
    """Whole months from start to end."""
    if start is None or end is None:
        return None
    a, b = _date(start), _date(end)
    return (b.year - a.year) * 12 + b.month - a.month - (b.day < a.day)


def fn_date(env: Env, value: object) -> object:
    """A date from `YYYY-MM-DD` text."""
    if value is None:
        return None
    try:
        return date.fromisoformat(_str(value))
    except ValueError as exc:
        raise OperationError(f"not a date: {value!r}") from exc


def fn_year(env: Env, value: object) -> object:
    """The year of a date."""
    return None if value is None else _date(value).year


def fn_len(env: Env, value: object) -> object:
    """Length of text or a list; 0 for null."""
    if value is None:
        return 0
    if isinstance(value, str | list | tuple):
        return len(value)
    raise OperationError(f"len() needs text or a list, got {type_name(value)}")


def _string_fn(method: Callable[[str], str]) -> Callable[[Env, object], object]:
    def function(env: Env, value: object) -> object:
        return None if value is None else method(_str(value))

    return function


def _test_fn(method: Callable[[str, str], bool]) -> Callable[[Env, object, object], object]:
    def function(env: Env, value: object, part: object) -> object:
        if value is None or part is None:
            return False
        return method(_str(value), _str(part))

    return function


def fn_substr(env: Env, value: object, start: object, end: object = None) -> object:
    """Characters from start up to (not including) end."""
    if value is None:
        return None
    stop = None if end is None else int(number(end))
    return _str(value)[int(number(start)) : stop]


def fn_concat(env: Env, *parts: object) -> object:
    """All non-null parts joined as text."""
    return text("".join(str(part) for part in parts if part is not None))


def fn_coalesce(env: Env, *values: object) -> object:
    """The first value that is not null."""
    return next((value for value in values if value is not None), None)


def fn_is_blank(env: Env, value: object) -> object:
    """True for null, empty text and empty lists."""
    return value is None or value in ("", []) or (isinstance(value, str) and not value.strip())


def fn_min(env: Env, *values: object) -> object:
    """The smallest non-null number."""
    present = [number(value) for value in values if value is not None]
    return min(present) if present else None


def fn_max(env: Env, *values: object) -> object:
    """The largest non-null number."""
    present = [number(value) for value in values if value is not None]
    return max(present) if present else None


def fn_round(env: Env, value: object, places: object = 0) -> object:
    """The number rounded half up to `places` decimals (0–10)."""
    if value is None:
        return None
    digits = int(number(places))
    if not 0 <= digits <= 10:
        raise OperationError("round() places must be 0–10")
    rounded = Decimal(number(value)).quantize(Decimal(1).scaleb(-digits), ROUND_HALF_UP)
    return int(rounded) if digits == 0 else rounded


def fn_abs(env: Env, value: object) -> object:
    """The absolute value."""
    return None if value is None else abs(number(value))


def _rows(group: object) -> list[Mapping[str, Any]]:
    if group is None:
        return []
    if not isinstance(group, list):
        raise OperationError(f"expected a group, got {type_name(group)}")
    return [row for row in group if isinstance(row, Mapping)]


def fn_count(env: Env, group: object) -> object:
    """Number of rows of a repeat group."""
    return len(_rows(group))


def fn_sum_of(env: Env, group: object, field: object) -> object:
    """Sum of one numeric sub-field over a group's rows (nulls skipped)."""
    name = _str(field)
    values = [row.get(name) for row in _rows(group)]
    return number(sum((number(v) for v in values if v is not None and is_number(v)), 0))


def fn_any_of(env: Env, group: object, field: object, value: object) -> object:
    """True when some row's sub-field equals value."""
    name = _str(field)
    return any(equal(row.get(name), value) for row in _rows(group))


#: name -> (function, minimum arguments, maximum arguments or None for any).
FUNCTIONS: dict[str, tuple[Callable[..., object], int, int | None]] = {
    "age": (fn_age, 1, 2),
    "working_days": (fn_working_days, 2, 2),
    "days_between": (fn_days_between, 2, 2),
    "months_between": (fn_months_between, 2, 2),
    "date": (fn_date, 1, 1),
    "year": (fn_year, 1, 1),
    "len": (fn_len, 1, 1),
    "lower": (_string_fn(str.lower), 1, 1),
    "upper": (_string_fn(str.upper), 1, 1),
    "strip": (_string_fn(str.strip), 1, 1),
    "contains": (_test_fn(str.__contains__), 2, 2),
    "startswith": (_test_fn(str.startswith), 2, 2),
    "endswith": (_test_fn(str.endswith), 2, 2),
    "substr": (fn_substr, 2, 3),
    "concat": (fn_concat, 1, 20),
    "if": (fn_coalesce, 3, 3),  # compiled lazily; the entry only carries the arity
    "coalesce": (fn_coalesce, 1, 20),
    "is_blank": (fn_is_blank, 1, 1),
    "min": (fn_min, 1, 20),
    "max": (fn_max, 1, 20),
    "round": (fn_round, 1, 2),
    "abs": (fn_abs, 1, 1),
    "count": (fn_count, 1, 1),
    "sum_of": (fn_sum_of, 2, 2),
    "any_of": (fn_any_of, 3, 3),
}
GROUP_FUNCTIONS = frozenset({"sum_of", "any_of"})
