"""Pilot: login and refusal, the lock key, the idle lock, roles on the home screen."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from station.core.store import StationStore
from station.ui.app import make_app
from station.ui.messages import LoggedIn, LoginRefused, SyncRoundDone
from station.ui.screens.home import HomeScreen
from station.ui.screens.login import LoginScreen
from tests.conftest import PASSWORDS
from tests.pilot import workers_done
from tests.station.ui.conftest import MessageLog, login, until


@pytest.mark.asyncio
async def test_wrong_password_is_refused_then_the_right_one_opens_home(store: StationStore,
                                                                       log: MessageLog) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        assert isinstance(app.screen, LoginScreen)
        app.screen.query_one("#name").value = "wang"
        app.screen.query_one("#password").value = "not-the-password"
        await pilot.click("#login")
        await log.wait_for(LoginRefused)
        await pilot.pause()
        assert "用户名或密码错误" in str(app.screen.query_one("#login-error", Static).render())

        await login(pilot, "wang")
        assert log.of(LoggedIn) and isinstance(app.screen, HomeScreen)


@pytest.mark.asyncio
async def test_lock_key_returns_to_login_and_ends_the_session(store: StationStore) -> None:
    app = make_app(store)
    async with app.run_test(size=(80, 24)) as pilot:
        await login(pilot, "wang")
        session = app.session
        assert session is not None
        await pilot.press("ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen) and not session.active
        # the locked screen keeps whose it was: only the password is asked
        assert app.screen.query_one("#name", Input).value == "wang"
        assert app.focused is app.screen.query_one("#password", Input)
        await pilot.press(*PASSWORDS["wang"], "enter")
        await workers_done(app)
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen) and app.session is not None


@pytest.mark.asyncio
async def test_idle_session_locks_after_the_configured_minutes(store: StationStore) -> None:
    now = [1000.0]
    app = make_app(store, monotonic=lambda: now[0])
    async with app.run_test(size=(120, 40)) as pilot:
        await login(pilot, "wang")
        await pilot.press("r")  # input resets the idle timer
        now[0] += store.config.idle_lock_minutes * 60 - 1
        app.lock_if_idle()
        assert app.session is not None
        now[0] += 2
        app.lock_if_idle()
        await pilot.pause()
        assert app.session is None and isinstance(app.screen, LoginScreen)


@pytest.mark.asyncio
async def test_admin_home_offers_management_but_no_counter(store: StationStore) -> None:
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await login(pilot, "admin")
        screen = app.screen
        assert isinstance(screen, HomeScreen)
        shown = {b.binding.action for b in screen.active_bindings.values() if b.enabled}
        assert "manage" in shown and "new_application" not in shown
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen


@pytest.mark.asyncio
async def test_a_screen_worker_failure_is_reported_not_lost(store: StationStore) -> None:
    """Worker state messages do not bubble; screens hand failures to the app's one handler."""
    def broken() -> None:
        raise OSError("disk gone")

    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await login(pilot, "wang")
        app.screen.run_worker(broken, thread=True, exit_on_error=False)
        for _ in range(100):
            if any("OSError" in str(n.message) for n in app._notifications):
                break
            await pilot.pause()
        assert any("OSError" in str(n.message) for n in app._notifications)
        assert app.is_running


def test_device_news_with_no_screen_on_the_stack_crashes_nothing(store: StationStore) -> None:
    """A reader or printer reporting while the app has no screen (before the first, after the
    last) only updates the app's state: the status bars catch up when a screen is shown."""
    app = make_app(store)
    assert not app.screen_stack
    app.refresh_status_bars()


@pytest.mark.asyncio
async def test_the_commands_deferred_start_runs_off_the_ui_thread_once_the_login_screen_is_drawn(
        store: StationStore) -> None:
    seen: list[tuple[bool, bool]] = []
    app = make_app(store, after_start=lambda: seen.append(
        (isinstance(app.screen, LoginScreen), threading.current_thread() is threading.main_thread())))
    async with app.run_test(size=(80, 24)) as pilot:
        await workers_done(app)
        await pilot.pause()
        assert seen == [(True, False)]


@pytest.mark.asyncio
async def test_a_failing_deferred_start_leaves_the_station_working(store: StationStore,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    def fails() -> None:
        raise OSError("no room for the demo hub")

    app = make_app(store, after_start=fails)
    async with app.run_test(size=(80, 24)) as pilot:
        await workers_done(app)
        await login(pilot, "wang")
        assert isinstance(app.screen, HomeScreen)
    assert "deferred start failed" in caplog.text


@pytest.mark.asyncio
async def test_a_clerk_logged_in_before_the_deferred_start_enrolled_the_station_syncs_once_it_has(
        store: StationStore, tmp_path: Path, log: MessageLog) -> None:
    """A demo just made enrols with its local hub after the login screen is drawn; a clerk
    quicker than that still gets the background sync, once the station has its hub."""
    from station.cli.local_hub import LocalHubLink, connect_local_hub

    logged_in = threading.Event()
    links: list[LocalHubLink] = []

    def enrol_after_the_login() -> None:
        assert logged_in.wait(30)
        links.append(connect_local_hub(store, tmp_path / "hub", ("admin", PASSWORDS["admin"])))

    app = make_app(store, after_start=enrol_after_the_login)
    try:
        async with app.run_test(size=(120, 40), message_hook=log) as pilot:
            screen = app.screen
            screen.query_one("#name", Input).value = "wang"
            screen.query_one("#password", Input).value = PASSWORDS["wang"]
            await pilot.click("#login")  # the deferred start is still waiting: no waiting for workers
            await log.wait_for(LoggedIn)
            await pilot.pause()  # the app takes the session in
            assert app.sync_loop is None and not store.config.hub_url  # no hub yet: nothing to sync with
            logged_in.set()
            done = await log.wait_for(SyncRoundDone, timeout=30)
            assert done.error is None and done.report is not None
            await until(pilot, lambda: app.hub_status[0] == "ok")
            assert store.config.hub_url == links[0].url
    finally:
        for link in links:
            link.stop()
