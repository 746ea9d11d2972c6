"""Pilot: log in, submit an application from the screen, find it in today's list and in
the store."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Input, Select, Static

from station.core import outbox
from station.core.models import Application
from station.core.store import StationStore
from station.ui.app import make_app
from station.ui.messages import ApplicationSubmitted, LoggedIn, LoginRefused
from station.ui.screens.applications import ApplicationsScreen
from station.ui.screens.home import HomeScreen
from station.ui.screens.login import LoginScreen
from station.ui.screens.new_application import NewApplicationScreen
from tests.conftest import PASSWORDS
from tests.station.core.helpers import VALID_ID


async def _type(pilot, selector: str, text: str) -> None:  # type: ignore[no-untyped-def]
    pilot.app.screen.query_one(selector, Input).value = text


async def _login(pilot, name: str, password: str) -> None:  # type: ignore[no-untyped-def]
    await _type(pilot, "#name", name)
    await _type(pilot, "#password", password)
    await pilot.click("#login")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.asyncio
async def test_login_submit_and_list(store: StationStore) -> None:
    seen: list[object] = []
    app = make_app(store)
    async with app.run_test(size=(120, 40), message_hook=seen.append) as pilot:
        assert isinstance(app.screen, LoginScreen)
        await _login(pilot, "wang", "not-the-password")
        assert any(isinstance(m, LoginRefused) for m in seen)
        assert "用户名或密码错误" in str(app.screen.query_one("#login-error", Static).render())

        await _login(pilot, "wang", PASSWORDS["wang"])
        assert any(isinstance(m, LoggedIn) for m in seen)
        assert isinstance(app.screen, HomeScreen)

        await pilot.press("n")
        assert isinstance(app.screen, NewApplicationScreen)
        app.screen.query_one("#service", Select).value = "HZ-GA-004"
        await _type(pilot, "#applicant-name", "张三")
        await _type(pilot, "#id-number", VALID_ID)
        await _type(pilot, "#phone", "13800000000")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        # The message bubbles from the screen to the app: one message, seen by both.
        [submitted] = list({id(m): m for m in seen if isinstance(m, ApplicationSubmitted)}.values())
        stored = Application.get_by_id(submitted.application_id)
        assert (stored.applicant_name, stored.status, stored.item_code) == ("张三", "submitted", "HZ-GA-004")
        assert outbox.read_range(1, 1)[0].application_id == stored.id
        assert isinstance(app.screen, HomeScreen)

        await pilot.press("l")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, ApplicationsScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 1
        row = table.get_row_at(0)
        assert row[0] == submitted.receipt_number and row[4] == "110105********002X"


@pytest.mark.asyncio
async def test_bad_id_number_is_refused_with_the_field_marked(store: StationStore) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await _login(pilot, "wang", PASSWORDS["wang"])
        await pilot.press("n")
        app.screen.query_one("#service", Select).value = "HZ-GA-004"
        await _type(pilot, "#applicant-name", "张三")
        await _type(pilot, "#id-number", "110105194912310021")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, NewApplicationScreen)
        assert app.screen.query_one("#id-number", Input).has_class("-invalid")
        assert Application.select().count() == 0


@pytest.mark.asyncio
async def test_lock_returns_to_login_and_ends_the_session(store: StationStore) -> None:
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await _login(pilot, "wang", PASSWORDS["wang"])
        session = app.session
        assert session is not None
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen) and not session.active


@pytest.mark.asyncio
async def test_idle_session_locks_after_the_configured_minutes(store: StationStore) -> None:
    now = [1000.0]
    app = make_app(store, monotonic=lambda: now[0])
    async with app.run_test(size=(120, 40)) as pilot:
        await _login(pilot, "wang", PASSWORDS["wang"])
        await pilot.press("n")  # input resets the idle timer
        now[0] += store.config.idle_lock_minutes * 60 - 1
        app.lock_if_idle()
        assert app.session is not None
        now[0] += 2
        app.lock_if_idle()
        await pilot.pause()
        assert app.session is None and isinstance(app.screen, LoginScreen)
