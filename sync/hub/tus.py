"""tus 1.0 resumable uploads (core, creation, creation-with-upload, checksum, termination,
expiration), kept in the database.

An upload's bytes are stored as runs (`HubUploadChunk`) so that a hub killed mid-upload,
or another replica over the same PostgreSQL, resumes at the stored offset. Invariant:
the valid bytes are the runs below `HubUpload.offset`; anything at or above it is left
from an interrupted PATCH and is removed before the next one writes.

A PATCH with `Upload-Checksum` is all-or-nothing (460 on a mismatch, nothing kept if the
connection drops); without one, whatever arrived before a cut is kept, as tus suggests.
A newer PATCH on the same upload takes over from an older one still streaming.

An upload not finished within `EXPIRY` of its creation expires: its bytes are dropped and
the client is told 410 Gone (the `Upload-Expires` header says when, on every answer).

An object that one request carries whole from offset 0 (a day's batch, sent with
creation-with-upload) is ingested from memory and never stored as runs: its upload goes from
offset 0 straight to finished, with the result. Were the hub to stop in between, the upload
still reads offset 0 and the station sends the object again; ingest knows it by its id.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import hashlib
import json
import re
import secrets
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import format_datetime
from typing import Any, TypeVar

from sync.hub.db import statement, write_transaction
from sync.hub.models import HubUpload, HubUploadChunk

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,creation-with-upload,checksum,termination,expiration"
CHECKSUMS = {"sha1": hashlib.sha1, "sha256": hashlib.sha256, "md5": hashlib.md5}
MAX_SIZE = 96 * 1024 * 1024
PIECE = 1024 * 1024
#: How long an unfinished upload is kept: a day covers a station that lost its network
#: mid-upload in the morning and resumes after the evening close.
EXPIRY = timedelta(hours=24)
_DIGITS = re.compile(r"[0-9]{1,18}")
T = TypeVar("T")


class TusProblem(Exception):
    """A tus request that must be answered with `status`."""

    def __init__(self, status: int, code: str, message_en: str, message_zh: str) -> None:
        super().__init__(message_en)
        self.status, self.code = status, code
        self.message_en, self.message_zh = message_en, message_zh


def parse_int(value: str | None) -> int | None:
    """A tus integer header (`Upload-Length`, `Upload-Offset`): ASCII digits only, or None."""
    if value is None or not _DIGITS.fullmatch(value):
        return None
    return int(value)


def expires_at(upload: HubUpload) -> datetime:
    return datetime.fromisoformat(upload.created_at) + EXPIRY


def expires_header(upload: HubUpload) -> dict[str, str]:
    """`Upload-Expires` (RFC 9110 date) for an upload still open, else nothing."""
    if upload.completed_at is not None or upload.offset == upload.length:
        return {}
    return {"Upload-Expires": format_datetime(expires_at(upload), usegmt=True)}


def is_expired(upload: HubUpload, now: datetime) -> bool:
    return upload.completed_at is None and upload.offset < upload.length and expires_at(upload) <= now


def encode_metadata(metadata: dict[str, str]) -> str:
    """The `Upload-Metadata` header an upload was created with (keys in sorted order)."""
    return ",".join(f"{key} {base64.b64encode(value.encode()).decode()}" if value else key
                    for key, value in sorted(metadata.items()))


def parse_metadata(header: str) -> dict[str, str]:
    """`Upload-Metadata`: comma-separated `key base64value` pairs."""
    metadata: dict[str, str] = {}
    for pair in filter(None, (p.strip() for p in header.split(","))):
        key, _, value = pair.partition(" ")
        if not key or " " in value.strip() or len(key) > 100:
            raise TusProblem(400, "bad_metadata", "Upload-Metadata is malformed", "Upload-Metadata 格式有误")
        try:
            metadata[key] = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, ValueError):
            raise TusProblem(400, "bad_metadata", "Upload-Metadata is not base64", "Upload-Metadata 不是 base64") from None
    return metadata


def parse_checksum(header: str | None) -> tuple[str, bytes] | None:
    """`Upload-Checksum: <algorithm> <base64 digest>`."""
    if header is None:
        return None
    algorithm, _, encoded = header.strip().partition(" ")
    if algorithm not in CHECKSUMS:
        raise TusProblem(400, "bad_checksum_algorithm", "unsupported checksum algorithm", "不支持的校验算法")
    try:
        return algorithm, base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise TusProblem(400, "bad_checksum", "Upload-Checksum is not base64", "Upload-Checksum 不是 base64") from None


# Every day's batch creates and finishes one upload: fixed SQL, as ingest's own queries
# (`sync.hub.db.statement`); the rest of tus keeps peewee.
_CREATE = 'INSERT INTO hub_upload (id, station, length, "offset", metadata, created_at) VALUES (?, ?, ?, 0, ?, ?)'
_FINISH = 'UPDATE hub_upload SET completed_at = ?, result = ?, "offset" = length WHERE id = ?'
_DROP_RUNS = "DELETE FROM hub_upload_chunk WHERE upload = ?"


def create(station: str, length: int, metadata: dict[str, str], now: str) -> HubUpload:
    upload = HubUpload(id=secrets.token_hex(16), station=station, length=length, offset=0,
                       metadata=json.dumps(metadata, ensure_ascii=False, sort_keys=True), created_at=now)
    statement(_CREATE, (upload.id, station, length, upload.metadata, now))  # one statement: its own transaction
    return upload


def find(upload_id: str, station: str, now: datetime) -> HubUpload:
    upload = HubUpload.get_or_none((HubUpload.id == upload_id) & (HubUpload.station == station))
    if upload is None:
        raise TusProblem(404, "no_such_upload", "no such upload", "没有该上传")
    if is_expired(upload, now):
        terminate(upload)
        raise TusProblem(410, "upload_expired", "the upload expired; start a new one", "该上传已过期，请重新上传")
    return upload


def expire(now: datetime) -> int:
    """Drop every unfinished upload past its expiry; returns how many."""
    cutoff = (now - EXPIRY).isoformat(timespec="seconds")
    stale = [u for u in HubUpload.select().where(HubUpload.completed_at.is_null()
                                                  & (HubUpload.offset < HubUpload.length)
                                                  & (HubUpload.created_at <= cutoff))
             if is_expired(u, now)]
    for upload in stale:
        terminate(upload)
    return len(stale)


def terminate(upload: HubUpload) -> None:
    with write_transaction():
        HubUploadChunk.delete().where(HubUploadChunk.upload == upload.id).execute()
        HubUpload.delete().where(HubUpload.id == upload.id).execute()


def assemble(upload: HubUpload) -> bytes:
    """Every byte of a finished upload, in order."""
    query = (HubUploadChunk.select(HubUploadChunk.offset, HubUploadChunk.data)
             .where((HubUploadChunk.upload == upload.id) & (HubUploadChunk.offset < upload.offset))
             .order_by(HubUploadChunk.offset))
    data = b"".join(bytes(row.data) for row in query)
    if len(data) != upload.length:
        raise TusProblem(500, "upload_incomplete", "stored upload is incomplete", "上传数据不完整")
    return data


def finish(upload_id: str, result: dict[str, Any], now: str, stored: bool = True) -> None:
    """Record what ingest made of a finished upload (all of it received) and drop its stored
    bytes. An upload that came whole in one request stored none (`stored=False`, see
    `Patch.whole`): its one statement is its own transaction."""
    finished = (now, json.dumps(result, ensure_ascii=False), upload_id)
    if not stored:
        statement(_FINISH, finished)
        return
    with write_transaction():
        statement(_FINISH, finished)
        statement(_DROP_RUNS, (upload_id,))


@dataclass
class Patch:
    """One PATCH request streaming into an upload."""

    upload_id: str
    start: int
    length: int
    checksum: tuple[str, bytes] | None
    token: str = field(default_factory=lambda: secrets.token_hex(8))
    received: int = 0
    buffer: bytearray = field(default_factory=bytearray)
    digest: Any = None
    written: int = 0

    def __post_init__(self) -> None:
        if self.checksum is not None:
            self.digest = CHECKSUMS[self.checksum[0]]()

    @property
    def whole(self) -> bool:
        """Whether this PATCH holds the whole object in memory, from offset 0, none of it stored."""
        return self.start == 0 and self.written == 0 and len(self.buffer) == self.length


class PatchRegistry:
    """Which PATCH owns each upload right now (a newer one takes over), with a lock per upload
    that exists only while a request holds it or waits for it (a hub serves millions of uploads
    between restarts; it keeps nothing for the finished ones)."""

    def __init__(self) -> None:
        self._owners: dict[str, str] = {}
        self._locks: dict[str, tuple[threading.Lock, list[int]]] = {}
        self._guard = threading.Lock()

    @contextlib.contextmanager
    def _lock(self, upload_id: str) -> Iterator[None]:
        with self._guard:
            lock, users = self._locks.setdefault(upload_id, (threading.Lock(), [0]))
            users[0] += 1
        try:
            with lock:
                yield
        finally:
            with self._guard:
                users[0] -= 1
                if not users[0]:
                    del self._locks[upload_id]

    def in_flight(self) -> int:
        """How many uploads a request owns, holds or waits for right now."""
        with self._guard:
            return len(self._locks.keys() | self._owners.keys())

    def begin(self, upload_id: str, offset_header: int, checksum: tuple[str, bytes] | None) -> Patch:
        """Take the upload over; 409 unless the client's offset is the stored one."""
        with self._lock(upload_id):
            upload = HubUpload.get_by_id(upload_id)
            if upload.completed_at is not None or upload.offset != offset_header:
                raise TusProblem(409, "offset_mismatch", "Upload-Offset differs from the server's",
                                 "Upload-Offset 与服务器不符")
            patch = Patch(upload_id, upload.offset, upload.length, checksum)
            with write_transaction():
                HubUploadChunk.delete().where((HubUploadChunk.upload == upload_id)
                                              & (HubUploadChunk.offset >= upload.offset)).execute()
            self._owners[upload_id] = patch.token
            return patch

    def begin_created(self, upload_id: str, length: int, checksum: tuple[str, bytes] | None) -> Patch:
        """Own an upload this request just created (creation-with-upload): it is at offset 0
        with nothing stored, so there is nothing to read or clear."""
        patch = Patch(upload_id, 0, length, checksum)
        with self._lock(upload_id):
            self._owners[upload_id] = patch.token
        return patch

    def feed(self, patch: Patch, data: bytes) -> bool:
        """Take bytes from the request (no IO); True once a piece is ready for `flush`."""
        if patch.start + patch.received + len(data) > patch.length:
            raise TusProblem(400, "too_long", "more bytes than Upload-Length", "数据超出 Upload-Length")
        patch.received += len(data)
        patch.buffer += data
        if patch.digest is not None:
            patch.digest.update(data)
        return len(patch.buffer) >= PIECE

    def flush(self, patch: Patch) -> None:
        """Store the gathered bytes as one run."""
        if not patch.buffer:
            return
        with self._lock(patch.upload_id):
            self._check_owner(patch)
            with write_transaction():
                HubUploadChunk.create(upload=patch.upload_id, offset=patch.start + patch.written,
                                      data=bytes(patch.buffer))
            patch.written += len(patch.buffer)
            patch.buffer = bytearray()

    def commit(self, patch: Patch) -> int:
        """End the PATCH: check the checksum, move the offset; returns the new offset."""
        self._check_checksum(patch)
        with self._lock(patch.upload_id):
            self._check_owner(patch)
            offset = patch.start + patch.written + len(patch.buffer)
            with write_transaction():  # the last piece and the new offset together
                if patch.buffer:
                    HubUploadChunk.create(upload=patch.upload_id, offset=patch.start + patch.written,
                                          data=bytes(patch.buffer))
                HubUpload.update(offset=offset).where(HubUpload.id == patch.upload_id).execute()
            patch.written, patch.buffer = offset - patch.start, bytearray()
            self._owners.pop(patch.upload_id, None)
            return offset

    def finish_whole(self, patch: Patch, finish: Callable[[bytes], T]) -> T:
        """End a PATCH that carried the whole object from offset 0 (`Patch.whole`): check the
        checksum, then, still the upload's owner, hand the bytes to `finish` (which ingests them
        and records the upload finished) with the upload locked; returns what it returns."""
        self._check_checksum(patch)
        with self._lock(patch.upload_id):
            self._check_owner(patch)
            try:
                return finish(bytes(patch.buffer))
            finally:
                self._owners.pop(patch.upload_id, None)
                patch.buffer = bytearray()

    def interrupted(self, patch: Patch) -> None:
        """The client went away: keep what arrived unless the PATCH carried a checksum."""
        if patch.checksum is not None:
            self.abandon(patch)
            return
        with contextlib.suppress(TusProblem):
            self.commit(patch)

    def abandon(self, patch: Patch) -> None:
        with self._lock(patch.upload_id):
            if self._owners.get(patch.upload_id) == patch.token:
                with write_transaction():
                    HubUploadChunk.delete().where((HubUploadChunk.upload == patch.upload_id)
                                                  & (HubUploadChunk.offset >= patch.start)).execute()
                self._owners.pop(patch.upload_id, None)

    def _check_checksum(self, patch: Patch) -> None:
        if patch.checksum is not None and patch.digest.digest() != patch.checksum[1]:
            self.abandon(patch)
            raise TusProblem(460, "checksum_mismatch", "checksum mismatch", "校验和不符")

    def _check_owner(self, patch: Patch) -> None:
        if self._owners.get(patch.upload_id) != patch.token:
            raise TusProblem(409, "superseded", "a newer PATCH took over this upload", "该上传已由新的请求接管")
