"""Atomic, durable file writes: a unique temporary file, fsync, rename, fsync the folder."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path


def atomic_write_bytes(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Replace `path` with `data`: after a crash a reader finds the old file or the whole new one.

    The temporary file is `.<name>.<random>.tmp` beside `path`, so two writers never share
    one; it is removed if the write fails. OS errors (disk full, read-only) propagate.
    """
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    temporary = Path(name)
    try:
        try:
            os.fchmod(fd, mode)
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    fsync_folder(path.parent)


def fsync_folder(folder: Path) -> None:
    """Make a rename inside `folder` durable."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


_WRITE_FAILURES = {
    errno.EROFS: ("磁盘为只读", "the disk is read-only"),
    errno.EACCES: ("没有写入权限", "permission denied"),
    errno.EPERM: ("没有写入权限", "permission denied"),
    errno.ENOSPC: ("磁盘空间已满", "the disk is full"),
    errno.EDQUOT: ("磁盘配额已满", "the disk quota is used up"),
    errno.ENOTDIR: ("路径中有一段是文件而不是文件夹", "a part of the path is a file, not a folder"),
    errno.ENOENT: ("文件夹不存在", "the folder does not exist"),
}


def write_failure_reason(exc: OSError) -> tuple[str, str]:
    """Why a file or folder could not be written, in Chinese and in English (for one line)."""
    return _WRITE_FAILURES.get(exc.errno or 0, (str(exc.strerror), str(exc.strerror)))
