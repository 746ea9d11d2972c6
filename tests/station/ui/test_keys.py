"""Key descriptions in the footer follow the language: each screen's bindings (Chinese message
ids) show in Chinese, or from the English catalog, on the keys the footer draws."""

from __future__ import annotations

from typing import Any

import pytest
from textual.dom import DOMNode
from textual.screen import Screen

from devices import DemoDevices
from station.core.store import StationStore
from station.ui.app import make_app
from station.ui.messages import DraftOpened
from tests.station.ui.conftest import MessageLog, footer_drawn, login, settle, until
from tests.station.ui.helpers import choose_service_first, english_catalog

# who logs in, and the screens pushed from home by name
VISITS = [("wang", ["home", "start", "applications"]), ("li", ["supervisor"]), ("zhao", ["sync"])]


def declared(nodes: list[DOMNode]) -> dict[str, set[str]]:
    """Each action's descriptions as the station's classes declare them (message ids)."""
    found: dict[str, set[str]] = {}
    for node in nodes:
        for cls in type(node).__mro__:
            if not cls.__module__.startswith("station."):
                continue  # Textual's own keys are described in English only
            for binding in vars(cls).get("BINDINGS", []):
                if not isinstance(binding, tuple) and binding.description:
                    found.setdefault(binding.action, set()).add(binding.description)
    return found


def footer_keys(screen: Screen[Any]) -> dict[str, str]:
    """What the footer draws for each action: the key and its description, as one line."""
    return {key.action: key.render().plain for key in screen.query("FooterKey")}  # type: ignore[attr-defined]


def check_footer(screen: Screen[Any], lang: str, catalog: dict[str, str]) -> set[str]:
    messages = declared([screen, *screen.query("*"), screen.app])
    drawn = footer_keys(screen)
    ours = drawn.keys() & messages.keys()
    for action in ours:
        shown = {catalog[m] if lang == "en" else m for m in messages[action]}
        assert any(text in drawn[action] for text in shown), (type(screen).__name__, action, drawn[action])
    return ours


@pytest.mark.asyncio
@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_each_screens_keys_show_in_the_chosen_language(store: StationStore, lang: str) -> None:
    catalog = english_catalog()
    app = make_app(store, lang=lang)
    async with app.run_test(size=(240, 40)) as pilot:
        await settle(pilot)
        await footer_drawn(pilot)
        assert check_footer(app.screen, lang, catalog) >= {"switch_language", "quit"}
        for name, screens in VISITS:
            await login(pilot, name)
            for screen_name in screens:
                if screen_name != "home":
                    app.push_screen(app.ROUTES.build(screen_name))  # type: ignore[attr-defined]
                await settle(pilot)
                await footer_drawn(pilot)
                ours = check_footer(app.screen, lang, catalog)
                assert "lock" in ours and len(ours) > 2, (screen_name, ours)
            await pilot.press("ctrl+l")
            await settle(pilot)


@pytest.mark.asyncio
async def test_the_help_dialog_lists_the_keys_in_english(store: StationStore) -> None:
    app = make_app(store, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await login(pilot, "wang")
        await pilot.press("f1")
        await settle(pilot)
        table = app.screen.query_one("#keys")
        rows = [table.get_row_at(i) for i in range(table.row_count)]  # type: ignore[attr-defined]
        assert ("n", "New application") in {(str(row[0]), str(row[1])) for row in rows}
        assert ("^l", "Lock") in {(str(row[0]), str(row[1])) for row in rows}



@pytest.mark.asyncio
async def test_the_footer_shows_the_keys_of_a_waiting_form_coming_alive_with_the_card(
        store: StationStore, demo: DemoDevices, log: MessageLog) -> None:
    """The footer builds its keys again only when what they show changes. A form opened before
    the card waits without F5 (review) and ^s (save): there is no draft yet. The tap gives
    them to the same screen, and the footer draws them."""
    app = make_app(store, demo_devices=demo)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        await login(pilot, "wang")
        form = await choose_service_first(pilot, "HZ-YB-106")
        await footer_drawn(pilot)
        assert "leave" in footer_keys(form) and not footer_keys(form).keys() & {"review", "save"}
        demo.present_card("resident_zhangsan")
        await log.wait_for(DraftOpened)
        await until(pilot, lambda: {"review", "save"} <= footer_keys(form).keys())
        assert app.screen is form and "leave" in footer_keys(form)
