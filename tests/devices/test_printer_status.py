"""DLE EOT replies classified by bit pattern; XON/XOFF filtered; no reply is never OK."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.errors import StatusReplyError
from devices.printer.status import (
    XOFF,
    XON,
    Paper,
    PrinterStatus,
    classify,
    combine,
    is_queued_reply,
    is_realtime_reply,
    split_replies,
)

HEALTHY = {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12}


def test_typical_replies() -> None:
    assert combine(HEALTHY).ready
    assert combine(HEALTHY | {4: 0x1E}).paper is Paper.NEAR_END
    assert combine(HEALTHY | {4: 0x1E}).ready
    assert combine(HEALTHY | {4: 0x72}).paper is Paper.OUT
    assert combine(HEALTHY | {4: 0x7E}).paper is Paper.OUT
    assert combine(HEALTHY | {1: 0x1A}).online is False
    assert combine(HEALTHY | {2: 0x16}).problem == "cover_open"
    assert combine(HEALTHY | {2: 0x32}).problem == "paper_out"
    assert combine(HEALTHY | {3: 0x1A}).problem == "cutter_error"
    assert combine(HEALTHY | {3: 0x32}).problem == "unrecoverable_error"


def test_citizen_single_bit_paper_sensors() -> None:
    assert combine(HEALTHY | {4: 0x12 | 0x04}).paper is Paper.NEAR_END
    assert combine(HEALTHY | {4: 0x12 | 0x20}).paper is Paper.OUT


def test_no_reply_is_never_paper_ok() -> None:
    status = combine({1: None})
    assert status == PrinterStatus.unknown()
    assert not status.ready and status.paper is Paper.UNKNOWN
    assert status.problem == "no_reply"
    assert status.message("en").startswith("The printer does not answer")
    partial = combine({1: 0x12, 2: 0x12, 3: 0x12, 4: None})
    assert not partial.ready and partial.paper is Paper.UNKNOWN


def test_messages_are_bilingual() -> None:
    status = combine(HEALTHY | {4: 0x72})
    assert status.message("zh") == "打印纸用完：请装入新纸卷"
    assert status.message("en") == "Out of paper: load a new roll"
    assert combine(HEALTHY | {4: 0x1E}).message("zh").startswith("打印纸即将用完")


def test_xon_xoff_and_queued_replies_are_told_apart() -> None:
    realtime, queued = split_replies(bytes([XON, 0x12, XOFF, 0x00, 0x72, 0x0F, 0x80]))
    assert realtime == [0x12, 0x72]
    assert queued == [0x00, 0x0F]


@pytest.mark.parametrize("byte", [0x00, 0x11, 0x13, 0x10, 0x92, 0xFF, 0x13])
def test_wrong_pattern_is_a_typed_error(byte: int) -> None:
    with pytest.raises(StatusReplyError):
        classify(4, byte)


def test_unknown_function_is_a_typed_error() -> None:
    with pytest.raises(StatusReplyError):
        classify(5, 0x12)


@given(st.integers(0, 5), st.integers(0, 255))
def test_classifier_gives_fields_or_typed_error(n: int, byte: int) -> None:
    try:
        fields = classify(n, byte)
    except StatusReplyError:
        assert n not in (1, 2, 3, 4) or not is_realtime_reply(byte)
        return
    assert is_realtime_reply(byte) and fields


@given(st.binary(max_size=64))
def test_stream_split_never_fails_and_drops_flow_control(data: bytes) -> None:
    realtime, queued = split_replies(data)
    assert all(is_realtime_reply(b) for b in realtime)
    assert all(is_queued_reply(b) for b in queued)
    assert XON not in realtime + queued and XOFF not in realtime + queued
    for byte in realtime:
        classify(4, byte)


@given(st.dictionaries(st.integers(1, 4), st.one_of(st.none(), st.integers(0, 255))))
def test_combine_gives_status_or_typed_error(replies: dict[int, int | None]) -> None:
    try:
        status = combine(replies)
    except StatusReplyError:
        return
    if status.ready:
        assert status.reachable and status.paper in (Paper.OK, Paper.NEAR_END)
        assert 1 in replies and 2 in replies and 4 in replies
