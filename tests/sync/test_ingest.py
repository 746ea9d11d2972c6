"""Hub ingest on SQLite and PostgreSQL: exactly once, gaps, out of order, and quarantine."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync import acks, seal
from sync.batches import OutboxEntry, cut_batch
from sync.errors import AckError, EnrolmentError
from sync.hub import reconcile
from sync.hub.ingest import Ingestor
from sync.hub.models import HubApplication, HubQuarantine, HubRecord
from sync.hub.store import HubStore
from tests.sync.helpers import (
    CREATED,
    GENESIS,
    STATION,
    enrol_key,
    entry,
    seal_entries,
    sealed_batch,
)

pytestmark = pytest.mark.usefixtures("enrolled")


def test_a_batch_is_stored_once_and_a_resend_is_a_success_with_no_effect(
        hub: HubStore, ingestor: Ingestor, station_key: Ed25519PrivateKey) -> None:
    batch = sealed_batch(station_key, hub.public, 1, 300)
    first = ingestor.ingest(batch, "test")
    assert (first.status, first.new_records) == ("stored", 300)
    again = ingestor.ingest(batch, "test")
    assert (again.status, again.new_records) == ("duplicate", 0)
    assert HubRecord.select().count() == 300
    ack = acks.verify(again.ack or b"", hub.public, STATION)
    assert ack.ok and ack.held == [(1, 300)] and ack.object_id == first.object_id


def test_gaps_are_recorded_and_filled_out_of_order(
        hub: HubStore, ingestor: Ingestor, station_key: Ed25519PrivateKey) -> None:
    one = sealed_batch(station_key, hub.public, 1, 10, 1)
    two = sealed_batch(station_key, hub.public, 11, 20, 2, seal.read(one).object_id)
    three = sealed_batch(station_key, hub.public, 21, 30, 3, seal.read(two).object_id)
    def held_in_ack(batch: bytes) -> list[tuple[int, int]]:
        result = ingestor.ingest(batch, "test")
        assert result.ok
        return acks.verify(result.ack or b"", hub.public, STATION).held

    assert held_in_ack(three) == [(21, 30)]
    assert hub.open_gaps(STATION) == [(1, 20)]
    assert held_in_ack(one) == [(1, 10), (21, 30)]
    assert hub.open_gaps(STATION) == [(11, 20)]
    assert held_in_ack(two) == [(1, 30)]
    assert hub.open_gaps(STATION) == [] and hub.held_ranges(STATION) == [(1, 30)]
    stats = hub.stats()["stations"][0]
    assert (stats["records"], stats["batches"], stats["high_seq"]) == (30, 3, 30)


def test_a_batch_that_does_not_chain_to_the_batches_held_on_either_side_is_quarantined(
        hub: HubStore, ingestor: Ingestor, station_key: Ed25519PrivateKey) -> None:
    one = sealed_batch(station_key, hub.public, 1, 10, 1)
    three = sealed_batch(station_key, hub.public, 21, 30, 3, "e" * 64)  # names a batch 2 the hub never sees
    assert ingestor.ingest(one, "test").ok and ingestor.ingest(three, "test").ok
    after_another_one = sealed_batch(station_key, hub.public, 11, 20, 2, "f" * 64)
    after_one = sealed_batch(station_key, hub.public, 11, 20, 2, seal.read(one).object_id)
    for batch in (after_another_one, after_one):  # the one before differs; then the one after does
        result = ingestor.ingest(batch, "test")
        assert (result.status, result.reason) == ("quarantined", "chain_mismatch")
    assert HubRecord.select().count() == 20 and hub.held_ranges(STATION) == [(1, 10), (21, 30)]
    assert hub.open_gaps(STATION) == [(11, 20)]


def _quarantined(hub: HubStore, ingestor: Ingestor, data: bytes, reason: str) -> None:
    result = ingestor.ingest(data, "test")
    assert (result.status, result.reason) == ("quarantined", reason)
    row = HubQuarantine.get_by_id(result.quarantine_id)
    assert bytes(row.data) == data and row.message_zh and row.message_en
    assert HubRecord.select().count() == 0


def test_flipped_bytes_in_header_ciphertext_and_signature_are_quarantined(
        hub: HubStore, ingestor: Ingestor, station_key: Ed25519PrivateKey) -> None:
    batch = sealed_batch(station_key, hub.public, 1, 20)
    header_end = 9 + int.from_bytes(batch[5:9], "big")
    for offset, reason in ((40, "bad_signature"), (header_end + 100, "bad_signature"),
                           (len(batch) - 3, "bad_signature"), (2, "malformed")):
        damaged = bytearray(batch)
        damaged[offset] ^= 0x01
        _quarantined(hub, ingestor, bytes(damaged), reason)
    assert HubQuarantine.select().count() == 4


def test_objects_nested_past_any_parser_depth_are_quarantined_not_raised(
        hub: HubStore, ingestor: Ingestor, station_key: Ed25519PrivateKey) -> None:
    """A header of 30,000 nested brackets (read before any signature) and a signed record
    nested 100,000 deep: each is kept in quarantine with its reason, as any other bad object."""
    nest = b"[" * 30_000 + b"]" * 30_000
    framed = (seal.MAGIC + bytes([seal.LAYOUT_VERSION]) + len(nest).to_bytes(4, "big") + nest
              + (48).to_bytes(8, "big") + bytes(48 + seal.SIGNATURE_SIZE))
    _quarantined(hub, ingestor, framed, "malformed")
    cut = cut_batch([entry(1), entry(2)])
    assert cut is not None
    first, second = cut.body.splitlines()
    deep = second[:-1] + b',"x":' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    meta = seal.BatchMeta(STATION, 1, 1, 2, GENESIS, cut.catalog_versions, cut.audit_head, CREATED)
    body = first + b"\n" + deep + b"\n"
    _quarantined(hub, ingestor, seal.seal_batch(meta, body, station_key, hub.public), "bad_records")
    assert HubQuarantine.select().count() == 2


def test_a_record_whose_columns_escape_a_nul_is_quarantined_and_one_elsewhere_is_stored(
        hub: HubStore, ingestor: Ingestor, station_key: Ed25519PrivateKey) -> None:
    """A NUL escaped in a field the hub keeps in its own column (the kind) cannot be stored by
    PostgreSQL: the batch is quarantined as bad records on both databases, not failed with a
    database error. One inside the application (a name, a value) stays in the line as signed,
    and the city report's fold takes it."""
    plain = entry(1)
    nul_kind = OutboxEntry(1, "submitted\u0000", plain.application_id, plain.at, plain.audit_seq,
                           plain.audit_hash, plain.record)
    _quarantined(hub, ingestor, seal_entries(station_key, hub.public, [nul_kind]), "bad_records")
    record = plain.record | {"applicant": plain.record["applicant"] | {"name": "测\u0000试"},
                             "values": {"phone": "138\u000000000000"}}
    inside = OutboxEntry(1, plain.kind, plain.application_id, plain.at, plain.audit_seq, plain.audit_hash, record)
    stored = ingestor.ingest(seal_entries(station_key, hub.public, [inside]), "test")
    assert (stored.status, stored.new_records) == ("stored", 1)
    assert reconcile.refresh_applications() == 1 and HubApplication.select().count() == 1


