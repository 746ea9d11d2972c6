"""The station-wide lock: one station, many programs, one database key at a time.

Several programs may have one data folder open at once: the counter app, a second `jiujin
run`, the kiosk, a `jiujin` command, each with the background sync on a thread. A re-key
(`db rekey`, or the one that follows disabling or revoking someone) gives the database a new
key, which the other programs do not know. So every use of the database holds `station.lock`
shared (an OS file lock, `flock`), and a re-key holds it alone:

- a re-key waits for the transactions under way in other programs to end (and gives up with
  `StationInUse` when they do not), and while it runs nobody else starts one;
- the file holds the key's generation, which the re-key raises: a program that opened the
  database with an older key gets `StationBusy` ("close this program and open it again")
  at its next statement, and never reads or writes with the old key;
- a login waits for a re-key under way, then opens the database with the new key.

Within one program, threads share the lock: the re-key waits for the others' transactions
and their connections reopen with the new key afterwards.
"""

from __future__ import annotations

import errno
import fcntl
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from station.core.errors import StationBusy, StationInUse, StoreError

LOCK_NAME = "station.lock"
#: How long a re-key waits for other programs' transactions, and a login for a re-key.
WAIT_SECONDS = 30.0
_GENERATION_BYTES = 20

log = logging.getLogger("jiujin.station.lock")


class StationLock:
    """`station.lock` in a data folder, for one opened store (see the module's docstring)."""

    def __init__(self, path: Path, wait_seconds: float = WAIT_SECONDS) -> None:
        self.path = Path(path)
        self.wait_seconds = wait_seconds
        #: The key generation this program's database key belongs to.
        self.generation = 0
        self._fd: int | None = None
        self._usable = True
        self._holders = 0  # threads of this program holding the lock shared
        self._owner: int | None = None  # the thread re-keying, while it does
        self._condition = threading.Condition()
        self._local = threading.local()

    # -- shared: every use of the database -------------------------------------------------

    @contextmanager
    def shared(self, wait: bool = False, adopt: bool = False) -> Iterator[None]:
        """Hold the lock shared. `wait`: wait for a re-key under way (else StationBusy at
        once); `adopt`: take the generation found as this program's (when it has just read
        the key file), instead of refusing a newer one."""
        self.acquire_shared(wait, adopt)
        try:
            yield
        finally:
            self.release_shared()

    def acquire_shared(self, wait: bool = False, adopt: bool = False) -> None:
        depth = self._depth()
        if depth or self._owner == threading.get_ident():
            self._local.depth = depth + 1
            return
        deadline = time.monotonic() + self.wait_seconds
        with self._condition:
            while self._owner is not None:
                if not self._condition.wait(max(0.0, deadline - time.monotonic())):
                    raise StationBusy()
            if self._holders == 0:
                self._lock_file(fcntl.LOCK_SH, deadline if wait else None)
            self._holders += 1
        try:
            found = self._read_generation()
            if adopt:
                self.generation = found
            elif found != self.generation:
                raise StationBusy()
        except BaseException:
            self._drop_holder()
            raise
        self._local.depth = 1

    def release_shared(self) -> None:
        depth = self._depth()
        self._local.depth = depth - 1
        if depth == 1 and self._owner != threading.get_ident():
            self._drop_holder()

    def re_keying(self) -> bool:
        """Whether this thread is the one re-keying."""
        return self._owner == threading.get_ident()

    # -- alone: a re-key ------------------------------------------------------------------

    @contextmanager
    def exclusive(self) -> Iterator[int]:
        """Hold the lock alone for a re-key and yield the new generation; the generation is
        put back if the re-key fails. StationInUse when other programs' transactions do not
        end in time, StationBusy when another program re-keyed first."""
        if self._owner == threading.get_ident():  # already alone (a re-key inside a held lock)
            yield self.generation
            return
        if self._depth():
            raise RuntimeError("a thread holding the station lock shared cannot re-key")
        deadline = time.monotonic() + self.wait_seconds
        with self._condition:
            while self._owner is not None or self._holders:
                if not self._condition.wait(max(0.0, deadline - time.monotonic())):
                    raise StationInUse()
            self._owner = threading.get_ident()
        try:
            self._lock_file(fcntl.LOCK_EX, deadline, busy=StationInUse)
        except BaseException:
            self._release_owner()
            raise
        before = self._read_generation()
        if before != self.generation:  # another program re-keyed first: our key is old
            self._unlock_file()
            self._release_owner()
            raise StationBusy()
        try:
            self._write_generation(before + 1)
            self.generation = before + 1
            yield self.generation
        except BaseException:
            self._write_generation(before)
            self.generation = before
            raise
        finally:
            self._unlock_file()
            self._release_owner()

    def close(self) -> None:
        with self._condition:
            if self._fd is not None and not self._holders and self._owner is None:
                os.close(self._fd)
                self._fd = None

    # -- the file ---------------------------------------------------------------------------

    def _depth(self) -> int:
        return int(getattr(self._local, "depth", 0))

    def _drop_holder(self) -> None:
        with self._condition:
            self._holders -= 1
            if self._holders == 0:
                self._unlock_file()
                self._condition.notify_all()

    def _release_owner(self) -> None:
        with self._condition:
            self._owner = None
            self._condition.notify_all()

    def _file(self) -> int | None:
        """The lock file, opened once; None where the data folder cannot hold one (read-only),
        where nobody can write the database or re-key either."""
        if self._fd is None and self._usable:
            try:
                self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
            except OSError as exc:
                try:
                    self._fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC | os.O_NOFOLLOW)
                except OSError:
                    self._usable = False
                    log.warning("station lock unavailable (%s): the data folder is not writable",
                                errno.errorcode.get(exc.errno or 0, "error"))
        return self._fd

    def _lock_file(self, operation: int, deadline: float | None,
                   busy: Callable[[], StoreError] = StationBusy) -> None:
        fd = self._file()
        if fd is None:
            return
        pause = 0.005
        while True:
            try:
                fcntl.flock(fd, operation | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if deadline is None or time.monotonic() >= deadline:
                    raise busy() from None
            time.sleep(pause)  # another program holds it: a re-key, or a transaction
            pause = min(pause * 2, 0.1)

    def _unlock_file(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _read_generation(self) -> int:
        fd = self._file()
        if fd is None:
            return self.generation
        text = os.pread(fd, _GENERATION_BYTES, 0).decode("ascii", "replace").strip()
        return int(text) if text.isdigit() else 0

    def _write_generation(self, generation: int) -> None:
        fd = self._file()
        if fd is None:
            return
        data = str(generation).encode("ascii")
        os.pwrite(fd, data, 0)
        os.ftruncate(fd, len(data))
