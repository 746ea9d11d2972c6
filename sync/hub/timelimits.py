"""办结时限 at the hub: each case's promised and legal limits from the catalog, counted in
working days from the day the point accepted it, with the days spent waiting for 补正 added.

The clock stops on the day a department asks for 补正 and starts again the day after the
补交 reaches the hub: the working days after the request up to and including the 补交 day
do not count (for limits in calendar days, the calendar days).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from forms.models import Item, Limit
from forms.workdays import WorkingCalendar


@dataclass(frozen=True)
class CaseLimits:
    """A case's promised and legal limits (None when the catalog has none), each with its unit
    (working_days | days | on_the_spot)."""

    promised: int | None
    promised_unit: str
    legal: int | None
    legal_unit: str


@dataclass(frozen=True)
class Pause:
    """How long a case waited for 补正: in working days and in calendar days."""

    working: int = 0
    calendar: int = 0


@cache
def _catalog_items() -> dict[tuple[str, str], Item]:
    from forms import load_catalog

    catalog = load_catalog()
    return {(item.code, item.version): item for code in catalog.codes() for item in catalog.versions(code)}


@cache
def calendar() -> WorkingCalendar:
    return WorkingCalendar.load()


@cache
def catalog_item(code: str, version: str) -> Item | None:
    """The catalog's item at this version, else its newest version, else None."""
    items = _catalog_items()
    found = items.get((code, version))
    if found is None:
        versions = sorted((v for (c, v) in items if c == code), reverse=True)
        found = items[(code, versions[0])] if versions else None
    return found


def department_of(code: str, version: str) -> str | None:
    """The deciding department's slug for an item, from the catalog."""
    item = catalog_item(code, version)
    return item.department if item is not None else None


def limits(code: str, version: str) -> CaseLimits:
    item = catalog_item(code, version)
    if item is None:
        return CaseLimits(None, "working_days", None, "working_days")
    promised: Limit = item.promised_limit
    legal = item.legal_limit
    return CaseLimits(promised.value, promised.unit, legal.value if legal else None,
                      legal.unit if legal else "working_days")


def due(value: int | None, unit: str, start: date, pause: Pause) -> date | None:
    """The deadline `value` units after `start`, moved on by the time spent waiting for 补正."""
    if value is None:
        return None
    if unit == "working_days":
        return calendar().add_working_days(start, value + pause.working).date
    if unit == "days":
        return calendar().next_working_day(start + timedelta(days=value + pause.calendar)).date
    return calendar().add_working_days(start, pause.working).date  # on the spot


def paused_between(asked: date, resumed: date) -> Pause:
    """The time the clock stood still: after `asked`, up to and including `resumed`."""
    if resumed <= asked:
        return Pause()
    return Pause(max(calendar().working_days_between(asked, resumed)[0], 0), (resumed - asked).days)
