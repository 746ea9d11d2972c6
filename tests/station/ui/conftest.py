"""UI test fixtures: the device simulators on real pseudo-terminals and a message log to wait on."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from textual.widgets import Input, Static

from devices import DemoDevices
from devices.simulators.reader import CardTiming
from station.ui.i18n import set_language
from tests.conftest import PASSWORDS
from tests.pilot import MessageLog, footer_drawn, settle, until, workers_done

__all__ = ["MessageLog", "footer_drawn", "login", "settle", "until"]


@pytest.fixture(autouse=True)
def chinese_by_default() -> Iterator[None]:
    set_language("zh")
    yield
    set_language("zh")


@pytest.fixture
def demo() -> Iterator[DemoDevices]:
    """The reader and printer simulators on ptys, answering without card delays."""
    with DemoDevices(timing=CardTiming.instant()) as devices:
        yield devices


@pytest.fixture
def log() -> MessageLog:
    return MessageLog()


async def login(pilot: Any, name: str) -> None:
    """Log in from the login screen as a worker does (name, password, Enter) and wait until the
    session has started. Enter, not a click on 登录: Textual ignores a click on a button within
    0.2 s of its last one, and a refused login can come back sooner than that."""
    screen = pilot.app.screen
    screen.query_one("#name", Input).value = name
    password = screen.query_one("#password", Input)
    password.value = PASSWORDS[name]
    password.focus()
    await pilot.press("enter")
    try:
        await until(pilot, lambda: pilot.app.session is not None)
    except AssertionError:
        said = screen.query_one("#login-error", Static).render() if screen.is_mounted else ""
        raise AssertionError(f"{name} was not logged in; the login screen says {str(said)!r}") from None
    await workers_done(pilot.app)
    await pilot.pause()

