"""市级中心对账台 — the hub console (`jiujin hub console`): stations' ledgers and the sync operator's actions."""

from sync.hub.console.app import HubConsoleApp, make_hub_console
from sync.hub.console.desk import HubDesk, StationDetail

__all__ = ["HubConsoleApp", "HubDesk", "StationDetail", "make_hub_console"]
