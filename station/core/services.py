"""The services this station offers at its counter, from the service catalog."""

from __future__ import annotations

from datetime import date
from functools import cache

from forms import Catalog, load_catalog
from station.core.seed import ServiceChoice


@cache
def station_catalog() -> Catalog:
    """The packaged catalog, loaded and validated once per process."""
    return load_catalog()


def service_choices(point_type: str | None = None, on: date | None = None,
                    target: str = "person") -> list[ServiceChoice]:
    """Items in force that this point type may accept, for `target`, in code order."""
    catalog = station_catalog()
    items = catalog.items_for(point_type, on=on) if point_type else catalog.current(on=on)
    return [ServiceChoice(item.code, item.name.zh, item.version)
            for item in sorted(items, key=lambda i: i.code) if item.target == target]
