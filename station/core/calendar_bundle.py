"""节假日调整 at the station: the hub's calendar bundle installed as an overrides file in the
data folder, and the working-day calendar that due dates are counted on (packaged overrides
plus the installed ones).

Bundle payload: `{"overrides": {"YYYY-MM-DD": "workday" | "holiday"}, "complete_years": [..]}`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from forms import WorkingCalendar
from forms.errors import CalendarError
from forms.workdays import parse_overrides
from station.core.atomic import atomic_write_bytes
from sync.bundles import BundleRefused

OVERRIDES_NAME = "calendar-overrides.toml"
_KINDS = {"workday": True, "holiday": False}
_loaded: dict[Path, tuple[tuple[int, int], WorkingCalendar]] = {}


def overrides_path(data_dir: Path) -> Path:
    return Path(data_dir) / OVERRIDES_NAME


def overrides_toml(payload: dict[str, Any]) -> str:
    """The overrides file for a calendar bundle's payload; BundleRefused when it is malformed."""
    try:
        days = sorted((date.fromisoformat(str(day)), _KINDS[str(kind)])
                      for day, kind in dict(payload.get("overrides", {})).items())
        years = sorted(int(y) for y in payload.get("complete_years", []))
    except (KeyError, TypeError, ValueError):
        raise BundleRefused("节假日调整包内容有误", "the calendar bundle's content is malformed", "malformed") from None
    lines = ["# Installed from the hub's calendar bundle; replaced by the next one.",
             f"complete_years = [{', '.join(str(y) for y in years)}]", ""]
    for day, working in days:
        lines += ["[[days]]", f"date = {day.isoformat()}", f"working = {'true' if working else 'false'}", ""]
    text = "\n".join(lines)
    try:
        parse_overrides(text, OVERRIDES_NAME)
    except CalendarError:
        raise BundleRefused("节假日调整包内容有误", "the calendar bundle's content is malformed", "malformed") from None
    return text


def install_overrides(data_dir: Path, payload: dict[str, Any]) -> Path:
    """Write the bundle's overrides atomically into the data folder; its path."""
    path = overrides_path(data_dir)
    atomic_write_bytes(path, overrides_toml(payload).encode("utf-8"))
    return path


def station_calendar(data_dir: Path) -> WorkingCalendar:
    """The calendar due dates are counted on; reloaded when the installed file changes."""
    path = overrides_path(data_dir)
    status = path.stat() if path.is_file() else None
    stamp = (status.st_mtime_ns, status.st_size) if status is not None else (-1, -1)
    cached = _loaded.get(path)
    if cached is None or cached[0] != stamp:
        cached = (stamp, WorkingCalendar.load(extra=path if status is not None else None))
        _loaded[path] = cached
    return cached[1]


__all__ = ["OVERRIDES_NAME", "install_overrides", "overrides_path", "overrides_toml", "station_calendar"]
