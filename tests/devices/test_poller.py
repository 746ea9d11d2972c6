"""The polling reader over a pseudo-terminal: presentations, removals, faults, recovery."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from devices import errors
from devices.config import PollSettings
from devices.fixtures import load_fixture
from devices.idcard.events import (
    CardFound,
    CardPresented,
    CardReadFailed,
    CardRemoved,
    ReaderFault,
    ReaderReady,
)
from devices.idcard.poller import CardPoller
from devices.idcard.reader import CardReader, ReaderTimeouts
from devices.simulators.link import PtyLink
from devices.simulators.reader import CardTiming, Fault, ReaderSimulator
from tests.devices.helpers import FAST_BAUD, Recorder

CARD_NEWS = (CardFound, CardPresented, CardReadFailed, CardRemoved)


def _card_news(recorder: Recorder) -> list[str]:
    """What the poller said about cards, in order, by event name."""
    return [type(e).__name__ for e in recorder.events if isinstance(e, CARD_NEWS)]

pytestmark = pytest.mark.xdist_group("devices_reader_pty")

FAST = PollSettings(interval=0.02, fault_interval=0.05, removal_polls=2)
TIMEOUTS = ReaderTimeouts(control=0.2, read=0.4)


def _connect(link: PtyLink) -> Callable[[], CardReader]:
    return lambda: CardReader.open(link.port, timeouts=TIMEOUTS, today=lambda: date(2025, 6, 1))


def _poller(link: PtyLink, recorder: Recorder, **settings: object) -> CardPoller:
    options = FAST.__dict__ | settings
    return CardPoller(_connect(link), recorder, PollSettings(**options), port=link.port)  # type: ignore[arg-type]


def test_each_presentation_is_reported_once(
    reader_link: PtyLink, reader_sim: ReaderSimulator
) -> None:
    recorder = Recorder()
    with _poller(reader_link, recorder):
        recorder.wait_count(ReaderReady)
        reader_sim.present(load_fixture("resident_zhangsan"))
        (presented,) = recorder.wait_count(CardPresented)
        assert presented.card.name == "张三"
        recorder.wait_count(CardRemoved)
        # the card still lies there, halted: many more polls, no second report
        assert reader_sim.wait_for_commands(len(reader_sim.commands_seen) + 8)
        assert len(recorder.of(CardPresented)) == 1
        reader_sim.remove()
        reader_sim.present(load_fixture("hmt_permit_chen"))
        second = recorder.wait_count(CardPresented, 2)[1]
        assert second.card.card_type == "hmt_permit"
    assert reader_sim.reads_served == 2
    # each read is announced as it begins, once, before the card it gives
    assert _card_news(recorder)[:5] == ["CardFound", "CardPresented", "CardRemoved", "CardFound", "CardPresented"]


def test_a_moved_card_is_read_on_retry(reader_link: PtyLink, reader_sim: ReaderSimulator) -> None:
    recorder = Recorder()
    reader_sim.script(Fault.read_failure(times=1))
    reader_sim.present(load_fixture("resident_wangwu_longterm"))
    with _poller(reader_link, recorder):
        (presented,) = recorder.wait_count(CardPresented)
    assert presented.card.valid_to is None
    assert not recorder.of(CardReadFailed)
    assert _card_news(recorder)[:2] == ["CardFound", "CardPresented"]  # the retry is the same read


def test_unreadable_card_is_reported_once_until_removed(
    reader_link: PtyLink, reader_sim: ReaderSimulator
) -> None:
    recorder = Recorder()
    reader_sim.script(Fault(Fault.auth_failure(0x32).kind, 0x32, Fault.auth_failure().commands, 0))
    reader_sim.present(load_fixture("resident_zhangsan"))
    with _poller(reader_link, recorder):
        (failed,) = recorder.wait_count(CardReadFailed)
        assert isinstance(failed.error, errors.CardAuthError)
        assert reader_sim.wait_for_commands(len(reader_sim.commands_seen) + 8)
        assert len(recorder.of(CardReadFailed)) == 1
        assert _card_news(recorder) == ["CardFound", "CardReadFailed"]  # the failed card is not read again
        reader_sim.clear_faults()
        reader_sim.remove()
        recorder.wait_count(CardRemoved)
        reader_sim.present(load_fixture("resident_zhangsan"))
        recorder.wait_count(CardPresented)


@pytest.mark.parametrize("code", [0x60, 0x66])
def test_sam_fault_and_recovery(
    code: int, reader_link: PtyLink, reader_sim: ReaderSimulator
) -> None:
    recorder = Recorder()
    with _poller(reader_link, recorder):
        recorder.wait_count(ReaderReady)
        reader_sim.script(Fault.sam_failure(code))
        (fault,) = recorder.wait_count(ReaderFault)
        assert isinstance(fault.error, errors.SamError) and fault.error.code == code
        reader_sim.clear_faults()
        recorder.wait_count(ReaderReady, 2)
        reader_sim.present(load_fixture("resident_zhangsan"))
        recorder.wait_count(CardPresented)
    assert len(recorder.of(ReaderFault)) == 1


def test_silent_reader_is_a_fault_then_recovers(
    reader_link: PtyLink, reader_sim: ReaderSimulator
) -> None:
    recorder = Recorder()
    with _poller(reader_link, recorder):
        recorder.wait_count(ReaderReady)
        reader_sim.script(Fault.silence())
        (fault,) = recorder.wait_count(ReaderFault)
        assert isinstance(fault.error, errors.ReaderTimeout)
        reader_sim.clear_faults()
        recorder.wait_count(ReaderReady, 2)


def test_one_corrupted_reply_is_not_a_fault(
    reader_link: PtyLink, reader_sim: ReaderSimulator
) -> None:
    recorder = Recorder()
    with _poller(reader_link, recorder):
        recorder.wait_count(ReaderReady)
        reader_sim.script(Fault.corrupt_checksum())
        reader_sim.present(load_fixture("foreigner_old_smith"))
        recorder.wait_count(CardPresented)
    assert not recorder.of(ReaderFault)


def test_unplugged_reader_is_picked_up_again(reader_sim: ReaderSimulator) -> None:
    recorder = Recorder()
    links = [PtyLink(reader_sim, baud=FAST_BAUD).start()]
    poller = CardPoller(lambda: CardReader.open(links[-1].port, timeouts=TIMEOUTS), recorder, FAST)
    with poller:
        recorder.wait_count(ReaderReady)
        links[-1].stop()
        (fault,) = recorder.wait_count(ReaderFault)
        assert isinstance(fault.error, errors.PortError | errors.ReaderTimeout)
        links.append(PtyLink(reader_sim, baud=FAST_BAUD).start())
        recorder.wait_count(ReaderReady, 2)
        reader_sim.present(load_fixture("resident_zhangsan"))
        recorder.wait_count(CardPresented)
    links[-1].stop()
    assert not poller.running


def test_a_crash_in_the_callback_is_reported_not_lost(reader_link: PtyLink) -> None:
    recorder = Recorder()

    def explode(event: object) -> None:
        recorder(event)
        if isinstance(event, ReaderReady):
            raise ValueError("UI bug")

    poller = _poller(reader_link, recorder)
    poller._on_event = explode  # the callback a careless UI might pass
    with poller:
        recorder.wait_count(ReaderFault)
    assert isinstance(poller.failure, ValueError)


def test_slow_card_timing_is_honoured() -> None:
    sim = ReaderSimulator(CardTiming(read_base=0.05))
    sim.present(load_fixture("resident_zhangsan"))
    recorder = Recorder()
    with PtyLink(sim, baud=115200) as link, _poller(link, recorder):
        recorder.wait_count(CardPresented)


def test_an_odd_status_while_recovering_is_retried_not_fatal(
    reader_link: PtyLink, reader_sim: ReaderSimulator
) -> None:
    """A reader coming back from a fault may answer the reset with a card status (80, no
    card); the poller tries again rather than stopping for good."""
    from devices.idcard.commands import Command
    from devices.simulators.reader import FaultKind

    recorder = Recorder()
    with _poller(reader_link, recorder) as poller:
        recorder.wait_count(ReaderReady)
        reader_sim.script(Fault.silence())
        recorder.wait_count(ReaderFault)
        reader_sim.clear_faults()
        reader_sim.script(Fault(FaultKind.STATUS, 0x80, frozenset({Command.RESET}), times=1))
        recorder.wait_count(ReaderReady, 2)
        reader_sim.present(load_fixture("resident_zhangsan"))
        recorder.wait_count(CardPresented)
        assert poller.running and poller.failure is None
