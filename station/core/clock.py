"""Station time: the station's own time zone (`station.time_zone` in station.toml, Asia/Shanghai
unless it says otherwise), injectable for tests. Every time a worker or citizen reads — screens,
documents, reports — is in this zone, whatever zone the machine itself is set to."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, tzinfo

from kernel.times import CST, DEFAULT_TIME_ZONE, local_time, time_zone

Clock = Callable[[], datetime]

__all__ = ["CST", "DEFAULT_TIME_ZONE", "Clock", "local_day", "local_time", "system_clock", "time_zone",
           "zoned_clock"]


def system_clock() -> datetime:
    """The current time in China Standard Time."""
    return datetime.now(CST)


def zoned_clock(zone: tzinfo) -> Clock:
    """A clock telling the current time in `zone`."""
    return lambda: datetime.now(zone)


def local_day(moment: datetime, zone: tzinfo | None = None) -> date:
    """The calendar day of `moment` in `zone`; in the moment's own zone without one (the
    station's clock tells times in the station's zone)."""
    return (moment.astimezone(zone) if zone is not None else moment).date()

