"""Failed-login counters, kept beside the key file because the store is closed at login.

Five failures lock an operator for fifteen minutes, across restarts. An attempt is counted
before its Argon2id work, under a file lock, so parallel logins cannot try more passwords
than the limit allows; a successful one takes its count back. Failures and lockouts are
queued here and copied into the audit chain and the operator's failure count (which only a
supervisor or admin clears) at the next login. The file carries a serial number that the
store mirrors, so a deleted or rolled-back file is reported at the next login.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from station.core.atomic import atomic_write_bytes, storage_error

LOCKOUT_NAME = "lockout.json"
MAX_FAILURES = 5
LOCK_DURATION = timedelta(minutes=15)
MAX_PENDING_EVENTS = 1000


@dataclass(frozen=True)
class PendingEvent:
    """A login failure or lockout not yet in the audit chain."""

    at: datetime
    action: str
    operator: str


class LockoutBook:
    """Reads and writes lockout.json atomically, one process at a time."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock_path = path.with_name(f".{path.name}.lock")

    @contextmanager
    def _locked(self) -> Iterator[dict[str, Any]]:
        """The document under an exclusive lock; saved if changed."""
        try:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise storage_error(exc) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            document = self._load()
            before = json.dumps(document, sort_keys=True)
            yield document
            if json.dumps(document, sort_keys=True) != before:
                document["serial"] = int(document.get("serial", 0)) + 1
                atomic_write_bytes(self.path, json.dumps(document, ensure_ascii=False).encode())
        finally:
            os.close(fd)  # releases the lock

    def _load(self) -> dict[str, Any]:
        try:
            document = json.loads(self.path.read_bytes())
            return document if isinstance(document, dict) else {}
        except (FileNotFoundError, ValueError, IsADirectoryError):
            return {}

    def serial(self) -> int:
        """How many changes the file has seen (0 if it is missing)."""
        return int(self._load().get("serial", 0))

    def locked_until(self, name: str, now: datetime) -> datetime | None:
        """When `name` unlocks, if it is locked now."""
        entry = self._load().get("operators", {}).get(name)
        return _until(entry, now)

    def failures(self, name: str) -> int:
        return int(self._load().get("operators", {}).get(name, {}).get("failures", 0))

    def begin_attempt(self, name: str, now: datetime) -> datetime | None:
        """Count an attempt before its work; returns the lock's end if `name` is locked
        (then no attempt is made). The count is taken back by `clear` on success."""
        with self._locked() as document:
            entry = document.setdefault("operators", {}).setdefault(name, {"failures": 0, "locked_until": None})
            until = _until(entry, now)
            if until is not None:
                return until
            entry["failures"] = int(entry.get("failures", 0)) + 1
            if entry["failures"] >= MAX_FAILURES:  # the last attempt allowed: lock the others out
                entry["locked_until"] = (now + LOCK_DURATION).isoformat()
        return None

    def record_failure(self, name: str, now: datetime) -> datetime | None:
        """A counted attempt failed; returns the lock's end when it locked the operator."""
        with self._locked() as document:
            entry = document.setdefault("operators", {}).setdefault(name, {"failures": 0, "locked_until": None})
            events = document.setdefault("pending", [])
            events.append({"at": now.isoformat(), "action": "login_failed", "operator": name})
            locked = None
            if entry.get("locked_until") and entry["failures"] >= MAX_FAILURES:
                locked = datetime.fromisoformat(entry["locked_until"])
                entry["failures"] = 0
                events.append({"at": now.isoformat(), "action": "operator_locked", "operator": name})
            document["pending"] = events[-MAX_PENDING_EVENTS:]
        return locked

    def clear(self, name: str) -> None:
        """Reset `name` after a successful login or an unlock by a supervisor."""
        with self._locked() as document:
            document.get("operators", {}).pop(name, None)

    def take_pending(self) -> list[PendingEvent]:
        """Remove and return the events waiting to enter the audit chain."""
        with self._locked() as document:
            pending = document.pop("pending", [])
        return [PendingEvent(datetime.fromisoformat(e["at"]), e["action"], e["operator"]) for e in pending]


def _until(entry: dict[str, Any] | None, now: datetime) -> datetime | None:
    if not entry or not entry.get("locked_until"):
        return None
    until = datetime.fromisoformat(entry["locked_until"])
    return until if until > now else None
