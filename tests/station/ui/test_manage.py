"""Pilot: the management screen — each tab's keys act only on that tab, a dialog gives the
focus back to the table it came from, and every device setting has a label."""

from __future__ import annotations

import pytest
from textual.widgets import Button, DataTable, Label, Select, TabbedContent, TabPane, Tabs

from station.core.store import StationStore
from station.ui.app import make_app
from station.ui.dialogs.confirm import ConfirmDialog
from station.ui.screens.supervisor import SupervisorScreen
from tests.pilot import settle
from tests.station.ui.conftest import footer_drawn, login


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


@pytest.mark.asyncio
@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_f6_and_f7_change_tabs_and_the_footer_says_so(store: StationStore, lang: str) -> None:
    """The tabs are reached by keys the footer names; the focus lands in the tab shown."""
    from textual.widgets import Input
    from textual.widgets._footer import FooterKey

    app = make_app(store, lang=lang)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _manage(pilot)
        await footer_drawn(pilot)
        footer = {str(key.description) for key in screen.query(FooterKey).results(FooterKey)}
        assert ({"下一页", "上一页"} if lang == "zh" else {"Next tab", "Previous tab"}) <= footer, footer
        tabs = screen.query_one(TabbedContent)
        panes = [str(pane.id) for pane in tabs.query(TabPane)]
        assert tabs.active == "tab-operators" and len(panes) > 2
        await pilot.press("f7")
        await settle(pilot)
        assert tabs.active == panes[1]
        assert isinstance(app.focused, Input | Select | Button) and app.focused in tabs.active_pane.query("*")
        await pilot.press("f6", "f6")
        await settle(pilot)
        assert tabs.active == panes[-1]  # round the end
        await pilot.press("f7")
        await settle(pilot)
        assert tabs.active == "tab-operators" and app.focused is screen.query_one("#operators", DataTable)
