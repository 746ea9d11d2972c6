"""A background poller: find the card, read it once, report to a callback.

The reader halts a card after a successful read, so a second find fails until the card
has left the field (reference §1.9). The poller therefore reports each presentation
once: :class:`CardFound` as its read begins, then :class:`CardPresented` or
:class:`CardReadFailed`. It reports :class:`CardRemoved` when find stops seeing the card.
On readers that halt cards this comes right after the read: it means "ready for the next
card".
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from enum import Enum

from devices.config import PollSettings
from devices.errors import (
    CardDataError,
    CardError,
    DeviceError,
    FrameError,
    NoCardError,
    PortError,
    ReaderError,
    SamError,
)
from devices.idcard.events import (
    CardFound,
    CardPresented,
    CardReadFailed,
    CardRemoved,
    ReaderEvent,
    ReaderFault,
    ReaderReady,
)
from devices.idcard.reader import CardReader

log = logging.getLogger(__name__)


class _Card(Enum):
    ABSENT = "absent"
    READ = "read"
    FAILED = "failed"


class CardPoller:
    """Polls a reader in a thread and calls ``on_event`` with :data:`ReaderEvent` values.

    ``connect`` opens the reader; it is called again after the port vanishes, so a
    replugged reader is picked up. Use as a context manager or ``start()``/``stop()``.
    ``on_event`` runs on the poller's thread and should only hand the event on.
    """

    def __init__(
        self,
        connect: Callable[[], CardReader],
        on_event: Callable[[ReaderEvent], None],
        settings: PollSettings | None = None,
        port: str = "",
    ) -> None:
        self._connect = connect
        self._on_event = on_event
        self._settings = settings or PollSettings()
        self._port = port
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._reader: CardReader | None = None
        self._card = _Card.ABSENT
        self._misses = 0
        self._failures = 0
        self._faulted = False
        self._ready = False
        self.failure: BaseException | None = None

    def start(self) -> None:
        """Start polling in a background thread."""
        if self._thread is not None:
            raise RuntimeError("poller already started")
        self._thread = threading.Thread(target=self._run, name="card-poller", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop polling, wait for the thread and close the reader."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                raise RuntimeError("card poller did not stop")
        self._close_reader()

    def __enter__(self) -> CardPoller:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                delay = self._cycle()
                self._stop.wait(delay)
        except BaseException as error:  # a bug: report it, keep it, end the thread
            log.exception("card poller stopped by an unexpected error")
            self.failure = error
            self._emit(ReaderFault(DeviceError(f"poller crashed: {error!r}")))

    def _cycle(self) -> float:
        """One poll; returns the seconds to wait before the next."""
        try:
            if self._reader is None or not self._ready:
                self._bring_up()
            self._poll()
        except (PortError, SamError) as error:
            self._fault(error, hard=True)
            return self._settings.fault_interval
        except ReaderError as error:
            # a timeout, a garbled frame, or a status the reader should not give here (a card
            # status in answer to a reset): try again next time; only a run of them is a fault
            self._fault(error, hard=False)
            return self._settings.fault_interval if self._faulted else self._settings.interval
        self._failures = 0
        return self._settings.interval

    def _bring_up(self) -> None:
        if self._reader is None:
            self._reader = self._connect()
        if self._faulted:
            self._reader.reset()
        self._reader.sam_status()
        self._ready = True
        self._faulted = False
        self._emit(ReaderReady(self._port))

    def _poll(self) -> None:
        assert self._reader is not None
        if not self._reader.find_card():
            self._note_absent()
            return
        self._misses = 0
        if self._card is _Card.ABSENT:
            self._read(self._reader)

    def _read(self, reader: CardReader) -> None:
        """Select and read the found card; retry find → select → read on failure (§1.9)."""
        self._emit(CardFound())
        settings = self._settings
        options = {"fingerprint": settings.fingerprint, "new_address": settings.new_address}
        try:
            card = reader.read_found_card(**options)
        except (CardError, CardDataError, FrameError) as first:
            try:
                card = reader.read_card(**options, attempts=max(1, settings.read_attempts - 1))
            except NoCardError:
                self._report_failure(first, _Card.ABSENT)
                return
            except (CardError, CardDataError, FrameError) as error:
                self._report_failure(error, _Card.FAILED)
                return
        self._card = _Card.READ
        self._emit(CardPresented(card))

    def _report_failure(self, error: ReaderError, state: _Card) -> None:
        self._card = state
        self._emit(CardReadFailed(error))

    def _note_absent(self) -> None:
        if self._card is _Card.ABSENT:
            return
        self._misses += 1
        if self._misses >= self._settings.removal_polls:
            self._card = _Card.ABSENT
            self._misses = 0
            self._emit(CardRemoved())

    def _fault(self, error: ReaderError | PortError, *, hard: bool) -> None:
        self._failures += 1
        if isinstance(error, PortError):
            self._close_reader()
        if hard or self._failures >= self._settings.faults_before_report:
            self._ready = False
            if not self._faulted:
                self._faulted = True
                self._emit(ReaderFault(error))

    def _close_reader(self) -> None:
        reader, self._reader = self._reader, None
        if reader is not None:
            reader.close()

    def _emit(self, event: ReaderEvent) -> None:
        self._on_event(event)
