"""`jiujin report city` and `jiujin report reconcile --hub-db`: the hub's reports as PDF.

They read the hub's database directly (read-only), so they run wherever the database can
be reached, without a hub folder.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

import click

from sync.hub.cli.common import emit_json

F = TypeVar("F", bound=Callable[..., Any])
DATE = click.DateTime(["%Y-%m-%d"])
#: Report times are China Standard Time, as at the stations.
CST = timezone(timedelta(hours=8), "CST")


@contextmanager
def hub_connection(url: str) -> Iterator[Any]:
    """The hub database at `url`, read-only; a bad URL or a missing file is a usage error."""
    from sync.hub.db import reporting_connection

    try:
        with reporting_connection(url) as connection:
            yield connection
    except FileNotFoundError as exc:
        raise click.BadParameter(f"no hub database at {exc.args[0]} / 找不到中心数据库") from None
    except ValueError as exc:
        raise click.BadParameter(f"{exc} / 无法识别的数据库地址") from None


def write(path: str, data: bytes, what: str) -> None:
    Path(path).write_bytes(data)
    click.echo(f"{what} → {path}")


def hub_reconcile_pdf(pdf_path: str, hub_db: str, station_code: str | None) -> None:
    """The hub's ledger of every station (or one) as the reconciliation report."""
    import reports
    from sync.hub.queries import hub_ledgers

    with hub_connection(hub_db) as connection:
        ledgers = hub_ledgers(connection, station_code)
    write(pdf_path, reports.reconcile_pdf(hub=ledgers, generated_at=datetime.now(CST)), "对账报告")


@click.command("city")
@click.option("--pdf", "pdf_path", required=True, type=click.Path(dir_okay=False))
@click.option("--hub-db", envvar="JIUJIN_HUB_DB", required=True, help="The hub's database URL.")
@click.option("--from", "start", type=DATE, default=None, help="First day (YYYY-MM-DD).")
@click.option("--to", "end", type=DATE, default=None, help="Last day (YYYY-MM-DD).")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON too.")
def city(pdf_path: str, hub_db: str, start: datetime | None, end: datetime | None,
         as_json: bool) -> None:
    """The city report: the catalog's measures, then cases by district, point type, department
    and month, aggregated by the hub's database (docs/metrics.md). / 城市报告"""
    import dataclasses

    import reports
    from forms import load_catalog
    from reports.errors import HubDataError
    from sync.hub.queries import active_stations, catalog_figures, city_figures, rating_figures
    from sync.hub.rating_queries import rating_breakdown

    first, last = (start.date() if start else None), (end.date() if end else None)
    now = datetime.now(CST)
    with hub_connection(hub_db) as connection:
        measures = catalog_figures(load_catalog(), last or now.date(), active_stations(connection))
        figures = city_figures(connection, start=first, end=last, generated_at=now, as_of=last or now.date(),
                               catalog=measures, ratings=rating_figures(connection, start=first, end=last))
        try:
            figures = dataclasses.replace(figures, rating_detail=rating_breakdown(connection, first, last))
        except HubDataError as error:  # a reporting copy with the application table alone
            click.echo(f"好差评明细未列入报告：{error.message_zh} / ratings by station left out: {error.message_en}",
                       err=True)
    write(pdf_path, reports.city_pdf(figures), "城市报告")
    if as_json:
        emit_json(city_json(figures))


@click.command("street")
@click.option("--pdf", "pdf_path", required=True, type=click.Path(dir_okay=False))
@click.option("--hub-db", envvar="JIUJIN_HUB_DB", required=True, help="The hub's database URL.")
@click.option("--town", required=True, help="The town's (乡镇街道) 9-digit code, e.g. 330106004.")
@click.option("--month", required=True, help="The month, YYYY-MM.")
@click.option("--json", "as_json", is_flag=True, help="Print the table as JSON too.")
def street(pdf_path: str, hub_db: str, town: str, month: str, as_json: bool) -> None:
    """A street office's month: cases by department, on the spot, 容缺 and 代办. / 街道月报"""
    from reports.street import street_pdf
    from sync.hub.queries import street_month

    now = datetime.now(CST)
    with hub_connection(hub_db) as connection:
        table = street_month(connection, town, month, as_of=now.date(), generated_at=now)
    write(pdf_path, street_pdf(table), "街道月报")
    if as_json:
        emit_json({"town": table.town, "month": table.month, "stations": list(table.stations),
                   "total": row_json(table.total), "by_department": [row_json(r) for r in table.by_department]})


def row_json(r: Any) -> dict[str, Any]:
    """A report row's counts and rates as JSON."""
    counts = {name: getattr(r, name) for name in (
        "key", "label", "applications", "card_only", "near_home", "completed", "first_time",
        "completed_with_due", "on_time", "overdue", "amended", "on_the_spot", "rongque", "proxy")}
    return counts | {"rates": {name: getattr(r, f"{name}_rate") for name in (
        "card_only", "near_home", "first_time", "on_time", "amendment")}}


def city_json(figures: Any) -> dict[str, Any]:
    catalog, ratings = figures.catalog, figures.ratings
    return {"total": row_json(figures.total),
            "by_district": [row_json(r) for r in figures.by_district],
            "by_point_type": [row_json(r) for r in figures.by_point_type],
            "by_department": [row_json(r) for r in figures.by_department],
            "by_month": [row_json(r) for r in figures.by_month],
            "start": figures.start.isoformat() if isinstance(figures.start, date) else None,
            "end": figures.end.isoformat() if isinstance(figures.end, date) else None,
            "as_of": figures.as_of.isoformat() if isinstance(figures.as_of, date) else None,
            "catalog": None if catalog is None else {
                "on": catalog.on.isoformat(), "personal": catalog.personal, "card_only": catalog.card_only,
                "zero_visit": catalog.zero_visit, "doable_at": catalog.doable_at, "stations": catalog.stations,
                "near_rate": catalog.near_rate_city, "card_only_rate": catalog.card_only_rate,
                "zero_visit_rate": catalog.zero_visit_rate},
            "ratings": None if ratings is None else {
                "by_level": {str(k): v for k, v in sorted(ratings.by_level.items())},
                "rated": ratings.rated, "good_rate": ratings.good_rate, "bad": ratings.bad},
            "rating_detail": None if figures.rating_detail is None else ratings_json(figures.rating_detail)}


def ratings_json(ratings: Any) -> dict[str, Any]:
    """The city report's 好差评 by station and operator as JSON: counts by level, follow-ups."""
    def row(r: Any) -> dict[str, Any]:
        return {"key": r.key, "label": r.label, "count": r.count, "bad": r.bad,
                "levels": {str(level): r.levels.get(level, 0) for level in (5, 4, 3, 2, 1)}}

    return {"by_station": [row(r) for r in ratings.by_station], "by_operator": [row(r) for r in ratings.by_operator],
            "open_follow_ups": ratings.open_follow_ups, "overdue_follow_ups": ratings.overdue_follow_ups}
