"""The key file: every operator's slot and the recovery slot, authenticated with a MAC.

The MAC is keyed from the database key, so it can be checked only after a slot has been
opened; a truncated or edited key file is then reported rather than trusted. Roles and
operator status are never read from here: the encrypted store is authoritative.
"""

from __future__ import annotations

import base64
import hmac
import json
from dataclasses import dataclass, field, replace
from hashlib import sha256
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from kernel.canonical import canonical_json
from station.core.atomic import atomic_write_bytes
from station.core.errors import KeyFileError
from station.core.keys import MIN_ITERATIONS, MIN_MEMORY_KIB, KdfParams, OperatorSlot

FORMAT = "jiujin-keyfile/1"
KEYFILE_NAME = "station.keys"
#: Parameters beyond these are refused when the file is read, before any Argon2id work, so
#: an edited file cannot stall login: the station writes 64 MiB and 3 passes; these leave
#: room to raise them (about one second of work on a counter PC), no more.
MAX_MEMORY_KIB = 256 * 1024
MAX_ITERATIONS = 8
MAX_LANES = 8


@dataclass(frozen=True)
class RecoverySlot:
    """The database key sealed to the hub's recovery public key, and the station's recovery
    signing key (sealed once at creation; it signs the admin a recovery names)."""

    public_key: bytes
    sealed_db_key: bytes
    signer_public_key: bytes = b""
    sealed_signer: bytes = b""

    def as_json(self) -> dict[str, Any]:
        document = {"public_key": _b64(self.public_key), "sealed_db_key": _b64(self.sealed_db_key)}
        if self.sealed_signer:
            document |= {"signer_public_key": _b64(self.signer_public_key),
                         "sealed_signer": _b64(self.sealed_signer)}
        return document

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> RecoverySlot:
        return cls(_unb64(document["public_key"]), _unb64(document["sealed_db_key"]),
                   _unb64(document.get("signer_public_key", "")), _unb64(document.get("sealed_signer", "")))


@dataclass(frozen=True)
class KeyFile:
    """Every slot of one station."""

    station_code: str
    slots: dict[str, OperatorSlot] = field(default_factory=dict)
    recovery: RecoverySlot | None = None

    def with_slot(self, slot: OperatorSlot) -> KeyFile:
        return replace(self, slots={**self.slots, slot.name: slot})

    def without_slot(self, name: str) -> KeyFile:
        return replace(self, slots={k: v for k, v in self.slots.items() if k != name})

    def body(self) -> dict[str, Any]:
        """The MAC-covered document."""
        return {
            "format": FORMAT,
            "station": self.station_code,
            "slots": [_slot_json(self.slots[name]) for name in sorted(self.slots)],
            "recovery": None if self.recovery is None else self.recovery.as_json(),
        }

    def mac(self, db_key: bytes) -> str:
        return hmac.new(mac_key(db_key), canonical_json(self.body()), sha256).hexdigest()

    def save(self, path: Path, db_key: bytes) -> None:
        """Write atomically with a MAC keyed from db_key."""
        document = self.body() | {"mac": self.mac(db_key)}
        atomic_write_bytes(path, json.dumps(document, ensure_ascii=False, indent=1).encode())


@dataclass(frozen=True)
class LoadedKeyFile:
    """A key file as read from disk, with the MAC it claims."""

    keys: KeyFile
    claimed_mac: str

    def verify(self, db_key: bytes) -> None:
        """Raise KeyFileError unless the MAC matches under db_key."""
        if not hmac.compare_digest(self.keys.mac(db_key), self.claimed_mac):
            raise KeyFileError(
                "密钥文件已被修改，与数据库不符。请从备份恢复密钥文件，或使用恢复密钥。",
                "The key file was modified and does not match the database. Restore it "
                "from a backup or use the recovery key.",
            )


def mac_key(db_key: bytes) -> bytes:
    """The key-file MAC key, derived from the database key."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"jiujin/keyfile-mac/v1").derive(db_key)


def load_keyfile(path: Path) -> LoadedKeyFile:
    """Parse the key file; KeyFileError if it is missing, truncated or malformed."""
    try:
        document = json.loads(path.read_bytes())
        if document.get("format") != FORMAT:
            raise ValueError("format")
        slots = {s["name"]: _slot_from_json(s) for s in document["slots"]}
        recovery = document.get("recovery")
        keys = KeyFile(
            station_code=str(document["station"]),
            slots=slots,
            recovery=None if recovery is None else RecoverySlot.from_json(recovery),
        )
        return LoadedKeyFile(keys, str(document["mac"]))
    except (FileNotFoundError, NotADirectoryError):
        raise KeyFileError(
            f"找不到密钥文件 {path}，请从备份恢复", f"key file {path} is missing; restore it from a backup"
        ) from None
    except (ValueError, KeyError, TypeError, AttributeError, IsADirectoryError, PermissionError):
        raise KeyFileError(
            f"密钥文件 {path} 已损坏（被截断或修改），请从备份恢复，或使用恢复密钥",
            f"key file {path} is damaged (truncated or edited); restore it from a backup "
            "or use the recovery key",
        ) from None


def _slot_json(slot: OperatorSlot) -> dict[str, Any]:
    document = _plain_slot_json(slot)
    if slot.wrapped_signing_key:
        document["signing"] = {"public_key": _b64(slot.signing_public_key),
                               "wrapped_private_key": _b64(slot.wrapped_signing_key)}
    return document


def _plain_slot_json(slot: OperatorSlot) -> dict[str, Any]:
    return {
        "name": slot.name,
        "public_key": _b64(slot.public_key),
        "kdf": {
            "algorithm": "argon2id",
            "salt": _b64(slot.kdf.salt),
            "memory_kib": slot.kdf.memory_kib,
            "iterations": slot.kdf.iterations,
            "lanes": slot.kdf.lanes,
        },
        "wrapped_private_key": _b64(slot.wrapped_private_key),
        "sealed_db_key": _b64(slot.sealed_db_key),
    }


def _slot_from_json(document: dict[str, Any]) -> OperatorSlot:
    kdf = document["kdf"]
    params = KdfParams(
        salt=_unb64(kdf["salt"]),
        memory_kib=int(kdf["memory_kib"]),
        iterations=int(kdf["iterations"]),
        lanes=int(kdf["lanes"]),
    )
    if kdf["algorithm"] != "argon2id" or not (
        MIN_MEMORY_KIB <= params.memory_kib <= MAX_MEMORY_KIB
        and MIN_ITERATIONS <= params.iterations <= MAX_ITERATIONS
        and 1 <= params.lanes <= MAX_LANES
    ):
        raise ValueError("kdf parameters")
    signing = document.get("signing") or {}
    return OperatorSlot(
        name=str(document["name"]),
        public_key=_unb64(document["public_key"]),
        kdf=params,
        wrapped_private_key=_unb64(document["wrapped_private_key"]),
        sealed_db_key=_unb64(document["sealed_db_key"]),
        signing_public_key=_unb64(signing.get("public_key", "")),
        wrapped_signing_key=_unb64(signing.get("wrapped_private_key", "")),
    )


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text, validate=True)
