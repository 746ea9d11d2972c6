"""The hub's side of the citizens' pages on SQLite and PostgreSQL: tokens name one case, a
lookup needs the ID tail and is rate limited, stations' ratings arrive through signed batches,
one rating per case wins, bad ones open follow-ups due in 15 working days, and the city
report's SQL counts them."""

from __future__ import annotations

import json
from datetime import date

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from forms.workdays import WorkingCalendar
from kernel.ratings import Rating
from reports import sign_payload
from sync.hub import citizen_cases as cases
from sync.hub import ratings, reconcile
from sync.hub.db import reporting_connection
from sync.hub.ingest import Ingestor
from sync.hub.models import HubAction, HubCaseKey, HubFollowUp, HubLookupAttempt
from sync.hub.rating_queries import rating_breakdown as rating_figures
from sync.hub.store import HubStore
from tests.sync.helpers import STATION, entry, rated_entry, sealed_batch


def _receive(hub: HubStore, ingestor: Ingestor, key: Ed25519PrivateKey) -> None:
    """Submissions 1–3, then a bad counter rating of #1 and a good kiosk rating of #2."""
    first = ingestor.ingest(sealed_batch(key, hub.public, 1, 3), "http")
    assert first.status == "stored"
    rated = [rated_entry(4, 1, 1), rated_entry(5, 2, 5, "kiosk")]
    second = ingestor.ingest(sealed_batch(key, hub.public, 4, 5, 2, str(first.object_id), entries=rated), "http")
    assert second.status == "stored", second.reason


def test_tokens_name_exactly_one_case(hub: HubStore, enrolled: str, station_key: Ed25519PrivateKey) -> None:
    case_1 = entry(1)
    token = sign_payload(case_1.record["receipt_number"], case_1.application_id, station_key)
    assert cases.application_of(hub, token) == case_1.application_id
    forged = sign_payload(case_1.record["receipt_number"], case_1.application_id, Ed25519PrivateKey.generate())
    assert cases.application_of(hub, forged) is None
    own = cases.hub_token(hub, case_1.application_id)
    assert cases.application_of(hub, own) == case_1.application_id
    assert cases.application_of(hub, own.replace(own[6], "f" if own[6] != "f" else "e", 1)) is None
    assert cases.application_of(hub, "JJH1:" + "x" * 400) is None


def test_lookup_needs_the_id_tail_and_is_limited(hub: HubStore, enrolled: str, ingestor: Ingestor,
                                                  station_key: Ed25519PrivateKey) -> None:
    _receive(hub, ingestor, station_key)
    number, app_id = entry(2).record["receipt_number"], entry(2).application_id
    assert cases.find(number, "1234") == app_id and cases.find(number.lower(), "1234") == app_id
    assert cases.find(number, "1235") is None and cases.find(number[:-1] + "9", "1234") is None
    assert all("1234" not in key.id_tail_digest for key in HubCaseKey.select())
    verdicts = [cases.allowed(hub, "203.0.113.7", number) for _ in range(cases.RECEIPT_LIMIT[0] + 1)]
    assert verdicts == [True] * cases.RECEIPT_LIMIT[0] + [False]
    assert cases.allowed(hub, "203.0.113.8", entry(3).record["receipt_number"])
    buckets = {a.bucket for a in HubLookupAttempt.select()}
    assert not any("203.0.113" in b or number in b for b in buckets)


def test_station_ratings_arrive_in_batches_and_bad_ones_open_follow_ups(
        hub: HubStore, enrolled: str, ingestor: Ingestor, station_key: Ed25519PrivateKey) -> None:
    _receive(hub, ingestor, station_key)
    reconcile.reconcile_all(hub)  # the hub's regular pass takes the stations' ratings in
    bad, good = ratings.given(entry(1).application_id), ratings.given(entry(2).application_id)
    assert bad is not None and (bad.rating.level, bad.rating.channel, bad.rating.reasons) == (1, "counter", ("attitude",))
    assert good is not None and good.due_on is None and good.rating.channel == "kiosk"
    (follow,) = HubFollowUp.select()
    due = WorkingCalendar.load().add_working_days(date(2026, 11, 26), 15).date
    assert (follow.application_id, follow.due_on) == (entry(1).application_id, due.isoformat())
    assert not ratings.rate(hub, entry(1).application_id, STATION, "wang", Rating(5))  # once per case
    assert ratings.given(entry(1).application_id).rating.level == 1  # type: ignore[union-attr]
    assert ratings.absorb(hub) == 0  # nothing new: taken once
    ratings.reply(hub, follow.id, "已回访并致歉", "hub-ops")
    assert ratings.follow_ups(open_only=True) == []
    actions = [(a.action, json.loads(a.details)) for a in HubAction.select().order_by(HubAction.id)]
    assert ("rating.duplicate", {"channel": "web", "level": 5}) in actions


def test_the_city_reports_sql_counts_ratings_by_station_and_operator(
        hub: HubStore, enrolled: str, ingestor: Ingestor, station_key: Ed25519PrivateKey, db_url: str) -> None:
    _receive(hub, ingestor, station_key)
    ratings.absorb(hub)
    ratings.rate(hub, entry(3).application_id, STATION, "li", Rating(3, ("guide",), "", "web"))
    with reporting_connection(db_url) as connection:
        city = rating_figures(connection, date(2026, 11, 1), None, today=date(2027, 1, 31))
        later = rating_figures(connection, date(2030, 1, 1))
    assert [(r.key, r.levels, r.bad) for r in city.by_station] == [(STATION, {1: 1, 5: 1, 3: 1}, 1)]
    assert [(r.key, r.count) for r in city.by_operator] == [(f"{STATION}/li", 1), (f"{STATION}/wang", 2)]
    assert (city.open_follow_ups, city.overdue_follow_ups) == (1, 1)
    assert later.by_station == ()
