"""Write transactions that take SQLite's write lock when they begin.

A deferred transaction that reads first and writes later cannot wait for another
connection's commit: SQLite answers "database is locked" at once rather than deadlock.
The counter writes from several threads (workers, the print queue), so its transactions
begin IMMEDIATE and wait their turn (busy_timeout); nested ones become savepoints.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from peewee import OperationalError

from station.core.db import database, storage_failure


@contextmanager
def immediate_transaction() -> Iterator[None]:
    """A write transaction holding the write lock from its first statement."""
    if database.in_transaction():
        with database.atomic():
            yield
        return
    try:
        with database.atomic("IMMEDIATE"):
            yield
    except (OperationalError, sqlite3.OperationalError) as exc:
        raise storage_failure(exc) from None
