"""The recovery copy: the hub's recovery slot kept apart from the key file.

`station.recovery` beside the database, and the same file in every USB export, hold the
database key sealed to the hub (HPKE) and the recovery signer sealed once at creation.
Nothing in it opens without the hub's private key, so it needs no MAC: a copy that was
edited simply fails to open the database. With it, `jiujin db recover` works when the key
file is deleted, truncated or edited, and when only a database backup and the last
export survive.
"""

from __future__ import annotations

import json
from pathlib import Path

from station.core.atomic import atomic_write_bytes
from station.core.errors import KeyFileError
from station.core.keyfile import RecoverySlot

RECOVERY_NAME = "station.recovery"
FORMAT = "jiujin-recovery/1"


def recovery_bytes(station: str, slot: RecoverySlot) -> bytes:
    """The recovery copy's file contents."""
    document = {"format": FORMAT, "station": station} | slot.as_json()
    return json.dumps(document, indent=1, sort_keys=True).encode() + b"\n"


def save_recovery_copy(path: Path, station: str, slot: RecoverySlot) -> None:
    """Write the recovery copy atomically."""
    atomic_write_bytes(path, recovery_bytes(station, slot), mode=0o600)


def load_recovery_copy(path: Path) -> tuple[str, RecoverySlot]:
    """The station code and recovery slot of a recovery copy; KeyFileError if unreadable."""
    try:
        document = json.loads(Path(path).read_bytes())
        if document.get("format") != FORMAT:
            raise ValueError("format")
        return str(document["station"]), RecoverySlot.from_json(document)
    except FileNotFoundError:
        raise KeyFileError(f"找不到恢复文件 {path}", f"recovery file {path} is missing") from None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        raise KeyFileError(f"恢复文件 {path} 已损坏", f"recovery file {path} is damaged") from None
