"""Files from outside (a USB stick, a drop folder): confined to their folder, regular and bounded.

A name that comes from a folder listing, a manifest or the network is matched against the
documented patterns before it is joined. Every folder below the trusted root (the folder a
person named on the command line) is opened with O_NOFOLLOW, every file with O_NOFOLLOW and
checked with fstat to be a regular file, and read up to its limit (docs/sealed-batch.md,
"Folder limits") plus one byte, so a symlink, a device or a huge file costs nothing to refuse.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import stat
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

from sync.errors import SealError
from sync.seal import MAX_CIPHERTEXT, MAX_HEADER

MIB = 1024 * 1024
#: A sealed batch or attachment file: framing, the largest header and ciphertext, the signature.
MAX_SEALED_FILE = 4 + 1 + 4 + MAX_HEADER + 8 + MAX_CIPHERTEXT + 64
#: A folder's manifest.json, and a signed day manifest (manifests/<day>.json).
MAX_MANIFEST_JSON = 16 * MIB
#: A signed acknowledgement (acks/*.json).
MAX_ACK_JSON = 1 * MIB
#: A signed downstream bundle (bundles/bundle-*.json): a 50 MiB catalog travels base64 inside.
MAX_BUNDLE_JSON = 72 * MIB
#: Objects one manifest may list, and entries one folder listing may hold.
MAX_OBJECTS = 100_000
#: Nesting a JSON document from outside may have (ours need 5).
MAX_JSON_DEPTH = 32

STATION_CODE = re.compile(r"[A-Z0-9]{4,16}")
OBJECT_ID = re.compile(r"[0-9a-f]{64}")
_PART = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")
_CHUNK = 1 << 20


class RefusedFile(SealError):
    """A file from outside that breaks a rule; `reason` is unsafe_path, not_regular_file or too_large."""


def unsafe_path(name: object) -> RefusedFile:
    shown = _shown(name)
    return RefusedFile(f"路径不安全，已跳过：{shown}（越出所在目录或名称不合规定）",
                       f"unsafe path skipped: {shown} (leaves its folder or breaks the naming rules)", "unsafe_path")


def not_regular(name: object) -> RefusedFile:
    shown = _shown(name)
    return RefusedFile(f"不是普通文件（符号链接、设备或目录），已跳过：{shown}",
                       f"not a regular file (symlink, device or folder), skipped: {shown}", "not_regular_file")


def too_large(name: object, limit: int) -> RefusedFile:
    shown = _shown(name)
    return RefusedFile(f"文件超过上限 {limit} 字节，已跳过：{shown}",
                       f"file over its limit of {limit} bytes, skipped: {shown}", "too_large")


def malformed_json(name: object) -> RefusedFile:
    shown = _shown(name)
    return RefusedFile(f"JSON 文件格式有误，已跳过：{shown}", f"malformed JSON file skipped: {shown}", "malformed")


def _shown(name: object) -> str:
    """A name fit for a message: printable, short."""
    text = name if isinstance(name, str) else repr(name)
    return "".join(c if c.isprintable() else "?" for c in text)[:80]


def check_relative(relative: object, max_parts: int = 4) -> list[str]:
    """The parts of a relative POSIX path whose every part is a plain name; RefusedFile otherwise.

    A plain name starts with a letter or digit, so `..`, `.`, hidden files, absolute paths,
    backslashes and NUL never pass."""
    if not isinstance(relative, str) or not 0 < len(relative) <= 512:
        raise unsafe_path(relative)
    parts = relative.split("/")
    if len(parts) > max_parts or not all(_PART.fullmatch(part) for part in parts):
        raise unsafe_path(relative)
    return parts


@contextmanager
def open_folder(root: Path, parts: Sequence[str], create: bool = False) -> Iterator[int]:
    """A descriptor of `root`/parts, each part opened without following a symlink."""
    fd = os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        for part in parts:
            if create:
                with suppress(FileExistsError):
                    os.mkdir(part, 0o700, dir_fd=fd)
            try:
                inner = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC, dir_fd=fd)
            except OSError as error:
                if error.errno in (errno.ELOOP, errno.ENOTDIR):
                    raise not_regular("/".join(parts)) from None
                raise
            os.close(fd)
            fd = inner
        yield fd
    finally:
        os.close(fd)


def _open_regular(folder_fd: int, name: str, shown: str) -> int:
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC,
                     dir_fd=folder_fd)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.EISDIR, errno.ENXIO):
            raise not_regular(shown) from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise not_regular(shown)
    return fd


def read_bounded_fd(fd: int, limit: int, shown: str) -> bytes:
    """At most `limit` bytes from an open regular file; too_large if there are more."""
    if os.fstat(fd).st_size > limit:
        raise too_large(shown, limit)
    data = bytearray()
    while len(data) <= limit:
        chunk = os.read(fd, min(_CHUNK, limit + 1 - len(data)))
        if not chunk:
            return bytes(data)
        data += chunk
    raise too_large(shown, limit)


def read_file(root: Path, relative: str, limit: int) -> bytes:
    """The bytes of `root`/relative, a regular file of at most `limit` bytes.

    RefusedFile for a bad name, a symlink or non-regular file, or one too large;
    FileNotFoundError when it is absent."""
    *folders, name = check_relative(relative)
    with open_folder(root, folders) as folder_fd:
        fd = _open_regular(folder_fd, name, relative)
        try:
            return read_bounded_fd(fd, limit, relative)
        finally:
            os.close(fd)


def read_json(root: Path, relative: str, limit: int) -> Any:
    """The parsed JSON of a bounded file; RefusedFile (malformed) for bad UTF-8, JSON or nesting."""
    return parse_json(read_file(root, relative, limit), relative)


def check_json_depth(data: bytes, shown: str) -> bytes:
    """`data` when its JSON nests at most MAX_JSON_DEPTH deep (so parsing it cannot recurse
    without bound); RefusedFile (malformed) otherwise."""
    if _depth(data) > MAX_JSON_DEPTH:
        raise malformed_json(shown)
    return data


def parse_json(data: bytes, shown: str) -> Any:
    """JSON from outside, refused when it is not UTF-8 or nests deeper than MAX_JSON_DEPTH."""
    check_json_depth(data, shown)
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise malformed_json(shown) from None


def _depth(data: bytes) -> int:
    """The deepest bracket nesting of a JSON text (strings skipped), without parsing it."""
    depth = deepest = 0
    for token in re.finditer(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', data):
        mark = token.group()
        if mark in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        elif mark in (b"]", b"}"):
            depth -= 1
    return deepest


def list_folder(root: Path, relative: Sequence[str], pattern: re.Pattern[str]) -> tuple[list[str], list[str]]:
    """The names in `root`/relative matching `pattern` (sorted), and those that do not; ([], [])
    when the folder is absent. Hidden names (our temporary files) are in neither."""
    try:
        with open_folder(root, relative) as fd, os.scandir(fd) as entries:
            names = []
            for entry in entries:
                names.append(entry.name)
                if len(names) > MAX_OBJECTS:
                    raise too_large("/".join(relative), MAX_OBJECTS)
    except FileNotFoundError:
        return [], []
    visible = sorted(n for n in names if not n.startswith("."))
    return [n for n in visible if pattern.fullmatch(n)], [n for n in visible if not pattern.fullmatch(n)]


def write_file(root: Path, relative: str, data: bytes) -> None:
    """Replace `root`/relative atomically (temporary file, fsync, rename, fsync the folder),
    creating folders without following symlinks; a symlink in its place is replaced, not followed."""
    *folders, name = check_relative(relative)
    temporary = f".{name}.tmp"
    Path(root).mkdir(parents=True, exist_ok=True)  # the root is the folder a person named
    with open_folder(root, folders, create=True) as folder_fd:
        with suppress(FileNotFoundError):
            os.unlink(temporary, dir_fd=folder_fd)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600,
                     dir_fd=folder_fd)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(temporary, name, src_dir_fd=folder_fd, dst_dir_fd=folder_fd)
        os.fsync(folder_fd)


def sha256_of(root: Path, relative: str, limit: int) -> str | None:
    """The SHA-256 of a regular file of at most `limit` bytes, streamed; None when absent or refused."""
    try:
        *folders, name = check_relative(relative)
        with open_folder(root, folders) as folder_fd:
            fd = _open_regular(folder_fd, name, relative)
            try:
                if os.fstat(fd).st_size > limit:
                    return None
                digest = hashlib.sha256()
                while chunk := os.read(fd, _CHUNK):
                    digest.update(chunk)
                return digest.hexdigest()
            finally:
                os.close(fd)
    except (FileNotFoundError, RefusedFile):
        return None


def remove_file(root: Path, relative: str, sha256: str, limit: int = MAX_SEALED_FILE) -> bool:
    """Delete `root`/relative only when it is a regular file whose SHA-256 is `sha256` (a file this
    side wrote); True if deleted. Never follows a symlink: unlinkat removes a name, not a target."""
    if sha256_of(root, relative, limit) != sha256:
        return False
    *folders, name = check_relative(relative)
    try:
        with open_folder(root, folders) as folder_fd:
            os.unlink(name, dir_fd=folder_fd)
    except (FileNotFoundError, RefusedFile):
        return False
    return True
