"""Helpers for Pilot tests of any Textual app of Jiujin's: a message log to wait on, and
waiting for workers and screens without sleeping."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any, TypeVar

from textual.message import Message
from textual.widgets import Footer
from textual.widgets._footer import FooterKey
from textual.worker import WorkerCancelled

M = TypeVar("M", bound=Message)


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


async def workers_done(app: Any) -> None:
    """Wait until no worker of `app` is running. A worker that failed fails the test; one
    cancelled because a newer exclusive worker of its group replaced it is what the app
    meant (a home screen reloading twice), so it is passed over."""
    while pending := [worker for worker in app.workers if not worker.is_finished]:
        for worker in pending:
            with contextlib.suppress(WorkerCancelled):
                await worker.wait()


async def settle(pilot: Any) -> None:
    """Let workers finish and the screen catch up."""
    await workers_done(pilot.app)
    await pilot.pause()


async def until(pilot: Any, condition: Callable[[], bool], rounds: int = 200) -> None:
    """Let the app process messages and workers until `condition` holds (no sleeping)."""
    for _ in range(rounds):
        if condition():
            return
        await settle(pilot)
    raise AssertionError("the screen never reached the expected state")


async def footer_drawn(pilot: Any) -> None:
    """Wait until each footer of the screen in front draws its keys (at once on a screen with
    none). A footer learns its screen's bindings when the screen first publishes them and
    composes its keys after the next refresh, so on a busy machine it can still be empty one
    pause after the screen arrives."""
    def drawn() -> bool:
        return all(footer.query(FooterKey) for footer in pilot.app.screen.query(Footer))

    await until(pilot, drawn)


def screen_lines(app: Any) -> list[str]:
    """The screen in front as the user sees it now, one string per terminal row."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


def column_text(app: Any, widget: Any, offset: int = 0) -> str:
    """What the screen shows of `widget` from `offset` cells right of its left edge to its right
    edge, the visible rows joined without spaces (a wrapped value reads as one string)."""
    region = widget.region.intersection(widget.parent.region if widget.parent is not None else widget.region)
    strips = app.screen._compositor.render_strips()
    rows = [strips[y].crop(region.x + offset, region.right).text for y in range(region.y, region.bottom)]
    return "".join(rows).replace(" ", "")
