"""Messages between the station's workers, screens and app: small dataclasses.

Events are named in the past tense; requests in the imperative. Textual's `Message`
initialises itself in `__post_init__`, so plain dataclasses work as messages.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from station.core.session import Session


@dataclass
class LoggedIn(Message):
    """An operator unlocked the store."""

    session: Session


@dataclass
class LoginRefused(Message):
    """Login failed; the message is already in the user's language."""

    message: str


@dataclass
class ApplicationSubmitted(Message):
    """An application was accepted and has its receipt number."""

    application_id: str
    receipt_number: str


@dataclass
class ApplicationRefused(Message):
    """Submission failed: field errors by key, or one message."""

    message: str
    errors: dict[str, str]


@dataclass
class ApplicationsLoaded(Message):
    """Rows for the applications list."""

    rows: list[tuple[str, ...]]


@dataclass
class HomeLoaded(Message):
    """Today's figures for the home screen."""

    counts: dict[str, int]
    outbox_depth: int
