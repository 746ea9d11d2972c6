"""The terminal the station draws on, kept usable after it goes away.

A closed terminal window or a dropped SSH link hangs the terminal up: from then on every write
to it fails (EIO). Textual's writer thread ends at its first failed write, and every later
write waits for it forever, the app's own exit among them. The station writes through
`TerminalOutput` instead, which drops what it cannot write, so that the station can still
close itself in order (`DeviceHostApp.guard_terminal`).
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from textual.app import App
from textual.drivers.linux_driver import LinuxDriver


class TerminalOutput:
    """A terminal's output file that drops what is written once the terminal has hung up."""

    def __init__(self, file: IO[str]) -> None:
        self._file = file
        self.hung_up = False

    def write(self, text: str) -> int:
        if not self.hung_up:
            with self._dropped_after_hang_up():
                return self._file.write(text)
        return len(text)

    def flush(self) -> None:
        if not self.hung_up:
            with self._dropped_after_hang_up():
                self._file.flush()

    @contextmanager
    def _dropped_after_hang_up(self) -> Iterator[None]:
        """EIO (the terminal hung up) ends the writing for good; other failures are raised."""
        try:
            yield
        except OSError as error:
            if error.errno != errno.EIO:
                raise
            self.hung_up = True

    def fileno(self) -> int:
        return self._file.fileno()

    def isatty(self) -> bool:
        return not self.hung_up and self._file.isatty()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._file, name)


class StationDriver(LinuxDriver):
    """Textual's terminal driver, writing through `TerminalOutput`."""

    def __init__(self, app: App[Any], *, debug: bool = False, mouse: bool = True,
                 size: tuple[int, int] | None = None) -> None:
        super().__init__(app, debug=debug, mouse=mouse, size=size)
        if self._file is not None:  # Textual types it as stderr; its writer needs write, flush, fileno
            self._file = TerminalOutput(self._file)  # type: ignore[assignment]
