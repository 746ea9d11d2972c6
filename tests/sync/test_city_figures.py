"""The city's figures (docs/metrics.md) from a real hub, SQLite and PostgreSQL: stations of all
four point types in three districts send sealed batches, departments decide, and every figure
is compared with a count made by hand below."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from pathlib import Path

import pytest

from forms import load_catalog
from forms.collection import Catalog
from reports import city_pdf
from reports.street import street_pdf
from station.core.clock import CST
from sync.hub.db import reporting_connection
from sync.hub.queries import (
    active_stations,
    catalog_figures,
    city_figures,
    rating_figures,
    street_month,
)
from sync.hub.store import HubStore
from tests.reports.helpers import pdf_text, render_pages
from tests.sync.city_helpers import NOVEMBER, counts, fill_city


def test_the_city_figures_match_the_hand_count(hub: HubStore, db_url: str, tmp_path: Path) -> None:
    fill_city(hub)
    with reporting_connection(db_url, tmp_path / "hub") as connection:
        figures = city_figures(connection, **NOVEMBER, generated_at=datetime(2026, 12, 1, 8, tzinfo=CST))
        everything = city_figures(connection, as_of=date(2026, 11, 30))
        street = street_month(connection, "330106004", "2026-11", as_of=date(2026, 11, 30),
                              generated_at=datetime(2026, 12, 1, 8, tzinfo=CST))
        stations = active_stations(connection)
        assert rating_figures(connection).rated == 0  # no citizen has rated a case yet
    # November, counted by hand (v2 voided, p2 accepted in October):
    #   cases c1 c2 c3 c4 p1 b1 b2 v1; card only all but c2, b2; all at near points;
    #   completed c1 c2 p1 b1, without 补正 c1 p1 b1; with a due date c1 c2 b1, on time c1 b1;
    #   open past due on 11-30: c3 (11-20) b2 (11-25) v1 (11-17); 补正 c2 v1; on the spot p1;
    #   容缺 c3 b2; 代办 c4 v1.
    assert counts(figures.total) == (8, 6, 8, 4, 3, 3, 2, 3, 2, 1, 2, 2)
    assert figures.total.first_time_rate == pytest.approx(3 / 4)
    assert figures.total.on_time_rate == pytest.approx(2 / 3)
    assert figures.total.near_home_rate == 1.0
    assert figures.as_of == date(2026, 11, 30)
    assert {r.key: (r.label, r.applications) for r in figures.by_district} == {
        "330106": ("西湖区", 5), "330108": ("滨江区", 2), "330110": ("余杭区", 1)}
    points = {r.key: r for r in figures.by_point_type}
    assert {k: r.applications for k, r in points.items()} == {"community": 4, "police": 1, "bank": 2, "village": 1}
    assert counts(points["community"]) == (4, 3, 4, 2, 1, 2, 1, 1, 1, 0, 1, 1)
    assert counts(points["bank"]) == (2, 1, 2, 1, 1, 1, 1, 1, 0, 0, 1, 0)
    departments = {r.key: r for r in figures.by_department}
    assert {k: (r.label, r.applications) for k, r in departments.items()} == {
        "police": ("公安", 3), "civil-affairs": ("民政", 2), "housing-fund": ("住房公积金", 2),
        "human-resources": ("人力资源和社会保障", 1)}
    assert counts(departments["police"]) == (3, 2, 3, 3, 2, 2, 1, 0, 1, 1, 0, 0)
    assert [(r.key, r.applications) for r in figures.by_month] == [("2026-11", 8)]
    # no period: p2 (October, completed on its due day) joins
    assert [(r.key, r.applications) for r in everything.by_month] == [("2026-10", 1), ("2026-11", 8)]
    assert (everything.total.completed_with_due, everything.total.on_time) == (4, 3)
    # 西溪街道: XH0001 and XH0002, November
    assert street.stations == ("XH0001", "XH0002") and (street.town_name, street.district_name) == ("西溪街道", "西湖区")
    by_department = {r.key: r for r in street.by_department}
    assert counts(street.total) == (5, 4, 5, 3, 2, 2, 1, 1, 1, 1, 1, 1)
    assert (by_department["police"].applications, by_department["police"].on_the_spot) == (3, 1)
    assert (by_department["civil-affairs"].rongque, by_department["civil-affairs"].proxy) == (1, 1)
    assert stations == {"community": 1, "police": 1, "bank": 1, "village": 1}


def _small_catalog() -> Catalog:
    """Five personal items and one business item of the shipped catalog, their access known."""
    shipped = load_catalog()
    codes = ("HZ-CL-101", "HZ-GA-101", "HZ-GA-102", "HZ-GA-106", "HZ-GA-123", "HZ-GJJ-113")
    return Catalog([shipped.get(code, on=date(2026, 11, 30)) for code in codes])


def test_the_catalog_measures_match_the_hand_count() -> None:
    # personal items: CL-101 (village, community; paper; 1 visit), GA-101 (police; card; 1),
    # GA-102 (police; paper; 1), GA-106 (village, community, police; card; 0), GA-123 (bank, police; card; 0)
    measures = catalog_figures(_small_catalog(), date(2026, 11, 30),
                               {"community": 2, "police": 1})
    assert measures.personal == 5
    assert measures.doable_at == {"village": 2, "community": 2, "police": 4, "bank": 1}
    assert measures.card_only_rate == pytest.approx(3 / 5)
    assert measures.zero_visit_rate == pytest.approx(2 / 5)
    assert measures.near_rate("police") == pytest.approx(4 / 5)
    assert measures.near_rate_city == pytest.approx((2 * 2 + 4 * 1) / (5 * 3))  # two community points, one police
    unweighted = catalog_figures(_small_catalog(), date(2026, 11, 30))
    assert unweighted.near_rate_city == pytest.approx((2 + 2 + 4 + 1) / 20)


def test_the_city_pdf_states_every_figure(hub: HubStore, db_url: str, tmp_path: Path) -> None:
    fill_city(hub)
    with reporting_connection(db_url, tmp_path / "hub") as connection:
        figures = city_figures(connection, **NOVEMBER, generated_at=datetime(2026, 12, 1, 8, tzinfo=CST),
                               catalog=catalog_figures(_small_catalog(), date(2026, 11, 30), active_stations(connection)),
                               ratings=rating_figures(connection))
        street = street_month(connection, "330106004", "2026-11", as_of=date(2026, 11, 30),
                              generated_at=datetime(2026, 12, 1, 8, tzinfo=CST))
    data = city_pdf(figures)
    text = pdf_text(data)
    for phrase in ("事项目录指标", "就近可办率", "45.0%（目标 target 60%，未达标 below）",
                   "60.0%（目标 target 80%，未达标 below）", "零跑腿率", "40.0%", "一次办结率", "75.0%",
                   "按期办结率", "66.7%", "逾期未办结", "截至 as of 2026-11-30", "1 / 2 / 2", "暂无评价数据",
                   "按部门", "住房公积金", "人力资源和社会保障", "按月份", "2026-11", "余杭区", "银行网点",
                   "第 1 页 / 共"):
        assert phrase in text, phrase
    assert render_pages(data, tmp_path)
    street_text = pdf_text(street_pdf(street))
    for phrase in ("街道便民服务月报", "西湖区 西溪街道（330106004）", "2026-11", "XH0001、XH0002", "公安",
                   "民政", "当场办结", "容缺受理", "代办", "合计"):
        assert phrase in street_text, phrase


def test_ratings_are_read_once_the_hub_keeps_them(tmp_path: Path) -> None:
    """The 好差评 hook: a hub with a `hub_rating` table (issue #19) is read by level."""
    path = tmp_path / "hub.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE hub_application (id TEXT PRIMARY KEY, day TEXT, status TEXT)")
        connection.execute("CREATE TABLE hub_rating (application_id TEXT, level INTEGER)")
        connection.executemany("INSERT INTO hub_application VALUES (?, ?, ?)",
                               [("a", "2026-11-02", "completed"), ("b", "2026-11-03", "completed"),
                                ("c", "2026-11-04", "completed"), ("d", "2026-10-30", "completed")])
        connection.executemany("INSERT INTO hub_rating VALUES (?, ?)", [("a", 5), ("b", 3), ("c", 1), ("d", 2)])
        ratings = rating_figures(connection, start=date(2026, 11, 1), end=date(2026, 11, 30))
    assert ratings is not None and ratings.by_level == {5: 1, 3: 1, 1: 1}
    assert ratings.good_rate == pytest.approx(2 / 3) and ratings.bad == 1
