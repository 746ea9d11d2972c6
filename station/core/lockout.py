"""Failed-login counters, kept beside the key file because the store is closed at login.

Five failures lock an operator for fifteen minutes, across restarts. Failures and
lockouts are also queued here and copied into the audit chain at the next login, since
the chain lives inside the store that a failed login could not open.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from station.core.atomic import atomic_write_bytes

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
    """Reads and writes lockout.json atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _load(self) -> dict[str, Any]:
        try:
            document = json.loads(self.path.read_bytes())
            return document if isinstance(document, dict) else {}
        except (FileNotFoundError, ValueError):
            return {}

    def _save(self, document: dict[str, Any]) -> None:
        atomic_write_bytes(self.path, json.dumps(document, ensure_ascii=False).encode())

    def locked_until(self, name: str, now: datetime) -> datetime | None:
        """When `name` unlocks, if it is locked now."""
        entry = self._load().get("operators", {}).get(name)
        if not entry or not entry.get("locked_until"):
            return None
        until = datetime.fromisoformat(entry["locked_until"])
        return until if until > now else None

    def failures(self, name: str) -> int:
        return int(self._load().get("operators", {}).get(name, {}).get("failures", 0))

    def record_failure(self, name: str, now: datetime) -> datetime | None:
        """Count a failure; returns the lock's end when this failure locks the operator."""
        document = self._load()
        operators = document.setdefault("operators", {})
        entry = operators.setdefault(name, {"failures": 0, "locked_until": None})
        entry["failures"] = int(entry.get("failures", 0)) + 1
        events = document.setdefault("pending", [])
        events.append({"at": now.isoformat(), "action": "login_failed", "operator": name})
        locked = None
        if entry["failures"] >= MAX_FAILURES:
            locked = now + LOCK_DURATION
            entry["locked_until"] = locked.isoformat()
            entry["failures"] = 0
            events.append({"at": now.isoformat(), "action": "operator_locked", "operator": name})
        document["pending"] = events[-MAX_PENDING_EVENTS:]
        self._save(document)
        return locked

    def clear(self, name: str) -> None:
        """Reset `name` after a successful login or an unlock by a supervisor."""
        document = self._load()
        if name in document.get("operators", {}):
            del document["operators"][name]
            self._save(document)

    def take_pending(self) -> list[PendingEvent]:
        """Remove and return the events waiting to enter the audit chain."""
        document = self._load()
        pending = document.pop("pending", [])
        if pending:
            self._save(document)
        return [PendingEvent(datetime.fromisoformat(e["at"]), e["action"], e["operator"]) for e in pending]
