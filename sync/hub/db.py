"""The hub's database: SQLite by default, PostgreSQL (psycopg 3) in production, one code path.

URLs: `sqlite:///absolute/path.db`, `sqlite://relative.db` (in the hub folder), and
`postgresql://user:password@host:port/dbname?schema=NAME` (the optional `schema` is
created if absent and put first on the search path; tests give each worker its own).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlparse

from peewee import Database, DatabaseProxy, PostgresqlDatabase, Psycopg3Adapter, SqliteDatabase

database = DatabaseProxy()
_SCHEMA = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


def open_database(url: str, base: Path | None = None) -> Database:
    """Open the database at `url` and bind the hub's models to it."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        raw = unquote(url[len("sqlite://"):])
        path = Path(raw)
        if not path.is_absolute() and base is not None:
            path = base / path
        path.parent.mkdir(parents=True, exist_ok=True)
        db: Database = SqliteDatabase(str(path), timeout=30, check_same_thread=False, pragmas={
            "journal_mode": "wal", "synchronous": 1, "busy_timeout": 30000, "foreign_keys": 1})
    elif parsed.scheme in ("postgresql", "postgres"):
        db = _postgres(url)
    else:
        raise ValueError(f"unsupported database URL scheme {parsed.scheme!r}")
    database.initialize(db)
    db.connect(reuse_if_open=True)
    return db


def _postgres(url: str) -> Database:
    parsed = urlparse(url)
    schema = parse_qs(parsed.query).get("schema", [""])[0]
    if schema and not _SCHEMA.match(schema):
        raise ValueError("schema names are lowercase letters, digits and _")
    options: dict[str, Any] = {"host": parsed.hostname or "localhost", "port": parsed.port or 5432,
               "user": unquote(parsed.username or ""), "connect_timeout": 10}
    if parsed.password:
        options["password"] = unquote(parsed.password)
    if schema:
        options["options"] = f"-csearch_path={schema}"
    db = HubPostgres(parsed.path.lstrip("/"), **options)
    if schema:
        db.connect(reuse_if_open=True)
        execute(db, f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        db.close()
    return db


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


def tuples(query: Any) -> list[tuple[Any, ...]]:
    """A select's rows as plain tuples."""
    return [tuple(row) for row in query.tuples()]
