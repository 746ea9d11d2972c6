"""Station and device settings changed from the admin screen: validated, saved, audited."""

from __future__ import annotations

from dataclasses import replace
from tomllib import loads
from typing import Any

from station.core import audit
from station.core.config import DeviceSettings, StationConfig, parse_config
from station.core.db import write_transaction
from station.core.roles import Action, require
from station.core.session import Session
from station.core.store import StationStore

STATION_KEYS = ("name", "idle_lock_minutes", "retention_days", "hub_url")


def _checked(config: StationConfig, where: str) -> StationConfig:
    """Round-trip through the station.toml parser, so the screen obeys the file's rules."""
    return parse_config(loads(config.to_toml().decode()), where)


def update_station(store: StationStore, session: Session, **changes: Any) -> StationConfig:
    """Change the station's name, idle lock, retention or hub address (admin)."""
    require(session, Action.STATION_CONFIGURE)
    unknown = set(changes) - set(STATION_KEYS)
    if unknown:
        raise ValueError(f"not station settings: {sorted(unknown)}")
    return _save(store, session, replace(store.config, **changes), sorted(changes))


def update_devices(store: StationStore, session: Session, devices: DeviceSettings) -> StationConfig:
    """Change the counter's serial ports, paper width or scan folder (admin)."""
    require(session, Action.STATION_CONFIGURE)
    merged = devices.onto(store.config.devices.config)  # keeps settings the form does not show
    return _save(store, session, replace(store.config, devices=merged), ["devices"])


def _save(store: StationStore, session: Session, config: StationConfig, keys: list[str]) -> StationConfig:
    checked = _checked(config, "station.toml")
    checked.save(store.data_dir)
    store.config = checked
    with write_transaction():
        audit.append(store.clock(), session.operator_name, "station.configured", checked.code,
                     {"keys": keys})
    return checked
