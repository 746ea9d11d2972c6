"""A byte-exact GA 467 SAM reader: frames in, replies out, with cards and scripted faults.

The simulator is transport-free: :meth:`ReaderSimulator.receive` takes the bytes the
host wrote and returns :class:`Reply` values (the bytes to send back and how long the
card and SAM take first). :mod:`devices.simulators.link` serves it on a pseudo-terminal
paced at a baud rate; :class:`devices.simulators.seam.SimulatorTransport` calls it
in-process. State follows reference §1.10: a read card is "consumed" until removed.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from devices.errors import ChecksumError, FrameLengthError
from devices.fixtures import CardFixture
from devices.idcard.commands import SW_CARD_FOUND, SW_NO_CONTENT, SW_OK, Command
from devices.idcard.frames import CommandParser, ReplyFrame
from devices.idcard.reader import NEW_ADDRESS_SIZE
from devices.idcard.sam import SamId
from devices.simulators.wire import Reply

#: The reference's synthetic SAM (§1.6): 5, 1, 20110101, 12345678, 987654321.
SAMPLE_SAM_ID = SamId.from_fields(5, 1, 20110101, 12345678, 987654321)
_READS = (Command.READ_BASE, Command.READ_WITH_FINGERPRINT)


@dataclass(frozen=True)
class CardTiming:
    """Seconds the card and SAM take per command, before the reply goes on the wire."""

    reset: float = 0.05
    sam: float = 0.002
    find: float = 0.015
    select: float = 0.015
    read_base: float = 0.30
    read_fingerprint: float = 0.40
    new_address: float = 0.06

    @classmethod
    def instant(cls) -> CardTiming:
        """No processing time (bulk tests)."""
        return cls(0, 0, 0, 0, 0, 0, 0)

    def for_command(self, command: Command | None) -> float:
        if command is None:
            return 0.0
        return {
            Command.RESET: self.reset,
            Command.SAM_STATUS: self.sam,
            Command.SAM_ID: self.sam,
            Command.FIND_CARD: self.find,
            Command.SELECT_CARD: self.select,
            Command.READ_BASE: self.read_base,
            Command.READ_WITH_FINGERPRINT: self.read_fingerprint,
            Command.READ_NEW_ADDRESS: self.new_address,
        }[command]


class FaultKind(Enum):
    """How a scripted fault shows on the wire."""

    STATUS = "status"  # an error frame with the given SW3
    CORRUPT_CHECKSUM = "corrupt_checksum"  # the right reply with a wrong CHK
    TRUNCATE = "truncate"  # the first half of the reply, then nothing
    SILENCE = "silence"  # no reply at all (unplugged)


@dataclass(frozen=True)
class Fault:
    """A scripted fault: what, on which commands, how many times (0 = until cleared)."""

    kind: FaultKind
    sw3: int = 0
    commands: frozenset[Command] = field(default_factory=lambda: frozenset(Command))
    times: int = 1

    @classmethod
    def read_failure(cls, times: int = 1) -> Fault:
        """41 in reply to a read: the card moved mid-read."""
        return cls(FaultKind.STATUS, 0x41, frozenset(_READS), times)

    @classmethod
    def auth_failure(cls, sw3: int = 0x32, times: int = 1) -> Fault:
        """31, 32 or 33 in reply to a read: card or SAM authentication failed."""
        if sw3 not in (0x31, 0x32, 0x33):
            raise ValueError("authentication codes are 31, 32 and 33")
        return cls(FaultKind.STATUS, sw3, frozenset(_READS), times)

    @classmethod
    def sam_failure(cls, sw3: int = 0x60) -> Fault:
        """60 (self-test failed) or 66 (not authorised) to every command until cleared."""
        return cls(FaultKind.STATUS, sw3, frozenset(Command), 0)

    @classmethod
    def corrupt_checksum(cls, command: Command | None = None, times: int = 1) -> Fault:
        return cls(FaultKind.CORRUPT_CHECKSUM, commands=_only(command), times=times)

    @classmethod
    def truncate(cls, command: Command | None = None, times: int = 1) -> Fault:
        return cls(FaultKind.TRUNCATE, commands=_only(command), times=times)

    @classmethod
    def silence(cls) -> Fault:
        """The reader stops answering, as if unplugged, until cleared."""
        return cls(FaultKind.SILENCE, times=0)


def _only(command: Command | None) -> frozenset[Command]:
    return frozenset(Command) if command is None else frozenset({command})


@dataclass
class _Slot:
    """The card in the field and how far the host has got with it."""

    card: CardFixture
    selected: bool = False
    consumed: bool = False


@dataclass
class _Script:
    fault: Fault
    remaining: int


class ReaderSimulator:
    """The reader's protocol state machine; thread-safe."""

    def __init__(self, timing: CardTiming | None = None, sam_id: SamId = SAMPLE_SAM_ID) -> None:
        self.timing = timing or CardTiming()
        self.sam_id = sam_id
        self._parser = CommandParser()
        self._lock = threading.Condition()
        self._slot: _Slot | None = None
        self._faults: list[_Script] = []
        self.commands_seen: list[Command] = []
        self.reads_served = 0

    # --- what a test or the demo does -----------------------------------------------

    def present(self, card: CardFixture) -> None:
        """Place a card on the reader (replacing any card there)."""
        with self._lock:
            self._slot = _Slot(card)

    def remove(self) -> None:
        """Take the card away."""
        with self._lock:
            self._slot = None

    @property
    def card(self) -> CardFixture | None:
        with self._lock:
            return self._slot.card if self._slot else None

    def script(self, fault: Fault) -> None:
        """Add a fault; the oldest matching fault fires first."""
        with self._lock:
            self._faults.append(_Script(fault, fault.times))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def wait_for_commands(self, count: int, timeout: float = 5.0) -> bool:
        """Block until ``count`` commands have been received in total (for tests)."""
        with self._lock:
            return self._lock.wait_for(lambda: len(self.commands_seen) >= count, timeout)

    # --- the wire ---------------------------------------------------------------------

    def attach_output(self, send: Callable[[bytes], None] | None) -> None:
        """The reader never speaks unasked; nothing to attach."""

    def receive(self, data: bytes) -> list[Reply]:
        """Replies to the complete frames in data (and in bytes received before)."""
        with self._lock:
            self._parser.feed(data)
            replies = []
            while (reply := self._next_reply()) is not None:
                replies.append(reply)
            return [r for r in replies if r.data or r.delay]

    def _next_reply(self) -> Reply | None:
        try:
            frame = self._parser.next_command()
        except ChecksumError:
            return Reply(0.0, _error(0x10))
        except FrameLengthError:
            return Reply(0.0, _error(0x11))
        if frame is None:
            return None
        command = Command.lookup(frame.cmd, frame.para)
        if command is None:
            return Reply(0.0, _error(0x21))
        self.commands_seen.append(command)
        self._lock.notify_all()
        return self._with_faults(command, self._answer(command))

    def _with_faults(self, command: Command, reply: ReplyFrame) -> Reply:
        delay = self.timing.for_command(command)
        fault = self._take_fault(command)
        if fault is None:
            return Reply(delay, reply.to_bytes(), command.name)
        wire = reply.to_bytes()
        self._undo_read(command)
        if fault.kind is FaultKind.STATUS:
            return Reply(delay, _error(fault.sw3), command.name)
        if fault.kind is FaultKind.CORRUPT_CHECKSUM:
            return Reply(delay, wire[:-1] + bytes([wire[-1] ^ 0x5A]), command.name)
        if fault.kind is FaultKind.TRUNCATE:
            return Reply(delay, wire[: max(1, len(wire) // 2)], command.name)
        return Reply(0.0, b"", command.name)

    def _take_fault(self, command: Command) -> Fault | None:
        for script in self._faults:
            if command in script.fault.commands:
                if script.remaining > 0:
                    script.remaining -= 1
                    if script.remaining == 0:
                        self._faults.remove(script)
                return script.fault
        return None

    def _undo_read(self, command: Command) -> None:
        """A read that never reached the host intact leaves the card readable again [U]."""
        if command in _READS and self._slot is not None and self._slot.consumed:
            self._slot.consumed = False
            self._slot.selected = False
            self.reads_served -= 1

    # --- commands ---------------------------------------------------------------------

    def _answer(self, command: Command) -> ReplyFrame:
        handler = {
            Command.RESET: self._ok,
            Command.SAM_STATUS: self._ok,
            Command.SAM_ID: lambda: ReplyFrame(0, 0, SW_OK, self.sam_id.raw),
            Command.FIND_CARD: self._find,
            Command.SELECT_CARD: self._select,
            Command.READ_BASE: lambda: self._read(fingerprint=False),
            Command.READ_WITH_FINGERPRINT: lambda: self._read(fingerprint=True),
            Command.READ_NEW_ADDRESS: self._new_address,
        }[command]
        return handler()

    def _ok(self) -> ReplyFrame:
        return ReplyFrame(0, 0, SW_OK)

    def _find(self) -> ReplyFrame:
        slot = self._slot
        if slot is None or slot.consumed:
            return ReplyFrame(0, 0, 0x80)
        slot.selected = False
        return ReplyFrame(0, 0, SW_CARD_FOUND, bytes(4))

    def _select(self) -> ReplyFrame:
        slot = self._slot
        if slot is None or slot.consumed:
            return ReplyFrame(0, 0, 0x81)
        slot.selected = True
        return ReplyFrame(0, 0, SW_OK, bytes(8))

    def _read(self, *, fingerprint: bool) -> ReplyFrame:
        slot = self._slot
        if slot is None or not slot.selected or slot.consumed:
            return ReplyFrame(0, 0, 0x41)
        slot.consumed = True
        self.reads_served += 1
        return ReplyFrame(0, 0, SW_OK, _read_payload(slot.card, fingerprint))

    def _new_address(self) -> ReplyFrame:
        slot = self._slot
        if slot is None or not slot.selected:
            return ReplyFrame(0, 0, 0x41)
        if not slot.card.new_address:
            return ReplyFrame(0, 0, SW_NO_CONTENT)
        text = slot.card.new_address.encode("utf-16-le")[:NEW_ADDRESS_SIZE]
        padding = " ".encode("utf-16-le") * ((NEW_ADDRESS_SIZE - len(text)) // 2)
        return ReplyFrame(0, 0, SW_OK, text + padding)


def _read_payload(card: CardFixture, fingerprint: bool) -> bytes:
    text, photo = card.text_block(), card.photo()
    lengths = len(text).to_bytes(2, "big") + len(photo).to_bytes(2, "big")
    if not fingerprint:
        return lengths + text + photo
    prints = card.fingerprint()
    return lengths + len(prints).to_bytes(2, "big") + text + photo + prints


def _error(sw3: int) -> bytes:
    return ReplyFrame(0, 0, sw3).to_bytes()
