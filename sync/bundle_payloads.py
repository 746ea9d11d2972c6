"""The shape of each downstream bundle kind's payload, checked by the hub before it signs a
bundle and by the station before it applies one, so that a malformed bundle is refused
(and set aside) instead of breaking every later pull.

Written as plain checks rather than with a schema library: eight small shapes, the same
code on a station that carries no schema validator, and messages that say in both languages
which key is wrong. Every list and string is bounded.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from forms.vocab import DATASETS

ROLES = ("operator", "supervisor", "sync_operator", "admin")
POLICY_KEYS = ("max_days_without_contact", "max_unsent", "min_free_mb")
MAX_ITEMS = 10_000
MAX_TEXT = 2_000
MAX_CATALOG_BASE64 = 48 * 1024 * 1024
_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_STATUS = re.compile(r"^[a-z_]{1,40}$")


#: What each kind is called when a person is told it was refused.
KIND_NAMES: dict[str, tuple[str, str]] = {
    "statuses": ("办件状态包", "status bundle"), "resend": ("重发请求", "resend request"),
    "offline_policy": ("离线策略包", "offline policy bundle"), "revocations": ("人员吊销包", "revocation bundle"),
    "calendar": ("节假日调整包", "calendar bundle"), "catalog": ("事项目录包", "catalog bundle"),
    "reconciled": ("对账确认包", "reconciliation bundle"), "roster": ("人员名单", "operator roster"),
    "shared_data": ("共享数据状态包", "shared-data status bundle"),
}


class PayloadError(ValueError):
    """What is wrong with a payload, as the key path and a short English reason."""

    def __init__(self, where: str, why: str) -> None:
        super().__init__(f"{where}: {why}")
        self.where, self.why = where, why


def check(kind: str, payload: Any) -> None:
    """Raise PayloadError unless `payload` has the shape of `kind`'s payload."""
    if not isinstance(payload, dict):
        raise PayloadError("payload", "expected an object")
    CHECKS[kind](payload)


def _list(payload: dict[str, Any], key: str, limit: int = MAX_ITEMS) -> list[Any]:
    value = payload.get(key)
    if not isinstance(value, list):
        raise PayloadError(key, "expected a list")
    if len(value) > limit:
        raise PayloadError(key, f"more than {limit} entries")
    return value


def _text(value: Any, where: str, limit: int = MAX_TEXT, optional: bool = False) -> None:
    if value is None and optional:
        return
    if not isinstance(value, str) or len(value) > limit:
        raise PayloadError(where, f"expected text of at most {limit} characters")


def _count(value: Any, where: str, optional: bool = False, minimum: int = 0) -> None:
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= 2**53:
        raise PayloadError(where, f"expected a whole number ≥ {minimum}")


def _day(value: Any, where: str) -> None:
    try:
        if not isinstance(value, str) or not _DAY.match(value):
            raise ValueError
        date.fromisoformat(value)
    except ValueError:
        raise PayloadError(where, "expected a date YYYY-MM-DD") from None


def _statuses(payload: dict[str, Any]) -> None:
    for n, update in enumerate(_list(payload, "updates")):
        where = f"updates[{n}]"
        if not isinstance(update, dict):
            raise PayloadError(where, "expected an object")
        _text(update.get("application_id"), f"{where}.application_id", 64)
        # A status this station does not know yet is passed over, not refused: a newer hub may
        # send statuses an older station cannot show.
        if not isinstance(update.get("status"), str) or not _STATUS.match(update["status"]):
            raise PayloadError(f"{where}.status", "expected a status name such as accepted")
        _text(update.get("message"), f"{where}.message", optional=True)


def _resend(payload: dict[str, Any]) -> None:
    _count(payload.get("first_seq"), "first_seq", minimum=1)
    _count(payload.get("last_seq"), "last_seq", minimum=payload["first_seq"])
    if not isinstance(payload.get("request_id"), str | int | None):
        raise PayloadError("request_id", "expected text or a number")
    _text(payload.get("reason", ""), "reason")


def _offline_policy(payload: dict[str, Any]) -> None:
    unknown = set(payload) - set(POLICY_KEYS)
    if unknown:
        raise PayloadError(sorted(unknown)[0], "not a policy key")
    for key in POLICY_KEYS:
        _count(payload.get(key), key, optional=True)


def _shared_data(payload: dict[str, Any]) -> None:
    """`{"unavailable": [dataset, ...], "note": text}`: the datasets the hub cannot reach now."""
    for n, dataset in enumerate(_list(payload, "unavailable", len(DATASETS))):
        if dataset not in DATASETS:
            raise PayloadError(f"unavailable[{n}]", "not a shared dataset")
    _text(payload.get("note", ""), "note")


def _names(payload: dict[str, Any]) -> None:
    for n, name in enumerate(_list(payload, "operators", 1000)):
        _text(name, f"operators[{n}]", 64)


def _calendar(payload: dict[str, Any]) -> None:
    overrides = payload.get("overrides", {})
    if not isinstance(overrides, dict) or len(overrides) > 1000:
        raise PayloadError("overrides", "expected an object of at most 1000 days")
    for day, kind in overrides.items():
        _day(day, f"overrides.{day}")
        if kind not in ("workday", "holiday"):
            raise PayloadError(f"overrides.{day}", "expected workday or holiday")
    for n, year in enumerate(payload.get("complete_years", [])):
        if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
            raise PayloadError(f"complete_years[{n}]", "expected a year 2000–2100")


def _catalog(payload: dict[str, Any]) -> None:
    _text(payload.get("bundle"), "bundle", MAX_CATALOG_BASE64)


def _reconciled(payload: dict[str, Any]) -> None:
    for n, day in enumerate(_list(payload, "days", 1000)):
        _day(day, f"days[{n}]")


def _roster(payload: dict[str, Any]) -> None:
    for n, entry in enumerate(_list(payload, "operators", 1000)):
        where = f"operators[{n}]"
        if not isinstance(entry, dict):
            raise PayloadError(where, "expected an object")
        _text(entry.get("name"), f"{where}.name", 64)
        _text(entry.get("display_name"), f"{where}.display_name", 64)
        if entry.get("role") not in ROLES:
            raise PayloadError(f"{where}.role", f"expected one of {', '.join(ROLES)}")


CHECKS: dict[str, Callable[[dict[str, Any]], None]] = {
    "statuses": _statuses, "resend": _resend, "offline_policy": _offline_policy, "revocations": _names,
    "calendar": _calendar, "catalog": _catalog, "reconciled": _reconciled, "roster": _roster,
    "shared_data": _shared_data,
}
