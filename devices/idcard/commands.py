"""The reader's command set (reference §1.3) and the reply status codes (§1.5)."""

from __future__ import annotations

from enum import Enum

from devices.errors import (
    CardAuthError,
    CardError,
    CardReadError,
    CardSelectError,
    CommandRejected,
    NoCardError,
    NoContentError,
    ReaderStatusError,
    SamError,
    UnknownCardError,
)
from devices.idcard.frames import CommandFrame


class Command(Enum):
    """One request the host can send, as its (CMD, PARA) pair."""

    RESET = (0x10, 0xFF)
    SAM_STATUS = (0x11, 0xFF)
    SAM_ID = (0x12, 0xFF)
    FIND_CARD = (0x20, 0x01)
    SELECT_CARD = (0x20, 0x02)
    READ_BASE = (0x30, 0x01)
    READ_NEW_ADDRESS = (0x30, 0x03)
    READ_WITH_FINGERPRINT = (0x30, 0x10)

    @property
    def cmd(self) -> int:
        return self.value[0]

    @property
    def para(self) -> int:
        return self.value[1]

    def frame(self) -> CommandFrame:
        """The command frame to send."""
        return CommandFrame(self.cmd, self.para)

    @classmethod
    def lookup(cls, cmd: int, para: int) -> Command | None:
        """The command with this CMD/PARA pair, or None if the reader does not know it."""
        return _BY_PAIR.get((cmd, para))


_BY_PAIR = {command.value: command for command in Command}

SW_OK = 0x90
SW_CARD_FOUND = 0x9F
SW_NO_CONTENT = 0x91
#: SW3 values that mean success, per command (find answers 9F, not 90).
SUCCESS = {command: SW_OK for command in Command} | {Command.FIND_CARD: SW_CARD_FOUND}

#: SW3 → (error class, short English description).
STATUS_CODES: dict[int, tuple[type[ReaderStatusError], str]] = {
    0x10: (CommandRejected, "frame checksum wrong"),
    0x11: (CommandRejected, "frame length wrong"),
    0x21: (CommandRejected, "command wrong"),
    0x23: (CommandRejected, "operation not permitted"),
    0x24: (CommandRejected, "unrecognised error"),
    0x31: (CardAuthError, "card failed to authenticate the SAM"),
    0x32: (CardAuthError, "SAM failed to authenticate the card"),
    0x33: (CardAuthError, "information verification error"),
    0x40: (UnknownCardError, "unrecognised card type"),
    0x41: (CardReadError, "reading the card failed"),
    0x47: (CardReadError, "getting a random number failed"),
    0x60: (SamError, "SAM self-test failed"),
    0x66: (SamError, "SAM not authorised"),
    0x80: (NoCardError, "find card failed (no card)"),
    0x81: (CardSelectError, "select card failed"),
    0x91: (NoContentError, "no content for this item"),
}


def status_error(sw3: int, command: Command | None = None) -> ReaderStatusError:
    """The typed error for an unsuccessful SW3 code."""
    error_class, description = STATUS_CODES.get(sw3, (CardError, "unknown status"))
    where = f" after {command.name}" if command else ""
    return error_class(sw3, f"SW3={sw3:02X}: {description}{where}")
