"""市级中心对账台 — the hub console (`jiujin hub console`): stations' ledgers and the sync operator's actions."""

from station.ui.hub_console.app import HubConsoleApp, make_hub_console
from station.ui.hub_console.desk import HubDesk, StationDetail

__all__ = ["HubConsoleApp", "HubDesk", "StationDetail", "make_hub_console"]
