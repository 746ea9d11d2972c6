"""Audit anchors: a station's audit chain head, witnessed by the hub on every sync round.

Each round the station sends its head, signed by its key:

    {"document": {"format": "jiujin-anchor/1", "station", "at",
                  "head": [seq, hash],                 the audit chain's newest event
                  "checked": [seq, hash | null] | null, the station's hash at the hub's last
                                                        anchor (null hash: that event is gone)
                  "divergent": bool,                   the station found its chain differs
                  "recovery": {...} | null},            the recovery copy (station.recovery)
     "signature": base64 Ed25519 over "jiujin/anchor/v1" 00 || canonical document}

The hub compares it with the anchors it holds for the station (a head behind an earlier one,
another hash at a position it holds) and answers with a signed acknowledgement (`sync.acks`,
kind "anchor") naming the newest anchor it holds: `"anchor": [seq, hash]`. The station checks
its chain against that anchor before it sends anything. Over HTTP: `POST /v1/anchors`; on a
USB stick: `anchor.json` beside the manifest, answered in `acks/anchor.json`.

The recovery copy holds only what is sealed to the hub's key (docs/keys.md): the hub keeps
the newest so that `db recover` works when the PC and every stick are gone.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.errors import SealError
from sync.signed import BadEnvelope, open_document, read_document, sign_document

FORMAT = "jiujin-anchor/1"
CONTEXT = b"jiujin/anchor/v1\x00"
#: A signed anchor: a few hundred bytes, and a recovery copy of about one kilobyte.
MAX_ANCHOR_JSON = 64 * 1024
RECOVERY_FORMAT = "jiujin-recovery/1"
_KEYS = {"format", "station", "at", "head", "checked", "divergent", "recovery"}
_RECOVERY_KEYS = {"format", "station", "public_key", "sealed_db_key", "signer_public_key", "sealed_signer"}
_HEX64 = re.compile(r"[0-9a-f]{64}")
_MAX_SEQ = 2**62


class AnchorError(SealError):
    reason = "bad_anchor"


def make(station: str, at: str, head: tuple[int, str], checked: tuple[int, str | None] | None,
         divergent: bool, recovery: dict[str, Any] | None, key: Ed25519PrivateKey) -> bytes:
    """The signed anchor of one sync round."""
    document = {"format": FORMAT, "station": station, "at": at, "head": list(head),
                "checked": list(checked) if checked else None, "divergent": divergent, "recovery": recovery}
    return sign_document(document, CONTEXT, key)


def station_of(data: bytes) -> str:
    """The station an anchor names, unverified (to find its key); AnchorError if it names none."""
    try:
        station = read_document(data).get("station")
    except BadEnvelope:
        station = None
    if not isinstance(station, str):
        raise AnchorError("审计锚点格式有误", "the audit anchor is malformed")
    return station


def verify(data: bytes, station_public_key: bytes) -> dict[str, Any]:
    """The anchor's document once the station's signature and every field check out."""
    if len(data) > MAX_ANCHOR_JSON:
        raise AnchorError("审计锚点过大", "the audit anchor is too large")
    try:
        document = open_document(data, CONTEXT, station_public_key)
    except BadEnvelope:
        raise AnchorError("审计锚点签名无效", "the audit anchor's signature does not verify", "bad_signature") from None
    if not _well_formed(document):
        raise AnchorError("审计锚点格式有误", "the audit anchor is malformed")
    return document


def _well_formed(document: dict[str, Any]) -> bool:
    checked = document.get("checked")
    try:
        at = datetime.fromisoformat(document["at"])
    except (KeyError, TypeError, ValueError):
        return False
    return (document.keys() == _KEYS and document["format"] == FORMAT and at.tzinfo is not None
            and is_position(document["head"], nullable=False)
            and (checked is None or is_position(checked, nullable=True))
            and type(document["divergent"]) is bool
            and (document["recovery"] is None or recovery_ok(document["recovery"], document["station"])))


def is_position(value: Any, nullable: bool) -> bool:
    """Whether `value` is [seq, hash] (hash may be null when `nullable`)."""
    if not (isinstance(value, list) and len(value) == 2 and type(value[0]) is int and 0 <= value[0] < _MAX_SEQ):
        return False
    digest = value[1]
    return (digest is None and nullable) or (isinstance(digest, str) and bool(_HEX64.fullmatch(digest)))


def recovery_ok(recovery: Any, station: str) -> bool:
    """Whether `recovery` is a recovery copy of `station`: known fields, base64 of bounded size."""
    if not (isinstance(recovery, dict) and {"format", "station", "public_key", "sealed_db_key"} <= recovery.keys()
            <= _RECOVERY_KEYS and recovery["format"] == RECOVERY_FORMAT and recovery["station"] == station):
        return False
    try:
        return all(isinstance(recovery[k], str) and len(recovery[k]) < 4096
                   and base64.b64decode(recovery[k], validate=True) is not None
                   for k in recovery.keys() - {"format", "station"})
    except (binascii.Error, ValueError):
        return False
