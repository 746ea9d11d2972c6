"""The offline policy the hub sends down: how long this point may go without contact, how
many applications may wait undelivered, how little disk may be left. Past any limit the
station stops accepting new applications, with a message naming the limit, and starts
again as soon as it is back within them.

Every submission asks `check_accepting`, so the common case (no policy installed) costs one
primary-key read of a `setting` row, and a policy with `max_unsent` a count over the index of
open applications (`application_open`, migration 9), which holds only the rows the point still
works on.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

from station.core.clock import Clock
from station.core.db import database, statement
from station.core.errors import JiujinError
from station.core.migrations import OPEN_TERM, UNSENT_STATUSES

POLICY = "bundle.offline_policy"
LAST_CONTACT = "sync.last_contact"
ENROLLED_AT = "sync.enrolled_at"

_SETTING = "SELECT value FROM setting WHERE key = ?"
_LAST_ACKNOWLEDGED = "SELECT MAX(acknowledged_at) FROM sync_batch"
#: Read from the open applications' index alone (its WHERE term repeated so SQLite uses it);
#: inside a submission's transaction, so what it counts is exact.
_UNSENT = f"SELECT COUNT(*) FROM application WHERE {OPEN_TERM} AND status IN {UNSENT_STATUSES}"


class StationFrozen(JiujinError):
    """The offline policy stops new applications until the station is back within limits."""


def setting(key: str, default: str = "") -> str:
    """One `setting` row's value, or `default` when the row is absent."""
    row = statement(_SETTING, (key,)).fetchone()
    return str(row[0]) if row is not None else default


def unsent_count() -> int:
    """Applications accepted here that the hub does not hold yet."""
    return int(statement(_UNSENT).fetchone()[0])


def last_contact() -> str:
    """When the hub last answered: its latest acknowledgement or bundle, ISO time ('' never)."""
    acknowledged = database.execute_sql(_LAST_ACKNOWLEDGED).fetchone()[0] or ""
    return max(str(acknowledged), setting(LAST_CONTACT))


def offline_state(clock: Clock) -> dict[str, Any]:
    """The offline policy's limits and which are exceeded (empty: within limits)."""
    policy = json.loads(setting(POLICY, "{}"))
    exceeded: list[dict[str, Any]] = []
    if not policy:
        return {"policy": policy, "exceeded": exceeded, "frozen": False}
    max_days = policy.get("max_days_without_contact")
    reference = last_contact() or setting(ENROLLED_AT)
    if max_days is not None and reference:
        silent = (clock() - datetime.fromisoformat(reference)).total_seconds() / 86400
        if silent > float(max_days):
            exceeded.append({"limit": "max_days_without_contact", "value": round(silent, 1), "max": max_days,
                             "zh": f"已 {silent:.1f} 天未与中心联系（上限 {max_days} 天）",
                             "en": f"{silent:.1f} days without contact with the hub (limit {max_days})"})
    max_unsent = policy.get("max_unsent")
    if max_unsent is not None:
        unsent = unsent_count()
        if unsent > int(max_unsent):
            exceeded.append({"limit": "max_unsent", "value": unsent, "max": max_unsent,
                             "zh": f"{unsent} 件申请尚未送达中心（上限 {max_unsent} 件）",
                             "en": f"{unsent} applications not yet delivered to the hub (limit {max_unsent})"})
    min_free = policy.get("min_free_mb")
    if min_free is not None:
        free = shutil.disk_usage(Path(str(database.database)).parent).free // (1024 * 1024)
        if free < int(min_free):
            exceeded.append({"limit": "min_free_mb", "value": free, "max": min_free,
                             "zh": f"磁盘剩余 {free} MB，低于 {min_free} MB",
                             "en": f"{free} MB free on disk, below {min_free} MB"})
    return {"policy": policy, "exceeded": exceeded, "frozen": bool(exceeded)}


def check_accepting(clock: Clock) -> None:
    """Raise StationFrozen (zh/en) when past an offline-policy limit; the submit path calls it."""
    state = offline_state(clock)
    if state["frozen"]:
        zh = "；".join(e["zh"] for e in state["exceeded"])
        en = "; ".join(e["en"] for e in state["exceeded"])
        raise StationFrozen(f"本站暂停受理新申请：{zh}。请同步后再试。",
                            f"this station has stopped accepting new applications: {en}. Sync, then try again.")
