"""hub_action: the hub's audit of what operators, stations' ratings and citizens did."""

from __future__ import annotations

from typing import Any

from kernel.canonical import canonical_json
from sync.hub.models import HubAction
from sync.hub.store import HubStore


def audit(store: HubStore, operator: str, action: str, station: str | None, subject: str = "",
          details: dict[str, Any] | None = None) -> None:
    """Record one action; `details` hold no personal data."""
    HubAction.create(at=store.now(), operator=operator, action=action, station=station, subject=subject,
                     details=canonical_json(details or {}).decode())
