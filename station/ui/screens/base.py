"""What every station screen and dialog shares: translated bindings and the app's services."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any, TypeVar

from textual import on
from textual.dom import DOMNode
from textual.events import Mount, ScreenResume
from textual.screen import ModalScreen, Screen
from textual.worker import Worker

from station.ui.i18n import _

if TYPE_CHECKING:
    from station.core.session import Session
    from station.ui.app import JiujinApp
    from station.ui.context import StationServices

T = TypeVar("T")


def translate_bindings(node: DOMNode) -> None:
    """Show each binding's description (a Chinese message id) in the current language."""
    source = type(node)._merged_bindings
    if source is not None:
        node._bindings = source.copy()  # back to the message ids, then translate
    bindings = node._bindings.key_to_bindings
    for key, found in bindings.items():
        bindings[key] = [replace(b, description=_(b.description) if b.description else "",
                                 tooltip=_(b.tooltip) if b.tooltip else "") for b in found]


class ServicesMixin:
    """Access to the station's services and the session the screen was opened in.

    A screen keeps its session from the moment it is mounted: a worker's result that arrives
    after the screen locked meets the ended session, which every core service refuses, rather
    than the app's next session or none.
    """

    app: Any
    opened_in: Session | None = None

    @property
    def station(self) -> JiujinApp:
        return self.app  # type: ignore[no-any-return]

    @property
    def services(self) -> StationServices:
        return self.station.services

    @property
    def session(self) -> Session:
        session = self.opened_in or self.station.session
        assert session is not None, "a station screen is shown only with a session"
        return session

    def _on_mount(self, _event: Mount) -> None:
        """Textual calls this beside the screen's own `on_mount` (a mixin's `@on` is not seen)."""
        self.opened_in = self.station.session


class StationScreen(ServicesMixin, Screen[None]):
    """A full screen of the station."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(self)

    @on(ScreenResume)
    def redraw_status(self) -> None:
        """Back in front: the devices may have changed meanwhile."""
        from station.ui.widgets.status.status_bar import StatusBar

        for bar in self.query(StatusBar).results(StatusBar):
            bar.show_state()

    @on(Worker.StateChanged)
    def forward_worker_state(self, event: Worker.StateChanged) -> None:
        """Worker news does not bubble: hand it to the app's one failure handler."""
        self.app.report_worker_failure(event)


class StationDialog(ServicesMixin, ModalScreen[T]):
    """A modal dialog that returns a value with `dismiss`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        translate_bindings(self)

    @on(Worker.StateChanged)
    def forward_worker_state(self, event: Worker.StateChanged) -> None:
        """Worker news does not bubble: hand it to the app's one failure handler."""
        self.app.report_worker_failure(event)
