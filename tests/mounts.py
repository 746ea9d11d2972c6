"""Small file systems of a chosen size or mode (tmpfs), for disk-full and read-only tests."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

needs_root = pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small tmpfs needs root")


@contextmanager
def tmpfs(folder: Path, size: str) -> Iterator[Path]:
    """A fresh tmpfs of `size` mounted on `folder` (made here), unmounted afterwards."""
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def remount(folder: Path, mode: str) -> None:
    """Remount the tmpfs at `folder` with `mode` (e.g. "ro", "rw", "size=8M")."""
    subprocess.run(["mount", "-o", f"remount,{mode}", str(folder)], check=True)
