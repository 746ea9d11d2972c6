"""What a simulator gives its link: replies with a processing delay, and a Protocol."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Reply:
    """Bytes to send back after ``delay`` seconds of device time (``label`` for logs)."""

    delay: float
    data: bytes
    label: str = ""


class Responder(Protocol):
    """A device model that turns received bytes into replies."""

    def receive(self, data: bytes) -> list[Reply]:
        """Replies to the bytes the host wrote (and to bytes received before)."""
        ...

    def attach_output(self, send: Callable[[bytes], None] | None) -> None:
        """Where to send unsolicited bytes (e.g. automatic status back), or None."""
        ...
