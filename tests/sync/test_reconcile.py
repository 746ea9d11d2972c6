"""Hub reconciliation on SQLite and PostgreSQL: ledger gaps with exact ranges, resend
requests in signed bundles, day manifests compared exactly, quarantine actions, audit."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync import bundles, manifest, seal
from sync.errors import HubError
from sync.hub import reconcile
from sync.hub.ingest import Ingestor
from sync.hub.models import HubManifestEntry, HubManifestIndex
from sync.hub.store import HubStore
from tests.sync.helpers import STATION, entry, sealed_batch


def _three_batches(key: Ed25519PrivateKey, hub: HubStore) -> list[bytes]:
    out, prev = [], seal.GENESIS
    for number in (1, 2, 3):
        data = sealed_batch(key, hub.public, number * 10 - 9, number * 10, number, prev)
        prev = seal.read(data).object_id
        out.append(data)
    return out


def _manifest(key: Ed25519PrivateKey, seqs: range, changed: int | None = None, outbox: tuple[int, int] = (1, 30)
              ) -> bytes:
    rows = []
    for seq in seqs:
        record = entry(seq).record
        digest = record["content_hash"] if seq != changed else "f" * 64
        rows.append((record["id"], record["item_code"], "submitted", digest))
    document = manifest.build(STATION, "2026-11-26", "2026-11-26T18:00:00+08:00", rows, outbox, (30, "a" * 64))
    return manifest.sign(document, key)


def test_a_lost_batch_is_a_gap_with_its_range_until_resent(hub: HubStore, enrolled: str,
                                                          station_key: Ed25519PrivateKey,
                                                          ingestor: Ingestor) -> None:
    one, two, three = _three_batches(station_key, hub)
    assert ingestor.ingest(one, "folder").status == "stored"
    assert ingestor.ingest(three, "folder").status == "stored"
    assert ingestor.ingest(three, "folder").status == "duplicate"
    report = reconcile.ledger(hub, STATION)["stations"][0]
    assert report["gaps"] == [[11, 20]] and report["held"] == [[1, 10], [21, 30]] and report["high_seq"] == 30

    version = reconcile.request_resend(hub, STATION, 11, 20, "op1", "USB file lost")
    signed = reconcile.bundles_after(STATION, 0)
    bundle = bundles.verify(signed[-1], hub.public, STATION, datetime.now(UTC))
    assert (bundle.version, bundle.kind, bundle.payload["first_seq"], bundle.payload["last_seq"]) == (
        version, "resend", 11, 20)

    assert ingestor.ingest(two, "folder").status == "stored"
    report = reconcile.ledger(hub, STATION)["stations"][0]
    assert report["gaps"] == [] and report["held"] == [[1, 30]]
    assert [a["action"] for a in reconcile.actions(STATION)][:2] == ["resend.requested", "bundle.resend"]


def test_a_day_manifest_that_disagrees_gives_the_exact_discrepancy(hub: HubStore, enrolled: str,
                                                                   station_key: Ed25519PrivateKey,
                                                                   ingestor: Ingestor) -> None:
    one, _two, three = _three_batches(station_key, hub)
    ingestor.ingest(one, "http")
    ingestor.ingest(three, "http")
    # the station claims 1..25 (so 26..30 are extra at the hub), with 5 changed; 11..20 never arrived
    result, _ack = reconcile.receive_manifest(hub, _manifest(station_key, range(1, 26), changed=5), "http")
    assert result["verdict"] == "discrepant"
    assert result["missing"] == sorted(entry(s).application_id for s in range(11, 21))
    assert result["extra"] == sorted(entry(s).application_id for s in range(26, 31))
    assert result["content_mismatch"] == [entry(5).application_id]
    assert result["missing_seqs"] == [[11, 20]]
    with pytest.raises(HubError):
        reconcile.mark_reconciled(hub, STATION, "2026-11-26", "op1")

    ingestor.ingest(_three_batches(station_key, hub)[1], "http")
    result, _ = reconcile.receive_manifest(hub, _manifest(station_key, range(1, 31)), "http")
    assert result["verdict"] == "agreed"
    reconcile.mark_reconciled(hub, STATION, "2026-11-26", "op1")
    assert reconcile.ledger(hub, STATION)["stations"][0]["days"]["reconciled"] == 1


def test_reconcile_all_in_sql_agrees_with_the_comparison_at_receipt(hub: HubStore, enrolled: str,
                                                                    station_key: Ed25519PrivateKey,
                                                                    ingestor: Ingestor) -> None:
    one, two, three = _three_batches(station_key, hub)
    ingestor.ingest(one, "http")
    ingestor.ingest(three, "http")
    at_receipt, _ack = reconcile.receive_manifest(hub, _manifest(station_key, range(1, 26), changed=5), "http")
    # a manifest stored before its lines were indexed is indexed on the next reconcile
    HubManifestEntry.delete().execute()
    HubManifestIndex.delete().execute()
    assert reconcile.reconcile_all(hub) == {"agreed": 0, "discrepant": 1, "compared": 1}
    assert reconcile.manifest_result(STATION, "2026-11-26") == at_receipt | {"reconciled_at": None}

    ingestor.ingest(two, "http")  # the resend arrives: only the changed line and the extras remain
    assert reconcile.reconcile_all(hub) == {"agreed": 0, "discrepant": 1, "compared": 1}
    result = reconcile.manifest_result(STATION, "2026-11-26")
    assert result is not None and result["missing"] == [] and result["missing_seqs"] == []
    assert result["content_mismatch"] == [entry(5).application_id]
    assert result["extra"] == sorted(entry(s).application_id for s in range(26, 31))
    assert reconcile.ledger(hub)["stations"][0]["discrepant_days"] == ["2026-11-26"]


def _empty_day(key: Ed25519PrivateKey, day: str) -> bytes:
    return manifest.sign(manifest.build(STATION, day, f"{day}T18:00:00+08:00", [], None, (0, "a" * 64)), key)


def test_a_run_compares_only_the_manifests_whose_applications_or_ledger_changed(
        hub: HubStore, enrolled: str, station_key: Ed25519PrivateKey, ingestor: Ingestor) -> None:
    one, two, three = _three_batches(station_key, hub)
    ingestor.ingest(one, "http")
    ingestor.ingest(three, "http")
    reconcile.receive_manifest(hub, _empty_day(station_key, "2026-11-25"), "http")  # a quiet day before
    reconcile.receive_manifest(hub, _manifest(station_key, range(1, 31)), "http")  # 11..20 never arrived
    assert reconcile.reconcile_all(hub)["discrepant"] == 1  # the first run learns the ledgers
    assert reconcile.reconcile_all(hub) == {"agreed": 1, "discrepant": 1, "compared": 0}  # nothing changed

    ingestor.ingest(two, "http")  # the resend: its applications and the ledger change
    assert reconcile.reconcile_all(hub) == {"agreed": 2, "discrepant": 0, "compared": 1}
    assert reconcile.manifest_result(STATION, "2026-11-26")["verdict"] == "agreed"  # type: ignore[index]
    assert reconcile.reconcile_all(hub)["compared"] == 0

    changed = sealed_batch(station_key, hub.public, 31, 31, 4, seal.read(three).object_id)
    assert ingestor.ingest(changed, "http").status == "stored"  # a new application filed that day
    assert reconcile.reconcile_all(hub) == {"agreed": 1, "discrepant": 1, "compared": 1}
    result = reconcile.manifest_result(STATION, "2026-11-26")
    assert result is not None and result["extra"] == [entry(31).application_id]


def test_a_tampered_manifest_is_refused(hub: HubStore, enrolled: str, station_key: Ed25519PrivateKey) -> None:
    data = _manifest(station_key, range(1, 3)).replace(b'"submitted"', b'"completed"', 1)
    with pytest.raises(manifest.ManifestError):
        reconcile.receive_manifest(hub, data, "http")


def test_quarantine_is_released_or_rejected_with_a_reason_and_audited(
        hub: HubStore, enrolled: str, station_key: Ed25519PrivateKey, ingestor: Ingestor) -> None:
    data = sealed_batch(station_key, hub.public, 1, 5, version="v9")
    assert ingestor.ingest(data, "folder").reason == "unknown_catalog_version"
    [entry_] = reconcile.ledger(hub, STATION)["stations"][0]["quarantined"]
    assert entry_["reason"] == "unknown_catalog_version"
    with pytest.raises(HubError):
        reconcile.reject_quarantine(hub, entry_["id"], "op1", " ")
    hub.register_catalog_versions([("*", "v9")])
    assert reconcile.release_quarantine(hub, ingestor.ingest, entry_["id"], "op1", "catalog v9 registered")[
        "status"] == "stored"
    assert reconcile.ledger(hub, STATION)["stations"][0]["quarantined"] == []
    bad = sealed_batch(station_key, hub.public, 6, 8, version="v10")
    qid = ingestor.ingest(bad, "folder").quarantine_id
    assert qid is not None
    reconcile.reject_quarantine(hub, qid, "op1", "test data")
    assert {"quarantine.released", "quarantine.rejected"} <= {a["action"] for a in reconcile.actions()}


def test_a_page_of_bundles_holds_what_fits_and_always_the_next(hub: HubStore, enrolled: str,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    for days in (3, 4, 5):
        reconcile.issue_bundle(hub, STATION, "offline_policy", {"max_days_without_contact": days})
    every = reconcile.bundles_after(STATION, 0)
    first, second, _third = (len(signed.decode()) for signed in every)
    assert reconcile.bundles_after(STATION, 0, page_size=first + second) == every[:2]
    assert reconcile.bundles_after(STATION, 0, page_size=first + second - 1) == every[:1]
    assert reconcile.bundles_after(STATION, 0, page_size=1) == every[:1]  # one past the page still goes
    assert reconcile.bundles_after(STATION, 1, page_size=1) == every[1:2]
    monkeypatch.setattr(reconcile, "PAGE_SIZE", first + second)  # what a station asking over HTTP gets
    assert reconcile.offer_bundles(hub, STATION, 0) == every[:2]
    assert reconcile.offer_bundles(hub, STATION, 2) == every[2:]


def test_bundles_refuse_rollback_expiry_and_tampering(hub: HubStore, enrolled: str) -> None:
    now = datetime.now(UTC)
    reconcile.issue_bundle(hub, STATION, "offline_policy", {"max_days_without_contact": 3})
    reconcile.issue_bundle(hub, STATION, "offline_policy", {"max_days_without_contact": 5})
    first, second = reconcile.bundles_after(STATION, 0)
    assert bundles.verify(second, hub.public, STATION, now, installed=1).version == 2
    with pytest.raises(bundles.BundleRefused) as rollback:
        bundles.verify(first, hub.public, STATION, now, installed=2)
    assert rollback.value.reason == "rollback"
    with pytest.raises(bundles.BundleRefused) as expired:
        bundles.verify(second, hub.public, STATION, now + timedelta(days=31))
    assert expired.value.reason == "expired"
    with pytest.raises(bundles.BundleRefused) as tampered:
        bundles.verify(second.replace(b'"max_days_without_contact":5', b'"max_days_without_contact":50'),
                       hub.public, STATION, now)
    assert tampered.value.reason == "bad_signature"
    with pytest.raises(bundles.BundleRefused) as other:
        bundles.verify(second, hub.public, "OTHER1", now)
    assert other.value.reason == "wrong_station"
