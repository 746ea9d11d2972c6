"""PostgreSQL connections from a `psycopg_pool.ConnectionPool`, under peewee.

peewee keeps one connection per thread; `PooledPostgres` makes that connection a loan:
`connect` borrows from the pool, `close` gives it back. psycopg's own pool rather than
`playhouse.pool` because it knows the driver: it keeps `min_size` connections warm,
checks a connection before lending it (so a PostgreSQL restart or a failover costs
one retry, not a 500 per stale connection), replaces connections after `max_lifetime`,
reconnects in the background with backoff, and answers a full pool with a bounded wait
(`PoolExhausted`, which the app turns into 503) rather than an unbounded queue.

The HTTP app runs database work in Starlette's thread pool; `in_thread` gives the
thread's connection back when the work returns, so a pool of `max_size` serves any
number of threads. A thread that works without `in_thread` (the watch folder's) keeps
its one connection.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool

from sync.hub.db import HubPostgres, PoolSettings, database

T = TypeVar("T")


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


def release_connection() -> None:
    """Give the current thread's pooled connection back; SQLite keeps its connection."""
    target = database.obj
    if isinstance(target, PooledPostgres):
        target.release()


def _released(func: Callable[..., T]) -> Callable[..., T]:
    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> T:
        try:
            return func(*args, **kwargs)
        finally:
            release_connection()
    return run


async def in_thread(func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """Run blocking database work in the thread pool, then return its connection to the pool."""
    return await run_in_threadpool(_released(func), *args, **kwargs)
