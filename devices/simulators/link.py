"""Serve a simulator on a pseudo-terminal, paced at a baud rate.

The driver under test opens :attr:`PtyLink.port` (``/dev/pts/N``) with pyserial exactly
as it opens a USB-serial adapter, so tests run the real serial code path. Bytes in both
directions cost ``10 / baud`` seconds each (8N1); replies wait for the device's own
processing time first. :attr:`PtyLink.modelled_seconds` adds up that modelled time, the
yardstick of the reader benchmark.
"""

from __future__ import annotations

import logging
import os
import select
import threading
import time
import tty

from devices.simulators.wire import Reply, Responder

log = logging.getLogger(__name__)
CHUNK = 32


class PtyLink:
    """A pseudo-terminal whose far end is a :class:`Responder`; stoppable and joinable."""

    def __init__(self, responder: Responder, baud: int | None = 115200, name: str = "sim") -> None:
        self.responder = responder
        self.baud = baud
        self.name = name
        self._master, self._slave = os.openpty()
        tty.setraw(self._slave)
        os.set_blocking(self._master, False)
        self.port = os.ttyname(self._slave)
        self._wake_r, self._wake_w = os.pipe()
        self._stop = threading.Event()
        self._write_lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._model_lock = threading.Lock()
        self.modelled_seconds = 0.0
        self.failure: BaseException | None = None

    @property
    def byte_time(self) -> float:
        """Seconds per byte on the modelled wire (0 when unpaced)."""
        return 10.0 / self.baud if self.baud else 0.0

    def start(self) -> PtyLink:
        """Start serving in a background thread."""
        self.responder.attach_output(self.send)
        self._thread = threading.Thread(target=self._serve, name=f"pty-{self.name}", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving, join the thread and close the pseudo-terminal."""
        self._stop.set()
        os.write(self._wake_w, b"x")
        if self._thread is not None:
            self._thread.join(timeout)
        self.responder.attach_output(None)
        for fd in (self._master, self._slave, self._wake_r, self._wake_w):
            os.close(fd)

    def __enter__(self) -> PtyLink:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def reset_model_clock(self) -> None:
        """Start counting modelled wire + device time from zero."""
        with self._model_lock:
            self.modelled_seconds = 0.0

    def send(self, data: bytes) -> None:
        """Send unsolicited bytes (paced), from any thread."""
        self._write_paced(data)

    def _serve(self) -> None:
        try:
            while not self._stop.is_set():
                data = self._wait_for_input()
                if data:
                    self._answer(data)
        except OSError as error:
            if not self._stop.is_set():
                log.exception("pty link %s failed", self.name)
                self.failure = error

    def _wait_for_input(self) -> bytes:
        ready, _, _ = select.select([self._master, self._wake_r], [], [])
        if self._master not in ready:
            return b""
        try:
            return os.read(self._master, 4096)
        except BlockingIOError:
            return b""

    def _answer(self, data: bytes) -> None:
        rx_time = len(data) * self.byte_time
        self._add_model(rx_time)
        self._pause(rx_time)
        for reply in self.responder.receive(data):
            self._deliver(reply)

    def _deliver(self, reply: Reply) -> None:
        self._add_model(reply.delay)
        self._pause(reply.delay)
        self._write_paced(reply.data)

    def _write_paced(self, data: bytes) -> None:
        with self._write_lock:
            start = time.monotonic()
            self._add_model(len(data) * self.byte_time)
            for offset in range(0, len(data), CHUNK):
                chunk = data[offset : offset + CHUNK]
                due = start + (offset + len(chunk)) * self.byte_time
                self._pause(due - time.monotonic())
                self._write_all(chunk)

    def _write_all(self, data: bytes) -> None:
        view = memoryview(data)
        while view and not self._stop.is_set():
            _, writable, _ = select.select([], [self._master], [], 0.2)
            if writable:
                written = os.write(self._master, view)
                view = view[written:]

    def _pause(self, seconds: float) -> None:
        if seconds > 0:
            self._stop.wait(seconds)

    def _add_model(self, seconds: float) -> None:
        with self._model_lock:
            self.modelled_seconds += seconds
