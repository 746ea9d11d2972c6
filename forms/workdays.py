"""Working days on the Chinese calendar (holidays and 调休), with hub overrides.

Dates beyond the known data are counted as Monday–Friday less the holidays fixed by the
Gregorian calendar, and flagged unconfirmed, never silently guessed: the year's notice
(调休 and the lunar holidays) comes later as hub overrides.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import chinese_calendar

from forms.errors import CalendarError
from forms.loader import toml
from forms.models import Limit
from forms.packaged import DATA

KNOWN_YEARS = range(min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year + 1)
#: Holidays falling on Monday–Friday, and 调休 workdays falling on weekends, sorted.
WEEKDAY_HOLIDAYS = sorted(d for d in chinese_calendar.holidays if d.weekday() < 5)
WEEKEND_WORKDAYS = sorted(d for d in chinese_calendar.workdays if d.weekday() >= 5)
_HOLIDAY_SET, _WORKDAY_SET = frozenset(WEEKDAY_HOLIDAYS), frozenset(WEEKEND_WORKDAYS)
MAX_WORKING_DAYS = 2000
#: The packaged 调休 and holiday overrides.
PACKAGED_OVERRIDES = DATA / "calendar-overrides.toml"
#: Statutory holidays on fixed Gregorian dates (《全国年节及纪念日放假办法》, 2024 revision,
#: in force from 2025-01-01): 元旦 1 January, 劳动节 1–2 May, 国庆节 1–3 October. They are
#: known before each year's notice, so they hold for years past chinese-calendar's data.
FIXED_HOLIDAYS = frozenset({(1, 1), (5, 1), (5, 2), (10, 1), (10, 2), (10, 3)})


@dataclass(frozen=True, slots=True)
class DueDate:
    """A deadline and whether every day counted was confirmed by calendar data."""

    date: date
    confirmed: bool

    def to_json(self) -> dict[str, Any]:
        """The due date as JSON."""
        return {"date": self.date.isoformat(), "confirmed": self.confirmed}


class WorkingCalendar:
    """Decides working days from chinese-calendar plus explicit overrides."""

    def __init__(self, overrides: Mapping[date, bool] | None = None,
                 complete_years: Iterable[int] = ()) -> None:
        self.overrides = dict(overrides or {})
        self.complete_years = frozenset(complete_years)

    @classmethod
    def load(cls, extra: Path | None = None) -> WorkingCalendar:
        """The packaged overrides, plus a hub-distributed overrides file when given."""
        text = PACKAGED_OVERRIDES.read_text("utf-8")
        overrides, years = parse_overrides(text, "forms/data/calendar-overrides.toml")
        if extra is not None and extra.is_file():
            more, more_years = parse_overrides(extra.read_text("utf-8"), str(extra))
            overrides.update(more)
            years |= more_years
        return cls(overrides, years)

    def is_confirmed(self, day: date) -> bool:
        """True when `day` is covered by chinese-calendar, a complete year or an override."""
        return day.year in KNOWN_YEARS or day.year in self.complete_years or day in self.overrides

    def is_working_day(self, day: date) -> bool:
        """True for a working day (unconfirmed days fall back to Monday–Friday)."""
        if day in self.overrides:
            return self.overrides[day]
        return _base_working(day)

    def add_working_days(self, start: date, count: int) -> DueDate:
        """The `count`-th working day after `start` (start itself not counted)."""
        if not 0 <= count <= MAX_WORKING_DAYS:
            raise ValueError(f"count must be 0–{MAX_WORKING_DAYS}")
        day, confirmed = start, self.is_confirmed(start)
        while count:
            day += timedelta(days=1)
            confirmed = confirmed and self.is_confirmed(day)
            count -= self.is_working_day(day)
        return DueDate(day, confirmed)

    def next_working_day(self, day: date) -> DueDate:
        """`day` itself when it is a working day, else the next one."""
        confirmed = self.is_confirmed(day)
        for _ in range(60):
            if self.is_working_day(day):
                return DueDate(day, confirmed)
            day += timedelta(days=1)
            confirmed = confirmed and self.is_confirmed(day)
        raise CalendarError(f"no working day within 60 days of {day}")

    def working_days_between(self, start: date, end: date) -> tuple[int, bool]:
        """Working days after `start` up to and including `end` (negative when end < start)."""
        sign, first, last = (1, start, end) if end >= start else (-1, end, start)
        count = _weekdays_through(last) - _weekdays_through(first)
        count -= _between(WEEKDAY_HOLIDAYS, first, last) + _fixed_weekday_holidays(first, last)
        count += _between(WEEKEND_WORKDAYS, first, last)
        for day, working in self.overrides.items():
            if first < day <= last:
                count += int(working) - int(_base_working(day))
        years = range(first.year, last.year + 1)
        confirmed = all(y in KNOWN_YEARS or y in self.complete_years for y in years)
        return sign * count, confirmed


def _base_working(day: date) -> bool:
    """Working day by chinese-calendar alone (outside its years: Monday–Friday less the fixed
    statutory holidays)."""
    if day in _WORKDAY_SET:
        return True
    if day.year not in KNOWN_YEARS and (day.month, day.day) in FIXED_HOLIDAYS:
        return False
    return day.weekday() < 5 and day not in _HOLIDAY_SET


def _fixed_weekday_holidays(first: date, last: date) -> int:
    """Fixed statutory holidays on Monday–Friday after `first` up to `last`, in unknown years."""
    found = 0
    for year in range(first.year, last.year + 1):
        if year in KNOWN_YEARS:
            continue
        for month, day_of_month in FIXED_HOLIDAYS:
            day = date(year, month, day_of_month)
            found += first < day <= last and day.weekday() < 5
    return found


def _weekdays_through(day: date) -> int:
    """Mondays to Fridays from 0001-01-01 (a Monday) through `day`."""
    weeks, rest = divmod(day.toordinal(), 7)
    return weeks * 5 + min(rest, 5)


def _between(days: list[date], first: date, last: date) -> int:
    """How many of the sorted `days` fall after `first` up to and including `last`."""
    return bisect.bisect_right(days, last) - bisect.bisect_right(days, first)


def due_date(limit: Limit, start: date, calendar: WorkingCalendar) -> DueDate:
    """The deadline of `limit` counted from `start` (the day of acceptance)."""
    if limit.unit == "on_the_spot":
        return DueDate(start, calendar.is_confirmed(start))
    if limit.unit == "working_days":
        return calendar.add_working_days(start, limit.value)
    plain = calendar.next_working_day(start + timedelta(days=limit.value))
    return DueDate(plain.date, plain.confirmed and calendar.is_confirmed(start))


def parse_overrides(text: str, name: str) -> tuple[dict[date, bool], set[int]]:
    """Overrides and complete years from an overrides TOML text; raise `CalendarError`."""
    try:
        data = toml.loads(text)
    except toml.TOMLDecodeError as exc:
        raise CalendarError(f"{name}: invalid TOML: {exc}") from exc
    years = data.get("complete_years", [])
    if not isinstance(years, list) or not all(isinstance(y, int) for y in years):
        raise CalendarError(f"{name}:complete_years: expected a list of years")
    days = data.get("days", [])
    if not isinstance(days, list):
        raise CalendarError(f"{name}:days: expected an array of tables ([[days]])")
    overrides: dict[date, bool] = {}
    for index, entry in enumerate(days):
        where = f"{name}:days[{index}]"
        day, working = (entry.get("date"), entry.get("working")) if isinstance(entry, dict) else (None, None)
        if not isinstance(day, date) or hasattr(day, "hour") or not isinstance(working, bool):
            raise CalendarError(f"{where}: needs date = YYYY-MM-DD and working = true/false")
        overrides[day] = working
    return overrides, set(years)
