"""Stable JSON shapes of items for `jiujin catalog list/show --json` and the hub."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from forms.models import Item


def jsonable(value: Any) -> Any:
    """A copy of `value` with dates as ISO text and decimals as strings."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [jsonable(v) for v in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def version_summary(item: Item) -> dict[str, Any]:
    """Version label and effective dates."""
    return {
        "version": item.version,
        "effective_from": item.effective_from.isoformat(),
        "effective_to": item.effective_to.isoformat() if item.effective_to else None,
        "supersedes": item.supersedes,
    }


def item_summary(item: Item, versions: list[Item]) -> dict[str, Any]:
    """The `catalog list --json` entry of one item."""
    return {
        "code": item.code,
        "name": item.name.to_json(),
        "department": item.department,
        "item_type": item.item_type,
        "target": item.target,
        "point_types": list(item.access.point_types),
        "kiosk": item.access.kiosk,
        "online": item.access.online,
        "card_only": item.card_only,
        "version": item.version,
        "versions": [version_summary(v) for v in versions],
    }


def item_definition(item: Item, versions: list[Item]) -> dict[str, Any]:
    """The whole definition of one item version (`catalog show --json`)."""
    definition: dict[str, Any] = jsonable(item.raw)
    definition["derived"] = {
        "card_only": item.card_only,
        "versions": [version_summary(v) for v in versions],
        "file": str(item.path) if item.path else None,
    }
    return definition
