"""Downstream bundles (下行包): what the hub sends a station, signed, versioned, expiring.

    {"format": "jiujin-bundle/1", "station", "version", "kind", "created_at",
     "expires_at", "hub": <hub fingerprint>, "payload": {...}}

`version` is one increasing sequence per station across every kind, so the station keeps
one number: it applies a newer bundle, ignores one it already applied (same version and
same bytes), and refuses an older one, an expired one and a bad signature. Kinds:

    statuses        {"updates": [{"application_id", "status", "message"}]}
    resend          {"request_id", "first_seq", "last_seq", "reason"}
    offline_policy  {"max_days_without_contact", "max_unsent", "min_free_mb"}
    revocations     {"operators": [name, ...]}
    calendar        {"overrides": {"YYYY-MM-DD": "workday" | "holiday"}, "complete_years": [YYYY]}
    catalog         {"bundle": base64 of a forms catalog bundle (forms/bundle.py), signed
                     with the hub's signing key and versioned on its own}
    reconciled      {"days": ["YYYY-MM-DD", ...]}
    roster          {"operators": [{"name", "display_name", "role"}]}

Signed form: `{"document": ..., "signature": base64 Ed25519 over "jiujin/bundle/v1" 00 ||
canonical document}` by the hub's signing key. Each kind's payload is checked against its
shape (`sync.bundle_payloads`) by the hub before signing and by the station before applying.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync import bundle_payloads
from sync.errors import SyncError
from sync.hubkeys import HubPublicKeys
from sync.signed import BadEnvelope, open_document, sign_document

FORMAT = "jiujin-bundle/1"
CONTEXT = b"jiujin/bundle/v1\x00"
KINDS = ("statuses", "resend", "offline_policy", "revocations", "calendar", "catalog", "reconciled", "roster",
         "shared_data")


class BundleRefused(SyncError):
    """A bundle the station will not apply; `reason` is bad_signature, wrong_station,
    wrong_hub, malformed, expired or rollback."""

    def __init__(self, message_zh: str, message_en: str, reason: str) -> None:
        super().__init__(message_zh, message_en)
        self.reason = reason


@dataclass(frozen=True)
class Bundle:
    document: dict[str, Any]
    data: bytes

    @property
    def version(self) -> int:
        return int(self.document["version"])

    @property
    def kind(self) -> str:
        return str(self.document["kind"])

    @property
    def payload(self) -> dict[str, Any]:
        value: dict[str, Any] = self.document["payload"]
        return value


def sign(document: dict[str, Any], key: Ed25519PrivateKey) -> bytes:
    """The signed bundle as JSON bytes."""
    return sign_document({"format": FORMAT} | document, CONTEXT, key)


def verify(data: bytes, hub: HubPublicKeys, station: str, now: datetime,
           installed: int = 0) -> Bundle:
    """Check signature, addressee, hub, expiry and version (> `installed`)."""
    try:
        document = open_document(data, CONTEXT, hub.signing_public_key)
    except BadEnvelope:
        raise BundleRefused("下行包签名无效，已拒绝", "a bundle with a bad signature was refused",
                            "bad_signature") from None
    if document.get("format") != FORMAT or document.get("kind") not in KINDS or not isinstance(
            document.get("version"), int) or not isinstance(document.get("payload"), dict):
        raise BundleRefused("下行包格式有误", "the bundle is malformed", "malformed")
    try:
        bundle_payloads.check(document["kind"], document["payload"])
    except bundle_payloads.PayloadError as error:
        zh, en = bundle_payloads.KIND_NAMES[document["kind"]]
        raise BundleRefused(f"{zh}内容有误（{error.where}）", f"the {en} is malformed: {error}", "malformed") from None
    if document.get("station") != station:
        raise BundleRefused("下行包不属于本站点", "the bundle is for another station", "wrong_station")
    if document.get("hub") != hub.fingerprint():
        raise BundleRefused("下行包来自另一个中心", "the bundle is from another hub", "wrong_hub")
    try:
        expires = datetime.fromisoformat(document["expires_at"])
        if expires.tzinfo is None:
            raise ValueError("no time zone")
    except (KeyError, TypeError, ValueError):
        raise BundleRefused("下行包格式有误", "the bundle is malformed", "malformed") from None
    if expires <= now:
        raise BundleRefused(f"下行包（版本 {document['version']}）已过期", f"bundle version {document['version']} has expired",
                            "expired")
    if document["version"] < installed:
        raise BundleRefused(f"下行包版本 {document['version']} 低于已应用的 {installed}，拒绝回退",
                            f"bundle version {document['version']} is older than applied {installed}: rollback refused",
                            "rollback")
    return Bundle(document, bytes(data))
