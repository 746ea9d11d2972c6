"""UI test fixtures: the device simulators on real pseudo-terminals and a message log to wait on."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import pytest
from textual.message import Message
from textual.widgets import Input

from devices import DemoDevices
from devices.simulators.reader import CardTiming
from station.ui.i18n import set_language
from tests.conftest import PASSWORDS

M = TypeVar("M", bound=Message)


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


class MessageLog:
    """Every message the app handled (the `message_hook`), with a way to wait for one."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self._changed = asyncio.Event()

    def __call__(self, message: Message) -> None:
        self.messages.append(message)
        self._changed.set()

    def of(self, kind: type[M]) -> list[M]:
        """Messages of one kind, each once (a message seen by a screen and the app counts once)."""
        unique = {id(m): m for m in self.messages if isinstance(m, kind)}
        return list(unique.values())

    async def wait_for(self, kind: type[M], where: Callable[[M], bool] = lambda m: True,
                       timeout: float = 15.0) -> M:
        """The first message of `kind` that satisfies `where`, waiting for it to arrive."""
        async def found() -> M:
            while True:
                for message in self.of(kind):
                    if where(message):
                        return message
                self._changed.clear()
                await self._changed.wait()

        return await asyncio.wait_for(found(), timeout)


@pytest.fixture
def log() -> MessageLog:
    return MessageLog()


async def login(pilot: Any, name: str) -> None:
    """Log in from the login screen and wait until the session has started."""
    screen = pilot.app.screen
    screen.query_one("#name", Input).value = name
    screen.query_one("#password", Input).value = PASSWORDS[name]
    await pilot.click("#login")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def settle(pilot: Any) -> None:
    """Let workers finish and the screen catch up."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def until(pilot: Any, condition: Callable[[], bool], rounds: int = 200) -> None:
    """Let the app process messages and workers until `condition` holds (no sleeping)."""
    for _ in range(rounds):
        if condition():
            return
        await settle(pilot)
    raise AssertionError("the screen never reached the expected state")
