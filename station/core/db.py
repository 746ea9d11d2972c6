"""The SQLCipher 4 database: raw 32-byte key, explicit cipher settings, WAL, FULL sync."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from peewee import DatabaseError, DatabaseProxy, OperationalError
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

database = DatabaseProxy()


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


@contextmanager
def write_transaction() -> Iterator[None]:
    """A write transaction whose disk-full and read-only failures become the store's errors.

    It takes SQLite's write lock when it begins (IMMEDIATE): a deferred transaction that
    reads first and writes later cannot wait for another thread's commit and fails at once
    with "database is locked"; an immediate one waits its turn (busy_timeout). Nested ones
    become savepoints. Nothing is committed when it fails, and what was committed before is
    untouched.
    """
    if database.in_transaction():
        with database.atomic():
            yield
        return
    try:
        with database.atomic("IMMEDIATE"):
            yield
    except (OperationalError, sqlite3.OperationalError) as exc:
        raise storage_failure(exc) from None


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
