"""Runtime operations on expression values, with null handling and size bounds."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

MAX_NUMBER: Decimal = Decimal("1e24")
MAX_STRING = 10_000
MAX_EXPONENT = 64


class OperationError(Exception):
    """A runtime type or domain error, turned into `ExpressionEvalError` with a column."""


class OperationLimit(Exception):
    """A result exceeds a work bound, turned into `ExpressionLimitError` with a column."""


def is_number(value: object) -> bool:
    """True for int and Decimal, never for bool."""
    return isinstance(value, int | Decimal) and not isinstance(value, bool)


def number(value: object) -> int | Decimal:
    """The value as a bounded number, or raise `OperationError`."""
    if isinstance(value, float):
        value = Decimal(repr(value))
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise OperationError(f"expected a number, got {type_name(value)}")
    result: int | Decimal = value
    if abs(Decimal(result)) > MAX_NUMBER:
        raise OperationLimit("number too large")
    return result


def text(value: str) -> str:
    """The string, or raise `OperationLimit` when it is too long."""
    if len(value) > MAX_STRING:
        raise OperationLimit("string too long")
    return value


def type_name(value: object) -> str:
    """A short name of a value's type for messages."""
    if value is None:
        return "null"
    return {bool: "boolean", int: "number", Decimal: "number", str: "text", date: "date",
            list: "list"}.get(type(value), type(value).__name__)


def add(a: object, b: object) -> object:
    """`a + b`: numbers, text concatenation, date plus days."""
    if a is None or b is None:
        return None
    if isinstance(a, str) and isinstance(b, str):
        return text(a + b)
    if isinstance(a, date) and is_number(b):
        return shift_date(a, b)
    return number(number(a) + number(b))


def subtract(a: object, b: object) -> object:
    """`a - b`: numbers, date minus days, date minus date in days."""
    if a is None or b is None:
        return None
    if isinstance(a, date) and isinstance(b, date):
        return (a - b).days
    if isinstance(a, date) and is_number(b):
        return shift_date(a, -number(b))
    return number(number(a) - number(b))


def shift_date(day: date, days: object) -> date:
    """The date `days` days after `day`."""
    count = number(days)
    if count != int(count) or abs(int(count)) > 100_000:
        raise OperationError("days must be a whole number below 100000")
    try:
        return day + timedelta(days=int(count))
    except OverflowError as exc:
        raise OperationError("date out of range") from exc


def multiply(a: object, b: object) -> object:
    """`a * b` on numbers."""
    if a is None or b is None:
        return None
    return number(number(a) * number(b))


def divide(a: object, b: object) -> object:
    """`a / b` as an exact decimal."""
    if a is None or b is None:
        return None
    divisor = number(b)
    if divisor == 0:
        raise OperationError("division by zero")
    try:
        return number(Decimal(number(a)) / Decimal(divisor))
    except InvalidOperation as exc:
        raise OperationError("invalid division") from exc


def modulo(a: object, b: object) -> object:
    """`a % b` on numbers."""
    if a is None or b is None:
        return None
    divisor = number(b)
    if divisor == 0:
        raise OperationError("division by zero")
    return number(number(a) % divisor)


def power(a: object, b: object) -> object:
    """`a ** b` with a whole exponent of at most 64 in magnitude."""
    if a is None or b is None:
        return None
    base, exponent = number(a), number(b)
    if exponent != int(exponent) or abs(int(exponent)) > MAX_EXPONENT:
        raise OperationLimit(f"exponent must be a whole number within ±{MAX_EXPONENT}")
    if base == 0 and exponent < 0:
        raise OperationError("division by zero")
    result = Decimal(base) ** int(exponent) if exponent < 0 else base ** int(exponent)
    return number(result)


def negate(a: object) -> object:
    """`-a`."""
    return None if a is None else -number(a)


def compare(op: str, a: object, b: object) -> bool:
    """An ordering or equality comparison; ordering with null is false."""
    if op == "==":
        return equal(a, b)
    if op == "!=":
        return not equal(a, b)
    if a is None or b is None:
        return False
    if not _comparable(a, b):
        raise OperationError(f"cannot compare {type_name(a)} with {type_name(b)}")
    left: Any = a
    if op == "<":
        return bool(left < b)
    if op == "<=":
        return bool(left <= b)
    if op == ">":
        return bool(left > b)
    return bool(left >= b)


def equal(a: object, b: object) -> bool:
    """Equality where booleans never equal numbers."""
    if isinstance(a, bool) != isinstance(b, bool):
        return False
    return a == b


def _comparable(a: object, b: object) -> bool:
    if is_number(a) and is_number(b):
        return True
    return type(a) is type(b) and isinstance(a, str | date)


def contains(container: object, item: object) -> bool:
    """`item in container` for lists and text; false when either is null."""
    if container is None or item is None:
        return False
    if isinstance(container, str):
        if not isinstance(item, str):
            raise OperationError("'in' on text needs text on the left")
        return item in container
    if isinstance(container, list | tuple):
        return any(equal(item, element) for element in container)
    raise OperationError(f"'in' needs a list or text, got {type_name(container)}")
