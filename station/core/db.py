"""The SQLCipher 4 database: raw 32-byte key, explicit cipher settings, WAL, FULL sync."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from peewee import DatabaseError, DatabaseProxy, OperationalError
from peewee import __exception_wrapper__ as _translate_errors  # type: ignore[attr-defined]
from playhouse.sqlcipher_ext import SqlCipherDatabase

from station.core.errors import StorageFull, StorageReadOnly, StoreCorrupt
from station.core.station_lock import LOCK_NAME, StationLock

DATABASE_NAME = "station.db"

#: Stated explicitly rather than trusting the library's defaults: SQLCipher 4 settings.
CIPHER_PRAGMAS: list[tuple[str, object]] = [
    ("cipher_page_size", 4096),
    ("cipher_hmac_algorithm", "HMAC_SHA512"),
    ("cipher_kdf_algorithm", "PBKDF2_HMAC_SHA512"),
    ("kdf_iter", 256000),
    ("cipher_plaintext_header_size", 0),
]
STORE_PRAGMAS: list[tuple[str, object]] = [
    ("journal_mode", "wal"),
    ("synchronous", 2),  # FULL: a commit is on disk before it is acknowledged
    ("foreign_keys", 1),
    ("temp_store", 2),  # temporary tables and indexes in memory, never in plaintext files
    ("busy_timeout", 10000),
    ("cache_size", -32000),  # 32 MB of decrypted pages: index lookups stay off the cipher
]

_DURABLE = 2  # synchronous=FULL, as in STORE_PRAGMAS
_writers = threading.Lock()
_WRITERS_WAIT_S = 10.0  # as long as busy_timeout
_background = threading.local()  # `on` while this thread writes in short transactions


#: thread id -> time.monotonic() of its last write outside the background.
_foreground: dict[int, float] = {}
#: While another thread wrote in the last second (the counter is busy), the background pauses this
#: many times as long as each slice took (it holds the write lock 1/31 of the time), at most
#: `_MAX_PAUSE_S`; otherwise as long as the slice (half the time).
_BUSY_PAUSE = 30
_BUSY_WINDOW_S = 1.0
_MAX_PAUSE_S = 0.5
database = DatabaseProxy()
T = TypeVar("T")
#: The most rows a background write (acknowledgements, hub statuses) changes in one transaction.
SHORT_TRANSACTION_ROWS = 50


def raw_key_passphrase(key: bytes) -> str:
    """The SQLCipher key form that skips the KDF: x'<64 hex digits>'."""
    if len(key) != 32:
        raise ValueError("the database key is 32 bytes")
    return f"x'{key.hex()}'"


class StationDatabase(SqlCipherDatabase):  # type: ignore[misc]
    """The SQLCipher database, used only under the station-wide lock (`station_lock`): each
    transaction, and each statement outside one, holds it shared, so that no program reads or
    writes with a key that a re-key has replaced (StationBusy instead). A thread's connection
    opened before this program's own re-key reopens with the new key."""

    def __init__(self, path: str, lock: StationLock, **kwargs: object) -> None:
        super().__init__(path, **kwargs)
        self.lock = lock
        self._held = threading.local()

    def _connect(self) -> object:
        connection = super()._connect()
        self._held.generation = self.lock.generation
        return connection

    def _hold(self) -> None:
        """Take the lock shared for this thread; reopen a connection older than the key."""
        self.lock.acquire_shared()
        if self.lock.re_keying() or self.in_transaction() or self.is_closed():
            return
        if getattr(self._held, "generation", None) != self.lock.generation:
            try:
                self.close()
            except BaseException:
                self.lock.release_shared()
                raise

    def begin(self, lock_type: str | None = None) -> None:
        self._hold()
        self._held.transaction = True
        try:
            super().begin(lock_type)
        except BaseException:
            self._release_transaction()
            raise

    def commit(self) -> None:
        super().commit()
        self._release_transaction()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._release_transaction()

    def _release_transaction(self) -> None:
        if getattr(self._held, "transaction", False):
            self._held.transaction = False
            self.lock.release_shared()

    def execute_sql(self, sql: str, params: object = None) -> Any:  # peewee's cursor
        self._hold()
        try:
            return super().execute_sql(sql, params)
        finally:
            self.lock.release_shared()

    def rekey(self, passphrase: str) -> bool:
        """Re-key this thread's connection (under the lock held alone); the others reopen."""
        done = bool(super().rekey(passphrase))
        self._held.generation = self.lock.generation
        return done


