"""The hub's database: SQLite by default, PostgreSQL (psycopg 3) in production, one code path.

URLs: `sqlite:///absolute/path.db`, `sqlite://relative.db` (in the hub folder), and any
libpq URL, `postgresql://user:password@host:port/dbname?sslmode=verify-full&…`, passed to
psycopg whole, plus Jiujin's own optional `schema=NAME` (created if absent and put first
on the search path; tests give each worker its own).
"""

from __future__ import annotations

import contextlib
import functools
import re
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlparse

from peewee import Database, DatabaseProxy, PostgresqlDatabase, Psycopg3Adapter, SqliteDatabase

database = DatabaseProxy()
_SCHEMA = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def sqlite_path(url: str, base: Path | None = None) -> Path:
    """The file of a `sqlite://` URL: `sqlite:///abs`, `sqlite:////abs` or `sqlite://rel` (in `base`)."""
    raw = unquote(url[len("sqlite://"):])
    if raw.startswith("/"):
        return Path("/" + raw.lstrip("/"))
    return base / raw if base is not None else Path(raw)


def open_database(url: str, base: Path | None = None, pool: PoolSettings | None = None) -> Database:
    """Open the database at `url` and bind the hub's models to it.

    PostgreSQL connections come from a pool sized by `pool` (see `sync.hub.pool`).
    """
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = sqlite_path(url, base)
        path.parent.mkdir(parents=True, exist_ok=True)
        db: Database = SqliteDatabase(str(path), timeout=30, check_same_thread=False, pragmas={
            "journal_mode": "wal", "synchronous": 1, "busy_timeout": 30000, "foreign_keys": 1})
    elif parsed.scheme in ("postgresql", "postgres"):
        db = _postgres(url, pool or PoolSettings())
    else:
        raise ValueError(f"unsupported database URL scheme {parsed.scheme!r}")
    database.initialize(db)
    db.connect(reuse_if_open=True)
    return db


@dataclass(frozen=True)
class PoolSettings:
    """How many PostgreSQL connections one hub process keeps, and how long a request waits."""

    min_size: int = 1
    max_size: int = 10
    timeout: float = 10.0


def postgres_conninfo(url: str) -> tuple[str, str]:
    """psycopg's connection string for `url`, and the private schema named in it (or "").

    The URL reaches libpq whole (sslmode, sslrootcert, target_session_attrs, several
    hosts…); only `schema`, which Jiujin itself consumes, is taken out and becomes the
    first entry of the search path. Without a `connect_timeout`, ten seconds.
    """
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    _scheme, rest = url.split("://", 1)
    location, _, query = rest.partition("?")
    pairs = parse_qsl(query, keep_blank_values=True)
    schemas = [value for key, value in pairs if key == "schema"]
    schema = schemas[-1] if schemas else ""
    if schema and not _SCHEMA.match(schema):
        raise ValueError("schema names are lowercase letters, digits and _")
    kept = urlencode([(key, value) for key, value in pairs if key != "schema"], quote_via=quote)
    conninfo = f"postgresql://{location}" + (f"?{kept}" if kept else "")
    params = conninfo_to_dict(conninfo)
    extra: dict[str, Any] = {}
    if "connect_timeout" not in params:
        extra["connect_timeout"] = 10
    if schema:
        extra["options"] = f"{params.get('options', '')} -csearch_path={schema}".strip()
    return make_conninfo(conninfo, **extra), schema


def _postgres(url: str, pool: PoolSettings) -> Database:

    conninfo, schema = postgres_conninfo(url)
    if schema:
        import psycopg

        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
    return PooledPostgres(conninfo, pool)


@contextmanager
def reporting_connection(url: str, base: Path | None = None) -> Iterator[Any]:
    """A read-only DB-API connection (sqlite3 or psycopg) for the report queries.

    A SQLite file that does not exist is refused rather than created.
    """
    scheme = urlparse(url).scheme
    connection: Any
    if scheme == "sqlite":
        path = sqlite_path(url, base)
        if not path.is_file():
            raise FileNotFoundError(path)
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    elif scheme in ("postgresql", "postgres"):
        import psycopg

        connection = psycopg.connect(postgres_conninfo(url)[0])
    else:
        raise ValueError(f"unsupported database URL scheme {scheme!r}")
    try:
        yield connection
    finally:
        connection.close()


