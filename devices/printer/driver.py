"""The receipt printer driver: real-time status, and print-then-verify for one job.

A job is sent only when every status answer says "ready". It ends with GS r 1, which
the printer answers only after it has processed (printed) everything before it; that
answer is the proof the job printed. While waiting, real-time DLE EOT polls catch a
paper end or an opened cover mid-job.

A printer that does not implement GS r would leave every job "uncertain"; for it, pass
``proof=False``: a job then counts as printed when, once its bytes have had time to go
out, the real-time status still shows no paper end and no open cover (weaker: a printer
that drops data without stopping is not caught).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from enum import Enum

from devices.config import PRINTER_BAUD
from devices.errors import PortError
from devices.printer import commands as cmd
from devices.printer.encoder import PrinterProfile, ReceiptEncoder
from devices.printer.layout import ReceiptLayout
from devices.printer.status import PrinterStatus, combine, split_replies
from devices.transport import SerialTransport, Transport

DEFAULT_BAUD = PRINTER_BAUD


@dataclass(frozen=True)
class PrinterTimeouts:
    """Seconds: one status reply, the printed-proof wait (plus wire time), poll spacing."""

    status: float = 0.3
    verify: float = 8.0
    poll: float = 0.25
    late_proof: float = 0.2


class Outcome(Enum):
    """How one attempt at a job ended."""

    PRINTED = "printed"  # the proof came back: every byte was printed
    NOT_SENT = "not_sent"  # the printer was not ready; nothing was sent
    INTERRUPTED = "interrupted"  # sent, and the printer stopped (paper, cover) before the end
    UNCERTAIN = "uncertain"  # sent, and no proof either way: the operator decides


@dataclass(frozen=True)
class JobResult:
    """The outcome of one attempt and the last status seen."""

    outcome: Outcome
    status: PrinterStatus


class ReceiptPrinter:
    """An ESC/POS printer on a :class:`~devices.transport.Transport`."""

    def __init__(
        self,
        transport: Transport,
        profile: PrinterProfile | None = None,
        timeouts: PrinterTimeouts | None = None,
        baud: int = DEFAULT_BAUD,
        proof: bool = True,
    ) -> None:
        self._transport = transport
        self._proof = proof
        self.profile = profile or PrinterProfile()
        self._timeouts = timeouts or PrinterTimeouts()
        self._byte_time = 10.0 / baud
        self._proof_seen = False

    @classmethod
    def open(cls, port: str, baud: int = DEFAULT_BAUD, **kwargs: object) -> ReceiptPrinter:
        """A printer on a serial port (raises :class:`~devices.errors.PortError`)."""
        return cls(SerialTransport(port, baud), baud=baud, **kwargs)  # type: ignore[arg-type]

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> ReceiptPrinter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def encode(self, layout: ReceiptLayout) -> bytes:
        """ESC/POS bytes for a layout on this printer's profile."""
        return ReceiptEncoder(self.profile).encode(layout)

    # --- status --------------------------------------------------------------------------

    def query(self, n: int) -> int | None:
        """One DLE EOT n reply byte, or None if the printer did not answer in time."""
        self._transport.write(cmd.status_request(n))
        deadline = time.monotonic() + self._timeouts.status
        while (remaining := deadline - time.monotonic()) > 0:
            realtime = self._read_replies(remaining)
            if realtime:
                return realtime[0]
        return None

    def status(self, *, fresh: bool = True) -> PrinterStatus:
        """Status from DLE EOT 1–4; a printer that does not answer is unknown, never OK.

        ``fresh`` drops unread input first, so a late reply cannot answer a new question.
        """
        if fresh:
            self._transport.discard_input()
        replies: dict[int, int | None] = {}
        for n in (1, 2, 3, 4):
            replies[n] = self.query(n)
            if replies[n] is None:
                break
        return combine(replies)

    def _read_replies(self, timeout: float) -> list[int]:
        """Real-time replies read within timeout; a queued reply marks the job's proof."""
        realtime, queued = split_replies(self._transport.read(64, timeout))
        if queued:
            self._proof_seen = True
        return realtime

    # --- a job ---------------------------------------------------------------------------

    def send(self, data: bytes) -> None:
        """Write bytes to the printer as they are."""
        self._transport.write(data)

    def print_job(self, payload: bytes) -> JobResult:
        """Check status, send payload and its proof request, and wait for the proof."""
        before = self.status()
        if not before.ready:
            return JobResult(Outcome.NOT_SENT, before)
        self._proof_seen = False
        request = cmd.paper_sensor_request() if self._proof else b""
        try:
            self.send(payload + request)
        except PortError:
            return JobResult(Outcome.UNCERTAIN, PrinterStatus.unknown())
        if not self._proof:
            return self._check_without_proof(len(payload))
        return self._verify(len(payload))

    def _check_without_proof(self, size: int) -> JobResult:
        """For printers without GS r: printed unless the status shows it stopped."""
        deadline = time.monotonic() + size * self._byte_time + self._timeouts.poll
        while (remaining := deadline - time.monotonic()) > 0:
            stopped = self._stopped_mid_job()
            if stopped is not None:
                return JobResult(Outcome.INTERRUPTED, stopped)
            self._read_replies(min(self._timeouts.poll, remaining))  # wait on the port
        status = self.status(fresh=False)
        if not status.reachable:
            return JobResult(Outcome.UNCERTAIN, status)
        halted = status.problem in ("paper_out", "cover_open")
        return JobResult(Outcome.INTERRUPTED if halted else Outcome.PRINTED, status)

    def _verify(self, size: int) -> JobResult:
        timeouts = self._timeouts
        deadline = time.monotonic() + timeouts.verify + size * self._byte_time
        while time.monotonic() < deadline:
            if self._proof_arrived(timeouts.poll):
                return JobResult(Outcome.PRINTED, self.status(fresh=False))
            stopped = self._stopped_mid_job()
            if stopped is not None:
                if self._proof_arrived(timeouts.late_proof):
                    return JobResult(Outcome.PRINTED, stopped)
                return JobResult(Outcome.INTERRUPTED, stopped)
        status = self.status(fresh=False)
        if self._proof_seen:
            return JobResult(Outcome.PRINTED, status)
        stopped_now = status.reachable and status.problem in ("paper_out", "cover_open")
        return JobResult(Outcome.INTERRUPTED if stopped_now else Outcome.UNCERTAIN, status)

    def _proof_arrived(self, wait: float) -> bool:
        deadline = time.monotonic() + wait
        while not self._proof_seen and (remaining := deadline - time.monotonic()) > 0:
            self._read_replies(remaining)
        return self._proof_seen

    def _stopped_mid_job(self) -> PrinterStatus | None:
        """The status if the printer reports a paper end or an open cover, else None."""
        status = combine({n: self.query(n) for n in (2, 4)})
        if status.reachable and status.problem in ("paper_out", "cover_open"):
            return status
        return None
