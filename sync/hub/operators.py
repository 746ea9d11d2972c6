"""中心操作员 — the people who may read the hub's watch page, each with an access key.

The scheme: HTTP Basic authentication (name and access key) over the TLS the hub is deployed
behind. The key is 192 random bits made by the hub and shown once (`jiujin hub operator add`),
so the hub keeps only its SHA-256, compares in constant time, and needs no slow password hash
on every request (Basic sends the key with each one). The browser asks for it natively: no
JavaScript, no cookie, no login form, so no session to steal or forge; the pages are read-only.
A disabled operator's key opens nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from typing import Any

from sync.errors import HubError
from sync.hub.db import tuples, write_transaction
from sync.hub.models import HubOperator
from sync.hub.store import HubStore

NAME = re.compile(r"^[a-z][a-z0-9_.-]{1,31}$")
KEY_BYTES = 24


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def add_operator(store: HubStore, name: str) -> str:
    """Register `name` (or give it a new key); the access key, shown once."""
    if not NAME.match(name):
        raise HubError("操作员名称应为 2–32 位小写字母、数字、点、横线或下划线，以字母开头",
                       "an operator name is 2–32 lowercase letters, digits, '.', '-' or '_', starting with a letter")
    key = secrets.token_urlsafe(KEY_BYTES)
    with write_transaction():
        HubOperator.insert(name=name, key_hash=_digest(key), created_at=store.now(), disabled_at=None).on_conflict(
            conflict_target=[HubOperator.name],
            update={HubOperator.key_hash: _digest(key), HubOperator.disabled_at: None}).execute()
    return key


def disable_operator(store: HubStore, name: str) -> None:
    """Take `name`'s access away."""
    with write_transaction():
        if not HubOperator.update(disabled_at=store.now()).where(HubOperator.name == name).execute():
            raise HubError(f"没有操作员 {name}", f"no operator {name}")


def operators() -> list[dict[str, Any]]:
    """Every operator, with when they were added and disabled (never their key)."""
    return [{"name": n, "created_at": c, "disabled_at": d} for n, c, d in tuples(
        HubOperator.select(HubOperator.name, HubOperator.created_at, HubOperator.disabled_at).order_by(HubOperator.name))]


def authenticate(name: str, key: str) -> bool:
    """Whether `key` is the access key of the enabled operator `name`."""
    row = HubOperator.get_or_none((HubOperator.name == name) & HubOperator.disabled_at.is_null())
    expected = row.key_hash if row is not None else _digest(secrets.token_urlsafe(KEY_BYTES))
    return hmac.compare_digest(_digest(key), str(expected)) and row is not None
