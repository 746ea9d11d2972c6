"""The kiosk app (built in the next step)."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App

from station.core.session import Session
from station.ui.context import StationServices


class KioskApp(App[None]):
    """自助机."""

    def __init__(self, services: StationServices, session: Session,
                 monotonic: Callable[[], float]) -> None:
        super().__init__()
        self.services = services
        self.session = session