def test_unknown_and_revoked_stations_and_unknown_versions_are_quarantined(
        hub: HubStore, ingestor: Ingestor, station_key: Ed25519PrivateKey) -> None:
    stranger = sealed_batch(Ed25519PrivateKey.generate(), hub.public, 1, 5, station="XX9999")
    _quarantined(hub, ingestor, stranger, "unknown_station")
    odd_version = sealed_batch(station_key, hub.public, 1, 5, version="1999.9")
    _quarantined(hub, ingestor, odd_version, "unknown_catalog_version")
    forged = sealed_batch(Ed25519PrivateKey.generate(), hub.public, 1, 5)
    _quarantined(hub, ingestor, forged, "bad_signature")
    hub.revoke(STATION)
    _quarantined(hub, ingestor, sealed_batch(station_key, hub.public, 1, 5), "revoked_station")


def test_a_known_sequence_number_with_other_content_is_a_conflict(
        hub: HubStore, ingestor: Ingestor, station_key: Ed25519PrivateKey) -> None:
    assert ingestor.ingest(sealed_batch(station_key, hub.public, 1, 5), "test").ok
    hub.register_catalog_versions([("JZZ-SL", "2030.1")])
    other = sealed_batch(station_key, hub.public, 3, 8, 2, seal.read(
        sealed_batch(station_key, hub.public, 1, 5)).object_id, version="2030.1")
    result = ingestor.ingest(other, "test")
    assert (result.status, result.reason) == ("quarantined", "conflict")
    assert HubRecord.select().count() == 5


def test_tokens_are_one_time_and_acks_for_another_station_are_refused(
        hub: HubStore, ingestor: Ingestor, station_key: Ed25519PrivateKey) -> None:
    token = hub.add_station("XH0002")
    enrol_key(hub, "XH0002", token, Ed25519PrivateKey.generate())
    with pytest.raises(EnrolmentError):
        enrol_key(hub, "XH0002", token, Ed25519PrivateKey.generate())
    result = ingestor.ingest(sealed_batch(station_key, hub.public, 1, 2), "test")
    with pytest.raises(AckError):
        acks.verify(result.ack or b"", hub.public, "XH0002")
