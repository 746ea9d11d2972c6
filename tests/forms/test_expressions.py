"""The expression language: values, null handling, unsafe input and work bounds."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from forms.errors import (
    ExpressionError,
    ExpressionEvalError,
    ExpressionLimitError,
    ExpressionNameError,
    ExpressionSyntaxError,
    ExpressionUnsafeError,
)
from forms.expr import CALENDAR_KEY, WARNINGS_KEY, compile_expression
from forms.workdays import WorkingCalendar

NAMES = ["a", "b", "s", "born", "day", "tags", "members", "flag", "blank"]
GROUPS = {"members": ["income", "relation"]}
ENV = {
    "a": 7, "b": Decimal("2.5"), "s": "杭州市西湖区", "born": date(2000, 2, 29),
    "day": date(2024, 2, 8), "tags": ["x", "y"], "flag": True, "blank": None,
    "members": [{"income": Decimal("100.50"), "relation": "spouse"},
                {"income": None, "relation": "child"}],
    "today": date(2024, 2, 28), "card.name": "张三",
}


def run(source: str, **extra: object) -> object:
    env = {**ENV, CALENDAR_KEY: WorkingCalendar(), WARNINGS_KEY: [], **extra}
    return compile_expression(source, NAMES, GROUPS).evaluate(env)


@pytest.mark.parametrize(("source", "expected"), [
    ("1 + 2 * 3", 7), ("(1 + 2) * 3", 9), ("a % 4", 3), ("-a + 1", -6), ("2 ** 10", 1024),
    ("a / 2", Decimal("3.5")), ("b * 2", Decimal("5.0")), ("1.5 + 1", Decimal("2.5")),
    ("a > 5 and b < 3", True), ("not flag or a == 7", True), ("a != 7", False),
    ("'x' in tags", True), ("'z' not in tags", True), ("'西湖' in s", True),
    ("a in [1, 7, 9]", True), ("concat(s, '-', a)", "杭州市西湖区-7"),
    ("len(s)", 6), ("upper('ab')", "AB"), ("startswith(s, '杭州')", True),
    ("substr(s, 0, 3)", "杭州市"), ("if(a > 5, 'big', 'small')", "big"),
    ("coalesce(blank, 3)", 3), ("is_blank(blank)", True), ("is_blank(s)", False),
    ("min(3, a, blank)", 3), ("max(b, 1)", Decimal("2.5")), ("round(2.345, 2)", Decimal("2.35")),
    ("abs(-a)", 7), ("count(members)", 2), ("sum_of(members, 'income')", Decimal("100.50")),
    ("any_of(members, 'relation', 'child')", True),
    ("age(born)", 23), ("age(born, date('2024-02-29'))", 24),
    ("days_between(day, today)", 20), ("months_between(date('2023-08-29'), today)", 5),
    ("year(day)", 2024), ("day + 3", date(2024, 2, 11)), ("today - day", 20),
    ("working_days(day, date('2024-02-19'))", 3), ("card.name == '张三'", True),
])
def test_values(source: str, expected: object) -> None:
    assert run(source) == expected


@pytest.mark.parametrize(("source", "expected"), [
    ("blank + 1", None), ("blank > 1", False), ("blank < 1", False), ("blank == null", True),
    ("blank in tags", False), ("age(blank)", None), ("not blank", True),
])
def test_null_handling(source: str, expected: object) -> None:
    assert run(source) == expected


def test_booleans_never_equal_numbers() -> None:
    assert run("flag == 1") is False


@pytest.mark.parametrize(("source", "error"), [
    ("__import__('os')", ExpressionUnsafeError),
    ("a.__class__", ExpressionUnsafeError),
    ("s.upper()", ExpressionUnsafeError),
    ("card.__dict__", ExpressionUnsafeError),
    ("tags[0]", ExpressionUnsafeError),
    ("1.real", ExpressionUnsafeError),
    ("context.secret", ExpressionNameError),
    ("open('x')", ExpressionNameError),
    ("eval('1')", ExpressionNameError),
    ("undefined_name + 1", ExpressionNameError),
    ("len(a, b)", ExpressionNameError),
    ("sum_of(members, 'nope')", ExpressionNameError),
    ("sum_of(tags, 'x')", ExpressionNameError),
    ("1 +", ExpressionSyntaxError),
    ("(1", ExpressionSyntaxError),
    ("1 < a < 9", ExpressionSyntaxError),
    ("'abc", ExpressionSyntaxError),
    ("a ; b", ExpressionSyntaxError),
    ("lambda: 1", ExpressionSyntaxError),
    ("", ExpressionSyntaxError),
    ("2 ** 65", ExpressionLimitError),
    ("9 ** 9 ** 9", ExpressionLimitError),
    ("(" * 40 + "1" + ")" * 40, ExpressionLimitError),
    ("-" * 40 + "1", ExpressionLimitError),
    ("not " * 40 + "flag", ExpressionLimitError),
    ("+".join(["1"] * 401), ExpressionLimitError),
    ("1" * 1001, ExpressionLimitError),
])
def test_rejected_at_compile_or_run(source: str, error: type[ExpressionError]) -> None:
    with pytest.raises(error):
        run(source)


@pytest.mark.parametrize(("source", "error"), [
    ("1 / 0", ExpressionEvalError),
    ("s - 1", ExpressionEvalError),
    ("s < 1", ExpressionEvalError),
    ("date('2024-02-30')", ExpressionEvalError),
    ("10 ** 20 * 10 ** 20", ExpressionLimitError),
    ("working_days(date('2000-01-01'), date('2030-01-01'))", ExpressionLimitError),
])
def test_runtime_errors_are_typed(source: str, error: type[ExpressionError]) -> None:
    with pytest.raises(error):
        run(source)


def test_errors_carry_the_column() -> None:
    with pytest.raises(ExpressionNameError) as caught:
        compile_expression("a + nope", NAMES)
    assert caught.value.column == 5
    assert "col 5" in str(caught.value) and "第5列" in caught.value.message_zh


def test_unconfirmed_working_days_are_flagged() -> None:
    warnings: list[object] = []
    assert run("working_days(date('2027-01-01'), date('2027-01-08'))",
               **{WARNINGS_KEY: warnings}) == 5
    assert warnings and warnings[0][0] == "unconfirmed_calendar"  # type: ignore[index]


def test_the_largest_allowed_expression_is_fast() -> None:
    source = "(" * 31 + "+".join(["a * 2"] * 90) + ")" * 31
    expression = compile_expression(source, NAMES)
    start = time.perf_counter()
    for _ in range(100):
        expression.evaluate(ENV)
    assert (time.perf_counter() - start) / 100 < 0.005


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from(list("ab()[]+-*/%<>=!.,'\" _ 0123456789notandinor")),
               max_size=60))
def test_arbitrary_input_only_raises_expression_errors(source: str) -> None:
    try:
        value = run(source)
    except ExpressionError as exc:
        assert exc.column >= 0 and exc.message_zh and exc.message_en
    else:
        assert value is None or isinstance(value, bool | int | Decimal | str | date | list)
