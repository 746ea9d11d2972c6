"""Print jobs kept in the encrypted store, and A4 documents handed to the system's printer.

`StoredJobs` is the devices package's `JobStore` backed by the `print_job` table: a
receipt's ESC/POS bytes carry a name and an ID number, so they are never written to an
unencrypted file. A finished job (printed or cancelled) leaves the table with its bytes.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from devices.printer.jobs import JobState, PrintJob
from station.core.atomic import atomic_write_bytes
from station.core.db import write_transaction
from station.core.errors import JiujinError
from station.core.models import PrintJobRow

FINISHED = (JobState.PRINTED, JobState.CANCELLED)


class StoredJobs:
    """Persists the print queue's unfinished jobs in the station's encrypted database."""

    def save(self, job: PrintJob) -> None:
        """Record the job's state; a finished job is removed, bytes and all."""
        with write_transaction():
            if job.state in FINISHED:
                PrintJobRow.delete().where(PrintJobRow.id == job.id).execute()
                return
            PrintJobRow.replace(
                id=job.id, title=job.title, state=job.state.value, payload=job.payload,
                created_at=job.created_at, attempts=job.attempts, partial=int(job.partial),
                problem=job.problem, operator_reprints=job.operator_reprints).execute()

    def load(self) -> list[PrintJob]:
        """Every unfinished job, oldest first."""
        rows = PrintJobRow.select().order_by(PrintJobRow.created_at)
        return [PrintJob(row.id, row.title, bytes(row.payload), JobState(row.state),
                         row.created_at, row.attempts, bool(row.partial), row.problem,
                         row.operator_reprints) for row in rows]


class A4Output(Protocol):
    """Where A4 documents (PDF) go: the system's printer, or a held list."""

    def spool(self, pdf: bytes, title: str) -> str:
        """Send one document; returns a short description of where it went."""
        ...


@dataclass(frozen=True)
class HeldDocument:
    """An A4 document waiting in memory for the operator to print or save it."""

    title: str
    pdf: bytes


class PrintOutputError(JiujinError):
    """An A4 document could not be saved where the operator asked."""


class HeldDocuments:
    """Keeps the last few A4 documents in memory (no A4 printer configured, and in demos)."""

    def __init__(self, keep: int = 5) -> None:
        self.documents: deque[HeldDocument] = deque(maxlen=keep)

    def spool(self, pdf: bytes, title: str) -> str:
        self.documents.append(HeldDocument(title, pdf))
        return "held"

    def save(self, folder: Path, name: str) -> Path:
        """Write the newest held document into `folder` (a USB stick to print elsewhere) as
        `<name>.pdf`, never over an existing file; its path. The operator chooses to export
        it, like any document the station hands out, so it is not a temporary file."""
        if not self.documents:
            raise PrintOutputError("没有待保存的 A4 文件", "no A4 document is held")
        if not folder.is_dir():
            raise PrintOutputError(f"找不到文件夹 {folder}", f"no such folder: {folder}")
        stem = re.sub(r"[^\w-]+", "_", name).strip("_") or "document"
        path = folder / f"{stem}.pdf"
        number = 1
        while path.exists():
            number += 1
            path = folder / f"{stem}-{number}.pdf"
        try:
            atomic_write_bytes(path, self.documents[-1].pdf, mode=0o644)
        except OSError as error:
            raise PrintOutputError(f"无法写入 {folder}（{error.strerror}）",
                                   f"cannot write to {folder} ({error.strerror})") from None
        return path


class CupsPrinter:
    """The system's default A4 printer through CUPS `lp`, fed on stdin (no file on disk)."""

    def __init__(self, command: str = "lp") -> None:
        self.command = command

    @staticmethod
    def available() -> bool:
        """True when `lp` exists and CUPS names a default destination."""
        if shutil.which("lp") is None or shutil.which("lpstat") is None:
            return False
        found = subprocess.run(["lpstat", "-d"], capture_output=True, text=True, timeout=5)
        return found.returncode == 0 and "no system default" not in found.stdout.lower()

    def spool(self, pdf: bytes, title: str) -> str:
        subprocess.run([self.command, "-t", title], input=pdf, check=True, capture_output=True,
                       timeout=30)
        return "cups"


def default_a4_output() -> A4Output:
    """CUPS when a default printer is set up, else documents held for the operator."""
    return CupsPrinter() if CupsPrinter.available() else HeldDocuments()
