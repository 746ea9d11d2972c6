"""The scan inbox: partial writes, duplicates, wrong types, bursts, attach and reject."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from devices.errors import ScanInboxError
from devices.scan_inbox import (
    InboxSettings,
    ScanInbox,
    ScanOffered,
    ScanRejected,
    is_complete,
    media_type_of,
)
from tests.devices.helpers import Recorder

pytestmark = pytest.mark.xdist_group("devices_scan_inbox")

JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + bytes(range(256)) * 8 + b"\xff\xd9"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 300 + b"\x00\x00\x00\x00IEND\xaeB`\x82"
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def _inbox(folder: Path, recorder: Recorder, clock: Clock, **settings: object) -> ScanInbox:
    inbox = ScanInbox(folder, recorder, InboxSettings(**settings), clock=clock)  # type: ignore[arg-type]
    inbox.rejected_dir.mkdir()
    return inbox


def _drop(inbox: ScanInbox, name: str, data: bytes) -> Path:
    path = inbox.folder / name
    path.write_bytes(data)
    inbox.notice(path)
    return path


def test_signatures_and_trailers() -> None:
    assert media_type_of(JPEG) == "image/jpeg" and is_complete("image/jpeg", JPEG)
    assert media_type_of(PNG) == "image/png" and is_complete("image/png", PNG)
    assert media_type_of(PDF) == "application/pdf" and is_complete("application/pdf", PDF)
    assert media_type_of(b"GIF89a") is None
    assert not is_complete("image/png", PNG[:-3])


def test_a_file_is_offered_once_its_size_settles(tmp_path: Path, clock: Clock) -> None:
    recorder = Recorder()
    inbox = _inbox(tmp_path, recorder, clock, settle_seconds=1.0)
    path = _drop(inbox, "scan-001.jpg", JPEG)
    assert inbox.poll() == pytest.approx(1.0) and not recorder.events
    clock.now += 1.0
    inbox.poll()
    (offer,) = recorder.events
    assert offer == ScanOffered(path, hashlib.sha256(JPEG).hexdigest(), "image/jpeg", len(JPEG))
    assert inbox.pending() == [offer]


def test_partial_writes_wait_for_the_whole_file(tmp_path: Path, clock: Clock) -> None:
    recorder = Recorder()
    inbox = _inbox(tmp_path, recorder, clock, settle_seconds=1.0, incomplete_timeout=30)
    path = _drop(inbox, "page.jpg", JPEG[:500])
    clock.now += 0.5
    with path.open("ab") as handle:
        handle.write(JPEG[500:900])
    inbox.notice(path)
    clock.now += 0.9
    inbox.poll()
    clock.now += 5  # settled, but the JPEG has no end marker yet: keep waiting
    inbox.poll()
    assert not recorder.events
    with path.open("ab") as handle:
        handle.write(JPEG[900:])
    inbox.notice(path)
    clock.now += 1
    inbox.poll()
    (offer,) = recorder.events
    assert offer.size == len(JPEG) and offer.sha256 == hashlib.sha256(JPEG).hexdigest()


def test_a_file_that_never_completes_is_rejected(tmp_path: Path, clock: Clock) -> None:
    recorder = Recorder()
    inbox = _inbox(tmp_path, recorder, clock, settle_seconds=1.0, incomplete_timeout=10)
    path = _drop(inbox, "broken.pdf", PDF[:20])
    for _ in range(12):
        clock.now += 1
        inbox.poll()
    (rejected,) = recorder.events
    assert rejected.reason == "incomplete" and rejected.moved_to == inbox.rejected_dir / path.name
    assert rejected.message("en") == "Incomplete scan: scan again"


def test_duplicates_are_rejected_by_content(tmp_path: Path, clock: Clock) -> None:
    recorder = Recorder()
    inbox = _inbox(tmp_path, recorder, clock, settle_seconds=0.5)
    _drop(inbox, "a.png", PNG)
    _drop(inbox, "copy-of-a.png", PNG)
    clock.now += 1
    inbox.poll()
    offered, rejected = recorder.of(ScanOffered), recorder.of(ScanRejected)
    assert len(offered) == 1 and len(rejected) == 1
    assert rejected[0].reason == "duplicate" and rejected[0].sha256 == offered[0].sha256
    inbox.notice(offered[0].path)  # the offered file seen again is not a duplicate of itself
    clock.now += 1
    inbox.poll()
    assert len(recorder.events) == 2


def test_known_hashes_are_duplicates(tmp_path: Path, clock: Clock) -> None:
    recorder = Recorder()
    inbox = ScanInbox(
        tmp_path,
        recorder,
        InboxSettings(settle_seconds=0),
        [hashlib.sha256(PDF).hexdigest()],
        clock,
    )
    inbox.rejected_dir.mkdir()
    _drop(inbox, "again.pdf", PDF)
    inbox.poll()
    assert recorder.events[0].reason == "duplicate"


def test_wrong_types_are_rejected_whatever_their_name(tmp_path: Path, clock: Clock) -> None:
    recorder = Recorder()
    inbox = _inbox(tmp_path, recorder, clock, settle_seconds=0)
    _drop(inbox, "photo.jpg", b"GIF89a" + bytes(100))
    _drop(inbox, "notes.txt", b"hello")
    _drop(inbox, "scan.dat", PDF)
    inbox.poll()
    by_name = {e.path.name: e for e in recorder.events}
    assert by_name["photo.jpg"].reason == "wrong_type"
    assert by_name["notes.txt"].reason == "wrong_type"
    assert isinstance(by_name["scan.dat"], ScanOffered)
    assert by_name["scan.dat"].media_type == "application/pdf"
    assert sorted(p.name for p in inbox.rejected_dir.iterdir()) == ["notes.txt", "photo.jpg"]


def test_size_limit(tmp_path: Path, clock: Clock) -> None:
    recorder = Recorder()
    inbox = _inbox(tmp_path, recorder, clock, settle_seconds=0, max_bytes=1000)
    _drop(inbox, "big.jpg", JPEG)
    inbox.poll()
    assert recorder.events[0].reason == "too_large"


def test_temporary_and_hidden_files_are_ignored(tmp_path: Path, clock: Clock) -> None:
    recorder = Recorder()
    inbox = _inbox(tmp_path, recorder, clock, settle_seconds=0)
    _drop(inbox, ".scan.jpg", JPEG)
    _drop(inbox, "scan.jpg.part", JPEG)
    _drop(inbox, "scan.tmp", JPEG)
    assert inbox.poll() is None and not recorder.events


def test_a_consumed_scan_leaves_no_copy_in_the_inbox(tmp_path: Path, clock: Clock) -> None:
    recorder = Recorder()
    inbox = _inbox(tmp_path, recorder, clock, settle_seconds=0)
    _drop(inbox, "id-front.jpg", JPEG)
    inbox.poll()
    (offer,) = recorder.events
    inbox.consume(offer)
    assert inbox.pending() == []
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []  # no copy anywhere below the inbox
    with pytest.raises(ScanInboxError):
        inbox.consume(offer)


def test_missing_folder_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ScanInboxError) as caught:
        ScanInbox(tmp_path / "nope", Recorder()).start()
    assert caught.value.message_zh.startswith("高拍仪文件夹不可用")


def test_watching_a_real_folder(tmp_path: Path) -> None:
    """With watchdog: files written in pieces and in a burst are each offered exactly once."""
    recorder = Recorder()
    (tmp_path / "before.pdf").write_bytes(PDF)
    with ScanInbox(tmp_path, recorder, InboxSettings(settle_seconds=0.2)):
        recorder.wait_count(ScanOffered, 1)
        for index in range(20):
            (tmp_path / f"burst-{index:02}.jpg").write_bytes(JPEG + bytes([index]) + b"\xff\xd9")
        (tmp_path / "renamed.part").write_bytes(PNG)
        (tmp_path / "renamed.part").rename(tmp_path / "renamed.png")
        (tmp_path / "dup.pdf").write_bytes(PDF)
        (tmp_path / "readme.txt").write_text("not a scan")
        recorder.wait_for(lambda events: len(events) == 1 + 20 + 1 + 2, timeout=10)
    offered = recorder.of(ScanOffered)
    assert len(offered) == 22 and len({o.sha256 for o in offered}) == 22
    assert {e.reason for e in recorder.of(ScanRejected)} == {"duplicate", "wrong_type"}


def test_a_symlink_or_pipe_in_the_inbox_is_moved_aside_never_read(tmp_path: Path, clock: Clock) -> None:
    """A link to a document elsewhere, to /dev/zero, or a pipe: not offered, not followed, not
    blocking; each moves to rejected/ as the link or pipe itself."""
    import os

    recorder = Recorder()
    (tmp_path / "inbox").mkdir()
    inbox = _inbox(tmp_path / "inbox", recorder, clock, settle_seconds=1.0)
    outside = tmp_path / "citizen.jpg"
    outside.write_bytes(JPEG)
    (inbox.folder / "linked.jpg").symlink_to(outside)
    (inbox.folder / "zero.jpg").symlink_to("/dev/zero")
    os.mkfifo(inbox.folder / "pipe.jpg")
    for name in ("linked.jpg", "zero.jpg", "pipe.jpg"):
        inbox.notice(inbox.folder / name)
    clock.now += 1.0
    inbox.poll()
    assert sorted((e.path.name, e.reason) for e in recorder.events if isinstance(e, ScanRejected)) == [
        ("linked.jpg", "not_regular"), ("pipe.jpg", "not_regular"), ("zero.jpg", "not_regular")]
    assert not inbox.pending() and outside.read_bytes() == JPEG
    assert (inbox.rejected_dir / "linked.jpg").is_symlink()
    assert recorder.events[0].message("zh").startswith("不是普通文件")


def test_a_rejected_file_never_replaces_an_earlier_one(tmp_path: Path, clock: Clock) -> None:
    recorder = Recorder()
    inbox = _inbox(tmp_path, recorder, clock, settle_seconds=1.0)
    (inbox.rejected_dir / "note.txt").write_bytes(b"first")
    _drop(inbox, "note.txt", b"second: not a scan")
    clock.now += 1.0
    inbox.poll()
    assert (inbox.rejected_dir / "note.txt").read_bytes() == b"first"
    assert (inbox.rejected_dir / "note-2.txt").read_bytes() == b"second: not a scan"
