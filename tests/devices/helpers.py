"""Test helpers: an event recorder that waits on a condition, never on a sleep."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

#: Bulk tests run the wire 8× faster than a real reader; timing tests use 115200.
FAST_BAUD = 921600


class Recorder:
    """Collects callback events from background threads; tests wait for what they expect."""

    def __init__(self) -> None:
        self.events: list[Any] = []
        self._changed = threading.Condition()

    def __call__(self, event: Any) -> None:
        with self._changed:
            self.events.append(event)
            self._changed.notify_all()

    def of(self, kind: type) -> list[Any]:
        with self._changed:
            return [e for e in self.events if isinstance(e, kind)]

    def wait_for(self, predicate: Callable[[list[Any]], bool], timeout: float = 5.0) -> list[Any]:
        with self._changed:
            if not self._changed.wait_for(lambda: predicate(self.events), timeout):
                raise AssertionError(f"timed out; events so far: {self.events!r}")
            return list(self.events)

    def wait_count(self, kind: type, count: int = 1, timeout: float = 5.0) -> list[Any]:
        self.wait_for(lambda events: sum(isinstance(e, kind) for e in events) >= count, timeout)
        return self.of(kind)
