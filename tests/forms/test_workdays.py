"""Working days: Spring Festival, adjusted weekend workdays (调休), overrides, unknown years."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from forms.errors import CalendarError
from forms.models import Citation, Limit
from forms.workdays import WorkingCalendar, due_date

CAL = WorkingCalendar()
SOURCE = Citation("unverified", (), True)


def limit(value: int, unit: str) -> Limit:
    return Limit(value, unit, None, SOURCE)


@pytest.mark.parametrize(("day", "working"), [
    (date(2024, 2, 4), True),    # Sunday, 调休 workday before the 2024 Spring Festival
    (date(2024, 2, 12), False),  # Monday inside the holiday
    (date(2024, 2, 18), True),   # Sunday, 调休 workday after it
    (date(2025, 1, 26), True),   # Sunday, 调休 workday before the 2025 Spring Festival
    (date(2025, 1, 29), False),  # 初一 2025
    (date(2025, 2, 8), True),    # Saturday, 调休 workday after it
    (date(2025, 10, 1), False),  # National Day
    (date(2024, 3, 9), False),   # an ordinary Saturday
])
def test_holidays_and_adjusted_workdays(day: date, working: bool) -> None:
    assert CAL.is_working_day(day) is working
    assert CAL.is_confirmed(day)


def test_deadline_across_the_2024_spring_festival() -> None:
    # 8 Feb (Thu) + 3 working days: 9 Feb, 18 Feb (Sunday workday), 19 Feb.
    assert CAL.add_working_days(date(2024, 2, 8), 3).date == date(2024, 2, 19)
    due = due_date(limit(7, "working_days"), date(2024, 2, 8), CAL)
    assert (due.date, due.confirmed) == (date(2024, 2, 23), True)


def test_deadline_across_the_2025_spring_festival() -> None:
    # 24 Jan (Fri) + 2 working days: 26 Jan (Sunday workday), 27 Jan; then holiday to 4 Feb.
    assert CAL.add_working_days(date(2025, 1, 24), 2).date == date(2025, 1, 27)
    assert CAL.add_working_days(date(2025, 1, 24), 3).date == date(2025, 2, 5)


def test_calendar_days_end_on_the_next_working_day() -> None:
    due = due_date(limit(5, "days"), date(2024, 2, 5), CAL)  # 10 Feb is in the holiday
    assert due.date == date(2024, 2, 18)
    assert due_date(limit(0, "on_the_spot"), date(2024, 2, 5), CAL).date == date(2024, 2, 5)


def test_working_days_between() -> None:
    assert CAL.working_days_between(date(2024, 2, 8), date(2024, 2, 19)) == (3, True)
    assert CAL.working_days_between(date(2024, 2, 19), date(2024, 2, 8)) == (-3, True)


def test_dates_beyond_known_data_are_unconfirmed() -> None:
    due = CAL.add_working_days(date(2026, 12, 30), 5)
    assert not due.confirmed
    assert not CAL.is_confirmed(date(2027, 1, 4))


def test_overrides_file_confirms_a_new_year(tmp_path: Path) -> None:
    overrides = tmp_path / "calendar.toml"
    overrides.write_text(
        "complete_years = [2027]\n"
        "[[days]]\ndate = 2027-01-01\nworking = false\nname = \"元旦\"\n"
        "[[days]]\ndate = 2027-01-02\nworking = true\n", "utf-8")
    calendar = WorkingCalendar.load(overrides)
    assert calendar.is_confirmed(date(2027, 6, 1))
    assert not calendar.is_working_day(date(2027, 1, 1))
    assert calendar.is_working_day(date(2027, 1, 2))  # a Saturday made a workday
    due = calendar.add_working_days(date(2026, 12, 31), 1)
    assert (due.date, due.confirmed) == (date(2027, 1, 2), True)


def test_override_changes_a_known_year() -> None:
    calendar = WorkingCalendar({date(2024, 3, 11): False})
    assert not calendar.is_working_day(date(2024, 3, 11))


@pytest.mark.parametrize("text", [
    "complete_years = 'x'", "[[days]]\ndate = '2027-01-01'\nworking = false", "not toml ==",
    "days = [1, 2]", "days = 'every day'", "days = " + "[" * 10_000 + "]" * 10_000,
], ids=["years not a list", "date as text", "not TOML", "days not tables", "days not a list", "nested without end"])
def test_bad_overrides_are_refused(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, "utf-8")
    with pytest.raises(CalendarError):
        WorkingCalendar.load(path)


def test_fixed_statutory_holidays_hold_in_years_past_the_calendar_data() -> None:
    # 2027 is not in chinese-calendar yet: 1 January (a Friday) is still a holiday.
    due = CAL.add_working_days(date(2026, 12, 31), 1)
    assert (due.date, due.confirmed) == (date(2027, 1, 4), False)
    assert CAL.is_working_day(date(2027, 5, 3))  # 3 May is no statutory holiday
    assert [d for d in (date(2027, 5, 1), date(2027, 5, 2), date(2027, 10, 1), date(2027, 10, 4))
            if not CAL.is_working_day(d)] == [date(2027, 5, 1), date(2027, 5, 2), date(2027, 10, 1)]
    # a hub override still wins over the fixed rule
    assert WorkingCalendar({date(2027, 10, 1): True}).is_working_day(date(2027, 10, 1))


@pytest.mark.parametrize(("start", "end"), [
    (date(2026, 12, 20), date(2027, 1, 20)), (date(2027, 4, 20), date(2027, 10, 20)),
    (date(2026, 6, 1), date(2029, 2, 1)), (date(2028, 10, 5), date(2027, 12, 25))])
def test_counting_between_days_agrees_with_stepping_through_them(start: date, end: date) -> None:
    counted, _ = CAL.working_days_between(start, end)
    first, last = min(start, end), max(start, end)
    stepped = sum(CAL.is_working_day(first + timedelta(days=n)) for n in range(1, (last - first).days + 1))
    assert counted == (stepped if end >= start else -stepped)
