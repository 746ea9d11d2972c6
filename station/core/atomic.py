"""The kernel's atomic file write, with disk-full and read-only failures as the store's errors."""

from __future__ import annotations

import errno
from pathlib import Path

from kernel.atomic import atomic_write_bytes as write_durably
from station.core.errors import StorageFull, StorageReadOnly


def atomic_write_bytes(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Replace `path` with `data` (see `kernel.atomic`); a full or read-only disk says so."""
    try:
        write_durably(path, data, mode)
    except OSError as exc:
        raise storage_error(exc) from None


def storage_error(exc: OSError) -> Exception:
    """Translate disk-full and read-only OS errors into the store's errors."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageFull()
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return StorageReadOnly()
    return exc