def open_database(path: Path, key: bytes, lock: StationLock | None = None) -> SqlCipherDatabase:
    """Open (creating if absent) the encrypted database and bind the models to it; `lock` is
    the store's station-wide lock (a fresh one on the folder's `station.lock` by default)."""
    lock = lock or StationLock(path.parent / LOCK_NAME)
    db = StationDatabase(
        str(path),
        lock,
        passphrase=raw_key_passphrase(key),
        pragmas=CIPHER_PRAGMAS + STORE_PRAGMAS,
        check_same_thread=False,
    )
    try:
        with lock.shared(wait=True, adopt=True):  # the key was just read: its generation is now's
            db.connect(reuse_if_open=True)
            db.execute_sql("SELECT count(*) FROM sqlite_master").fetchone()
    except (DatabaseError, sqlite3.DatabaseError) as exc:
        db.close()
        translated = storage_failure(exc)
        if isinstance(translated, (StorageFull, StorageReadOnly)):
            raise translated from None
        raise StoreCorrupt(
            "数据库无法读取：文件已损坏或与密钥不符。已提交的数据请从备份恢复。",
            f"The database cannot be read: the file is damaged or does not match the key ({type(exc).__name__}).",
        ) from None
    database.initialize(db)
    return db


def integrity_check(db: SqlCipherDatabase) -> list[str]:
    """SQLite's integrity check plus SQLCipher's page HMAC check; ['ok'] when sound. The
    write-ahead log is copied into the file first: SQLCipher checks the file's pages only, and
    right after a re-key the log holds them under the new key."""
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
    rows = [str(r[0]) for r in db.execute_sql("PRAGMA integrity_check").fetchall()]
    cipher_rows = [str(r[0]) for r in db.execute_sql("PRAGMA cipher_integrity_check").fetchall()]
    return rows + cipher_rows


def statement(sql: str, params: Sequence[object] = ()) -> Any:
    """Run one fixed statement and return its cursor, as `database.execute_sql` does.

    Inside a transaction it goes straight to this thread's connection: `begin` took the
    station lock for the whole transaction, so the per-statement lock and peewee's query
    bookkeeping (half the cost of a short statement) are skipped. Errors become peewee's, as
    with `execute_sql`. The submission's hot path (applications, audit, outbox) uses it;
    everything else keeps peewee.
    """
    state = database.obj._state
    if not state.transactions:
        return database.execute_sql(sql, params)
    try:
        return state.conn.execute(sql, params)
    except Exception as exc:  # peewee's own translation, by the driver's class names, only on a failure
        _translate_errors.__exit__(type(exc), exc, exc.__traceback__)
        raise


@contextmanager
def write_transaction() -> Iterator[None]:
    """A write transaction whose disk-full and read-only failures become the store's errors.

    It takes SQLite's write lock when it begins (IMMEDIATE): a deferred transaction that
    reads first and writes later cannot wait for another thread's commit and fails at once
    with "database is locked"; an immediate one waits its turn (busy_timeout). Nested ones
    become savepoints. Nothing is committed when it fails, and what was committed before is
    untouched.

    Threads of this process queue for the write lock on `_writers` first, so that one
    waiting (the counter's submission) gets it the moment another (sync) lets go, instead of
    polling SQLite's lock in growing sleeps; other processes still wait on SQLite's lock.
    """
    db = database.obj
    if db.in_transaction():
        with db.atomic():
            yield
        return
    queued = _writers.acquire(timeout=_WRITERS_WAIT_S)  # past it, SQLite's busy timeout decides
    try:
        with _immediate(db):
            yield
    except (OperationalError, sqlite3.OperationalError) as exc:
        raise storage_failure(exc) from None
    finally:
        if queued:
            _writers.release()
        if not getattr(_background, "on", False):
            _foreground[threading.get_ident()] = time.monotonic()


