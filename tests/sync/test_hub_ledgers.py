"""The hub's side of reconciliation, read with SQL from a real hub database."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from reports import DocumentInputError, HubDataError, reconcile_pdf
from station.core.clock import CST
from sync.hub.models import HubBatch, HubGap, HubQuarantine, HubRange
from sync.hub.queries import hub_ledgers
from sync.hub.store import initialise_hub
from tests.reports.helpers import pdf_text, render_pages

NOW = "2026-11-26T10:00:00+00:00"


@pytest.fixture
def hub_db(tmp_path: Path) -> Path:
    path = tmp_path / "hub.db"
    hub = initialise_hub(tmp_path / "hub", f"sqlite://{path}")
    hub.add_station("XH0001", "德加社区")
    hub.add_station("BJ0007", "滨江银行网点")
    HubRange.create(station="XH0001", first_seq=1, last_seq=40)
    HubRange.create(station="XH0001", first_seq=45, last_seq=60)
    HubGap.create(station="XH0001", first_seq=41, last_seq=44, detected_at=NOW)
    HubGap.create(station="XH0001", first_seq=5, last_seq=6, detected_at=NOW, filled_at=NOW)
    HubQuarantine.create(received_at=NOW, via="folder", station="XH0001", reason="bad_signature",
                         message_zh="签名无效", message_en="bad signature", sha256="0" * 64, size=3, data=b"xyz")
    for number in (1, 2):
        HubBatch.create(batch_id=f"{number:064d}", station="XH0001", batch_no=number, first_seq=1,
                        last_seq=40, count=40, prev_batch="0" * 64, body_sha256="0" * 64, created_at=NOW,
                        received_at=NOW, via="http", new_records=40, audit_seq=1, audit_hash="0" * 64)
    hub.close()
    return path


def test_hub_ledgers_from_the_hub_tables(hub_db: Path, tmp_path: Path) -> None:
    with sqlite3.connect(hub_db) as connection:
        ledgers = {ledger.code: ledger for ledger in hub_ledgers(connection)}
        (only,) = hub_ledgers(connection, "BJ0007")
        with pytest.raises(DocumentInputError):
            hub_ledgers(connection, "NOPE0000")
    xh = ledgers["XH0001"]
    assert xh.held == ((1, 40), (45, 60)) and xh.open_gaps == ((41, 44),)
    assert (xh.quarantined, xh.batches, xh.highest, xh.name) == (1, 2, 60, "德加社区")
    assert only.code == "BJ0007" and only.held == () and only.status == "pending"
    data = reconcile_pdf(hub=list(ledgers.values()), generated_at=datetime(2026, 11, 26, 18, 0, tzinfo=CST))
    text = pdf_text(data)
    for phrase in ("对账报告", "中心账本", "XH0001", "1–40", "45–60", "41–44", "未补缺号 1 段", "隔离对象 1 个"):
        assert phrase in text, phrase
    assert render_pages(data, tmp_path)


def test_a_database_that_is_not_a_hub() -> None:
    with pytest.raises(HubDataError):
        hub_ledgers(sqlite3.connect(":memory:"))
