"""The city of the hub's figure tests: stations of all four point types in three districts,
the applications they send and the departments' decisions, each counted by hand in the tests
that use them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.hub import reconcile
from sync.hub.ingest import Ingestor
from sync.hub.store import HubStore, Place
from tests.sync.helpers import enrol_key, entry, seal_entries

CARD = {"id_card": "satisfied_by_card"}
PAPER = {"household_register": "provided"}
STATIONS = {  # code: (district, point type, town)
    "XH0001": ("330106", "community", "330106004"),
    "XH0002": ("330106", "police", "330106004"),
    "BJ0001": ("330108", "bank", "330108001"),
    "YH0001": ("330110", "village", "330110005"),
}
# name: station, item, day, due date, materials, extra record fields
APPLICATIONS: dict[str, tuple[str, str, str, str | None, dict[str, str], dict[str, Any]]] = {
    "c1": ("XH0001", "HZ-GA-004", "2026-11-02", "2026-11-10", CARD, {}),
    "c2": ("XH0001", "HZ-GA-004", "2026-11-02", "2026-11-10", PAPER, {}),
    "c3": ("XH0001", "HZ-MZ-001", "2026-11-03", "2026-11-20", CARD, {"rongque_deadline": "2026-11-10"}),
    "c4": ("XH0001", "HZ-MZ-001", "2026-11-16", "2026-12-05", CARD, {"values": {"by_proxy": True}}),
    "p1": ("XH0002", "HZ-GA-010", "2026-11-04", None, CARD, {}),
    "p2": ("XH0002", "HZ-GA-010", "2026-10-28", "2026-11-03", CARD, {}),
    "b1": ("BJ0001", "HZ-GJJ-001", "2026-11-05", "2026-11-06", CARD, {}),
    "b2": ("BJ0001", "HZ-GJJ-001", "2026-11-20", "2026-11-25", PAPER, {"rongque_deadline": "2026-11-27"}),
    "v1": ("YH0001", "HZ-RS-002", "2026-11-10", "2026-11-17", CARD, {"values": {"by_proxy": True}}),
    "v2": ("YH0001", "HZ-RS-002", "2026-11-10", None, CARD, {"status": "voided"}),
}
# the departments' decisions, in order: (day, application, status)
DECISIONS = [("2026-11-03", "p2", "completed"), ("2026-11-04", "p1", "completed"),
             ("2026-11-05", "c2", "needs_amendment"), ("2026-11-06", "b1", "completed"),
             ("2026-11-09", "c1", "completed"), ("2026-11-12", "v1", "needs_amendment"),
             ("2026-11-12", "c2", "completed")]
NOVEMBER = {"start": date(2026, 11, 1), "end": date(2026, 11, 30)}


def app_id(name: str) -> str:
    return f"00000000-0000-7000-8000-{name.encode().hex():0>12}"


def fill_city(hub: HubStore) -> None:
    ingest = Ingestor(hub)
    for code, (district, point_type, town) in STATIONS.items():
        key = Ed25519PrivateKey.generate()
        enrol_key(hub, code, hub.add_station(code, code, place=Place(district, point_type, town)), key)
        mine = [(n, a) for n, a in APPLICATIONS.items() if a[0] == code]
        entries = [entry(seq, code, item=item, app_id=app_id(name), day=day, due_date=due, materials=materials,
                         **extra)
                   for seq, (name, (_s, item, day, due, materials, extra)) in enumerate(mine, start=1)]
        assert ingest.ingest(seal_entries(key, hub.public, entries,
                                          station=code), "http").status == "stored"
    reconcile.refresh_applications()
    for day, name, status in DECISIONS:
        hub.clock = lambda day=day: datetime.fromisoformat(f"{day}T10:00:00+00:00")
        reconcile.set_status(hub, APPLICATIONS[name][0], [{"application_id": app_id(name), "status": status}],
                             "部门")


def counts(row: Any) -> tuple[int, ...]:
    return (row.applications, row.card_only, row.near_home, row.completed, row.first_time,
            row.completed_with_due, row.on_time, row.overdue, row.amended, row.on_the_spot, row.rongque,
            row.proxy)
