"""HPKE base mode (RFC 9180) for one suite, with associated data and a derived ephemeral key.

Suite: DHKEM(X25519, HKDF-SHA256) (0x0020), HKDF-SHA256 (0x0001), AES-256-GCM (0x0002).

`cryptography`'s `hpke.Suite` seals only with empty associated data and a random
ephemeral key. Sealed batches need both the header as associated data (RFC 9180 §5.2
`Seal(aad, pt)`) and deterministic sealing (the ephemeral key comes from RFC 9180
§7.1.3 `DeriveKeyPair(ikm)`), so the few lines of key schedule are written here on top
of `cryptography`'s X25519, HMAC and AES-GCM. Tests check both directions against
`cryptography`'s own HPKE with empty associated data.
"""

from __future__ import annotations

import hashlib
import hmac

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from sync.errors import DecryptFailed

KEM_ID, KDF_ID, AEAD_ID = 0x0020, 0x0001, 0x0002
N_ENC, N_SECRET, N_K, N_N = 32, 32, 32, 12
_KEM_SUITE = b"KEM" + KEM_ID.to_bytes(2, "big")
_HPKE_SUITE = b"HPKE" + KEM_ID.to_bytes(2, "big") + KDF_ID.to_bytes(2, "big") + AEAD_ID.to_bytes(2, "big")
_MODE_BASE = b"\x00"


def _extract(salt: bytes, ikm: bytes) -> bytes:
    return hmac.new(salt or b"\x00" * 32, ikm, hashlib.sha256).digest()


def _expand(prk: bytes, info: bytes, length: int) -> bytes:
    out, block, counter = b"", b"", 1
    while len(out) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        out += block
        counter += 1
    return out[:length]


def _labeled_extract(suite: bytes, salt: bytes, label: bytes, ikm: bytes) -> bytes:
    return _extract(salt, b"HPKE-v1" + suite + label + ikm)


def _labeled_expand(suite: bytes, prk: bytes, label: bytes, info: bytes, length: int) -> bytes:
    return _expand(prk, length.to_bytes(2, "big") + b"HPKE-v1" + suite + label + info, length)


def derive_key_pair(ikm: bytes) -> X25519PrivateKey:
    """RFC 9180 §7.1.3 DeriveKeyPair for X25519."""
    prk = _labeled_extract(_KEM_SUITE, b"", b"dkp_prk", ikm)
    return X25519PrivateKey.from_private_bytes(_labeled_expand(_KEM_SUITE, prk, b"sk", b"", 32))


def _shared_secret(dh: bytes, enc: bytes, recipient_public: bytes) -> bytes:
    prk = _labeled_extract(_KEM_SUITE, b"", b"eae_prk", dh)
    return _labeled_expand(_KEM_SUITE, prk, b"shared_secret", enc + recipient_public, N_SECRET)


def _key_schedule(shared_secret: bytes, info: bytes) -> tuple[bytes, bytes]:
    psk_id_hash = _labeled_extract(_HPKE_SUITE, b"", b"psk_id_hash", b"")
    info_hash = _labeled_extract(_HPKE_SUITE, b"", b"info_hash", info)
    context = _MODE_BASE + psk_id_hash + info_hash
    secret = _labeled_extract(_HPKE_SUITE, shared_secret, b"secret", b"")
    key = _labeled_expand(_HPKE_SUITE, secret, b"key", context, N_K)
    base_nonce = _labeled_expand(_HPKE_SUITE, secret, b"base_nonce", context, N_N)
    return key, base_nonce


def seal(recipient_public: bytes, info: bytes, aad: bytes, plaintext: bytes,
         ephemeral_ikm: bytes) -> bytes:
    """Single-shot SealBase: returns enc (32 bytes) || AES-256-GCM ciphertext."""
    ephemeral = derive_key_pair(ephemeral_ikm)
    enc = ephemeral.public_key().public_bytes_raw()
    dh = ephemeral.exchange(X25519PublicKey.from_public_bytes(recipient_public))
    key, nonce = _key_schedule(_shared_secret(dh, enc, recipient_public), info)
    return enc + AESGCM(key).encrypt(nonce, plaintext, aad)


def open_sealed(recipient: X25519PrivateKey, info: bytes, aad: bytes, sealed: bytes) -> bytes:
    """Single-shot OpenBase; DecryptFailed if anything was altered."""
    if len(sealed) < N_ENC + 16:
        raise DecryptFailed()
    enc, ciphertext = sealed[:N_ENC], sealed[N_ENC:]
    try:
        dh = recipient.exchange(X25519PublicKey.from_public_bytes(enc))
    except ValueError:
        raise DecryptFailed() from None
    recipient_public = recipient.public_key().public_bytes_raw()
    key, nonce = _key_schedule(_shared_secret(dh, enc, recipient_public), info)
    try:
        return AESGCM(key).decrypt(nonce, ciphertext, aad)
    except InvalidTag:
        raise DecryptFailed() from None
