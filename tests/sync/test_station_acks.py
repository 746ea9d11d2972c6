"""Acknowledgements a station applies name the sealed bytes it sent (security review)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from station.core import outbox
from station.core.models import SyncBatch
from station.core.store import StationStore
from station.core.sync_service import PushReport, SyncService
from sync import acks
from sync.errors import AckError
from sync.hub.serve import LocalHub, start_local_hub
from tests.conftest import Sessions
from tests.sync.station_helpers import connect, seed


@pytest.fixture
def local_hub(tmp_path: Path) -> Iterator[LocalHub]:
    hub = start_local_hub(tmp_path / "hub")
    yield hub
    hub.stop()


def _sealed(store: StationStore, sessions: Sessions, hub: LocalHub) -> tuple[SyncService, SyncBatch, bytes]:
    service = connect(store, sessions, hub)
    seed(store, sessions, 3)
    batch = service.seal_pending(sessions.sync_operator)[0]
    return service, batch, service.sealed_bytes(batch)


def test_a_tampered_copys_quarantine_ack_leaves_the_genuine_batch_alone(
        store: StationStore, sessions: Sessions, local_hub: LocalHub) -> None:
    service, batch, genuine = _sealed(store, sessions, local_hub)
    tampered = bytearray(genuine)
    tampered[-100] ^= 1  # inside the ciphertext: the header, hence the batch id, is unchanged
    result = local_hub.service.ingest(bytes(tampered), "folder")  # someone slipped it onto the stick
    assert (result.status, result.object_id) == ("quarantined", batch.batch_id) and result.ack
    report = PushReport()
    service.apply_ack(sessions.sync_operator, result.ack, report)
    # Named as a damaged copy, to be sent again: never quarantined by another copy's answer.
    assert report.damaged == [batch.batch_no] and not report.quarantined
    assert SyncBatch.get_by_id(batch.batch_no).state == "sealed"
    report = service.push(sessions.sync_operator)
    assert report.acknowledged == 1 and outbox.depth() == 0


def test_an_ack_names_the_sha256_of_the_sealed_bytes_received(
        store: StationStore, sessions: Sessions, local_hub: LocalHub) -> None:
    _service, batch, genuine = _sealed(store, sessions, local_hub)
    ack = acks.verify(local_hub.service.ingest(genuine, "folder").ack or b"", local_hub.service.store.public,
                      store.config.code)
    assert ack.document["format"] == "jiujin-ack/2" and ack.object_id == batch.batch_id
    assert ack.sealed_sha256 == hashlib.sha256(genuine).hexdigest()


def _old_ack(hub: LocalHub, code: str, batch: SyncBatch, status: str) -> bytes:
    return acks.sign({"format": "jiujin-ack/1", "station": code, "object_id": batch.batch_id, "kind": "batch",
                      "status": status, "first_seq": batch.first_seq, "last_seq": batch.last_seq,
                      "batch_no": batch.batch_no, "reason": None if status == "stored" else "bad_signature",
                      "held": [[batch.first_seq, batch.last_seq]] if status == "stored" else [],
                      "hub": hub.service.store.fingerprint, "at": "2026-12-04T09:00:00+00:00"},
                     hub.service.store.keys.signing)


def test_an_old_quarantine_ack_is_refused_and_an_old_success_still_read(
        store: StationStore, sessions: Sessions, local_hub: LocalHub) -> None:
    service, batch, _ = _sealed(store, sessions, local_hub)
    with pytest.raises(AckError):
        service.apply_ack(sessions.sync_operator, _old_ack(local_hub, store.config.code, batch, "quarantined"))
    assert SyncBatch.get_by_id(batch.batch_no).state == "sealed"
    service.apply_ack(sessions.sync_operator, _old_ack(local_hub, store.config.code, batch, "stored"))
    assert SyncBatch.get_by_id(batch.batch_no).state == "acknowledged" and outbox.depth() == 0


def test_an_acknowledgement_nested_past_any_depth_is_refused_as_a_bad_one() -> None:
    """A hostile peer's answer of 100,000 nested brackets: the station refuses it as it refuses
    any malformed acknowledgement (AckError), rather than failing with another error."""
    from tests.sync.make_vectors import keys

    _station, _hpke, hub = keys()
    nested = b'{"document": ' + b"[" * 100_000 + b"]" * 100_000 + b', "signature": ""}'
    with pytest.raises(AckError):
        acks.verify(nested, hub, "TS0001")
