"""The SQL behind the city report's 好差评 section: ratings per station and per operator, and the
follow-ups still open, over a DB-API connection to the hub database (sqlite3 or psycopg), as
`sync.hub.queries` reads the rest of the city report."""

from __future__ import annotations

from datetime import date
from typing import Any

from reports.errors import HubDataError
from reports.ratings import CityRatings, RatingCount

_BY_OPERATOR = ("SELECT r.station, COALESCE(s.name, ''), r.operator, r.level, COUNT(*) FROM hub_rating r"
                " LEFT JOIN hub_station s ON s.code = r.station WHERE r.rated_at >= ? AND r.rated_at < ?"
                " GROUP BY r.station, s.name, r.operator, r.level")
_OPEN = "SELECT COUNT(*), SUM(CASE WHEN due_on < ? THEN 1 ELSE 0 END) FROM hub_follow_up WHERE replied_at IS NULL"


def rating_breakdown(connection: Any, start: date | None = None, end: date | None = None,
                   today: date | None = None) -> CityRatings:
    """Ratings given from `start` to `end` (days, inclusive) by station and by operator."""
    since = start.isoformat() if start else ""
    until = date.fromordinal(end.toordinal() + 1).isoformat() if end else "9999"
    stations: dict[str, RatingCount] = {}
    operators: dict[tuple[str, str], RatingCount] = {}
    for station, name, operator, level, count in _rows(connection, _BY_OPERATOR, (since, until)):
        label = f"{name}（{station}）" if name else str(station)
        for row in (stations.setdefault(station, RatingCount(station, label)),
                    operators.setdefault((station, operator), RatingCount(f"{station}/{operator}",
                                                                          f"{label} · {operator or '—'}"))):
            row.levels[int(level)] = row.levels.get(int(level), 0) + int(count)
    ((open_count, overdue),) = _rows(connection, _OPEN, ((today or date.today()).isoformat(),))
    return CityRatings(tuple(sorted(stations.values(), key=lambda r: r.key)),
                       tuple(sorted(operators.values(), key=lambda r: r.key)),
                       int(open_count or 0), int(overdue or 0))


def _rows(connection: Any, sql: str, parameters: tuple[Any, ...]) -> list[tuple[Any, ...]]:
    if not type(connection).__module__.startswith("sqlite3"):
        sql = sql.replace("?", "%s")
    try:
        return [tuple(row) for row in connection.execute(sql, parameters).fetchall()]
    except Exception as exc:  # sqlite3 and psycopg raise unrelated error classes
        raise HubDataError("中心数据库缺少好差评所需的表", f"the hub database cannot answer: {exc}") from exc
