"""Operator records signed by an admin: who may do what here, provable without the database key.

Every operator row (station, name, role, status, the admin's signing key if any) carries an
Ed25519 signature. The keys that may sign are the station's roots, pinned in the first
audit event that names them (`station.initialised`, or `operators.signing_enabled` on a
station made before signatures), and, from there, the signing key of every admin whose own
row verifies. An admin disabled later keeps the signatures they made; their key signs
nothing new without the database key, which disabling them changes (a re-key). The roots are the first admin's key and the recovery signer, whose
private half is sealed to the hub, so `db recover` can sign the admin it names.

Anyone holding the database key can edit a row, but not sign it: a clerk's
`UPDATE operator SET role = 'admin'` leaves a row that no longer verifies, and login
refuses it. Once a batch carrying the first event is acknowledged by the hub, the pinned
roots cannot be swapped without `audit verify` naming the break (`station.core.anchors`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kernel.canonical import canonical_json
from station.core.models import AuditEvent, Operator

CONTEXT = b"jiujin/operator/v1\x00"
ROOT_ACTIONS = ("station.initialised", "operators.signing_enabled")
ADMIN = "admin"


def row_body(station: str, operator: Operator) -> bytes:
    """The signed bytes of one operator row."""
    return CONTEXT + canonical_json({
        "station": station, "name": str(operator.name), "role": str(operator.role),
        "status": str(operator.status), "signing_key": bytes(operator.signing_key or b"").hex(),
    })


def sign_row(station: str, operator: Operator, key: Ed25519PrivateKey) -> None:
    """Set the row's signature (the caller saves the row)."""
    operator.signer = key.public_key().public_bytes_raw().hex()
    operator.signature = key.sign(row_body(station, operator)).hex()


def pinned_roots() -> list[bytes] | None:
    """The root signing keys from the first audit event naming them; None if none does yet.

    Candidates are read one at a time (`LIMIT 1`): a cursor left open would read ahead
    through the whole audit table looking for a second match, at every login."""
    after = 0
    while True:
        event = (AuditEvent.select(AuditEvent.seq, AuditEvent.details)
                 .where(AuditEvent.action.in_(ROOT_ACTIONS) & (AuditEvent.seq > after))
                 .order_by(AuditEvent.seq).limit(1).first())
        if event is None:
            return None
        roots = json.loads(event.details).get("roots")
        if isinstance(roots, list) and roots:
            return [bytes.fromhex(str(r)) for r in roots]
        after = event.seq


def row_verifies(station: str, operator: Operator, trusted: Iterable[str]) -> bool:
    """Whether the row's signature is good and made by a trusted key (hex)."""
    signer, signature = operator.signer, operator.signature
    if not signer or not signature or signer not in set(trusted):
        return False
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(signer)).verify(
            bytes.fromhex(signature), row_body(station, operator))
    except (InvalidSignature, ValueError):
        return False
    return True


def trusted_signers(station: str, roots: list[bytes]) -> set[str]:
    """The roots, then every admin's signing key whose row a trusted key signed."""
    trusted = {r.hex() for r in roots}
    admins = list(Operator.select().where((Operator.role == ADMIN) & Operator.signing_key.is_null(False)))
    grew = True
    while grew:
        grew = False
        for admin in admins:
            key = bytes(admin.signing_key or b"").hex()
            if key and key not in trusted and row_verifies(station, admin, trusted):
                trusted.add(key)
                grew = True
    return trusted


def untrusted_operators(station: str) -> list[str]:
    """Names whose rows do not verify (empty on a station that has not pinned roots yet)."""
    roots = pinned_roots()
    if roots is None:
        return []
    trusted = trusted_signers(station, roots)
    return [str(o.name) for o in Operator.select().order_by(Operator.name)
            if not row_verifies(station, o, trusted)]
