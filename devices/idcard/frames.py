"""GA 467 SAM frames: ``AA AA AA 96 69 | LEN_H LEN_L | body | CHK``.

LEN is big-endian and counts every byte after itself, checksum included; CHK is the XOR
of everything from LEN_H to the last body byte (reference §1.2). Commands carry
``CMD PARA DATA``, replies ``SW1 SW2 SW3 DATA``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce

from devices.errors import ChecksumError, FrameLengthError

PREAMBLE = b"\xaa\xaa\xaa\x96\x69"
HEADER_SIZE = len(PREAMBLE) + 2
#: The longest reply in the protocol is read + two fingerprints, LEN 0x090A; leave room.
MAX_LEN = 0x0C00
MIN_COMMAND_LEN = 3
MIN_REPLY_LEN = 4


def xor(data: bytes | bytearray) -> int:
    """XOR of every byte in data."""
    return reduce(lambda acc, byte: acc ^ byte, data, 0)


def pack(body: bytes) -> bytes:
    """A complete frame around body (command or reply bytes, without the checksum)."""
    length = len(body) + 1
    if length > 0xFFFF:
        raise FrameLengthError(f"body of {len(body)} bytes does not fit a frame")
    head = length.to_bytes(2, "big")
    return PREAMBLE + head + body + bytes([xor(head + body)])


@dataclass(frozen=True)
class CommandFrame:
    """A host → reader frame: command, parameter and optional data."""

    cmd: int
    para: int
    data: bytes = b""

    def to_bytes(self) -> bytes:
        """The frame on the wire."""
        return pack(bytes([self.cmd, self.para]) + self.data)

    @classmethod
    def from_body(cls, body: bytes) -> CommandFrame:
        """A command from a parsed frame body (without preamble, LEN and CHK)."""
        return cls(body[0], body[1], bytes(body[2:]))


@dataclass(frozen=True)
class ReplyFrame:
    """A reader → host frame: status words and data."""

    sw1: int
    sw2: int
    sw3: int
    data: bytes = b""

    def to_bytes(self) -> bytes:
        """The frame on the wire."""
        return pack(bytes([self.sw1, self.sw2, self.sw3]) + self.data)

    @classmethod
    def from_body(cls, body: bytes) -> ReplyFrame:
        """A reply from a parsed frame body (without preamble, LEN and CHK)."""
        return cls(body[0], body[1], body[2], bytes(body[3:]))


class FrameParser:
    """Finds frames in a byte stream: noise before the preamble, replies split across reads.

    Feed bytes as they arrive, then call :meth:`next_body` until it returns None. A bad
    frame raises :class:`ChecksumError` or :class:`FrameLengthError` once and is skipped,
    so parsing can go on. An earlier candidate that is still incomplete is given up as
    soon as a later, complete and valid frame is in the buffer (it was noise).
    """

    def __init__(self, min_len: int = MIN_REPLY_LEN, max_len: int = MAX_LEN) -> None:
        self._buffer = bytearray()
        self._min_len = min_len
        self._max_len = max_len

    def feed(self, data: bytes) -> None:
        """Add received bytes."""
        self._buffer += data

    def clear(self) -> None:
        """Forget everything buffered."""
        self._buffer.clear()

    @property
    def pending(self) -> bool:
        """True when a frame has started (preamble seen) but is not complete."""
        return self._buffer.find(PREAMBLE) >= 0

    def next_body(self) -> bytes | None:
        """The next complete frame's body (between LEN and CHK), or None for now."""
        while True:
            start = self._buffer.find(PREAMBLE)
            if start < 0:
                self._keep_tail()
                return None
            del self._buffer[:start]
            if len(self._buffer) < HEADER_SIZE:
                return None
            length = int.from_bytes(self._buffer[5:7], "big")
            if not self._min_len <= length <= self._max_len:
                del self._buffer[:1]
                raise FrameLengthError(f"LEN={length}")
            total = HEADER_SIZE + length
            if len(self._buffer) < total:
                later = self._later_valid_frame()
                if later is None:
                    return None
                del self._buffer[:later]
                continue
            return self._take(total)

    def _take(self, total: int) -> bytes:
        frame = bytes(self._buffer[:total])
        if xor(frame[5:-1]) != frame[-1]:
            del self._buffer[:1]
            raise ChecksumError(f"CHK={frame[-1]:02X}, computed {xor(frame[5:-1]):02X}")
        del self._buffer[:total]
        return frame[HEADER_SIZE:-1]

    def _later_valid_frame(self) -> int | None:
        """Offset of a later complete frame with a good checksum, if one is buffered."""
        start = self._buffer.find(PREAMBLE, 1)
        while start >= 0:
            if self._is_complete_valid(start):
                return start
            start = self._buffer.find(PREAMBLE, start + 1)
        return None

    def _is_complete_valid(self, start: int) -> bool:
        head_end = start + HEADER_SIZE
        if len(self._buffer) < head_end:
            return False
        length = int.from_bytes(self._buffer[start + 5 : head_end], "big")
        end = head_end + length
        if not self._min_len <= length <= self._max_len or len(self._buffer) < end:
            return False
        return xor(self._buffer[start + 5 : end - 1]) == self._buffer[end - 1]

    def _keep_tail(self) -> None:
        """Drop noise, keeping the last bytes in case they begin a preamble."""
        keep = len(PREAMBLE) - 1
        if len(self._buffer) > keep:
            del self._buffer[:-keep]


class ReplyParser(FrameParser):
    """A :class:`FrameParser` for reader → host frames, returning :class:`ReplyFrame`."""

    def __init__(self) -> None:
        super().__init__(MIN_REPLY_LEN, MAX_LEN)

    def next_reply(self) -> ReplyFrame | None:
        """The next complete reply, or None for now."""
        body = self.next_body()
        return None if body is None else ReplyFrame.from_body(body)


class CommandParser(FrameParser):
    """A :class:`FrameParser` for host → reader frames, returning :class:`CommandFrame`."""

    def __init__(self) -> None:
        super().__init__(MIN_COMMAND_LEN, MAX_LEN)

    def next_command(self) -> CommandFrame | None:
        """The next complete command, or None for now."""
        body = self.next_body()
        return None if body is None else CommandFrame.from_body(body)
