"""Key slots: the database key sealed to each operator and to the hub's recovery key.

The database key is 32 random bytes, never a password. Each operator holds an X25519
key pair; the private key is wrapped with AES-256-GCM under a key derived from the
operator's password with Argon2id, and the database key is sealed to the public key
with HPKE (RFC 9180). So an admin can add an operator, and a supervisor can re-key,
without knowing anyone's password; the hub's private key opens a station whose every
password is lost. Slots are kept in the key file (`keyfile.py`).
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hpke
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from station.core.errors import LoginFailed

DB_KEY_BYTES = 32
#: Argon2id floor: 64 MiB of memory and three passes (OWASP's second recommendation).
MIN_MEMORY_KIB = 64 * 1024
MIN_ITERATIONS = 3
HPKE_SUITE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
SEAL_INFO = b"jiujin/db-key/v1"


def new_database_key() -> bytes:
    """A fresh random database key."""
    return os.urandom(DB_KEY_BYTES)


#: Two Argon2id derivations with several lanes at once in one process never return (seen with
#: cryptography 50: a login on the UI's worker thread beside the demo hub's enrolment login), so
#: they take turns; each already keeps a core busy, so nothing is lost by waiting.
_DERIVING = threading.Lock()


@dataclass(frozen=True)
class KdfParams:
    """Argon2id parameters, stored with each slot so they can be raised later."""

    salt: bytes
    memory_kib: int = MIN_MEMORY_KIB
    iterations: int = MIN_ITERATIONS
    lanes: int = 4

    @classmethod
    def fresh(cls) -> KdfParams:
        return cls(salt=os.urandom(16))

    def derive(self, password: str) -> bytes:
        """The 32-byte wrapping key for `password` (one derivation at a time in this program)."""
        kdf = Argon2id(
            salt=self.salt,
            length=32,
            iterations=self.iterations,
            lanes=self.lanes,
            memory_cost=self.memory_kib,
        )
        with _DERIVING:
            return kdf.derive(password.encode("utf-8"))


#: Used to spend the same Argon2id work on an unknown operator name as on a known one.
_DECOY_PARAMS = KdfParams(salt=b"jiujin-decoy-slt")


@dataclass(frozen=True)
class OperatorSlot:
    """One operator's sealed copy of the database key; an admin's slot also holds their
    Ed25519 signing key (which signs operator records), wrapped under the same password."""

    name: str
    public_key: bytes
    kdf: KdfParams
    wrapped_private_key: bytes
    sealed_db_key: bytes
    signing_public_key: bytes = b""
    wrapped_signing_key: bytes = b""


@dataclass(frozen=True)
class OpenedSlot:
    """What a right password yields: the database key and, for an admin, the signing key."""

    db_key: bytes
    signing_key: Ed25519PrivateKey | None


def create_slot(name: str, password: str, db_key: bytes, kdf: KdfParams | None = None,
                signing_key: Ed25519PrivateKey | None = None) -> OperatorSlot:
    """A new key pair for `name`, wrapped under `password`, holding `db_key` (and
    `signing_key`, wrapped under the same password, for an admin)."""
    private_key = X25519PrivateKey.generate()
    params = kdf or KdfParams.fresh()
    wrapping_key = params.derive(password)
    signing_public, wrapped_signing = b"", b""
    if signing_key is not None:
        signing_public = signing_key.public_key().public_bytes_raw()
        wrapped_signing = _seal_raw(signing_key.private_bytes_raw(), wrapping_key, _signing_aad(name))
    return OperatorSlot(
        name=name,
        public_key=private_key.public_key().public_bytes_raw(),
        kdf=params,
        wrapped_private_key=_wrap(private_key, wrapping_key, name),
        sealed_db_key=seal_to(private_key.public_key().public_bytes_raw(), db_key),
        signing_public_key=signing_public,
        wrapped_signing_key=wrapped_signing,
    )


def open_slot(slot: OperatorSlot, password: str) -> bytes:
    """The database key, if `password` is right; LoginFailed otherwise."""
    return unlock_slot(slot, password).db_key


def unlock_slot(slot: OperatorSlot, password: str) -> OpenedSlot:
    """The database key and the slot's signing key, if `password` is right; LoginFailed otherwise."""
    wrapping_key = slot.kdf.derive(password)
    blob = slot.wrapped_private_key
    try:
        raw = AESGCM(wrapping_key).decrypt(blob[:12], blob[12:], slot.name.encode())
        private_key = X25519PrivateKey.from_private_bytes(raw)
        db_key = HPKE_SUITE.decrypt(slot.sealed_db_key, private_key, info=SEAL_INFO)
        signing_key = None
        if slot.wrapped_signing_key:
            signing = slot.wrapped_signing_key
            raw_signing = AESGCM(wrapping_key).decrypt(signing[:12], signing[12:], _signing_aad(slot.name))
            signing_key = Ed25519PrivateKey.from_private_bytes(raw_signing)
            if signing_key.public_key().public_bytes_raw() != slot.signing_public_key:
                raise ValueError("signing key")
        return OpenedSlot(db_key, signing_key)
    except (InvalidTag, ValueError):
        raise LoginFailed() from None


def spend_decoy_work(password: str) -> None:
    """Spend one slot's Argon2id work, so an unknown name costs what a wrong password does."""
    _DECOY_PARAMS.derive(password)


def reseal_slot(slot: OperatorSlot, db_key: bytes) -> OperatorSlot:
    """The same slot holding a new database key (after a re-key)."""
    return OperatorSlot(
        name=slot.name,
        public_key=slot.public_key,
        kdf=slot.kdf,
        wrapped_private_key=slot.wrapped_private_key,
        sealed_db_key=seal_to(slot.public_key, db_key),
        signing_public_key=slot.signing_public_key,
        wrapped_signing_key=slot.wrapped_signing_key,
    )


def seal_to(public_key: bytes, db_key: bytes) -> bytes:
    """HPKE-seal the database key to an X25519 public key."""
    recipient = X25519PublicKey.from_public_bytes(public_key)
    return HPKE_SUITE.encrypt(db_key, recipient, info=SEAL_INFO)


def open_sealed(sealed: bytes, private_key: X25519PrivateKey) -> bytes:
    """Open a sealed database key with the matching private key (the hub's, for recovery)."""
    try:
        return HPKE_SUITE.decrypt(sealed, private_key, info=SEAL_INFO)
    except (InvalidTag, ValueError):
        raise LoginFailed() from None


def seal_bytes_to(public_key: bytes, data: bytes, info: bytes) -> bytes:
    """HPKE-seal any secret (the recovery signing key) to an X25519 public key."""
    return HPKE_SUITE.encrypt(data, X25519PublicKey.from_public_bytes(public_key), info=info)


def open_sealed_bytes(sealed: bytes, private_key: X25519PrivateKey, info: bytes) -> bytes:
    """Open what `seal_bytes_to` sealed; LoginFailed if the key does not fit."""
    try:
        return HPKE_SUITE.decrypt(sealed, private_key, info=info)
    except (InvalidTag, ValueError):
        raise LoginFailed() from None


def _wrap(private_key: X25519PrivateKey, wrapping_key: bytes, name: str) -> bytes:
    return _seal_raw(private_key.private_bytes_raw(), wrapping_key, name.encode())


def _seal_raw(raw: bytes, wrapping_key: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(wrapping_key).encrypt(nonce, raw, aad)


def _signing_aad(name: str) -> bytes:
    return f"{name}/signing".encode()
