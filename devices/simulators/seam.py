"""An in-process :class:`~devices.transport.Transport` onto a simulator, for unit tests.

Bytes written go straight to the simulator; its replies are readable at once (device
delays and wire time are not waited for). Silence still times out, after the caller's
own timeout, so keep timeouts short in tests that script it.
"""

from __future__ import annotations

import threading

from devices.simulators.wire import Responder


class SimulatorTransport:
    """A :class:`~devices.transport.Transport` whose far end is a simulator."""

    def __init__(self, responder: Responder) -> None:
        self._responder = responder
        self._inbox = bytearray()
        self._ready = threading.Condition()
        self._closed = False
        responder.attach_output(self._push)

    def write(self, data: bytes) -> None:
        self._check_open()
        for reply in self._responder.receive(data):
            self._push(reply.data)

    def read(self, max_bytes: int, timeout: float) -> bytes:
        self._check_open()
        with self._ready:
            self._ready.wait_for(lambda: bool(self._inbox), max(0.0, timeout))
            chunk = bytes(self._inbox[:max_bytes])
            del self._inbox[:max_bytes]
            return chunk

    def discard_input(self) -> None:
        with self._ready:
            self._inbox.clear()

    def close(self) -> None:
        self._closed = True
        self._responder.attach_output(None)

    def _push(self, data: bytes) -> None:
        with self._ready:
            self._inbox += data
            self._ready.notify_all()

    def _check_open(self) -> None:
        if self._closed:
            from devices.errors import PortError

            raise PortError("simulator transport closed")
