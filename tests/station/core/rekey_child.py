"""A second program on the same station, for the re-key lock tests: it logs in, then obeys one
command per line on standard input and answers one line each on standard output:

    submit   file an application         -> "ok <receipt>"
    read     count the applications      -> "ok <count>"
    begin    open a write transaction and write a draft in it -> "in"
    hold     hold the station lock shared, as a long report query does -> "holding"
    end      commit that transaction, or let go of the lock -> "ended"
    reopen   open the store again and log in -> "ok"
    announced_reopen   say "logging in", then reopen -> "ok"
    rekey    re-key the database (as a supervisor or admin) -> "rekeyed"

A Jiujin error is answered "busy <message>" when it is StationBusy, else "error <name>: <message>".
"""

from __future__ import annotations

import subprocess
import sys
from contextlib import ExitStack
from pathlib import Path

from kernel.errors import JiujinError
from station.core.db import write_transaction
from station.core.errors import StationBusy
from station.core.store import StationStore
from tests.conftest import PASSWORDS, REPO
from tests.station.core.helpers import draft


class Child:
    def __init__(self, folder: Path, operator: str) -> None:
        self.folder, self.operator = folder, operator
        self.transaction = ExitStack()
        self.reopen()

    def reopen(self) -> str:
        self.store = StationStore(self.folder)
        self.session = self.store.login(self.operator, PASSWORDS[self.operator])
        return "ok"

    def announced_reopen(self) -> str:
        print("logging in", flush=True)
        return self.reopen()

    def rekey(self) -> str:
        self.store.rekey(self.session)
        return "rekeyed"

    def submit(self) -> str:
        app = self.store.applications.create_draft(self.session, draft())
        return f"ok {self.store.applications.submit(self.session, app.id).receipt_number}"

    def read(self) -> str:
        return f"ok {len(self.store.applications.list(self.session, limit=1_000_000))}"

    def begin(self) -> str:
        self.transaction.enter_context(write_transaction())
        self.store.applications.create_draft(self.session, draft(notes="in a transaction"))
        return "in"

    def hold(self) -> str:
        self.transaction.enter_context(self.store.lock.shared())
        return "holding"

    def end(self) -> str:
        self.transaction.close()
        return "ended"


class OtherProgram:
    """`rekey_child` as a real second process on the station, driven line by line."""

    def __init__(self, folder: Path, operator: str = "wang") -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.station.core.rekey_child", str(folder), operator],
            cwd=REPO, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert self.read() == "ready"

    def read(self) -> str:
        assert self.process.stdout is not None
        return self.process.stdout.readline().strip()

    def ask(self, command: str) -> str:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        return self.read()

    def finish(self) -> str:
        """Close it; its standard error (which must hold no traceback)."""
        _out, err = self.process.communicate(timeout=60)
        assert self.process.returncode == 0, err
        assert "Traceback" not in err and "not a database" not in err
        return err


def main(folder: str, operator: str) -> None:
    child = Child(Path(folder), operator)
    print("ready", flush=True)
    for line in sys.stdin:
        command = line.strip()
        try:
            answer = getattr(child, command)()
        except StationBusy as busy:
            answer = f"busy {busy.message('zh')}"
        except JiujinError as error:
            answer = f"error {type(error).__name__}: {error.message('en')}"
        print(answer, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
