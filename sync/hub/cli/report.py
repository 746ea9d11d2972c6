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
    """The city report by district and point type, aggregated by the hub's database. / 城市报告"""
    import dataclasses

    import reports
    from reports.errors import HubDataError
    from sync.hub.queries import city_figures
    from sync.hub.rating_queries import rating_figures

    first, last = (start.date() if start else None), (end.date() if end else None)
    with hub_connection(hub_db) as connection:
        figures = city_figures(connection, start=first, end=last, generated_at=datetime.now(CST))
        try:
            figures = dataclasses.replace(figures, ratings=rating_figures(connection, first, last))
        except HubDataError as error:  # a reporting copy with the application table alone
            click.echo(f"好差评未列入报告：{error.message_zh} / ratings left out: {error.message_en}", err=True)
    write(pdf_path, reports.city_pdf(figures), "城市报告")
    if as_json:
        emit_json(city_json(figures))


def city_json(figures: Any) -> dict[str, Any]:
    def row(r: Any) -> dict[str, Any]:
        return {"key": r.key, "label": r.label, "applications": r.applications,
                "card_only": r.card_only, "near_home": r.near_home, "completed": r.completed,
                "on_time": r.on_time, "amended": r.amended}

    return {"total": row(figures.total), "by_district": [row(r) for r in figures.by_district],
            **({"ratings": ratings_json(figures.ratings)} if figures.ratings is not None else {}),
            "by_point_type": [row(r) for r in figures.by_point_type],
            "start": figures.start.isoformat() if isinstance(figures.start, date) else None,
            "end": figures.end.isoformat() if isinstance(figures.end, date) else None}


def ratings_json(ratings: Any) -> dict[str, Any]:
    """The city report's 好差评 as JSON: counts by level per station and per operator."""
    def row(r: Any) -> dict[str, Any]:
        return {"key": r.key, "label": r.label, "count": r.count, "bad": r.bad,
                "levels": {str(level): r.levels.get(level, 0) for level in (5, 4, 3, 2, 1)}}

    return {"by_station": [row(r) for r in ratings.by_station], "by_operator": [row(r) for r in ratings.by_operator],
            "open_follow_ups": ratings.open_follow_ups, "overdue_follow_ups": ratings.overdue_follow_ups}
