"""The services this station offers at its counter, from the service catalog: the catalog
bundle the hub installed in the data folder when it is newer than the packaged catalog, else
the packaged one."""

from __future__ import annotations

import logging
from datetime import date
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import forms  # its names load on first use: the catalog reader only when a catalog is read
from forms.errors import FormsError
from station.core.seed import ServiceChoice

if TYPE_CHECKING:
    from forms import Catalog

log = logging.getLogger("jiujin.station.catalog")
INSTALLED_CATALOG = "catalog"
_installed_root: list[Path] = []


def use_installed_catalog(data_dir: Path) -> None:
    """Look for an installed catalog bundle in `data_dir` (the store calls this on opening)."""
    _installed_root[:] = [Path(data_dir) / INSTALLED_CATALOG]


def installed_catalog_root(data_dir: Path) -> Path:
    return Path(data_dir) / INSTALLED_CATALOG


def station_catalog() -> Catalog:
    """The installed bundle's catalog when it is newer than the packaged one, else the packaged
    one; each loaded and validated once per process."""
    from forms.loader.files import PACKAGED_CATALOG

    root = _installed_root[0] if _installed_root else None
    version = forms.installed_version(root) if root is not None else None
    if root is not None and version is not None and version > (forms.installed_version(PACKAGED_CATALOG) or 0):
        try:
            return _load(root, version)
        except FormsError as error:  # a bad installed catalog keeps the station on the packaged one
            log.warning("installed catalog bundle not used: %s", type(error).__name__)
    return _load(None, None)


@cache
def _load(root: Path | None, version: int | None) -> Catalog:
    return forms.load_catalog(root)


def service_choices(point_type: str | None = None, on: date | None = None,
                    target: str = "person") -> list[ServiceChoice]:
    """Items in force that this point type may accept, for `target`, in code order."""
    catalog = station_catalog()
    items = catalog.items_for(point_type, on=on) if point_type else catalog.current(on=on)
    return [ServiceChoice(item.code, item.name.zh, item.version)
            for item in sorted(items, key=lambda i: i.code) if item.target == target]
