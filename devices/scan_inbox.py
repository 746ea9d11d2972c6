"""The document camera's inbox (高拍仪): offer each finished scan once, by content.

A watchdog observer notes files as they appear or change; a settler thread offers a
file once its size has stopped changing and its content is a complete JPEG, PNG or PDF
(checked by signature and trailer, never by name). Files are deduplicated by SHA-256
and size-limited. Many filesystem events for one file merge into one offer. Once the
station holds an attached scan (encrypted, in its store) the file is deleted, so that no
plain copy of an identity document stays in the camera's folder; a file that is not a
scan moves to ``rejected/`` for a person to look at, and so does a symlink, device or pipe:
a scan is read only from a regular file, opened without following a link, never past the
size limit.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISDIR, S_ISREG

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from devices.errors import ScanInboxError

log = logging.getLogger(__name__)

_SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)
_PNG_END = b"IEND\xaeB`\x82"
_WRITE_EVENTS = ("created", "modified", "moved", "closed")
_IGNORED_SUFFIXES = (".tmp", ".part", ".crdownload", "~")

REASONS: dict[str, tuple[str, str]] = {
    "wrong_type": ("文件类型不支持：仅接受 JPEG、PNG、PDF", "Unsupported file: only JPEG, PNG and PDF"),
    "too_large": ("文件过大", "File too large"),
    "duplicate": ("重复的扫描件，已忽略", "Duplicate scan ignored"),
    "incomplete": ("扫描件不完整：请重新扫描", "Incomplete scan: scan again"),
    "unreadable": ("无法读取扫描件", "Cannot read the scan"),
    "not_regular": ("不是普通文件（符号链接、设备或管道），已移出", "Not a regular file (symlink, device or pipe), moved aside"),
}  # fmt: skip


@dataclass(frozen=True)
class ScanOffered:
    """A finished scan ready to attach to an application."""

    path: Path
    sha256: str
    media_type: str
    size: int


@dataclass(frozen=True)
class ScanRejected:
    """A file the inbox will not offer, and where it went."""

    path: Path
    reason: str
    moved_to: Path | None = None
    sha256: str | None = None

    def message(self, lang: str | None = "zh") -> str:
        zh, en = REASONS.get(self.reason, (self.reason, self.reason))
        return en if lang == "en" else zh


@dataclass(frozen=True)
class ScanInboxFault:
    """The inbox stopped working (folder gone, watcher failed)."""

    error: Exception


ScanEvent = ScanOffered | ScanRejected | ScanInboxFault


@dataclass(frozen=True)
class InboxSettings:
    """Seconds a file must keep its size, size limit, and patience for incomplete files."""

    settle_seconds: float = 1.0
    max_bytes: int = 25 * 1024 * 1024
    incomplete_timeout: float = 30.0
    rejected_name: str = "rejected"


@dataclass
class _Candidate:
    size: int
    mtime_ns: int
    changed_at: float
    first_seen: float


def media_type_of(head: bytes) -> str | None:
    """The media type from the file's first bytes, or None."""
    return next((kind for magic, kind in _SIGNATURES if head.startswith(magic)), None)


def is_complete(media_type: str, tail: bytes) -> bool:
    """True if the file's last bytes carry its format's end marker."""
    if media_type == "image/jpeg":
        return b"\xff\xd9" in tail[-64:]
    if media_type == "image/png":
        return tail.endswith(_PNG_END)
    return b"%%EOF" in tail[-1024:]


