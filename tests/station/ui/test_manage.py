"""Pilot: the management screen — each tab's keys act only on that tab, a dialog gives the
focus back to the table it came from, and every device setting has a label."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Label, TabbedContent, Tabs

from station.core.store import StationStore
from station.ui.app import make_app
from station.ui.dialogs.confirm import ConfirmDialog
from station.ui.screens.supervisor import SupervisorScreen
from tests.pilot import settle
from tests.station.ui.conftest import login


async def _manage(pilot) -> SupervisorScreen:  # type: ignore[no-untyped-def]
    await login(pilot, "admin")
    await pilot.press("m")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, SupervisorScreen)
    return screen


@pytest.mark.asyncio
async def test_an_operator_key_typed_on_another_tab_does_nothing(store: StationStore) -> None:
    """On the devices tab, with the tab bar focused, d (停用人员) is neither shown nor acted on."""
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _manage(pilot)
        screen.query_one(TabbedContent).active = "tab-devices"
        await settle(pilot)
        screen.query_one(Tabs).focus()
        await pilot.press("d", "u", "p", "a")
        await settle(pilot)
        assert app.screen is screen
        shown = {b.binding.action for b in screen.active_bindings.values() if b.enabled}
        assert not shown & {"disable_operator", "unlock_operator", "set_password", "add_operator"}
        screen.query_one(TabbedContent).active = "tab-operators"
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)


@pytest.mark.asyncio
async def test_after_a_dialog_the_operators_table_has_the_focus_on_the_same_row(store: StationStore) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _manage(pilot)
        table = screen.query_one("#operators", DataTable)
        table.focus()
        table.move_cursor(row=2)
        await pilot.press("d")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and app.focused is table and table.cursor_row == 2


@pytest.mark.asyncio
@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_every_device_setting_has_a_label(store: StationStore, lang: str) -> None:
    app = make_app(store, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _manage(pilot)
        screen.query_one(TabbedContent).active = "tab-devices"
        await settle(pilot)
        for control in ("reader-port", "reader-baud", "printer-port", "printer-baud", "paper", "scan-inbox"):
            field = screen.query_one(f"#{control}").parent
            assert field is not None and field.has_class("labelled")
            label = str(field.query_one(Label).render())
            assert label and (lang == "zh") == any("\u4e00" <= c <= "\u9fff" for c in label)
