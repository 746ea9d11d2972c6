"""What the card poller reports: small, plain, past-tense events."""

from __future__ import annotations

from dataclasses import dataclass

from devices.errors import DeviceError, ReaderError
from devices.idcard.card import IdCard


@dataclass(frozen=True)
class ReaderReady:
    """The reader answered and its SAM is usable (at start, and after a fault)."""

    port: str = ""


@dataclass(frozen=True)
class CardFound:
    """A card was placed on the reader and is being read: a :class:`CardPresented` or a
    :class:`CardReadFailed` follows. Reading takes a moment (the photo alone is 1,024 bytes
    on the wire), so a screen can prepare for the card meanwhile."""


@dataclass(frozen=True)
class CardPresented:
    """A card was placed on the reader and read."""

    card: IdCard


@dataclass(frozen=True)
class CardReadFailed:
    """A card is on the reader but could not be read; it must be placed again."""

    error: ReaderError


@dataclass(frozen=True)
class CardRemoved:
    """The reader no longer sees the card it read (it is ready for the next one)."""


@dataclass(frozen=True)
class ReaderFault:
    """The reader is unusable: unplugged, silent, or its SAM failed."""

    error: DeviceError


ReaderEvent = ReaderReady | CardFound | CardPresented | CardReadFailed | CardRemoved | ReaderFault