class _Psycopg3(Psycopg3Adapter):
    """peewee's psycopg 3 adapter, with the driver imported when the hub first opens
    PostgreSQL. A process that loaded peewee without the driver (the station does, see
    `station.core._sqlite_only`) can still run a hub."""

    def __init__(self) -> None:
        import psycopg
        from psycopg.pq import TransactionStatus
        from psycopg.types.json import Json, Jsonb

        super().__init__()
        self.psycopg = psycopg
        self.transaction_status = TransactionStatus
        self.txn_idle = TransactionStatus.IDLE
        self.txn_inerror = TransactionStatus.INERROR
        self.txn_unknown = TransactionStatus.UNKNOWN
        self.json_type, self.jsonb_type = Json, Jsonb

    def check_driver(self) -> None:
        """The driver was imported in `__init__`."""

    def get_binary_type(self) -> Any:
        return self.psycopg.Binary

    def connect(self, db: Any, **params: Any) -> Any:
        if db._encoding:
            params.setdefault("client_encoding", db._encoding)
        params.setdefault("dbname", db.database)
        return self.psycopg.connect(**params)

    def server_side_cursor(self, conn: Any) -> Any:
        in_transaction = self.txn_status(conn) == self.transaction_status.INTRANS
        return conn.cursor(name=str(uuid.uuid1()), withhold=not in_transaction)


class HubPostgres(PostgresqlDatabase):
    """PostgreSQL through psycopg 3, whether or not peewee saw the driver when it loaded."""

    psycopg2_adapter = psycopg3_adapter = _Psycopg3


def is_postgres(db: Database | DatabaseProxy | None = None) -> bool:
    target = db if db is not None else database.obj
    return isinstance(target, PostgresqlDatabase)


@contextmanager
def write_transaction() -> Iterator[None]:
    """A write transaction: SQLite takes the write lock at once, so writers queue."""
    if is_postgres():
        with database.atomic():
            yield
    else:
        with database.atomic("IMMEDIATE"):
            yield


def execute(db: Database, sql: str) -> Any:
    """Run one SQL statement (peewee's execute_sql is untyped)."""
    return db.execute_sql(sql)  # type: ignore[no-untyped-call]


def statement(sql: str, params: Sequence[object] = ()) -> Any:
    """Run one fixed statement, its parameters marked `?`, and return its cursor.

    A batch's ingest runs about twenty short queries, and peewee building each one cost more
    than the database answering it; ingest writes its queries out (`sync.hub.ingest`).
    On PostgreSQL the marks become psycopg's `%s`.
    """
    db = database.obj
    if isinstance(db, PostgresqlDatabase):
        sql = _postgres_marks(sql)
    return db.execute_sql(sql, params)


@functools.lru_cache(maxsize=128)
def _postgres_marks(sql: str) -> str:
    return sql.replace("?", "%s")


def tuples(query: Any) -> list[tuple[Any, ...]]:
    """A select's rows as plain tuples."""
    return [tuple(row) for row in query.tuples()]


# PostgreSQL connections from a `psycopg_pool.ConnectionPool`, under peewee. peewee keeps one
# connection per thread; `PooledPostgres` makes that connection a loan: `connect` borrows from
# the pool, `close` gives it back. psycopg's own pool rather than `playhouse.pool` because it
# knows the driver: it keeps `min_size` connections warm, checks a connection before lending
# it (so a PostgreSQL restart or a failover costs one retry, not a 500 per stale connection),
# replaces connections after `max_lifetime`, reconnects in the background with backoff, and
# answers a full pool with a bounded wait (`PoolExhausted`, which the app turns into 503)
# rather than an unbounded queue.

class PoolExhausted(Exception):
    """No connection came free within the pool's timeout (the app answers 503)."""


class PooledPostgres(HubPostgres):
    """peewee's PostgreSQL database whose per-thread connection is borrowed from a pool."""

    def __init__(self, conninfo: str, settings: PoolSettings) -> None:
        from psycopg.conninfo import conninfo_to_dict
        from psycopg_pool import ConnectionPool

        self.pool_settings = settings
        self.pool = ConnectionPool(
            conninfo, min_size=settings.min_size, max_size=settings.max_size, timeout=settings.timeout,
            kwargs={"autocommit": True}, check=ConnectionPool.check_connection, open=True,
            name="jiujin-hub")
        super().__init__(str(conninfo_to_dict(conninfo).get("dbname") or "postgres"))
        # peewee holds one database-wide lock around `connect` and `close`. With a pool, `connect`
        # may wait for a free connection: under that lock, the threads coming to give theirs
        # back queued behind the waiter until it timed out, and a full pool stayed full (the
        # city burst stalled with every request answered 503). Each thread's connection is its
        # own (peewee keeps it thread-local) and the pool locks itself: no lock is needed here.
        self._lock = contextlib.nullcontext()

    def _connect(self) -> Any:
        from psycopg_pool import PoolTimeout

        try:
            return self.pool.getconn()
        except PoolTimeout:
            raise PoolExhausted() from None

    def _close(self, conn: Any) -> None:
        self.pool.putconn(conn)

    def release(self) -> None:
        """Give this thread's connection back, unless a transaction holds it."""
        if not self.is_closed() and not self.in_transaction():
            self.close()

    def close_pool(self) -> None:
        """Close every connection (the process is stopping)."""
        self.release()
        self.pool.close()

    def stats(self) -> dict[str, int]:
        """The pool's counters (psycopg_pool's names: pool_size, pool_available, requests_waiting…)."""
        return dict(self.pool.get_stats())
