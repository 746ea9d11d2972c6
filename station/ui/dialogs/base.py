"""The base of the station's modal dialogs."""

from __future__ import annotations

from typing import TypeVar

from textual.screen import ModalScreen

from station.ui.base import ServicesMixin

T = TypeVar("T")


class StationDialog(ServicesMixin, ModalScreen[T]):
    """A modal dialog that returns a value with `dismiss`."""
