"""The card reader driver: one method per command, and :meth:`CardReader.read_card`."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from devices.config import READER_BAUD
from devices.errors import (
    CardDataError,
    CardError,
    CardReadError,
    FrameError,
    NoCardError,
    NoContentError,
    ReaderError,
    ReaderTimeout,
    TruncatedFrameError,
)
from devices.idcard.card import IdCard, RawCard, decode_card
from devices.idcard.commands import SUCCESS, Command, status_error
from devices.idcard.frames import ReplyFrame, ReplyParser
from devices.idcard.sam import SAM_ID_SIZE, SamId
from devices.idcard.text_block import TEXT_SIZE
from devices.transport import SerialTransport, Transport

DEFAULT_BAUD = READER_BAUD
NEW_ADDRESS_SIZE = 70
_READS = (Command.READ_BASE, Command.READ_WITH_FINGERPRINT, Command.READ_NEW_ADDRESS)


@dataclass(frozen=True)
class ReaderTimeouts:
    """Seconds to wait for each reply: control commands, and reads (§1.9)."""

    control: float = 0.5
    read: float = 3.0

    def for_command(self, command: Command) -> float:
        return self.read if command in _READS else self.control


class CardReader:
    """A GA 467 SAM reader on a :class:`~devices.transport.Transport`.

    Each method sends one command and returns its decoded reply, raising a typed
    :class:`~devices.errors.ReaderError` for timeouts, bad frames and error codes.
    """

    def __init__(
        self,
        transport: Transport,
        timeouts: ReaderTimeouts | None = None,
        today: Callable[[], date] = date.today,
    ) -> None:
        self._transport = transport
        self._timeouts = timeouts or ReaderTimeouts()
        self._today = today

    @classmethod
    def open(cls, port: str, baud: int = DEFAULT_BAUD, **kwargs: object) -> CardReader:
        """A reader on a serial port (raises :class:`~devices.errors.PortError`)."""
        return cls(SerialTransport(port, baud), **kwargs)  # type: ignore[arg-type]

    def close(self) -> None:
        """Close the port."""
        self._transport.close()

    def __enter__(self) -> CardReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- one method per command ----------------------------------------------------

    def reset(self) -> None:
        """复位SAM — reset the security module."""
        self.transact(Command.RESET)

    def sam_status(self) -> None:
        """SAM状态检测 — raises :class:`~devices.errors.SamError` unless the SAM is usable."""
        self.transact(Command.SAM_STATUS)

    def sam_id(self) -> SamId:
        """读SAM管理信息 — the module's 16-byte identity."""
        reply = self.transact(Command.SAM_ID)
        if len(reply.data) != SAM_ID_SIZE:
            raise FrameError(f"SAM ID of {len(reply.data)} bytes")
        return SamId(reply.data)

    def find_card(self) -> bool:
        """寻找证/卡 — True if a card is in the field; "no card" (80) is not an error here."""
        try:
            self.transact(Command.FIND_CARD)
        except NoCardError:
            return False
        return True

    def select_card(self) -> bytes:
        """选取证/卡 — select the found card; returns its 8 serial bytes (zeros in practice)."""
        return self.transact(Command.SELECT_CARD).data

    def read_base(self) -> RawCard:
        """读固定信息 — text block and photo."""
        data = self.transact(Command.READ_BASE).data
        text_len, photo_len = _lengths(data, 2)
        return _split(data[4:], text_len, photo_len, 0)

    def read_with_fingerprint(self) -> RawCard:
        """读固定信息+指纹 — text, photo and 0, 512 or 1024 bytes of fingerprint."""
        data = self.transact(Command.READ_WITH_FINGERPRINT).data
        text_len, photo_len, fp_len = _lengths(data, 3)
        return _split(data[6:], text_len, photo_len, fp_len)

    def read_new_address(self) -> str | None:
        """读最新追加信息 — the appended address, or None when the card has none (91)."""
        try:
            data = self.transact(Command.READ_NEW_ADDRESS).data
        except NoContentError:
            return None
        text = data[:NEW_ADDRESS_SIZE].decode("utf-16-le", errors="replace").rstrip(" \x00")
        return text or None

    # --- the whole read --------------------------------------------------------------

    def read_card(
        self, *, fingerprint: bool = False, new_address: bool = False, attempts: int = 3
    ) -> IdCard:
        """Find, select, read and decode the card, retrying failed reads (§1.9).

        Raises :class:`~devices.errors.NoCardError` if there is no card, the last
        card error after ``attempts`` tries, or :class:`~devices.errors.CardDataError`.
        """
        last: ReaderError | None = None
        for _ in range(max(1, attempts)):
            try:
                found = self.find_card()
            except FrameError as error:
                last = error
                continue
            if not found:
                raise last or NoCardError(0x80, "no card in the field")
            try:
                return self._select_and_read(fingerprint, new_address)
            except (CardError, FrameError) as error:
                last = error
        assert last is not None
        raise last

    def read_found_card(self, *, fingerprint: bool = False, new_address: bool = False) -> IdCard:
        """Select, read and decode a card that :meth:`find_card` just found."""
        return self._select_and_read(fingerprint, new_address)

    def _select_and_read(self, fingerprint: bool, new_address: bool) -> IdCard:
        self.select_card()
        raw = self.read_with_fingerprint() if fingerprint else self.read_base()
        if new_address:
            raw = RawCard(raw.text, raw.photo, raw.fingerprint, self.read_new_address())
        return decode_card(raw, self._today())

    # --- the wire ----------------------------------------------------------------------

    def transact(self, command: Command) -> ReplyFrame:
        """Send command, wait for its reply, raise the typed error for a failure code."""
        reply = self._exchange(command)
        if reply.sw3 != SUCCESS[command]:
            raise status_error(reply.sw3, command)
        return reply

    def _exchange(self, command: Command) -> ReplyFrame:
        self._transport.discard_input()
        self._transport.write(command.frame().to_bytes())
        parser = ReplyParser()
        deadline = time.monotonic() + self._timeouts.for_command(command)
        received = False
        while True:
            reply = parser.next_reply()
            if reply is not None:
                return reply
            remaining = deadline - time.monotonic()
            chunk = self._transport.read(4096, remaining) if remaining > 0 else b""
            if not chunk:
                raise _timeout(command, received)
            received = True
            parser.feed(chunk)


def _timeout(command: Command, received: bool) -> ReaderError:
    if received:
        return TruncatedFrameError(f"incomplete reply to {command.name}")
    return ReaderTimeout(f"no reply to {command.name}")


def _lengths(data: bytes, count: int) -> list[int]:
    if len(data) < 2 * count:
        raise CardReadError(0x41, f"read reply of {len(data)} bytes")
    return [int.from_bytes(data[2 * i : 2 * i + 2], "big") for i in range(count)]


def _split(body: bytes, text_len: int, photo_len: int, fp_len: int) -> RawCard:
    if text_len != TEXT_SIZE or len(body) != text_len + photo_len + fp_len:
        raise CardDataError(f"lengths {text_len}/{photo_len}/{fp_len} for {len(body)} bytes")
    text = body[:text_len]
    photo = body[text_len : text_len + photo_len]
    fingerprint = body[text_len + photo_len :] if fp_len else None
    return RawCard(bytes(text), bytes(photo), bytes(fingerprint) if fingerprint else None)
