"""The in-process seam: the same drivers on the simulators without a pseudo-terminal."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices import errors
from devices.fixtures import fixture_names, load_fixture
from devices.idcard.reader import CardReader, ReaderTimeouts
from devices.printer.driver import Outcome, PrinterTimeouts, ReceiptPrinter
from devices.printer.layout import Cut, Line, ReceiptLayout
from devices.simulators.printer import PrinterSimulator
from devices.simulators.reader import CardTiming, Fault, ReaderSimulator
from devices.simulators.seam import SimulatorTransport

TIMEOUTS = ReaderTimeouts(control=0.05, read=0.05)


def _reader(sim: ReaderSimulator) -> CardReader:
    return CardReader(SimulatorTransport(sim), TIMEOUTS, today=lambda: date(2025, 6, 1))


def test_reader_over_the_seam() -> None:
    sim = ReaderSimulator(CardTiming.instant())
    reader = _reader(sim)
    reader.reset()
    reader.sam_status()
    assert reader.sam_id().raw == bytes.fromhex("0500010015DB32014E61BC00B168DE3A")
    sim.present(load_fixture("resident_qianqi_fingerprint"))
    card = reader.read_card(fingerprint=True, new_address=True)
    assert card.new_address and card.current_address == card.new_address
    sim.script(Fault.silence())
    with pytest.raises(errors.ReaderTimeout):
        reader.sam_status()
    reader.close()
    with pytest.raises(errors.PortError):
        reader.sam_status()


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(fixture_names()),
    st.lists(st.sampled_from(["read", "auth", "checksum", "truncate"]), max_size=4),
)
def test_each_fault_costs_one_attempt_and_the_read_then_succeeds(
    name: str, faults: list[str]
) -> None:
    sim = ReaderSimulator(CardTiming.instant())
    sim.present(load_fixture(name))
    make = {
        "read": Fault.read_failure,
        "auth": Fault.auth_failure,
        "checksum": Fault.corrupt_checksum,
        "truncate": Fault.truncate,
    }
    for fault in faults:
        sim.script(make[fault]())
    card = _reader(sim).read_card(attempts=len(faults) + 1)
    assert card.text_block == load_fixture(name).text_block()


def test_printer_over_the_seam() -> None:
    sim = PrinterSimulator(58)
    printer = ReceiptPrinter(
        SimulatorTransport(sim), timeouts=PrinterTimeouts(0.05, 0.2, 0.02, 0.02)
    )
    layout = ReceiptLayout((Line("回执"), Cut()))
    assert printer.print_job(printer.encode(layout)).outcome is Outcome.PRINTED
    sim.set_paper("out")
    assert printer.print_job(printer.encode(layout)).outcome is Outcome.NOT_SENT
    assert [r.lines for r in sim.model.receipts] == [["回执"]]
