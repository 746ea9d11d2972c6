"""Frames byte-exact against reference §1.3–§1.6, and the parser against noise and splits."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.errors import ChecksumError, FrameError, FrameLengthError
from devices.idcard.commands import Command, status_error
from devices.idcard.frames import PREAMBLE, CommandParser, ReplyFrame, ReplyParser, pack
from devices.idcard.sam import SamId

COMMAND_FRAMES = {
    Command.RESET: "AA AA AA 96 69 00 03 10 FF EC",
    Command.SAM_STATUS: "AA AA AA 96 69 00 03 11 FF ED",
    Command.SAM_ID: "AA AA AA 96 69 00 03 12 FF EE",
    Command.FIND_CARD: "AA AA AA 96 69 00 03 20 01 22",
    Command.SELECT_CARD: "AA AA AA 96 69 00 03 20 02 21",
    Command.READ_BASE: "AA AA AA 96 69 00 03 30 01 32",
    Command.READ_NEW_ADDRESS: "AA AA AA 96 69 00 03 30 03 30",
    Command.READ_WITH_FINGERPRINT: "AA AA AA 96 69 00 03 30 10 23",
}

REPLY_FRAMES = [
    (ReplyFrame(0, 0, 0x90), "AA AA AA 96 69 00 04 00 00 90 94"),
    (ReplyFrame(0, 0, 0x60), "AA AA AA 96 69 00 04 00 00 60 64"),
    (ReplyFrame(0, 0, 0x9F, bytes(4)), "AA AA AA 96 69 00 08 00 00 9F 00 00 00 00 97"),
    (ReplyFrame(0, 0, 0x80), "AA AA AA 96 69 00 04 00 00 80 84"),
    (ReplyFrame(0, 0, 0x81), "AA AA AA 96 69 00 04 00 00 81 85"),
    (ReplyFrame(0, 0, 0x41), "AA AA AA 96 69 00 04 00 00 41 45"),
    (ReplyFrame(0, 0, 0x91), "AA AA AA 96 69 00 04 00 00 91 95"),
    (
        ReplyFrame(0, 0, 0x90, bytes(8)),
        "AA AA AA 96 69 00 0C 00 00 90 00 00 00 00 00 00 00 00 9C",
    ),
    (
        ReplyFrame(0, 0, 0x90, bytes.fromhex("0500010015DB32014E61BC00B168DE3A")),
        "AA AA AA 96 69 00 14 00 00 90 05 00 01 00 15 DB 32 01 4E 61 BC 00 B1 68 DE 3A D3",
    ),
]


@pytest.mark.parametrize(("command", "expected"), COMMAND_FRAMES.items())
def test_command_frames_match_the_reference(command: Command, expected: str) -> None:
    assert command.frame().to_bytes() == bytes.fromhex(expected)


def test_set_rf_bytes_frame_with_data() -> None:
    assert pack(bytes([0x61, 0xFF, 0x50])) == bytes.fromhex("AAAAAA96690004 61FF50 CA")


@pytest.mark.parametrize(("frame", "expected"), REPLY_FRAMES)
def test_reply_frames_match_the_reference(frame: ReplyFrame, expected: str) -> None:
    assert frame.to_bytes() == bytes.fromhex(expected)
    parser = ReplyParser()
    parser.feed(bytes.fromhex(expected))
    assert parser.next_reply() == frame


def test_read_reply_header_and_sizes() -> None:
    data = bytes.fromhex("0100 0400") + bytes(256 + 1024)
    wire = ReplyFrame(0, 0, 0x90, data).to_bytes()
    assert wire[:14] == bytes.fromhex("AA AA AA 96 69 05 08 00 00 90 01 00 04 00")
    assert len(wire) == 1295
    with_fp = ReplyFrame(0, 0, 0x90, bytes.fromhex("0100 0400 0400") + bytes(2304)).to_bytes()
    assert len(with_fp) == 2321 and with_fp[5:7] == b"\x09\x0a"


def test_sam_id_display() -> None:
    sam = SamId(bytes.fromhex("0500010015DB32014E61BC00B168DE3A"))
    assert sam.display == "05.01-20110101-0012345678-0987654321"


def test_parser_skips_noise_and_joins_split_reads() -> None:
    wire = REPLY_FRAMES[2][1]
    data = b"\x00\xaa\x13" + bytes.fromhex(wire)
    parser = ReplyParser()
    for byte in data[:-1]:
        parser.feed(bytes([byte]))
        assert parser.next_reply() is None
    parser.feed(data[-1:])
    assert parser.next_reply() == REPLY_FRAMES[2][0]


def test_bad_checksum_is_typed_and_parsing_goes_on() -> None:
    good = ReplyFrame(0, 0, 0x90).to_bytes()
    parser = ReplyParser()
    parser.feed(good[:-1] + b"\x00" + good)
    with pytest.raises(ChecksumError):
        parser.next_reply()
    assert parser.next_reply() == ReplyFrame(0, 0, 0x90)


def test_bad_length_is_typed() -> None:
    parser = ReplyParser()
    parser.feed(PREAMBLE + b"\x00\x01\x90\x91")
    with pytest.raises(FrameLengthError):
        parser.next_reply()
    parser = ReplyParser()
    parser.feed(PREAMBLE + b"\xff\xff")
    with pytest.raises(FrameLengthError):
        parser.next_reply()


def test_an_incomplete_noise_frame_gives_way_to_a_complete_one() -> None:
    noise = PREAMBLE + b"\x00\x40\x00\x00"  # claims 64 bytes that never come
    parser = ReplyParser()
    parser.feed(noise + ReplyFrame(0, 0, 0x80).to_bytes())
    assert parser.next_reply() == ReplyFrame(0, 0, 0x80)


def test_status_codes_map_to_typed_errors() -> None:
    from devices import errors

    expected = {
        0x10: errors.CommandRejected,
        0x11: errors.CommandRejected,
        0x21: errors.CommandRejected,
        0x23: errors.CommandRejected,
        0x24: errors.CommandRejected,
        0x31: errors.CardAuthError,
        0x32: errors.CardAuthError,
        0x33: errors.CardAuthError,
        0x40: errors.UnknownCardError,
        0x41: errors.CardReadError,
        0x47: errors.CardReadError,
        0x60: errors.SamError,
        0x66: errors.SamError,
        0x80: errors.NoCardError,
        0x81: errors.CardSelectError,
        0x91: errors.NoContentError,
        0x55: errors.CardError,
    }
    for code, kind in expected.items():
        error = status_error(code, Command.READ_BASE)
        assert type(error) is kind and error.code == code
        assert error.message_zh and error.message_en
    assert status_error(0x41).message_zh == "读卡失败：请将身份证重新放置在读卡器上"


# --- properties ---------------------------------------------------------------------------

replies = st.builds(
    ReplyFrame,
    st.integers(0, 255),
    st.integers(0, 255),
    st.integers(0, 255),
    st.binary(max_size=300),
)
noise = st.binary(max_size=200).filter(lambda b: PREAMBLE not in b)


def _drain(parser: ReplyParser) -> tuple[list[ReplyFrame], list[FrameError]]:
    frames, errors = [], []
    while True:
        try:
            frame = parser.next_reply()
        except FrameError as error:
            errors.append(error)
            continue
        if frame is None:
            return frames, errors
        frames.append(frame)


@given(st.lists(st.binary(max_size=64), max_size=40))
def test_arbitrary_bytes_give_frames_or_typed_errors_only(chunks: list[bytes]) -> None:
    parser = ReplyParser()
    for chunk in chunks:
        parser.feed(chunk)
        _drain(parser)


@given(st.binary(max_size=600))
def test_arbitrary_bytes_with_preambles_never_crash(data: bytes) -> None:
    parser = CommandParser()
    parser.feed(data.replace(b"\x01", PREAMBLE))
    while True:
        try:
            if parser.next_command() is None:
                break
        except FrameError:
            continue


@given(replies, noise, st.lists(st.integers(1, 400), max_size=12))
def test_valid_frames_with_noise_and_random_splits_always_parse(
    frame: ReplyFrame, leading: bytes, cuts: list[int]
) -> None:
    data = leading + frame.to_bytes()
    parser = ReplyParser()
    frames: list[ReplyFrame] = []
    points = [*sorted({min(c, len(data)) for c in cuts}), len(data)]
    start = 0
    for point in points:
        parser.feed(data[start:point])
        start = point
        frames += _drain(parser)[0]
    assert frames and frames[-1] == frame
