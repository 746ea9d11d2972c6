"""Sealed objects: the committed vectors, determinism, HPKE interop, and every flipped byte."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path
from typing import Any

import orjson
import pytest
from cryptography.hazmat.primitives import hpke as library_hpke
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from sync import hpke, seal
from sync.batches import OutboxEntry, cut_batch
from sync.errors import BadSignature, BodyMismatch, DecryptFailed, MalformedSealed, SealError
from sync.hubkeys import HubPublicKeys
from sync.keys import station_fingerprint
from tests.sync.helpers import CREATED, entry, sealed_batch
from tests.sync.make_vectors import VECTORS, keys

LIBRARY_SUITE = library_hpke.Suite(library_hpke.KEM.X25519, library_hpke.KDF.HKDF_SHA256,
                                   library_hpke.AEAD.AES_256_GCM)


def _vectors() -> list[dict[str, Any]]:
    return [json.loads(p.read_text("utf-8")) for p in sorted(VECTORS.glob("*.json"))]


@pytest.mark.parametrize("vector", _vectors(), ids=lambda v: v["name"])
def test_vectors_reseal_byte_for_byte_and_open(vector: dict[str, Any]) -> None:
    station, hub_private, hub = keys()
    if vector["kind"] == "batch":
        meta = vector["meta"]
        entries = [OutboxEntry(**e) for e in vector["entries"]]
        body = cut_batch(entries)
        assert body is not None and body.body.hex() == vector["body_hex"]
        sealed = seal.seal_batch(seal.BatchMeta(meta["station"], meta["batch_no"], meta["first_seq"],
                                                meta["last_seq"], meta["prev_batch"], body.catalog_versions,
                                                body.audit_head, meta["created_at"]), body.body, station, hub)
    else:
        sealed = seal.seal_attachment("TS0001", bytes.fromhex(vector["content_hex"]), vector["media_type"],
                                      vector["created_at"], station, hub)
    assert sealed.hex() == vector["sealed_hex"]
    parsed = seal.read(bytes.fromhex(vector["sealed_hex"]))
    assert parsed.header_bytes.decode() == vector["header"]
    assert parsed.object_id == vector["object_id"]
    seal.verify(parsed, station.public_key().public_bytes_raw())
    body_bytes = seal.open_body(parsed, hub_private, hub.fingerprint())
    expected = vector.get("body_hex") or vector["content_hex"]
    assert body_bytes.hex() == expected


def test_the_second_vector_chains_to_the_first() -> None:
    first, second = (json.loads((VECTORS / f"batch-{n}.json").read_text()) for n in (1, 2))
    assert json.loads(second["header"])["prev_batch"] == first["object_id"]


def test_our_hpke_and_the_library_open_each_other() -> None:
    recipient = X25519PrivateKey.generate()
    public = recipient.public_key().public_bytes_raw()
    ours = hpke.seal(public, b"jiujin/sealed/v1", b"", b"outbox records", os.urandom(32))
    assert LIBRARY_SUITE.decrypt(ours, recipient, info=b"jiujin/sealed/v1") == b"outbox records"
    theirs = LIBRARY_SUITE.encrypt(b"hub says", recipient.public_key(), info=b"x")
    assert hpke.open_sealed(recipient, b"x", b"", theirs) == b"hub says"


def test_the_header_is_bound_as_associated_data() -> None:
    recipient = X25519PrivateKey.generate()
    sealed = hpke.seal(recipient.public_key().public_bytes_raw(), b"i", b"header", b"body", b"ikm")
    assert hpke.open_sealed(recipient, b"i", b"header", sealed) == b"body"
    with pytest.raises(DecryptFailed):
        hpke.open_sealed(recipient, b"i", b"headex", sealed)


def test_sealing_is_deterministic_and_the_header_says_what_it_should() -> None:
    station, _hpke, hub = keys()
    one = sealed_batch(station, hub, 1, 40)
    assert one == sealed_batch(station, hub, 1, 40)
    header = seal.read(one).header
    assert header["signer"] == station_fingerprint(station.public_key().public_bytes_raw())
    assert header["recipient"] == hub.fingerprint()
    assert header["count"] == 40 and header["catalog_versions"] == ["JZZ-SL@builtin-1"]
    assert header["audit_head"] == {"seq": 40, "hash": f"{40:064x}"}
    other = Ed25519PrivateKey.generate()
    assert sealed_batch(other, hub, 1, 40) != one


def test_a_byte_flipped_anywhere_is_refused() -> None:
    station, hub_private, hub = keys()
    sealed = sealed_batch(station, hub, 1, 5)
    public = station.public_key().public_bytes_raw()
    step = max(1, len(sealed) // 400)
    for offset in [*range(0, len(sealed), step), len(sealed) - 1]:
        damaged = bytearray(sealed)
        damaged[offset] ^= 0x20
        with pytest.raises(SealError):
            parsed = seal.read(bytes(damaged))
            seal.verify(parsed, public)
            seal.open_body(parsed, hub_private, hub.fingerprint())


def test_truncated_and_extended_objects_are_malformed() -> None:
    station, _hpke, hub = keys()
    sealed = sealed_batch(station, hub, 1, 3)
    for damaged in (sealed[:-1], sealed + b"\x00", sealed[:20], b"", b"JJSO\x01"):
        with pytest.raises(SealError) as caught:
            seal.read(damaged)
        assert caught.value.reason in ("malformed", "unsupported_suite")


def test_a_signature_by_another_key_is_refused() -> None:
    station, _hpke, hub = keys()
    parsed = seal.read(sealed_batch(station, hub, 1, 3))
    with pytest.raises(BadSignature):
        seal.verify(parsed, Ed25519PrivateKey.generate().public_key().public_bytes_raw())


def test_batches_are_bounded_by_records_and_bytes() -> None:
    entries = [entry(s) for s in range(1, 2600)]
    assert cut_batch(entries).last_seq == 2000  # type: ignore[union-attr]
    small = cut_batch(entries, max_bytes=5000)
    assert small is not None and len(small.body) <= 5000 and small.last_seq < 10
    huge = cut_batch(entries, max_bytes=10)
    assert huge is not None and huge.first_seq == huge.last_seq == 1


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(max_size=40), min_size=1, max_size=20), st.binary(max_size=2000))
def test_any_records_and_documents_round_trip(names: list[str], document: bytes) -> None:
    station, hub_private, hub = keys()
    entries = []
    for seq, name in enumerate(names, start=1):
        base = entry(seq)
        entries.append(OutboxEntry(seq, "submitted", base.application_id, base.at, seq, base.audit_hash,
                                   base.record | {"applicant": {"name": name}}))
    body = cut_batch(entries)
    assert body is not None
    meta = seal.BatchMeta("TS0001", 1, 1, len(names), seal.GENESIS, body.catalog_versions, body.audit_head, "t")
    parsed = seal.read(seal.seal_batch(meta, body.body, station, hub))
    opened = seal.open_body(parsed, hub_private, hub.fingerprint())
    assert [r["record"]["applicant"]["name"] for r in seal.iter_records(opened)] == names
    attachment = seal.read(seal.seal_attachment("TS0001", document, "image/jpeg", "t", station, hub))
    assert seal.open_body(attachment, hub_private, hub.fingerprint()) == document


def test_a_hub_key_file_round_trips(tmp_path: Path) -> None:
    _station, _hpke, hub = keys()
    from sync.hubkeys import load_hub_public_keys

    (tmp_path / "k.json").write_bytes(hub.to_json())
    assert load_hub_public_keys(tmp_path / "k.json") == HubPublicKeys(hub.hpke_public_key, hub.signing_public_key)


def test_an_entry_carrying_its_canonical_record_gives_the_same_line() -> None:
    from kernel.canonical import canonical_json

    for seq in (1, 7, 1234):
        plain = entry(seq)
        carried = OutboxEntry(plain.seq, plain.kind, plain.application_id, plain.at, plain.audit_seq,
                              plain.audit_hash, plain.record, canonical_json(plain.record))
        assert carried.line() == plain.line() == canonical_json(plain.to_json())


_NESTED = b'{"seq": 1, "record": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n"


@pytest.mark.parametrize("loads", [json.loads, orjson.loads], ids=["json", "orjson"])
@pytest.mark.parametrize("body", [b'{"seq": 1}\n\xff\xfe{"seq": 2}\n', b'{"seq": 1}\n[1, 2]\n', b'{"seq": 1}\n{"seq"\n',
                                  b'{"seq": 1}', b'{"seq": 1}\n' + _NESTED],
                         ids=["not-utf8", "not-an-object", "cut-short", "no-newline", "nested-past-any-depth"])
def test_a_body_that_is_not_utf8_json_lines_is_a_bad_records_mismatch(body: bytes, loads: Any) -> None:
    """With the station's parser and with the hub's (orjson): each is refused as bad records,
    a record nested 100,000 deep included, rather than escaping as another error."""
    with pytest.raises(BodyMismatch) as refused:
        list(seal.iter_lines(body, loads))
    assert refused.value.reason == "bad_records"


@pytest.mark.parametrize("changes", [
    {"created_at": "2026-11-26T09:30:00\u0000+08:00"},
    {"catalog_versions": ("JZZ-SL@builtin-1\u0000",)},
    {"audit_head": (3, "\u0000")},
    {"audit_head": ("3", seal.GENESIS)},
    {"audit_head": (True, seal.GENESIS)},
], ids=["nul-in-created-at", "nul-in-a-catalog-version", "nul-in-the-audit-hash", "audit-seq-a-string",
        "audit-seq-a-boolean"])
def test_a_header_with_a_nul_or_a_malformed_audit_head_is_malformed(changes: dict[str, Any]) -> None:
    """Signed by the station or not, such a header never reaches the hub's tables: PostgreSQL's
    text holds no NUL, and the audit head's number and hash become columns of the batch."""
    station, _hpke, hub = keys()
    body = cut_batch([entry(1)])
    assert body is not None
    meta = seal.BatchMeta("TS0001", 1, 1, 1, seal.GENESIS, body.catalog_versions, body.audit_head, CREATED)
    sealed = seal.seal_batch(dataclasses.replace(meta, **changes), body.body, station, hub)
    with pytest.raises(MalformedSealed):
        seal.read(sealed)
    assert seal.read(seal.seal_batch(meta, body.body, station, hub)).header["audit_head"]["seq"] == 1
