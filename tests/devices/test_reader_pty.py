"""The reader driver against the simulator over real pseudo-terminals (pyserial on /dev/pts)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date

import pytest

from devices import errors
from devices.fixtures import fixture_names, load_fixture
from devices.idcard.commands import Command
from devices.idcard.reader import CardReader, ReaderTimeouts
from devices.simulators.link import PtyLink
from devices.simulators.reader import CardTiming, Fault, ReaderSimulator

pytestmark = pytest.mark.xdist_group("devices_reader_pty")

SHORT = ReaderTimeouts(control=0.3, read=0.6)


@pytest.fixture
def reader(reader_link: PtyLink) -> Iterator[CardReader]:
    with CardReader.open(reader_link.port, timeouts=SHORT, today=lambda: date(2025, 6, 1)) as r:
        yield r


def test_control_commands(reader: CardReader, reader_sim: ReaderSimulator) -> None:
    reader.reset()
    reader.sam_status()
    assert reader.sam_id().display == "05.01-20110101-0012345678-0987654321"
    assert not reader.find_card()
    with pytest.raises(errors.CardSelectError):
        reader.select_card()
    assert reader_sim.commands_seen == [
        Command.RESET,
        Command.SAM_STATUS,
        Command.SAM_ID,
        Command.FIND_CARD,
        Command.SELECT_CARD,
    ]


def test_card_commands_one_by_one(reader: CardReader, reader_sim: ReaderSimulator) -> None:
    fixture = load_fixture("resident_qianqi_fingerprint")
    reader_sim.present(fixture)
    assert reader.find_card()
    assert reader.select_card() == bytes(8)
    raw = reader.read_with_fingerprint()
    assert raw.text == fixture.text_block() and raw.photo == fixture.photo()
    assert raw.fingerprint is not None and len(raw.fingerprint) == 1024
    assert reader.read_new_address() == fixture.new_address
    assert not reader.find_card(), "a read card stays halted until it leaves the field"


def test_read_base_and_no_new_address(reader: CardReader, reader_sim: ReaderSimulator) -> None:
    reader_sim.present(load_fixture("resident_zhangsan"))
    assert reader.find_card()
    reader.select_card()
    raw = reader.read_base()
    assert len(raw.text) == 256 and len(raw.photo) == 1024 and raw.fingerprint is None
    assert reader.read_new_address() is None


def test_fingerprint_sizes(reader: CardReader, reader_sim: ReaderSimulator) -> None:
    for name, size in [("resident_zhangsan", None), ("resident_sunba_minor", 512)]:
        reader_sim.present(load_fixture(name))
        card = reader.read_card(fingerprint=True)
        assert (len(card.fingerprint) if card.fingerprint else None) == size


@pytest.mark.parametrize("name", fixture_names())
def test_every_card_type_reads(name: str, reader: CardReader, reader_sim: ReaderSimulator) -> None:
    fixture = load_fixture(name)
    reader_sim.present(fixture)
    card = reader.read_card(fingerprint=True, new_address=True)
    assert card.card_type == fixture.card_type
    assert card.text_block == fixture.text_block()
    assert card.new_address == fixture.new_address
    with pytest.raises(errors.NoCardError):
        reader.read_card()
    reader_sim.remove()
    reader_sim.present(fixture)
    assert reader.read_card().id_number == card.id_number


def test_no_card(reader: CardReader) -> None:
    with pytest.raises(errors.NoCardError) as caught:
        reader.read_card()
    assert caught.value.code == 0x80


def test_read_failure_41_is_retried(reader: CardReader, reader_sim: ReaderSimulator) -> None:
    reader_sim.present(load_fixture("resident_zhangsan"))
    reader_sim.script(Fault.read_failure(times=2))
    assert reader.read_card(attempts=3).name == "张三"
    assert reader_sim.commands_seen.count(Command.READ_BASE) == 3


def test_read_failure_41_every_time(reader: CardReader, reader_sim: ReaderSimulator) -> None:
    reader_sim.present(load_fixture("resident_zhangsan"))
    reader_sim.script(Fault.read_failure(times=3))
    with pytest.raises(errors.CardReadError) as caught:
        reader.read_card(attempts=3)
    assert caught.value.code == 0x41
    assert caught.value.message_zh == "读卡失败：请将身份证重新放置在读卡器上"


@pytest.mark.parametrize("code", [0x31, 0x32, 0x33])
def test_authentication_failures(
    code: int, reader: CardReader, reader_sim: ReaderSimulator
) -> None:
    reader_sim.present(load_fixture("hmt_permit_chen"))
    reader_sim.script(Fault.auth_failure(code, times=5))
    with pytest.raises(errors.CardAuthError) as caught:
        reader.read_card()
    assert caught.value.code == code


@pytest.mark.parametrize("code", [0x60, 0x66])
def test_sam_faults(code: int, reader: CardReader, reader_sim: ReaderSimulator) -> None:
    reader_sim.script(Fault.sam_failure(code))
    with pytest.raises(errors.SamError) as caught:
        reader.sam_status()
    assert caught.value.code == code
    with pytest.raises(errors.SamError):
        reader.find_card()
    reader_sim.clear_faults()
    reader.sam_status()


def test_corrupted_checksum(reader: CardReader, reader_sim: ReaderSimulator) -> None:
    reader_sim.script(Fault.corrupt_checksum(Command.SAM_STATUS))
    with pytest.raises(errors.ChecksumError):
        reader.sam_status()
    reader.sam_status()


def test_corrupted_read_is_retried(reader: CardReader, reader_sim: ReaderSimulator) -> None:
    reader_sim.present(load_fixture("foreigner_new_martinez"))
    reader_sim.script(Fault.corrupt_checksum(Command.READ_BASE))
    assert reader.read_card().card_type == "foreigner_new"


def test_truncated_frame(reader: CardReader, reader_sim: ReaderSimulator) -> None:
    reader_sim.present(load_fixture("resident_zhangsan"))
    reader_sim.script(Fault.truncate(Command.READ_BASE))
    assert reader.find_card()
    reader.select_card()
    with pytest.raises(errors.TruncatedFrameError):
        reader.read_base()


def test_silence_is_a_timeout(reader: CardReader, reader_sim: ReaderSimulator) -> None:
    reader_sim.script(Fault.silence())
    started = time.monotonic()
    with pytest.raises(errors.ReaderTimeout):
        reader.sam_status()
    assert time.monotonic() - started < 1.0
    reader_sim.clear_faults()
    reader.sam_status()


def test_reader_answers_10_11_21_to_bad_frames(reader_link: PtyLink) -> None:
    from devices.idcard.frames import PREAMBLE, ReplyFrame, ReplyParser, pack
    from devices.transport import SerialTransport

    transport = SerialTransport(reader_link.port, 115200)
    try:
        cases = {
            pack(b"\x11\xff")[:-1] + b"\x00": 0x10,
            PREAMBLE + b"\x00\x01\x00": 0x11,
            pack(b"\x99\x01"): 0x21,
        }
        for frame, code in cases.items():
            transport.write(frame)
            parser = ReplyParser()
            reply = None
            while reply is None:
                parser.feed(transport.read(64, 1.0))
                reply = parser.next_reply()
            assert reply == ReplyFrame(0, 0, code)
    finally:
        transport.close()


def test_unopenable_port_is_a_port_error() -> None:
    with pytest.raises(errors.PortError):
        CardReader.open("/dev/does-not-exist-jiujin")


def test_paced_read_takes_wire_plus_card_time() -> None:
    """At 115200 baud a base read costs about 0.11 s of wire plus the card's own time."""
    sim = ReaderSimulator(CardTiming(read_base=0.05))
    sim.present(load_fixture("resident_zhangsan"))
    with PtyLink(sim, baud=115200) as link, CardReader.open(link.port) as reader:
        started = time.monotonic()
        reader.read_card()
        elapsed = time.monotonic() - started
    assert link.modelled_seconds > 0.05 + 1295 * 10 / 115200
    assert link.modelled_seconds <= elapsed < link.modelled_seconds * 1.5