@contextmanager
def _immediate(db: StationDatabase) -> Iterator[None]:
    """What `db.atomic("IMMEDIATE")` does at the top level, without its layers (a submission
    runs one per accepted application): begin (taking the station lock), enter the
    transaction on peewee's stack, so that nested `atomic` blocks become savepoints and
    `statement` sees it, then commit, or roll back on any failure."""
    db.begin("IMMEDIATE")
    transactions = db._state.transactions
    transactions.append(db.transaction())
    try:
        yield
    except BaseException:
        transactions.pop()
        db.rollback()
        raise
    transactions.pop()
    try:
        db.commit()
    except BaseException:
        db.rollback()
        raise


def in_short_transactions(items: Sequence[T], size: int = SHORT_TRANSACTION_ROWS) -> Iterator[Sequence[T]]:
    """Yield `items` in slices of at most `size`, each inside its own write transaction.

    For work done in the background (sync applying the hub's acknowledgements and statuses)
    while the counter submits: after each slice it pauses as long as the slice held the write
    lock, so the background never holds it more than half the time and a submission waiting
    for it gets in after at most one slice; while this process's counter is writing, it pauses
    thirty times as long, so that few submissions meet a slice at all. What committed stays committed if a later slice
    fails. Inside an outer transaction the slices are savepoints and there is no pause.

    The slices commit without waiting for the disk (`synchronous=NORMAL`): the write lock is
    then held for the work alone, not for a flush. WAL keeps them in order and whole, a crash
    of the program loses none, and a power cut can lose only the newest ones, never one
    without those before it; the caller makes its work safe to apply again (it records its
    progress in the slices), and at the end the log is flushed to disk once.
    """
    if database.in_transaction():
        for start in range(0, len(items), size):
            with write_transaction():
                yield items[start:start + size]
        return
    database.execute_sql("PRAGMA synchronous = NORMAL")
    was, _background.on = getattr(_background, "on", False), True
    try:
        for start in range(0, len(items), size):
            began = time.perf_counter()
            with write_transaction():
                yield items[start:start + size]
            took = time.perf_counter() - began
            time.sleep(min(took * _BUSY_PAUSE, _MAX_PAUSE_S) if _others_writing() else took)
    finally:
        _background.on = was
        database.execute_sql(f"PRAGMA synchronous = {_DURABLE}")
        _flush_log()


@contextmanager
def in_background() -> Iterator[None]:
    """This thread's writes are sync's, not the counter's: short transactions elsewhere do not
    make way for them (see `in_short_transactions`)."""
    was, _background.on = getattr(_background, "on", False), True
    try:
        yield
    finally:
        _background.on = was


def _others_writing() -> bool:
    """Whether a thread other than this one wrote in the last `_BUSY_WINDOW_S` seconds."""
    now, me = time.monotonic(), threading.get_ident()
    for thread, at in list(_foreground.items()):
        if now - at >= _BUSY_WINDOW_S:
            _foreground.pop(thread, None)
        elif thread != me:
            return True
    return False


def _flush_log() -> None:
    """Put what the write-ahead log holds on disk (what `synchronous=FULL` does at each commit)."""
    log = Path(str(database.database) + "-wal")
    with contextlib.suppress(FileNotFoundError):
        descriptor = os.open(log, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def storage_failure(exc: Exception) -> Exception:
    """Translate SQLite's disk-full, read-only and corruption errors.

    SQLite rolls a transaction back by itself on a full disk, so peewee's own rollback
    then fails: the first cause is found along the exception's context chain.
    """
    chain: list[BaseException] = []
    cause: BaseException | None = exc
    while cause is not None and len(chain) < 8:
        chain.append(cause)
        cause = cause.__context__
    text = " ".join(str(e).lower() for e in chain)
    if "full" in text:
        return StorageFull()
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return StorageReadOnly()
    if "malformed" in text or "not a database" in text:
        return StoreCorrupt("数据库已损坏", "the database is damaged")
    return exc
