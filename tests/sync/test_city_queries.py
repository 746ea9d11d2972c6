"""The city report: SQL aggregation by district and point type, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from reports import HubDataError, city_pdf
from station.core.clock import CST
from sync.hub.queries import CITY_COLUMNS, CITY_TABLE_DDL, city_figures
from tests.reports.helpers import A4, page_sizes, pdf_text, render_pages
from tests.sync.helpers import CITY_ROWS


def _fill(connection: Any, mark: str) -> None:
    connection.execute(CITY_TABLE_DDL)
    sql = f"INSERT INTO hub_application ({', '.join(CITY_COLUMNS[:11])}) VALUES ({', '.join([mark] * 11)})"
    for row in CITY_ROWS:
        connection.execute(sql, row)


@pytest.fixture
def sqlite_hub() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:")
    _fill(connection, "?")
    yield connection
    connection.close()


def _check(figures: Any) -> None:
    total = figures.total
    assert (total.applications, total.card_only, total.near_home) == (7, 4, 6)
    # b1 was completed with no due date: it counts as completed, not in 按期办结率
    assert (total.completed, total.completed_with_due, total.on_time, total.amended) == (3, 2, 1, 2)
    assert total.card_only_rate == pytest.approx(4 / 7)
    assert total.on_time_rate == pytest.approx(1 / 2)
    districts = {r.key: r for r in figures.by_district}
    assert districts["330106"].label == "西湖区" and districts["330106"].applications == 5
    assert districts["330108"].label == "滨江区" and districts["330108"].on_time_rate is None
    points = {r.key: r for r in figures.by_point_type}
    assert points["community"].label == "社区便民服务中心" and points["community"].amended == 2
    assert points["district_hall"].near_home_rate == 0.0 and points["bank"].near_home_rate == 1.0
    assert [r.key for r in figures.by_district] == ["330106", "330108"]  # most applications first


def test_city_figures_on_sqlite(sqlite_hub: sqlite3.Connection) -> None:
    _check(city_figures(sqlite_hub, start=date(2026, 11, 1), end=date(2026, 11, 30)))
    assert city_figures(sqlite_hub).total.applications == 8  # no period: October too


@pytest.mark.postgres
def test_city_figures_on_postgresql() -> None:
    psycopg = pytest.importorskip("psycopg")
    from tests.sync.helpers import postgres_schema

    with postgres_schema() as url:
        base, schema = url.split("?schema=")
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f'CREATE SCHEMA "{schema}"')
        with psycopg.connect(base, options=f"-csearch_path={schema}", autocommit=True) as connection:
            _fill(connection, "%s")
            _check(city_figures(connection, start=date(2026, 11, 1), end=date(2026, 11, 30)))


def test_a_hub_without_the_table_is_a_clear_error() -> None:
    with pytest.raises(HubDataError) as caught:
        city_figures(sqlite3.connect(":memory:"))
    assert "hub_application" in caught.value.message("zh")


def test_table_names_are_checked(sqlite_hub: sqlite3.Connection) -> None:
    with pytest.raises(ValueError):
        city_figures(sqlite_hub, table="hub_application; DROP TABLE x")


def test_city_pdf_has_tables_and_charts(sqlite_hub: sqlite3.Connection, tmp_path: Path) -> None:
    figures = city_figures(sqlite_hub, start=date(2026, 11, 1), end=date(2026, 11, 30),
                           generated_at=datetime(2026, 12, 1, 8, 0, tzinfo=CST))
    data = city_pdf(figures)
    text = pdf_text(data)
    for phrase in ("杭州市就近办事报告", "一证通办", "就近受理占比", "按期办结率", "补正率", "西湖区",
                   "滨江区", "银行网点", "社区便民服务中心", "57.1%", "50.0%", "2026-11-01",
                   "各区县申请件数", "各类受理点比率"):
        assert phrase in text, phrase
    assert set(page_sizes(data)) == {A4}
    assert render_pages(data, tmp_path)