class ScanInbox:
    """Watches one folder and calls ``on_event`` with :data:`ScanEvent` values."""

    def __init__(
        self,
        folder: Path | str,
        on_event: Callable[[ScanEvent], None],
        settings: InboxSettings | None = None,
        known_hashes: Iterable[str] = (),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.folder = Path(folder)
        self.settings = settings or InboxSettings()
        self._on_event = on_event
        self._clock = clock
        self._known = set(known_hashes)
        self._candidates: dict[Path, _Candidate] = {}
        self._offered: dict[str, ScanOffered] = {}
        self._changed = threading.Condition()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._observer: Observer | None = None  # type: ignore[valid-type]
        self.failure: BaseException | None = None

    @property
    def rejected_dir(self) -> Path:
        return self.folder / self.settings.rejected_name

    # --- lifecycle --------------------------------------------------------------------------

    def start(self) -> ScanInbox:
        """Check the folder, note the files already there, and start watching."""
        if not self.folder.is_dir():
            raise ScanInboxError(f"{self.folder} is not a folder")
        self.rejected_dir.mkdir(exist_ok=True)
        for path in sorted(self.folder.iterdir()):
            self.notice(path)
        observer = Observer()
        observer.schedule(_Handler(self), str(self.folder), recursive=False)
        observer.start()
        self._observer = observer
        self._thread = threading.Thread(target=self._run, name="scan-inbox", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop watching and join both threads."""
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout)
        if self._thread is not None:
            self._thread.join(timeout)

    def __enter__(self) -> ScanInbox:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- what the station calls ----------------------------------------------------------------

    def pending(self) -> list[ScanOffered]:
        """Scans offered and not yet attached."""
        with self._changed:
            return list(self._offered.values())

    def consume(self, offer: ScanOffered) -> None:
        """The station stored this scan: delete its file and stop offering it.

        Call only after the store has committed the attachment. Deleting is the whole of it:
        on journaling filesystems and SSDs overwriting first would not reach the old blocks."""
        try:
            offer.path.unlink()
        except OSError as error:
            raise ScanInboxError(f"cannot remove {offer.path.name}: {error.strerror}") from error
        with self._changed:
            self._offered.pop(offer.sha256, None)

    # --- noticing and settling ------------------------------------------------------------------

    def notice(self, path: Path) -> None:
        """Note that a file appeared or changed (called by the watcher, or by tests)."""
        if path.parent != self.folder or _ignored(path):
            return
        try:
            stat = path.lstat()
        except FileNotFoundError:
            with self._changed:
                self._candidates.pop(path, None)
            return
        if S_ISDIR(stat.st_mode):
            return
        now = self._clock()
        with self._changed:
            previous = self._candidates.get(path)
            first_seen = previous.first_seen if previous else now
            if previous is None or (previous.size, previous.mtime_ns) != (
                stat.st_size,
                stat.st_mtime_ns,
            ):
                self._candidates[path] = _Candidate(stat.st_size, stat.st_mtime_ns, now, first_seen)
            self._changed.notify_all()

    def poll(self) -> float | None:
        """Examine every settled candidate; returns seconds until the next one is due."""
        now = self._clock()
        due, wait = [], None
        with self._changed:
            for path, candidate in list(self._candidates.items()):
                remaining = candidate.changed_at + self.settings.settle_seconds - now
                if remaining <= 0:
                    due.append(path)
                else:
                    wait = remaining if wait is None else min(wait, remaining)
        for path in due:
            self._settle(path, now)
        with self._changed:
            if self._candidates and wait is None:
                wait = self.settings.settle_seconds
        return wait

    def _settle(self, path: Path, now: float) -> None:
        with self._changed:
            candidate = self._candidates.get(path)
        if candidate is None:
            return
        try:
            stat = path.lstat()
        except FileNotFoundError:
            self._forget(path)
            return
        if not S_ISREG(stat.st_mode):
            self._reject(path, "not_regular")
            return
        if (stat.st_size, stat.st_mtime_ns) != (candidate.size, candidate.mtime_ns):
            self.notice(path)  # still being written
            return
        self._examine(path, candidate, now)

    def _examine(self, path: Path, candidate: _Candidate, now: float) -> None:
        if candidate.size > self.settings.max_bytes:
            self._reject(path, "too_large")
            return
        try:
            head, tail, digest = _read(path, self.settings.max_bytes)
        except _NotRegular:
            self._reject(path, "not_regular")
            return
        except _TooLarge:
            self._reject(path, "too_large")
            return
        except OSError:
            self._reject(path, "unreadable", move=False)
            return
        media_type = media_type_of(head)
        if candidate.size == 0 or (media_type and not is_complete(media_type, tail)):
            if now - candidate.first_seen >= self.settings.incomplete_timeout:
                self._reject(path, "incomplete")
            else:
                self._recheck_later(path, now)
            return
        if media_type is None:
            self._reject(path, "wrong_type")
            return
        self._offer(path, digest, media_type, candidate.size)

    def _offer(self, path: Path, digest: str, media_type: str, size: int) -> None:
        with self._changed:
            already = self._offered.get(digest)
            if already is not None and already.path == path:
                self._candidates.pop(path, None)
                return  # the same file seen again: it was offered once
            duplicate = digest in self._known
            self._known.add(digest)
            self._candidates.pop(path, None)
        if duplicate:
            self._reject(path, "duplicate", sha256=digest)
            return
        offer = ScanOffered(path, digest, media_type, size)
        with self._changed:
            self._offered[digest] = offer
        self._on_event(offer)

    def _reject(
        self, path: Path, reason: str, *, move: bool = True, sha256: str | None = None
    ) -> None:
        self._forget(path)
        moved_to = None
        if move:
            target = _free_name(self.rejected_dir, path.name)
            try:
                shutil.move(path, target)
                moved_to = target
            except OSError:
                log.warning("could not move rejected scan %s", path)
        self._on_event(ScanRejected(path, reason, moved_to, sha256))

    def _recheck_later(self, path: Path, now: float) -> None:
        with self._changed:
            candidate = self._candidates.get(path)
            if candidate is not None:
                candidate.changed_at = now

    def _forget(self, path: Path) -> None:
        with self._changed:
            self._candidates.pop(path, None)

    def _run(self) -> None:
        try:
            while True:
                wait = self.poll()
                with self._changed:
                    if self._stopping:
                        return
                    if not self._candidates:
                        self._changed.wait()
                    elif wait is not None and wait > 0:
                        self._changed.wait(wait)
        except Exception as error:
            log.exception("scan inbox stopped by an unexpected error")
            self.failure = error
            self._on_event(ScanInboxFault(error))


class _Handler(FileSystemEventHandler):
    """Hands every create/modify/move in the folder to the inbox."""

    def __init__(self, inbox: ScanInbox) -> None:
        self._inbox = inbox

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.is_directory or event.event_type not in _WRITE_EVENTS:
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            if raw:
                self._inbox.notice(Path(_text(raw)))


def _text(path: str | bytes) -> str:
    return path.decode() if isinstance(path, bytes) else path


def _free_name(folder: Path, name: str) -> Path:
    """`folder`/name, or name-2, name-3… when taken: a rejected file never replaces another."""
    target, number = folder / name, 1
    while os.path.lexists(target):
        number += 1
        target = folder / f"{Path(name).stem}-{number}{Path(name).suffix}"
    return target


def _ignored(path: Path) -> bool:
    return path.name.startswith(".") or path.name.endswith(_IGNORED_SUFFIXES)


class _NotRegular(Exception):
    """A symlink, device or pipe where a scan should be."""


class _TooLarge(Exception):
    """A scan that grew past the size limit while it was read."""


def _read(path: Path, limit: int) -> tuple[bytes, bytes, str]:
    """First bytes, last bytes and SHA-256 of a regular file of at most `limit` bytes, in one pass.

    Opened without following a symlink (the camera's folder is writable by whoever plugs a
    device in) and without blocking on a pipe; never more than `limit` + 1 bytes read."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC)
    except OSError as error:
        if error.errno in (errno.ELOOP, errno.ENXIO, errno.EISDIR):
            raise _NotRegular from None
        raise
    with os.fdopen(fd, "rb") as handle:
        if not S_ISREG(os.fstat(fd).st_mode):
            raise _NotRegular
        digest = hashlib.sha256()
        head, tail, size = b"", b"", 0
        while chunk := handle.read(1 << 16):
            size += len(chunk)
            if size > limit:
                raise _TooLarge
            if not head:
                head = chunk[:16]
            digest.update(chunk)
            tail = (tail + chunk)[-1024:]
    return head, tail, digest.hexdigest()
