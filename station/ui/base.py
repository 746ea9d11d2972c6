"""What every station screen and dialog shares: the app's services, named screens, and key
descriptions shown in the current language."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, cast

from textual import on
from textual.binding import ActiveBinding
from textual.events import Mount, ScreenResume
from textual.screen import Screen
from textual.worker import Worker

from station.ui.i18n import _, language
from station.ui.widgets.status.status_bar import StatusBar

if TYPE_CHECKING:
    from station.core.overview import ApplicationRow
    from station.core.session import Session
    from station.ui.context import StationServices
    from station.ui.navigation import Routes, ScreenName


class StationHost(Protocol):
    """What a station screen uses of its app (the counter app or the kiosk)."""

    ROUTES: ClassVar[Routes]
    services: StationServices
    session: Session | None
    hub_status: tuple[str, str]


def _translated(text: str) -> str:
    return _(text) if text else ""  # gettext maps "" to the catalog's header


def translated_binding(active: ActiveBinding) -> ActiveBinding:
    """`active` with its description and tooltip (Chinese message ids) in the current language."""
    binding = replace(active.binding, description=_translated(active.binding.description),
                      tooltip=_translated(active.binding.tooltip))
    return active._replace(binding=binding, tooltip=_translated(active.tooltip))


class ServicesMixin:
    """Access to the station's services, its named screens, and the session the screen was
    opened in.

    A screen keeps its session from the moment it is mounted: a worker's result that arrives
    after the screen locked meets the ended session, which every core service refuses, rather
    than the app's next session or none.
    """

    app: Any
    opened_in: Session | None = None

    @property
    def station(self) -> StationHost:
        return cast("StationHost", self.app)

    @property
    def services(self) -> StationServices:
        return self.station.services

    @property
    def session(self) -> Session:
        session = self.opened_in or self.station.session
        assert session is not None, "a station screen is shown only with a session"
        return session

    def listed_service(self, row: ApplicationRow) -> str:
        """The service of a listed application, named in the current language."""
        return self.services.counter.service_name(row.item_code, row.item_name).get(language())

    def new_screen(self, name: ScreenName, /, *args: Any, **kwargs: Any) -> Screen[Any]:
        """A new screen or dialog by its name in the app's routes."""
        return self.station.ROUTES.build(name, *args, **kwargs)

    def _on_mount(self, _event: Mount) -> None:
        """Textual calls this beside the screen's own `on_mount` (a mixin's `@on` is not seen,
        hence named handlers here)."""
        self.opened_in = self.station.session

    @property
    def active_bindings(self) -> dict[str, ActiveBinding]:
        """The keys in force, described in the current language: bindings carry message ids
        (`N_`), and the footer and the tests read them from here."""
        found: dict[str, ActiveBinding] = super().active_bindings  # type: ignore[misc]
        return {key: translated_binding(active) for key, active in found.items()}

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Worker news does not bubble: hand it to the app's one failure handler."""
        self.app.report_worker_failure(event)


class StationScreen(ServicesMixin, Screen[None]):
    """A full screen of the station."""

    @on(ScreenResume)
    def redraw_status(self) -> None:
        """Back in front: the devices may have changed meanwhile."""
        for bar in self.query(StatusBar).results(StatusBar):
            bar.show_state()
