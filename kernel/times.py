"""Times as people read them: on a station's clock (an IANA zone, Asia/Shanghai by default),
whatever zone the machine showing them is set to — the station's PC or the hub's server."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

CST = timezone(timedelta(hours=8), "CST")
DEFAULT_TIME_ZONE = "Asia/Shanghai"


@cache
def time_zone(name: str = DEFAULT_TIME_ZONE) -> tzinfo:
    """The zone called `name`; China Standard Time for the default when the system has no zone
    database. Raises KeyError for an unknown name."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        if name == DEFAULT_TIME_ZONE:
            return CST
        raise KeyError(name) from None


def local_time(moment: datetime | str | None, zone: tzinfo | None = None, *, seconds: bool = False) -> str:
    """`moment` (a datetime or a stored ISO string) as `YYYY-MM-DD HH:MM` in `zone` (the default
    zone without one); a time stored without a zone is taken as already local; "" for nothing."""
    if moment is None or moment == "":
        return ""
    try:
        when = moment if isinstance(moment, datetime) else datetime.fromisoformat(str(moment))
    except ValueError:
        return str(moment)
    if when.tzinfo is not None:
        when = when.astimezone(zone or time_zone())
    return when.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
