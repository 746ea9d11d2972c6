"""Database work from the HTTP app's threads, with the pooled connection given back.

The HTTP app runs database work in Starlette's thread pool; `in_thread` gives the thread's
connection back to the pool (`sync.hub.db.PooledPostgres`) when the work returns, so a pool
of `max_size` serves any number of threads. A thread that works without `in_thread` (the
watch folder's) keeps its one connection.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

from starlette.concurrency import run_in_threadpool

from sync.hub.db import PooledPostgres, PoolExhausted, database

__all__ = ["PoolExhausted", "in_thread", "release_connection"]

T = TypeVar("T")


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
