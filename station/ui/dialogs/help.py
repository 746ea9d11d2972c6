"""The help overlay (F1): every key of the screen behind it and of the app, with what it does."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from station.ui.dialogs.base import StationDialog
from station.ui.i18n import N_, _
from station.ui.widgets.fitted_table import FittedTable


class HelpDialog(StationDialog[None]):
    """按键帮助."""

    BINDINGS = [Binding("escape,f1,q", "dismiss", N_("关闭"), id="close")]

    def __init__(self, behind: Screen[object]) -> None:
        super().__init__()
        self.behind = behind

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="help"):
            yield Static(_("按键一览（鼠标同样可用）"), classes="section-title")
            yield FittedTable(id="keys", wrap=(1, 2))
            yield Static(_("Esc 关闭"), classes="dialog-hint")

    def on_mount(self) -> None:
        rows: list[tuple[str, str, str]] = []
        seen: set[tuple[str, str]] = set()
        for node in (self.behind, *self.behind.query("*"), self.app):
            for bindings in node._bindings.key_to_bindings.values():
                for binding in bindings:
                    if node.check_action(binding.action, ()) is not False:
                        self._add(rows, binding, seen)
        table = self.query_one(FittedTable)
        table.show([_("按键"), _("作用"), _("说明")], rows)
        table.focus()

    def _add(self, rows: list[tuple[str, str, str]], binding: Binding, seen: set[tuple[str, str]]) -> None:
        if not binding.description or binding.system or binding.id is None:
            return  # ours carry ids; the widgets' own keys (cursor, copy) need no help here
        key = self.app.get_key_display(binding)
        description = _(binding.description)
        if (key, description) not in seen:
            seen.add((key, description))
            rows.append((key, description, _(binding.tooltip) if binding.tooltip else ""))
