"""The hub's private keys at rest, and their escrow.

At rest: both PEM files are PKCS#8, encrypted with a passphrase (scrypt and AES-256, the
`cryptography` library's best available encryption). The passphrase comes from
`JIUJIN_HUB_KEY_PASSPHRASE_FILE` (a file readable only by the hub, e.g. a systemd
credential) or `JIUJIN_HUB_KEY_PASSPHRASE`; it is never stored beside the keys.

Escrow, for losing the hub machine: a random 32-byte escrow key encrypts both private keys
(AES-256-GCM) into an escrow file that travels with the backups, and the escrow key is split
into SLIP-39 word shares (`shamir-mnemonic`), of which any `threshold` bring it back. Each
custodian keeps one share on paper; no single custodian, and no backup alone, opens the keys.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    NoEncryption,
    PrivateFormat,
)

from sync.errors import HubError
from sync.private_keys import (
    PrivateKey,
)

ESCROW_FORMAT = "jiujin-hub-key-escrow/1"


def write_private(path: Path, key: PrivateKey, passphrase: bytes | None) -> None:
    """Write a private key readable by the hub's user only; encrypted unless `passphrase` is None."""
    protection = BestAvailableEncryption(passphrase) if passphrase else NoEncryption()
    pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, protection)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


@dataclass(frozen=True)
class Escrow:
    """The escrow file's bytes and the custodians' word shares."""

    document: bytes
    shares: list[str]


def escrow(hpke: X25519PrivateKey, signing: Ed25519PrivateKey, fingerprint: str, threshold: int,
           shares: int) -> Escrow:
    """Encrypt both keys under a fresh escrow key split into `shares` SLIP-39 shares."""
    import shamir_mnemonic

    if not 1 <= threshold <= shares <= 16:
        raise HubError("份额数应为 1–16，门限不大于份额数", "shares are 1–16 and the threshold at most the shares")
    escrow_key = os.urandom(32)
    nonce = os.urandom(12)
    plain = hpke.private_bytes_raw() + signing.private_bytes_raw()
    sealed = AESGCM(escrow_key).encrypt(nonce, plain, fingerprint.encode())
    document = {"format": ESCROW_FORMAT, "fingerprint": fingerprint, "threshold": threshold, "shares": shares,
                "nonce": base64.b64encode(nonce).decode(), "ciphertext": base64.b64encode(sealed).decode()}
    (words,) = shamir_mnemonic.generate_mnemonics(1, [(threshold, shares)], escrow_key)
    return Escrow(json.dumps(document, indent=1).encode() + b"\n", list(words))


def recover(document: bytes, shares: list[str]) -> tuple[X25519PrivateKey, Ed25519PrivateKey, str]:
    """Both private keys and their fingerprint, from the escrow file and enough shares."""
    import shamir_mnemonic
    from shamir_mnemonic import MnemonicError

    try:
        escrowed = json.loads(document)
        if escrowed.get("format") != ESCROW_FORMAT:
            raise ValueError("format")
        nonce = base64.b64decode(escrowed["nonce"], validate=True)
        sealed = base64.b64decode(escrowed["ciphertext"], validate=True)
        fingerprint = str(escrowed["fingerprint"])
    except (ValueError, KeyError, TypeError):
        raise HubError("不是中心私钥托管文件", "not a hub key escrow file") from None
    try:
        escrow_key = shamir_mnemonic.combine_mnemonics([" ".join(s.split()) for s in shares])
        plain = AESGCM(escrow_key).decrypt(nonce, sealed, fingerprint.encode())
    except MnemonicError as exc:
        raise HubError(f"托管份额无效或不足：{exc}", f"the escrow shares are invalid or too few: {exc}") from None
    except InvalidTag:
        raise HubError("托管份额与托管文件不匹配", "the shares do not open this escrow file") from None
    return (X25519PrivateKey.from_private_bytes(plain[:32]), Ed25519PrivateKey.from_private_bytes(plain[32:]),
            fingerprint)
