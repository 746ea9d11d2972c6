"""The hub's private keys as files: PEM, encrypted with the hub operator's passphrase.

Shared by the hub, which opens its keys at start, and by the station's `jiujin db recover`,
which a hub operator runs with the hub's key on the station's machine. The passphrase comes
from `JIUJIN_HUB_KEY_PASSPHRASE_FILE` (a file readable only by its owner, e.g. a systemd
credential) or `JIUJIN_HUB_KEY_PASSPHRASE`; it is never stored beside the keys.
"""

from __future__ import annotations

import os
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key

from sync.errors import HubError

PASSPHRASE_VARIABLE = "JIUJIN_HUB_KEY_PASSPHRASE"
PASSPHRASE_FILE_VARIABLE = "JIUJIN_HUB_KEY_PASSPHRASE_FILE"
MAX_PASSPHRASE_FILE = 1024
MAX_KEY_FILE = 16 * 1024
PrivateKey = X25519PrivateKey | Ed25519PrivateKey


class KeyPassphraseError(HubError):
    """The hub's keys cannot be opened: no passphrase, or the wrong one."""


def key_passphrase() -> bytes | None:
    """The passphrase protecting the hub's keys, from its file or variable; None if neither."""
    path = os.environ.get(PASSPHRASE_FILE_VARIABLE)
    if path:
        try:
            with open(path, "rb") as handle:
                data = handle.read(MAX_PASSPHRASE_FILE + 1)
        except OSError as exc:
            raise KeyPassphraseError(f"无法读取中心私钥口令文件 {path}", f"cannot read the key passphrase file {path}: "
                                     f"{exc.strerror}") from None
        if len(data) > MAX_PASSPHRASE_FILE or not data.strip():
            raise KeyPassphraseError("中心私钥口令文件为空或过大", "the key passphrase file is empty or too large")
        return data.splitlines()[0]
    value = os.environ.get(PASSPHRASE_VARIABLE)
    return value.encode() if value else None


def is_encrypted(path: Path) -> bool:
    return b"ENCRYPTED" in path.read_bytes()[:64]


def read_private(path: Path, passphrase: bytes | None) -> PrivateKey:
    """Load one private key, decrypting it with `passphrase` when it is encrypted."""
    if path.stat().st_size > MAX_KEY_FILE:
        raise HubError(f"{path.name} 过大，不是中心私钥", f"{path.name} is too large to be a hub key")
    data = path.read_bytes()
    encrypted = b"ENCRYPTED" in data[:64]
    if encrypted and not passphrase:
        raise KeyPassphraseError(
            f"中心私钥已加密：请通过 {PASSPHRASE_FILE_VARIABLE} 或 {PASSPHRASE_VARIABLE} 提供口令",
            f"the hub's keys are encrypted: give the passphrase with {PASSPHRASE_FILE_VARIABLE} "
            f"or {PASSPHRASE_VARIABLE}")
    try:
        key = load_pem_private_key(data, password=passphrase if encrypted else None)
    except (ValueError, TypeError):
        raise KeyPassphraseError("中心私钥口令错误或文件已损坏",
                                 "wrong passphrase for the hub's keys, or a damaged key file") from None
    if not isinstance(key, X25519PrivateKey | Ed25519PrivateKey):
        raise HubError("中心私钥文件类型有误", "the hub's private key files hold the wrong key types")
    return key
