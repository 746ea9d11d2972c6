"""Chinese by default, English from the gettext catalog: every marked string is translated,
placeholders survive, and the screens speak English on request."""

from __future__ import annotations

import re

import pytest
from babel.messages.extract import extract_from_dir
from textual.widgets import Button, Static

from station.core.store import StationStore
from station.ui.app import make_app
from station.ui.i18n import _, set_language
from tests.conftest import REPO
from tests.station.ui.conftest import login
from tests.station.ui.helpers import english_catalog

UNTRANSLATED_ON_PURPOSE = {"Please place your ID card on the reader"}  # already English


def marked_strings() -> set[str]:
    found = extract_from_dir(REPO / "station" / "ui", method_map=[("**.py", "python")],
                             keywords={"_": None, "N_": None})
    return {message for _file, _line, message, _comments, _context in found}


def test_every_marked_string_has_an_english_translation() -> None:
    catalog = english_catalog()
    missing = sorted(m for m in marked_strings() - UNTRANSLATED_ON_PURPOSE if not catalog.get(m))
    assert not missing, "run pybabel extract/update (station/ui/babel.cfg) and translate: " + ", ".join(missing)


def test_placeholders_are_kept() -> None:
    for zh, en in english_catalog().items():
        if en:
            assert set(re.findall(r"{(\w+)}", zh)) == set(re.findall(r"{(\w+)}", en)), zh


def test_chinese_is_the_default_and_english_is_one_call_away() -> None:
    assert _("新建申请") == "新建申请"
    set_language("en")
    assert _("新建申请") == "New application"
    set_language("zh")
    assert _("新建申请") == "新建申请"


@pytest.mark.asyncio
async def test_the_screens_speak_english_on_request(store: StationStore) -> None:
    app = make_app(store, lang="en")
    async with app.run_test(size=(120, 40)) as pilot:
        assert str(app.screen.query_one("#login", Button).label) == "Log in"
        await login(pilot, "wang")
        assert "Hello, 王小红 (Operator)" in str(app.screen.query_one("#greeting", Static).render())
        shown = {b.binding.description for b in app.screen.active_bindings.values()}
        assert {"New application", "Applications", "Lock", "Help"} <= shown


@pytest.mark.asyncio
async def test_f2_on_the_login_screen_switches_the_language(store: StationStore) -> None:
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        assert str(app.screen.query_one("#login", Button).label) == "登录"
        await pilot.press("f2")
        await pilot.pause()
        assert str(app.screen.query_one("#login", Button).label) == "Log in"
        assert "Lock" in {b.binding.description for b in app.screen.active_bindings.values()}
