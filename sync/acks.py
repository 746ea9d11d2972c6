"""Acknowledgements and ledgers signed by the hub, and their checks at the station.

An acknowledgement says what the hub made of one sealed object:

    {"format": "jiujin-ack/2", "station", "object_id", "sealed_sha256", "kind", "status",
     "first_seq", "last_seq", "batch_no", "reason", "held": [[first, last], ...],
     "hub": <hub fingerprint>, "at"}

`sealed_sha256` is the hex SHA-256 of the exact sealed bytes the hub received, or null in an
acknowledgement the hub re-issues later for a batch it stored. A station applies a
"quarantined" acknowledgement only to the batch whose sealed bytes have that hash, so a
tampered copy's quarantine never marks the genuine batch. `jiujin-ack/1` (no
`sealed_sha256`) is still read: as a success, or refused if it says "quarantined".

`status` is "stored" (new records), "duplicate" (already held: a success with no
effect) or "quarantined" (`reason` says why). `held` is the station's ledger at the hub:
the runs of sequence numbers it holds. The signed form is
`{"document": <ack>, "signature": base64 Ed25519 over "jiujin/ack/v1" 00 || canonical ack}`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.errors import AckError
from sync.hubkeys import HubPublicKeys
from sync.signed import BadEnvelope, open_document, sign_document

FORMAT = "jiujin-ack/2"
FORMATS = ("jiujin-ack/1", FORMAT)
CONTEXT = b"jiujin/ack/v1\x00"
SUCCESS = ("stored", "duplicate")


@dataclass(frozen=True)
class Ack:
    """A verified acknowledgement."""

    document: dict[str, Any]

    @property
    def status(self) -> str:
        return str(self.document["status"])

    @property
    def object_id(self) -> str:
        return str(self.document["object_id"])

    @property
    def ok(self) -> bool:
        return self.status in SUCCESS

    @property
    def sealed_sha256(self) -> str | None:
        value = self.document.get("sealed_sha256")
        return str(value) if value is not None else None

    def names_bytes(self, sealed_sha256: str) -> bool:
        """Whether this acknowledgement may be applied to the object whose sealed bytes hash to
        `sealed_sha256`: it names that hash, or it is a success that names none."""
        if self.sealed_sha256 is None:
            return self.ok
        return self.sealed_sha256 == sealed_sha256

    @property
    def held(self) -> list[tuple[int, int]]:
        return [(int(a), int(b)) for a, b in self.document.get("held", [])]


def sign(document: dict[str, Any], key: Ed25519PrivateKey) -> bytes:
    """The signed acknowledgement as JSON bytes."""
    return sign_document({"format": FORMAT} | document, CONTEXT, key)


def verify(data: bytes, hub: HubPublicKeys, station: str) -> Ack:
    """Check an acknowledgement's signature and that it is for `station`; AckError if not."""
    try:
        document = open_document(data, CONTEXT, hub.signing_public_key)
    except BadEnvelope:
        raise AckError("回执签名无效或格式有误，已忽略", "an acknowledgement with a bad signature or form was ignored") from None
    if document.get("format") not in FORMATS or document.get("station") != station:
        raise AckError("回执不属于本站点，已忽略", "an acknowledgement for another station was ignored")
    if document.get("hub") != hub.fingerprint():
        raise AckError("回执来自另一个中心，已忽略", "an acknowledgement from another hub was ignored")
    return Ack(document)
