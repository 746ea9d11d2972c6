"""The print queue: every receipt is a job with an id and a state, and none is lost.

States::

    queued ─► printing ─► printed
       ▲          │
       │          ├─► held       printer not ready, or stopped mid-job (paper, cover):
       └──────────┘              printed again, whole, as soon as the printer is ready
                  └─► uncertain  sent without proof either way: waits for the operator
                                 (reprint, or confirm it printed); never printed twice
    queued/held/uncertain ─► cancelled   (operator)
    printed ─► queued                    (operator asks for a reprint)

Jobs print in order: a held job holds the jobs behind it. State lives in memory; a
:class:`JobStore` hook can persist it (a job found ``printing`` at start-up becomes
``uncertain``).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum
from typing import Protocol

from devices.errors import JobError, PortError
from devices.printer.driver import JobResult, Outcome, ReceiptPrinter
from devices.printer.status import PrinterStatus

log = logging.getLogger(__name__)


class JobState(Enum):
    """Where a print job stands (see the module docstring for the transitions)."""

    QUEUED = "queued"
    PRINTING = "printing"
    PRINTED = "printed"
    HELD = "held"
    UNCERTAIN = "uncertain"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class PrintJob:
    """One receipt to print: its bytes, where it stands, and why."""

    id: str
    title: str
    payload: bytes
    state: JobState = JobState.QUEUED
    created_at: float = 0.0
    attempts: int = 0
    partial: bool = False
    problem: str | None = None
    operator_reprints: int = 0


class JobStore(Protocol):
    """Where job state is kept between runs (the station can back this with its store)."""

    def save(self, job: PrintJob) -> None:
        """Record the job's current state."""
        ...

    def load(self) -> list[PrintJob]:
        """Every job not yet finished, oldest first."""
        ...


class MemoryJobStore:
    """A :class:`JobStore` that keeps jobs in a dict (the default)."""

    def __init__(self) -> None:
        self._jobs: dict[str, PrintJob] = {}

    def save(self, job: PrintJob) -> None:
        self._jobs[job.id] = job

    def load(self) -> list[PrintJob]:
        return sorted(self._jobs.values(), key=lambda j: j.created_at)


# --- events -------------------------------------------------------------------------------


@dataclass(frozen=True)
class JobChanged:
    """A job moved to a new state (queued, printing, printed, held, uncertain, cancelled)."""

    job: PrintJob
    status: PrinterStatus | None = None


@dataclass(frozen=True)
class PrinterStatusChanged:
    """The printer's status changed while the queue was watching it."""

    status: PrinterStatus


QueueEvent = JobChanged | PrinterStatusChanged
_PENDING = (JobState.QUEUED, JobState.HELD)
_FINISHED = (JobState.PRINTED, JobState.CANCELLED)


