"""Hostile folders, generated: whatever a stick's manifest, names, links and sizes, the hub's
import and the station's folder path read nothing outside the folder, write and delete nothing
outside it, stay within bounded memory and report rather than crash. A short run is in the
normal suite; `make soak` runs the long one (marked slow)."""

from __future__ import annotations

import json
import os
import resource
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from station.core.transports import FolderTransport
from sync import confined
from sync.hub.folder import import_folder
from sync.hub.service import HubService
from sync.hub.store import HubStore, initialise_hub
from sync.transport_folder import StationFolder

STATION = "TS0001"
HEX = st.text("0123456789abcdef", min_size=64, max_size=64)
HOSTILE_NAMES = st.sampled_from([
    "/etc/passwd", "../../outside.txt", "batches/../../../outside.txt", "batches/batch-000001.jjs",
    "attachments/" + "a" * 64 + ".jjs", "batches//batch-000001.jjs", "batches/.hidden", "batches\\x",
    "batches/batch-000001.jjs\x00", "", ".", "..", "batches/link.jjs", "batches/batch-000002.jjs",
])
SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-2**70, 2**70), st.floats(allow_nan=True),
                    st.text(max_size=20), HOSTILE_NAMES)
NESTED = st.recursive(SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                             max_size=3), max_leaves=20)
ENTRY = st.fixed_dictionaries({"file": HOSTILE_NAMES | NESTED, "kind": st.sampled_from(["batch", "attachment"]) | NESTED,
                               "object_id": HEX | NESTED, "sha256": HEX | NESTED,
                               "size": st.integers(-1, 2**40) | NESTED})
MANIFEST = st.one_of(
    st.fixed_dictionaries({"format": st.just("jiujin-sync-folder/1"), "station": st.just(STATION),
                           "created_at": st.text(max_size=5), "objects": st.lists(ENTRY | NESTED, max_size=6),
                           "enrolment": NESTED}).map(lambda d: json.dumps(d).encode()),
    st.binary(max_size=200),
    st.integers(1, 5000).map(lambda depth: b"[" * depth + b"]" * depth),
)
LINKS = st.lists(st.tuples(st.sampled_from(["batches/batch-000001.jjs", "acks/" + "b" * 64 + ".json",
                                            "bundles/bundle-000001.json", "manifests/2026-11-26.json",
                                            "batches", "acks"]),
                           st.sampled_from(["outside", "/dev/zero", "fifo", "huge"])), max_size=3)


def _plant(part: Path, outside: Path, manifest: bytes, links: list[tuple[str, str]]) -> None:
    for folder in ("batches", "acks", "bundles", "manifests"):
        (part / folder).mkdir(parents=True, exist_ok=True)
    (part / "manifest.json").write_bytes(manifest)
    for relative, target in links:
        path = part / relative
        if not path.parent.is_dir() or path.parent.is_symlink():
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        elif path.exists() or path.is_symlink():
            path.unlink()
        if target == "fifo":
            os.mkfifo(path)
        elif target == "huge":
            with path.open("wb") as handle:
                handle.truncate(confined.MAX_SEALED_FILE + 1)
        else:
            path.symlink_to(outside if target == "outside" else target)


def _snapshot(folder: Path) -> dict[str, tuple[int, float]]:
    return {str(p): (p.stat().st_size, p.stat().st_mtime) for p in folder.rglob("*")}


def _check(hub: HubStore, manifest: bytes, links: list[tuple[str, str]]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        base = Path(scratch)
        outside = base / "outside"
        outside.mkdir()
        (outside / "outside.txt").write_text("keep")
        (outside / "batch-000001.jjs").write_bytes(b"JJSO" + b"\x00" * 200)
        usb = base / "usb"
        part = usb / "jiujin-sync" / STATION
        _plant(part, outside, manifest, links)
        before = _snapshot(outside)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        report = import_folder(HubService(hub), usb)
        transport = FolderTransport(StationFolder(usb, STATION))
        transport.acks(None)
        transport.bundles(0)
        transport.tidy(lambda: {"a" * 64, "b" * 64}, "2026-11-26T10:00:00+08:00", None)
        assert _snapshot(outside) == before
        assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak < 300 * 1024
        assert all(isinstance(p, str) for p in report.problems + transport.problems)


@pytest.fixture(scope="module")
def fuzz_hub(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("fuzzhub")
    store = initialise_hub(folder / "hub", f"sqlite://{folder / 'hub.db'}")
    yield store
    store.close()


@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
@given(manifest=MANIFEST, links=LINKS)
def test_hostile_folders_short(fuzz_hub: HubStore, manifest: bytes, links: list[tuple[str, str]]) -> None:
    _check(fuzz_hub, manifest, links)


@pytest.mark.slow
@settings(max_examples=600, deadline=None, suppress_health_check=list(HealthCheck))
@given(manifest=MANIFEST, links=LINKS)
def test_hostile_folders_long(fuzz_hub: HubStore, manifest: bytes, links: list[tuple[str, str]]) -> None:
    _check(fuzz_hub, manifest, links)


@settings(max_examples=200, deadline=None)
@given(name=st.text(max_size=40) | HOSTILE_NAMES)
def test_a_name_either_stays_inside_its_folder_or_is_refused(name: str) -> None:
    try:
        parts = confined.check_relative(name)
    except confined.RefusedFile as error:
        assert error.reason == "unsafe_path" and error.message_zh.startswith("路径不安全")
        return
    joined = Path("/stick").joinpath(*parts)
    assert os.path.normpath(joined) == str(joined) and joined.is_relative_to("/stick")
