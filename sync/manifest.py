"""The end-of-day manifest (日终清单): what a station says it accepted on one day, signed.

    {"format": "jiujin-manifest/1", "station", "day", "created_at",
     "counts": {"<item code>": {"<status>": n}},
     "applications": [[id, content_hash, status], ...]   (sorted by id)
     "digest": SHA-256 over the canonical JSON of `applications`,
     "outbox": [first_seq, last_seq] | null,   the day's outbox events
     "audit_head": [seq, hash]}

The signed form is `{"document": ..., "signature": base64 Ed25519 over
"jiujin/manifest/v1" 00 || canonical document}`, by the station's signing key. The
manifest holds ids and hashes only, never personal data, so it travels unencrypted.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from kernel.canonical import canonical_json
from sync.errors import SealError
from sync.signed import BadEnvelope, open_document, read_document, sign_document

FORMAT = "jiujin-manifest/1"
CONTEXT = b"jiujin/manifest/v1\x00"


class ManifestError(SealError):
    reason = "bad_manifest"


def applications_digest(applications: list[list[str]]) -> str:
    return hashlib.sha256(canonical_json({"applications": applications})).hexdigest()


def build(station: str, day: str, created_at: str, rows: Iterable[tuple[str, str, str, str]],
          outbox: tuple[int, int] | None, audit_head: tuple[int, str]) -> dict[str, Any]:
    """The manifest document from (id, item_code, status, content_hash) rows."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    applications = []
    for app_id, item_code, status, content_hash in rows:
        counts[item_code][status] += 1
        applications.append([app_id, content_hash or "", status])
    applications.sort()
    return {"format": FORMAT, "station": station, "day": day, "created_at": created_at,
            "counts": {k: dict(v) for k, v in sorted(counts.items())}, "applications": applications,
            "digest": applications_digest(applications),
            "outbox": list(outbox) if outbox else None, "audit_head": list(audit_head)}


def sign(document: dict[str, Any], key: Ed25519PrivateKey) -> bytes:
    """The signed manifest as JSON bytes."""
    return sign_document(document, CONTEXT, key)


def read(data: bytes) -> dict[str, Any]:
    """The document of a signed manifest, unverified (to find its station)."""
    try:
        document = read_document(data)
    except BadEnvelope:
        document = {}
    if document.get("format") != FORMAT:
        raise ManifestError("日终清单格式有误", "the day manifest is malformed")
    return document


def verify(data: bytes, station_public_key: bytes) -> dict[str, Any]:
    """Check the station's signature and the digest; the document, or ManifestError."""
    read(data)
    try:
        document = open_document(data, CONTEXT, station_public_key)
    except BadEnvelope:
        raise ManifestError("日终清单签名无效", "the day manifest's signature does not verify",
                            "bad_signature") from None
    if applications_digest(document["applications"]) != document.get("digest"):
        raise ManifestError("日终清单摘要不符", "the day manifest's digest disagrees with its list")
    return document