class PrintQueue:
    """Prints jobs in a background thread, holding them through paper-out and cover-open.

    ``connect`` opens the printer and is called again after the port vanishes.
    ``on_event`` gets :data:`QueueEvent` values on the queue's thread. Of the finished jobs
    (printed or cancelled) only the newest ``keep_finished`` stay in memory, for a reprint;
    each holds a receipt's bytes, and a counter prints hundreds a day.
    """

    def __init__(
        self,
        connect: Callable[[], ReceiptPrinter],
        on_event: Callable[[QueueEvent], None] = lambda event: None,
        store: JobStore | None = None,
        poll_interval: float = 1.0,
        keep_finished: int = 50,
    ) -> None:
        self._connect = connect
        self._keep_finished = keep_finished
        self._on_event = on_event
        self._store = store or MemoryJobStore()
        self._poll = poll_interval
        self._jobs: dict[str, PrintJob] = {}
        self._changed = threading.Condition()
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._printer: ReceiptPrinter | None = None
        self._last_status: PrinterStatus | None = None
        self.failure: BaseException | None = None
        self._restore()

    # --- what the station calls -----------------------------------------------------------

    def submit(self, payload: bytes, title: str = "") -> str:
        """Queue encoded bytes; returns the job id."""
        job = PrintJob(uuid.uuid4().hex, title, payload, created_at=time.time())
        self._set(job)
        return job.id

    def jobs(self) -> list[PrintJob]:
        """Every job this queue knows, oldest first."""
        with self._changed:
            return sorted(self._jobs.values(), key=lambda j: j.created_at)

    def get(self, job_id: str) -> PrintJob:
        with self._changed:
            if job_id not in self._jobs:
                raise JobError(f"no job {job_id}")
            return self._jobs[job_id]

    def reprint(self, job_id: str) -> PrintJob:
        """Operator's choice: print a printed or uncertain job again."""
        return self._change(
            job_id,
            (JobState.PRINTED, JobState.UNCERTAIN),
            lambda j: replace(j, state=JobState.QUEUED, operator_reprints=j.operator_reprints + 1),
        )

    def confirm_printed(self, job_id: str) -> PrintJob:
        """Operator's choice: an uncertain job did come out whole."""
        return self._change(
            job_id,
            (JobState.UNCERTAIN,),
            lambda j: replace(j, state=JobState.PRINTED, problem=None),
        )

    def cancel(self, job_id: str) -> PrintJob:
        """Operator's choice: drop a job that has not printed."""
        allowed = (JobState.QUEUED, JobState.HELD, JobState.UNCERTAIN)
        return self._change(job_id, allowed, lambda j: replace(j, state=JobState.CANCELLED))

    def wait_for(self, job_id: str, *states: JobState, timeout: float = 10.0) -> PrintJob:
        """Block until the job is in one of states; raises JobError on timeout."""
        with self._changed:
            def settled() -> bool:
                return job_id not in self._jobs or self._jobs[job_id].state in states

            if not self._changed.wait_for(settled, timeout):
                raise JobError(f"job {job_id} still {self._jobs[job_id].state.value}")
            if job_id not in self._jobs:
                raise JobError(f"job {job_id} finished long ago and is no longer kept")
            return self._jobs[job_id]

    @property
    def last_status(self) -> PrinterStatus | None:
        """The most recent printer status the queue saw."""
        return self._last_status

    # --- lifecycle -----------------------------------------------------------------------

    def start(self) -> PrintQueue:
        self._thread = threading.Thread(target=self._run, name="print-queue", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 15.0) -> None:
        """Finish the attempt in progress, stop, and close the printer."""
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                raise RuntimeError("print queue did not stop")
        self._disconnect()

    def __enter__(self) -> PrintQueue:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- the worker ----------------------------------------------------------------------

    def _run(self) -> None:
        try:
            while (job := self._next_job()) is not None:
                if not self._attempt(job):
                    self._sleep(self._poll)
        except BaseException as error:
            log.exception("print queue stopped by an unexpected error")
            self.failure = error
            self._emit(PrinterStatusChanged(PrinterStatus.unknown()))

    def _next_job(self) -> PrintJob | None:
        with self._changed:
            while not self._stopping:
                pending = [j for j in self._jobs.values() if j.state in _PENDING]
                if pending:
                    return min(pending, key=lambda j: j.created_at)
                self._changed.wait()
            return None

    def _attempt(self, job: PrintJob) -> bool:
        """One try at the job; False when the printer is not ready (wait, then retry)."""
        printer = self._printer_or_none()
        if printer is None:
            self._hold(job, PrinterStatus.unknown(), partial=job.partial)
            return False
        if job.state is JobState.HELD:
            status = printer.status()
            self._note_status(status)
            if not status.ready:
                return False
        started = self._start_printing(job)
        if started is None:
            return True  # the operator cancelled it meanwhile
        job = started
        try:
            result = printer.print_job(job.payload)
        except PortError:
            self._disconnect()
            result = JobResult(Outcome.UNCERTAIN, PrinterStatus.unknown())
        self._note_status(result.status)
        return self._settle(job, result)

    def _settle(self, job: PrintJob, result: JobResult) -> bool:
        if result.outcome is Outcome.PRINTED:
            self._set(replace(job, state=JobState.PRINTED, problem=None), result.status)
            return True
        if result.outcome is Outcome.UNCERTAIN:
            problem = result.status.problem or "unverified"
            self._set(replace(job, state=JobState.UNCERTAIN, problem=problem), result.status)
            return True
        partial = job.partial or result.outcome is Outcome.INTERRUPTED
        self._hold(job, result.status, partial=partial)
        return False

    def _hold(self, job: PrintJob, status: PrinterStatus, *, partial: bool) -> None:
        if job.state is JobState.HELD and job.problem == status.problem:
            return
        held = replace(job, state=JobState.HELD, problem=status.problem, partial=partial)
        self._set(held, status)

    def _printer_or_none(self) -> ReceiptPrinter | None:
        if self._printer is None:
            try:
                self._printer = self._connect()
            except PortError:
                return None
        return self._printer

    def _disconnect(self) -> None:
        printer, self._printer = self._printer, None
        if printer is not None:
            printer.close()

    def _sleep(self, seconds: float) -> None:
        with self._changed:
            self._changed.wait_for(lambda: self._stopping, seconds)

    # --- state -----------------------------------------------------------------------------

    def _restore(self) -> None:
        for job in self._store.load():
            if job.state is JobState.PRINTING:
                job = replace(job, state=JobState.UNCERTAIN, problem="interrupted_by_restart")
                self._store.save(job)
            self._jobs[job.id] = job

    def _start_printing(self, job: PrintJob) -> PrintJob | None:
        """Mark the job printing, unless the operator changed it since it was picked."""
        with self._changed:
            current = self._jobs[job.id]
            if current.state not in _PENDING:
                return None
            printing = replace(current, state=JobState.PRINTING, attempts=current.attempts + 1)
            self._jobs[job.id] = printing
        self._store.save(printing)
        self._emit(JobChanged(printing))
        return printing

    def _change(
        self,
        job_id: str,
        allowed: tuple[JobState, ...],
        change: Callable[[PrintJob], PrintJob],
    ) -> PrintJob:
        """Apply an operator's change atomically, if the job is in an allowed state."""
        with self._changed:
            job = self._jobs.get(job_id)
            if job is None:
                raise JobError(f"no job {job_id}")
            if job.state not in allowed:
                raise JobError(f"job {job_id} is {job.state.value}")
            changed = self._jobs[job_id] = change(job)
            self._changed.notify_all()
        self._store.save(changed)
        self._emit(JobChanged(changed))
        return changed

    def _set(self, job: PrintJob, status: PrinterStatus | None = None) -> PrintJob:
        self._store.save(job)
        with self._changed:
            self._jobs[job.id] = job
            if job.state in _FINISHED:
                self._forget_old_finished()
            self._changed.notify_all()
        self._emit(JobChanged(job, status))
        return job

    def _forget_old_finished(self) -> None:
        """Keep only the newest finished jobs (call with the lock held)."""
        finished = sorted((j for j in self._jobs.values() if j.state in _FINISHED), key=lambda j: j.created_at)
        for job in finished[:max(0, len(finished) - self._keep_finished)]:
            del self._jobs[job.id]

    def _note_status(self, status: PrinterStatus) -> None:
        if status != self._last_status:
            self._last_status = status
            self._emit(PrinterStatusChanged(status))

    def _emit(self, event: QueueEvent) -> None:
        self._on_event(event)
