"""Enrolment requests: a station asks the hub to record its public key, and proves that it
holds the private half.

    {"document": {"format": "jiujin-enrolment/1", "station", "hub", "signing_public_key",
                  "token_sealed", "via", "at", "nonce", ["recovery"]},
     "signature": base64 Ed25519 by the station's key over "jiujin/enrolment/v1" 00 || canonical document}

`token_sealed` is the one-time token sealed (HPKE, as sealed objects are) to the hub's key,
with the station code, the station's public key and the hub fingerprint as associated
data: only the hub reads the token, and a copy of it opens under no other key or station.
`via` ("http" or "folder") is the path the request may travel; `at` (the station's clock,
ISO 8601 with microseconds) must be later than the last request the hub accepted for the
station, so a request is accepted at most once. `recovery`, when present, is the station's
recovery copy (`station.recovery`: its database key and recovery signer, both sealed to the
hub's key, nothing in clear); the hub keeps it so that it can hand it back when the PC and
every stick are gone. docs/sealed-batch.md, "Enrolment".
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from kernel.canonical import canonical_json
from sync import anchors, hpke
from sync.errors import DecryptFailed, EnrolmentError
from sync.hubkeys import HubPublicKeys
from sync.signed import BadEnvelope, open_document, read_document, sign_document

FORMAT = "jiujin-enrolment/1"
CONTEXT = b"jiujin/enrolment/v1\x00"
TOKEN_INFO = b"jiujin/enrolment/v1/token"
VIA = ("http", "folder")
_KEYS = {"format", "station", "hub", "signing_public_key", "token_sealed", "via", "at", "nonce"}


@dataclass(frozen=True)
class EnrolmentRequest:
    """A request whose signature, hub and sealed token were checked."""

    station: str
    public_key: bytes
    via: str
    at: datetime
    token: str = field(repr=False)
    recovery: dict[str, Any] | None = field(default=None, repr=False)


def _aad(station: str, public_key: bytes, hub_fingerprint: str) -> bytes:
    return canonical_json({"hub": hub_fingerprint, "signing_public_key": base64.b64encode(public_key).decode(),
                           "station": station})


def make_request(key: Ed25519PrivateKey, station: str, token: str, hub: HubPublicKeys, via: str,
                 at: datetime, recovery: dict[str, Any] | None = None) -> bytes:
    """A signed enrolment request for `station`, to travel by `via`, with the station's recovery
    copy if it has one."""
    public = key.public_key().public_bytes_raw()
    sealed = hpke.seal(hub.hpke_public_key, TOKEN_INFO, _aad(station, public, hub.fingerprint()),
                       token.encode(), os.urandom(32))
    document: dict[str, Any] = {"format": FORMAT, "station": station, "hub": hub.fingerprint(),
                                "signing_public_key": base64.b64encode(public).decode(),
                                "token_sealed": base64.b64encode(sealed).decode(), "via": via,
                                "at": at.isoformat(timespec="microseconds"), "nonce": os.urandom(16).hex()}
    if recovery is not None:
        document["recovery"] = recovery
    return sign_document(document, CONTEXT, key)


def _refused(zh: str, en: str) -> EnrolmentError:
    return EnrolmentError(zh, en)


def open_request(data: bytes, hub_key: X25519PrivateKey, hub_fingerprint: str) -> EnrolmentRequest:
    """The checked request; EnrolmentError if it is not a request signed by the key it names,
    sealed to this hub."""
    try:
        document = read_document(data)
        if document.keys() - {"recovery"} != _KEYS or document["format"] != FORMAT or document["via"] not in VIA:
            raise ValueError
        recovery = document.get("recovery")
        if recovery is not None and not anchors.recovery_ok(recovery, document["station"]):
            raise ValueError
        public = base64.b64decode(document["signing_public_key"], validate=True)
        sealed = base64.b64decode(document["token_sealed"], validate=True)
        at = datetime.fromisoformat(document["at"])
        if len(public) != 32 or at.tzinfo is None or not isinstance(document["station"], str):
            raise ValueError
        open_document(data, CONTEXT, public)
    except (BadEnvelope, ValueError, TypeError, binascii.Error):
        raise _refused("注册请求格式有误或签名无效（请升级站点软件后重试）",
                       "the enrolment request is malformed or badly signed (update the station and retry)") from None
    if document["hub"] != hub_fingerprint:
        raise _refused("注册请求是发给另一个中心的", "the enrolment request is for another hub")
    try:
        token = hpke.open_sealed(hub_key, TOKEN_INFO, _aad(document["station"], public, hub_fingerprint),
                                 sealed).decode()
    except (DecryptFailed, UnicodeDecodeError):
        raise _refused("注册令牌无效或已使用", "the enrolment token is invalid or already used") from None
    return EnrolmentRequest(document["station"], public, document["via"], at, token, recovery)
