"""Station time: China Standard Time (UTC+8, no daylight saving), injectable for tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone

CST = timezone(timedelta(hours=8), "CST")

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The current time in China Standard Time."""
    return datetime.now(CST)


def local_day(moment: datetime) -> date:
    """The calendar day of `moment` in China Standard Time."""
    return moment.astimezone(CST).date()
