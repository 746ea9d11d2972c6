"""Declared navigation: screens and dialogs ask for each other by name, never by import.

Each app declares its `ROUTES`, a table from a name to the screen class it builds, given as
"module:Class" and imported on first use: start-up loads the login screen alone, and no
screen module imports another.
"""

from __future__ import annotations

from collections.abc import Mapping
from importlib import import_module
from typing import Any, Literal

from textual.screen import Screen

ScreenName = Literal[
    "login", "home", "start", "bundle", "form", "review", "result", "amend", "detail", "applications",
    "sync", "supervisor",
    "help", "demo_card", "resume", "confirm", "guide", "scan", "save_pdf", "void",
    "add_operator", "set_password", "leave_kiosk", "rating", "supplement",
]


class Routes:
    """An app's table of named screens and dialogs."""

    def __init__(self, table: Mapping[ScreenName, str]) -> None:
        self.table = dict(table)

    def __contains__(self, name: object) -> bool:
        return name in self.table

    def screen_class(self, name: ScreenName) -> type[Screen[Any]]:
        """The class that `name` builds (its module is imported now, if it was not yet)."""
        module, _sep, attribute = self.table[name].partition(":")
        found = getattr(import_module(module), attribute)
        if not (isinstance(found, type) and issubclass(found, Screen)):
            raise TypeError(f"route {name!r} names {self.table[name]}, which is no screen")
        return found

    def build(self, name: ScreenName, /, *args: Any, **kwargs: Any) -> Screen[Any]:
        """A new screen or dialog called `name`, built with the given arguments."""
        return self.screen_class(name)(*args, **kwargs)
