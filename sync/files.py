"""Files on a USB sync folder: the kernel's atomic write, into a folder made on demand."""

from __future__ import annotations

from pathlib import Path

from kernel.atomic import atomic_write_bytes


def atomic_write(path: Path, data: bytes) -> None:
    """Replace `path` with `data` (see `kernel.atomic`), creating its folder first."""
    path.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_bytes(path, data)
