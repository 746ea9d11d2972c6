"""The printer driver and queue against the simulator over real pseudo-terminals."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devices.errors import JobError
from devices.printer.driver import Outcome, PrinterTimeouts, ReceiptPrinter
from devices.printer.encoder import PrinterProfile, encode_receipt
from devices.printer.jobs import JobChanged, JobState, PrinterStatusChanged, PrintQueue
from devices.printer.layout import Barcode, Cut, Line, QRCode, ReceiptLayout
from devices.printer.status import Paper
from devices.simulators.link import PtyLink
from devices.simulators.printer import PrinterSimulator
from tests.devices.helpers import Recorder

pytestmark = pytest.mark.xdist_group("devices_printer_pty")

FAST = PrinterTimeouts(status=0.2, verify=1.0, poll=0.05, late_proof=0.05)


def receipt(title: str, lines: int = 10) -> ReceiptLayout:
    body = tuple(Line(f"{title} 第{i + 1}行") for i in range(lines))
    return ReceiptLayout((Line(title, "center", True, 2), *body, QRCode(title), Cut()), title)


@pytest.fixture
def sim() -> PrinterSimulator:
    return PrinterSimulator(paper_mm=58)


@pytest.fixture
def link(sim: PrinterSimulator) -> Iterator[PtyLink]:
    with PtyLink(sim, baud=None, name="printer") as link:
        yield link


@pytest.fixture
def printer(link: PtyLink) -> Iterator[ReceiptPrinter]:
    with ReceiptPrinter.open(link.port, 115200, timeouts=FAST) as printer:
        yield printer


def encode58(layout: ReceiptLayout) -> bytes:
    return encode_receipt(layout, PrinterProfile(paper_mm=58))


def _queue(link: PtyLink, recorder: Recorder) -> PrintQueue:
    return PrintQueue(
        lambda: ReceiptPrinter.open(link.port, 115200, timeouts=FAST), recorder, poll_interval=0.05
    )


def test_status_follows_the_printer(printer: ReceiptPrinter, sim: PrinterSimulator) -> None:
    assert printer.status().ready
    sim.set_paper("near_end")
    status = printer.status()
    assert status.ready and status.paper is Paper.NEAR_END
    sim.set_paper("out")
    assert printer.status().problem == "paper_out"
    sim.set_paper("ok")
    sim.open_cover()
    assert printer.status().problem == "cover_open"
    sim.close_cover()
    assert printer.status().ready


def test_silent_printer_is_never_paper_ok(printer: ReceiptPrinter, sim: PrinterSimulator) -> None:
    sim.power_off()
    status = printer.status()
    assert not status.reachable and not status.ready and status.paper is Paper.UNKNOWN
    assert printer.print_job(printer.encode(receipt("A"))).outcome is Outcome.NOT_SENT
    assert not sim.received


def test_print_job_is_proved(printer: ReceiptPrinter, sim: PrinterSimulator) -> None:
    layout = receipt("受理回执", 3)
    result = printer.print_job(printer.encode(layout))
    assert result.outcome is Outcome.PRINTED
    (printed,) = sim.model.receipts
    assert printed.lines[0] == "受理回执" and printed.lines[-1] == "受理回执 第3行"
    assert printed.qr_payloads == ["受理回执"] and printed.cut == "full"


def test_paper_out_mid_job(printer: ReceiptPrinter, sim: PrinterSimulator) -> None:
    sim.set_paper("ok", lines=4)
    result = printer.print_job(printer.encode(receipt("B")))
    assert result.outcome is Outcome.INTERRUPTED
    assert result.status.problem == "paper_out"
    assert sim.model.current.interrupted


def test_printer_without_paper_sensor_leaves_job_uncertain(
    link: PtyLink, sim: PrinterSimulator
) -> None:
    sim.paper_sensor = False
    with ReceiptPrinter.open(link.port, 115200, timeouts=FAST) as printer:
        result = printer.print_job(printer.encode(receipt("C", 1)))
    assert result.outcome is Outcome.UNCERTAIN and result.status.ready


def test_printer_without_paper_sensor_can_print_without_proof(
    link: PtyLink, sim: PrinterSimulator
) -> None:
    sim.paper_sensor = False
    with ReceiptPrinter.open(link.port, 115200, timeouts=FAST, proof=False) as printer:
        assert printer.print_job(printer.encode(receipt("P", 1))).outcome is Outcome.PRINTED
        sim.set_paper("ok", lines=3)
        assert printer.print_job(printer.encode(receipt("Q"))).outcome is Outcome.INTERRUPTED
    assert [r.lines[0] for r in sim.model.receipts] == ["P"]


def test_queue_prints_in_order(link: PtyLink, sim: PrinterSimulator) -> None:
    recorder = Recorder()
    with _queue(link, recorder) as queue:
        ids = [queue.submit(encode58(receipt(t, 2)), t) for t in "XYZ"]
        for job_id in ids:
            queue.wait_for(job_id, JobState.PRINTED)
    assert [r.lines[0] for r in sim.model.receipts] == ["X", "Y", "Z"]


def test_paper_out_mid_job_is_held_and_printed_once_on_recovery(
    link: PtyLink, sim: PrinterSimulator
) -> None:
    recorder = Recorder()
    sim.set_paper("ok", lines=5)
    with _queue(link, recorder) as queue:
        job_id = queue.submit(encode58(receipt("D")), "D")
        held = queue.wait_for(job_id, JobState.HELD)
        assert held.partial and held.problem == "paper_out"
        later = queue.submit(encode58(receipt("E", 1)), "E")
        assert queue.get(later).state is JobState.QUEUED, "a held job holds the ones behind it"
        sim.set_paper("ok")
        printed = queue.wait_for(job_id, JobState.PRINTED)
        queue.wait_for(later, JobState.PRINTED)
    torn, whole, after = sim.model.receipts
    assert torn.interrupted and torn.cut == "torn"
    assert whole.lines == receipt("D").elements[0].text.split() + [
        f"D 第{i}行" for i in range(1, 11)
    ]
    assert not whole.interrupted and after.lines == ["E", "E 第1行"]
    assert printed.attempts == 2
    statuses = [e.status for e in recorder.of(PrinterStatusChanged)]
    assert any(s.problem == "paper_out" for s in statuses) and statuses[-1].ready


def test_cover_open_mid_job_is_held_and_printed_on_close(
    link: PtyLink, sim: PrinterSimulator
) -> None:
    sim.open_cover_after(3)
    with _queue(link, Recorder()) as queue:
        job_id = queue.submit(encode58(receipt("F")), "F")
        held = queue.wait_for(job_id, JobState.HELD)
        assert held.problem == "cover_open" and held.partial
        sim.close_cover()
        queue.wait_for(job_id, JobState.PRINTED)
    assert [r.cut for r in sim.model.receipts] == ["torn", "full"]


def test_paper_out_before_the_job_sends_nothing(link: PtyLink, sim: PrinterSimulator) -> None:
    sim.set_paper("out")
    with _queue(link, Recorder()) as queue:
        job_id = queue.submit(encode58(receipt("G", 1)), "G")
        held = queue.wait_for(job_id, JobState.HELD)
        assert not held.partial and held.attempts == 1
        assert sim.model.receipts == []
        sim.set_paper("ok")
        queue.wait_for(job_id, JobState.PRINTED)
    assert len(sim.model.receipts) == 1


def test_powered_off_printer_holds_the_job(link: PtyLink, sim: PrinterSimulator) -> None:
    sim.power_off()
    with _queue(link, Recorder()) as queue:
        job_id = queue.submit(encode58(receipt("H", 1)), "H")
        assert queue.wait_for(job_id, JobState.HELD).problem == "no_reply"
        sim.power_on()
        queue.wait_for(job_id, JobState.PRINTED)
    assert len(sim.model.receipts) == 1


def test_uncertain_job_waits_for_the_operator(link: PtyLink, sim: PrinterSimulator) -> None:
    sim.paper_sensor = False
    recorder = Recorder()
    with _queue(link, recorder) as queue:
        job_id = queue.submit(encode58(receipt("U", 1)), "U")
        assert queue.wait_for(job_id, JobState.UNCERTAIN, timeout=5).problem == "unverified"
        sim.paper_sensor = True
        next_id = queue.submit(encode58(receipt("V", 1)), "V")
        queue.wait_for(next_id, JobState.PRINTED)
        assert [r.lines[0] for r in sim.model.receipts] == ["U", "V"], "U not printed twice"
        queue.reprint(job_id)
        queue.wait_for(job_id, JobState.PRINTED)
    assert [r.lines[0] for r in sim.model.receipts] == ["U", "V", "U"]
    assert queue.get(job_id).operator_reprints == 1


def test_operator_actions(link: PtyLink, sim: PrinterSimulator) -> None:
    from devices.errors import JobError

    sim.set_paper("out")
    with _queue(link, Recorder()) as queue:
        job_id = queue.submit(b"\x1b@x\n", "raw")
        queue.wait_for(job_id, JobState.HELD)
        with pytest.raises(JobError):
            queue.confirm_printed(job_id)
        assert queue.cancel(job_id).state is JobState.CANCELLED
        with pytest.raises(JobError):
            queue.get("nope")
    assert sim.model.receipts == []


def test_queue_restores_jobs_from_its_store(link: PtyLink, sim: PrinterSimulator) -> None:
    from dataclasses import replace

    from devices.printer.jobs import MemoryJobStore, PrintJob

    store = MemoryJobStore()
    store.save(PrintJob("a", "crashed", b"\x1b@a\n", JobState.PRINTING, created_at=1))
    store.save(PrintJob("b", "waiting", encode58(receipt("W", 1)), created_at=2))
    queue = PrintQueue(lambda: ReceiptPrinter.open(link.port, 115200, timeouts=FAST), store=store)
    with queue:
        queue.wait_for("b", JobState.PRINTED)
    assert queue.get("a").state is JobState.UNCERTAIN
    assert store.load()[0] == replace(queue.get("a"))
    assert [r.lines[0] for r in sim.model.receipts] == ["W"]


def test_events_report_every_state(link: PtyLink, sim: PrinterSimulator) -> None:
    recorder = Recorder()
    with _queue(link, recorder) as queue:
        job_id = queue.submit(encode58(receipt("Q", 1)), "Q")
        queue.wait_for(job_id, JobState.PRINTED)
    states = [e.job.state for e in recorder.of(JobChanged)]
    assert states == [JobState.QUEUED, JobState.PRINTING, JobState.PRINTED]


def test_barcode_and_drawer_reach_the_model(printer: ReceiptPrinter, sim: PrinterSimulator) -> None:
    from devices.printer.layout import DrawerKick

    layout = ReceiptLayout((Barcode("330106-0001"), DrawerKick(), Cut(partial=True)))
    assert printer.print_job(printer.encode(layout)).outcome is Outcome.PRINTED
    (printed,) = sim.model.receipts
    assert printed.barcodes == ["330106-0001"] and printed.cut == "partial"
    assert sim.model.drawer_kicks == 1


def test_the_queue_keeps_only_the_newest_finished_jobs(link: PtyLink, sim: PrinterSimulator) -> None:
    """Each finished job holds a receipt's bytes: a day of printing must not pile up."""
    queue = PrintQueue(lambda: ReceiptPrinter.open(link.port, 115200, timeouts=FAST), poll_interval=0.05,
                       keep_finished=2)
    with queue:
        ids = [queue.submit(encode58(receipt(t, 2)), t) for t in "ABCD"]
        for job_id in ids:
            queue.wait_for(job_id, JobState.PRINTED)
        assert [job.id for job in queue.jobs()] == ids[2:]
        with pytest.raises(JobError):
            queue.reprint(ids[0])
        queue.reprint(ids[3])  # a recent one can still be printed again
        queue.wait_for(ids[3], JobState.PRINTED)
    assert [r.lines[0] for r in sim.model.receipts] == ["A", "B", "C", "D", "D"]
