"""The byte pipe under both drivers: a serial port, or an in-process simulator seam."""

from __future__ import annotations

import os
import select
from typing import Protocol

import serial

from devices.errors import PortError

try:
    import termios

    _PORT_ERRORS: tuple[type[BaseException], ...] = (
        serial.SerialException,
        OSError,
        termios.error,
    )
except ImportError:  # Windows
    _PORT_ERRORS = (serial.SerialException, OSError)


class Transport(Protocol):
    """A bidirectional byte pipe with timed reads."""

    def write(self, data: bytes) -> None:
        """Send data, all of it."""
        ...

    def read(self, max_bytes: int, timeout: float) -> bytes:
        """Up to max_bytes as soon as at least one byte is there; b"" after timeout seconds."""
        ...

    def discard_input(self) -> None:
        """Drop bytes received and not yet read."""
        ...

    def close(self) -> None:
        """Release the pipe; further calls fail."""
        ...


class SerialTransport:
    """A :class:`Transport` over a pyserial port (8N1, no flow control by default)."""

    def __init__(self, port: str, baudrate: int, *, xonxoff: bool = False) -> None:
        self.port = port
        try:
            self._serial = serial.Serial(port, baudrate, timeout=0.0, xonxoff=xonxoff)
        except (serial.SerialException, OSError, ValueError) as error:
            raise PortError(f"{port}: {error}") from error

    def write(self, data: bytes) -> None:
        try:
            self._serial.write(data)
            self._serial.flush()
        except _PORT_ERRORS as error:
            raise PortError(f"{self.port}: {error}") from error

    def read(self, max_bytes: int, timeout: float) -> bytes:
        try:
            if os.name == "posix":
                return self._read_posix(max_bytes, timeout)
            if self._serial.timeout != timeout:
                self._serial.timeout = max(0.0, timeout)
            first = self._serial.read(1)
            waiting = min(self._serial.in_waiting, max_bytes - 1) if first else 0
            return bytes(first + (self._serial.read(waiting) if waiting > 0 else b""))
        except _PORT_ERRORS as error:
            raise PortError(f"{self.port}: {error}") from error

    def _read_posix(self, max_bytes: int, timeout: float) -> bytes:
        """Wait with select() so the port's own timeout never needs reconfiguring."""
        ready, _, _ = select.select([self._serial.fileno()], [], [], max(0.0, timeout))
        if not ready:
            return b""
        return bytes(self._serial.read(min(max_bytes, max(1, self._serial.in_waiting))))

    def discard_input(self) -> None:
        try:
            self._serial.reset_input_buffer()
        except _PORT_ERRORS as error:
            raise PortError(f"{self.port}: {error}") from error

    def close(self) -> None:
        self._serial.close()
