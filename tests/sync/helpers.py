"""Sealed batches made without a station: synthetic outbox entries, keys, a hub folder, and a
station's export of them to a USB folder."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync import seal
from sync.batches import OutboxEntry, cut_batch
from sync.enrolment import make_request
from sync.hub.store import Enrolment, HubStore, initialise_hub
from sync.hubkeys import HubPublicKeys
from sync.seal import GENESIS, BatchMeta, seal_batch
from sync.transport_folder import StationFolder

STATION = "TS0001"


def enrol_key(hub: HubStore, code: str, token: str, key: Ed25519PrivateKey, via: str = "http") -> Enrolment:
    """Enrol `key` for `code` at `hub` with a signed request, as a station does."""
    return hub.enrol(code, make_request(key, code, token, hub.public, via, datetime.now(UTC)), via)
CREATED = "2026-11-26T09:30:00+08:00"


def entry(seq: int, station: str = STATION, item: str = "JZZ-SL", version: str = "builtin-1",
          kind: str = "submitted", app_id: str | None = None, **changes: object) -> OutboxEntry:
    """A synthetic outbox event carrying a plausible application snapshot; `changes` replace
    fields of the snapshot (its day, due date, values...)."""
    app_id = app_id or str(uuid.UUID(int=seq))
    record = {"id": app_id, "station": station, "receipt_number": f"{station}-20261126-{seq:04d}",
              "item_code": item, "item_name": "居住证申领", "catalog_version": version,
              "applicant": {"kind": "person", "id": "330106199001011234", "name": "测试人",
                            "representative_id": None},
              "values": {"phone": "13800000000", "address": "浙江省杭州市西湖区文一路1号"},
              "provenance": {"phone": "typed"}, "materials": {}, "attachments": [],
              "status": kind, "status_message": None, "submitted_at": CREATED, "day": "2026-11-26",
              "due_date": None, "rongque_deadline": None, "operator": "wang",
              "content_hash": f"{seq:064x}"} | changes
    return OutboxEntry(seq, kind, app_id, CREATED, seq, f"{seq:064x}", record)


def rated_entry(seq: int, of_seq: int, level: int, channel: str = "counter", station: str = STATION) -> OutboxEntry:
    """A station's 好差评 of the application `entry(of_seq)` submitted, as its outbox carries it."""
    submitted = entry(of_seq, station)
    record = {**submitted.record, "status": "submitted",
              "rating": {"level": level, "reasons": ["attitude"] if level <= 2 else [], "text": "",
                         "channel": channel, "rated_at": "2026-11-26T10:00:00+08:00"}}
    return OutboxEntry(seq, "rated", submitted.application_id, CREATED, seq, f"{seq:064x}", record)


def sealed_batch(key: Ed25519PrivateKey, hub: HubPublicKeys, first: int, last: int,
                 batch_no: int = 1, prev: str = GENESIS, station: str = STATION,
                 version: str = "builtin-1", item: str = "JZZ-SL",
                 entries: list[OutboxEntry] | None = None) -> bytes:
    """Seal events first..last (applications of `item`, unless `entries` are given) as one batch."""
    return seal_entries(key, hub, entries or [entry(s, station, item, version) for s in range(first, last + 1)],
                        batch_no, prev, station)


def seal_entries(key: Ed25519PrivateKey, hub: HubPublicKeys, entries: list[OutboxEntry],
                 batch_no: int = 1, prev: str = GENESIS, station: str = STATION) -> bytes:
    """Seal `entries` (consecutive sequence numbers) as one batch."""
    body = cut_batch(entries)
    assert body is not None
    meta = BatchMeta(station, batch_no, entries[0].seq, entries[-1].seq, prev, body.catalog_versions,
                     body.audit_head, CREATED)
    return seal_batch(meta, body.body, key, hub)


def postgres_url() -> str | None:
    return os.environ.get("JIUJIN_TEST_POSTGRES_URL")


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A private schema for one test (xdist-safe); its URL, dropped afterwards."""
    base = postgres_url()
    if not base:
        pytest.skip("JIUJIN_TEST_POSTGRES_URL is not set (make test starts PostgreSQL)")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    schema = f"t_{worker}_{uuid.uuid4().hex[:10]}"
    try:
        yield f"{base}?schema={schema}"
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@contextmanager
def hub_database(kind: str, tmp_path: Path) -> Iterator[str]:
    """A database URL of `kind` ("sqlite" or "postgres") for one test."""
    if kind == "sqlite":
        yield f"sqlite://{tmp_path / 'hub.db'}"
    else:
        with postgres_schema() as url:
            yield url


def new_hub(folder: Path, url: str) -> HubStore:
    return initialise_hub(folder, url)


# id, station, district, point_type, item, day, status, card_only, due, completed, amendments
#: Rows of the city table (`sync.hub.queries.CITY_TABLE_DDL`) with hand-computed figures.
CITY_ROWS = [
    ("a1", "XH0001", "330106", "community", "HZ-GA-004", "2026-11-02", "completed", 1, "2026-11-10", "2026-11-09", 0),
    ("a2", "XH0001", "330106", "community", "HZ-GA-004", "2026-11-02", "completed", 1, "2026-11-10", "2026-11-12", 1),
    ("a3", "XH0001", "330106", "community", "HZ-MZ-001", "2026-11-03", "delivered", 1, "2026-11-20", None, 0),
    ("a4", "XH0001", "330106", "community", "HZ-MZ-001", "2026-11-03", "needs_amendment", 0, "2026-11-20", None, 2),
    ("b1", "BJ0007", "330108", "bank", "HZ-GJJ-001", "2026-11-04", "completed", 1, None, "2026-11-04", 0),
    ("b2", "BJ0007", "330108", "bank", "HZ-GJJ-001", "2026-11-05", "submitted", 0, "2026-11-12", None, 0),
    ("h1", "QT0001", "330106", "district_hall", "HZ-GA-004", "2026-11-05", "submitted", 0, "2026-11-12", None, 0),
    ("v1", "XH0001", "330106", "community", "HZ-GA-004", "2026-11-05", "voided", 1, None, None, 0),
    ("o1", "BJ0007", "330108", "bank", "HZ-GJJ-001", "2026-10-30", "completed", 1, "2026-11-01", "2026-11-01", 0),
]


def export(root: Path, key: Ed25519PrivateKey, hub: HubStore, batches: int) -> StationFolder:
    folder = StationFolder(root, STATION)
    objects, prev = [], seal.GENESIS
    for number in range(1, batches + 1):
        data = sealed_batch(key, hub.public, number * 10 - 9, number * 10, number, prev)
        prev = seal.read(data).object_id
        objects.append(folder.write_object(f"batches/batch-{number:06d}.jjs", data, "batch", prev,
                                           (number, number * 10 - 9, number * 10)))
    folder.write_manifest(objects, "2026-11-26T10:00:00+08:00")
    return folder
