"""The folder transport (USB sneakernet): sealed files and a manifest written atomically.

    <DIR>/jiujin-sync/<STATION>/
      manifest.json             written last, atomically: what a reader may take
      anchor.json               the station's signed audit chain head of this export (sync.anchors)
      batches/batch-000001.jjs  sealed batches (the same bytes as over HTTP)
      attachments/<sha256>.jjs  sealed attachments
      acks/<object id>.json     signed acknowledgements, written by the hub's import
      acks/enrolment.json       the hub's answer to an enrolment carried on the stick
      acks/manifest-<day>.json  the hub's comparison of a day manifest
      acks/anchor.json          the hub's answer to anchor.json: its newest anchor of the station
      manifests/<day>.json      signed day manifests (日终清单), written by the station
      bundles/bundle-<n>.json   signed downstream bundles, written by the hub's import

A reader trusts nothing here: every sealed file is verified by the hub, every
acknowledgement by the station. The manifest only says which files are complete. Every
name is matched against the patterns above, every file is opened without following a
symlink and read within its limit (`sync.confined`); a file that breaks a rule is skipped
and reported, never followed, and deleted only when it is the station's own acknowledged file.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from kernel.atomic import write_failure_reason
from kernel.release import release
from sync import confined
from sync.anchors import MAX_ANCHOR_JSON
from sync.confined import (
    MAX_ACK_JSON,
    MAX_BUNDLE_JSON,
    MAX_MANIFEST_JSON,
    MAX_OBJECTS,
    MAX_SEALED_FILE,
    RefusedFile,
)
from sync.errors import FolderError

ROOT = "jiujin-sync"
MANIFEST = "manifest.json"
ANCHOR = "anchor.json"
ANCHOR_ACK = "anchor.json"
FORMAT = "jiujin-sync-folder/1"
KINDS = {"batch": re.compile(r"batches/batch-[0-9]{6,10}\.jjs"),
         "attachment": re.compile(r"attachments/[0-9a-f]{64}\.jjs")}
ACK_NAME = re.compile(r"(?:[0-9a-f]{64}|enrolment|anchor|manifest-[0-9]{4}-[0-9]{2}-[0-9]{2})\.json")
DAY_MANIFEST_NAME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}\.json")
BUNDLE_NAME = re.compile(r"bundle-[0-9]{6,10}\.json")
_INTEGERS = ("batch_no", "first_seq", "last_seq")


@dataclass(frozen=True)
class FolderObject:
    """One sealed file listed in a manifest."""

    file: str
    kind: str
    object_id: str
    sha256: str
    size: int
    batch_no: int | None = None
    first_seq: int | None = None
    last_seq: int | None = None


def parse_object(entry: object) -> FolderObject:
    """One manifest entry, every field checked against the format; RefusedFile otherwise."""
    if not isinstance(entry, dict):
        raise confined.unsafe_path(type(entry).__name__)
    kind, file = entry.get("kind"), entry.get("file")
    pattern = KINDS.get(kind) if isinstance(kind, str) else None
    if pattern is None or not isinstance(file, str) or not pattern.fullmatch(file):
        raise confined.unsafe_path(file)
    ids = (entry.get("object_id"), entry.get("sha256"))
    size: Any = entry.get("size")
    numbers = [entry.get(name) for name in _INTEGERS]
    if type(size) is int and size > MAX_SEALED_FILE:
        raise confined.too_large(file, MAX_SEALED_FILE)
    valid = (all(isinstance(v, str) and confined.OBJECT_ID.fullmatch(v) for v in ids)
             and type(size) is int and size >= 0
             and all(n is None or (type(n) is int and 0 < n < 2**63) for n in numbers))
    if not valid:
        raise confined.unsafe_path(file)
    return FolderObject(file, str(kind), str(ids[0]), str(ids[1]), size, *numbers)


def export_folder(root: Path) -> Path:
    """The folder a person named for an export (a USB stick): made when only its last part is
    missing; a missing parent (the stick not mounted?), a file in its place or a folder that
    cannot be written is FolderError, before anything is sealed."""
    root = Path(root)
    try:
        if not root.is_dir():
            if root.parent.is_dir() and not root.exists():
                root.mkdir(mode=0o700)
            elif root.exists() or root.is_symlink() or _file_above(root):
                raise NotADirectoryError(errno.ENOTDIR, "not a folder")
            else:
                raise FileNotFoundError(errno.ENOENT, "no parent folder")
        probe = root / f".jiujin-write-test-{os.getpid()}"
        probe.touch(mode=0o600)
        probe.unlink()
    except OSError as exc:
        zh, en = write_failure_reason(exc)
        if exc.errno == errno.ENOENT:
            zh, en = f"{zh}（U 盘是否已插好？）", f"{en} (is the USB stick mounted?)"
        raise FolderError(f"无法导出到 {root}：{zh}", f"cannot export to {root}: {en}") from None
    return root


def _file_above(path: Path) -> bool:
    """Whether the nearest existing folder above `path` is in fact a file."""
    existing = next((p for p in path.parents if p.exists()), None)
    return existing is not None and not existing.is_dir()


class StationFolder:
    """One station's part of a sync folder; every name from it is checked (`sync.confined`)."""

    def __init__(self, root: Path, station: str) -> None:
        if not confined.STATION_CODE.fullmatch(station):
            raise FolderError(f"站点代码不合规定：{confined._shown(station)}",
                              f"not a station code: {confined._shown(station)}")
        self.root = Path(root)
        self.station = station
        self.path = self.root / ROOT / station

    @property
    def acks_path(self) -> Path:
        return self.path / "acks"

    def _relative(self, relative: str) -> str:
        return f"{ROOT}/{self.station}/{relative}"

    def _write(self, relative: str, data: bytes) -> None:
        try:
            confined.write_file(self.root, self._relative(relative), data)
        except RefusedFile as exc:
            raise FolderError(f"无法写入 {self.path / relative}：{exc.message_zh}",
                              f"cannot write {self.path / relative}: {exc.message_en}") from None
        except OSError as exc:
            zh, en = write_failure_reason(exc)
            raise FolderError(f"无法写入 {self.path / relative}：{zh}",
                              f"cannot write {self.path / relative}: {en}") from None

    def write_object(self, relative: str, data: bytes, kind: str, object_id: str,
                     batch: tuple[int, int, int] | None = None) -> FolderObject:
        """Write one sealed file (atomically, skipping an identical one already there). Other
        bytes there (a copy damaged on the stick, say) are replaced, and the hub's answer to
        them is dropped, so that the hub's next import reads the new copy."""
        digest = hashlib.sha256(data).hexdigest()
        there = confined.sha256_of(self.root, self._relative(relative), MAX_SEALED_FILE)
        if there != digest:
            self._write(relative, data)
            if there is not None:
                self.remove_ack(f"{object_id}.json")
        batch_no, first, last = batch or (None, None, None)
        return FolderObject(relative, kind, object_id, digest, len(data), batch_no, first, last)

    def write_manifest(self, objects: list[FolderObject], created_at: str,
                       enrolment: dict[str, str] | None = None) -> None:
        document: dict[str, Any] = {"format": FORMAT, "station": self.station, "created_at": created_at,
                                    "release": release(), "objects": [asdict(o) for o in objects]}
        if enrolment:
            document["enrolment"] = enrolment
        self._write(MANIFEST, json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True).encode() + b"\n")

    def read_manifest(self) -> dict[str, Any]:
        """The manifest (bounded, not a symlink), or FolderError if it is missing or unreadable."""
        try:
            document = confined.read_json(self.root, self._relative(MANIFEST), MAX_MANIFEST_JSON)
        except (OSError, RefusedFile) as exc:
            detail = f"{exc.message_en}" if isinstance(exc, RefusedFile) else type(exc).__name__
            zh = exc.message_zh if isinstance(exc, RefusedFile) else "无法读取"
            raise FolderError(f"{self.path} 中没有可读的清单（{zh}）", f"no readable manifest in {self.path} ({detail})"
                              ) from None
        if not isinstance(document, dict) or document.get("format") != FORMAT or document.get("station") != self.station:
            raise FolderError(f"{self.path} 中没有可读的清单", f"no readable manifest in {self.path} (format)")
        return document

    def write_anchor(self, data: bytes) -> None:
        """The station's signed audit chain head (`sync.anchors`), beside the manifest."""
        self._write(ANCHOR, data)

    def read_anchor(self) -> bytes | None:
        """The station's signed anchor (bounded, regular), or None if there is none;
        RefusedFile if it breaks a rule."""
        try:
            return confined.read_file(self.root, self._relative(ANCHOR), MAX_ANCHOR_JSON)
        except FileNotFoundError:
            return None

    def listed(self) -> tuple[list[FolderObject], list[RefusedFile]]:
        """The manifest's objects that follow the format, and a refusal for each that does not."""
        entries = self.read_manifest().get("objects")
        if not isinstance(entries, list) or len(entries) > MAX_OBJECTS:
            raise FolderError("清单格式有误", "the manifest is malformed")
        objects, refused = [], []
        for entry in entries:
            try:
                objects.append(parse_object(entry))
            except RefusedFile as error:
                refused.append(error)
        return objects, refused

    def objects(self) -> list[FolderObject]:
        return self.listed()[0]

    def read_object(self, obj: FolderObject) -> bytes | None:
        """A listed file's bytes, or None if it is absent; RefusedFile if it breaks a rule."""
        try:
            return confined.read_file(self.root, self._relative(obj.file), MAX_SEALED_FILE)
        except FileNotFoundError:
            return None

    def remove_own(self, obj: FolderObject) -> bool:
        """Delete a listed file only if it is a regular file with the manifest's hash."""
        return confined.remove_file(self.root, self._relative(obj.file), obj.sha256)

    def write_ack(self, name: str, data: bytes) -> None:
        if not ACK_NAME.fullmatch(name):
            raise FolderError("回执文件名不合规定", f"not an acknowledgement file name: {confined._shown(name)}")
        self._write(f"acks/{name}", data)

    def _names(self, folder: str, pattern: re.Pattern[str]) -> tuple[list[str], list[str]]:
        try:
            return confined.list_folder(self.root, (ROOT, self.station, folder), pattern)
        except RefusedFile:
            return [], [folder]
        except OSError:
            return [], []

    def ack_names(self) -> tuple[list[str], list[str]]:
        """Acknowledgement file names (sorted) and the names in acks/ that are not one."""
        return self._names("acks", ACK_NAME)

    def ack_files(self) -> list[Path]:
        return [self.acks_path / name for name in self.ack_names()[0]]

    def has_ack(self, name: str) -> bool:
        return name in self.ack_names()[0]

    def read_ack(self, name: str) -> bytes:
        """One acknowledgement file (bounded, regular); RefusedFile or FileNotFoundError."""
        return confined.read_file(self.root, self._relative(f"acks/{name}"), MAX_ACK_JSON)

    def remove_ack(self, name: str) -> None:
        if ACK_NAME.fullmatch(name):
            try:
                with confined.open_folder(self.root, (ROOT, self.station, "acks")) as fd:
                    os.unlink(name, dir_fd=fd)
            except (FileNotFoundError, RefusedFile):
                pass

    def day_manifest_names(self) -> tuple[list[str], list[str]]:
        return self._names("manifests", DAY_MANIFEST_NAME)

    def read_day_manifest(self, name: str) -> bytes:
        return confined.read_file(self.root, self._relative(f"manifests/{name}"), MAX_MANIFEST_JSON)

    def write_day_manifest(self, day: str, data: bytes) -> None:
        if not DAY_MANIFEST_NAME.fullmatch(f"{day}.json"):
            raise FolderError("日终清单日期不合规定", "not a day manifest date")
        self._write(f"manifests/{day}.json", data)

    def bundle_names(self) -> tuple[list[str], list[str]]:
        return self._names("bundles", BUNDLE_NAME)

    def read_bundle(self, name: str) -> bytes:
        return confined.read_file(self.root, self._relative(f"bundles/{name}"), MAX_BUNDLE_JSON)

    def write_bundle(self, version: int, data: bytes) -> bool:
        """Write bundle `version` unless a file of that name is there; True if written."""
        name = f"bundle-{version:06d}.json"
        if name in self.bundle_names()[0]:
            return False
        self._write(f"bundles/{name}", data)
        return True


def station_folders(root: Path) -> list[StationFolder]:
    """Every station part with a manifest under `root` (or under `root`/jiujin-sync)."""
    return scan_station_folders(root)[0]


def scan_station_folders(root: Path) -> tuple[list[StationFolder], list[str]]:
    """The station parts under `root` (or `root` itself when it is one), and a bilingual note for
    each entry of jiujin-sync/ that is not a station folder (bad name, symlink, file)."""
    base = Path(root)
    if base.parent.name == ROOT and confined.STATION_CODE.fullmatch(base.name) and not base.is_symlink():
        return ([StationFolder(base.parent.parent, base.name)]
                if _is_file(base.parent.parent, (ROOT, base.name, MANIFEST)) else []), []
    try:
        names, others = confined.list_folder(base, (ROOT,), confined.STATION_CODE)
    except (RefusedFile, OSError) as error:
        shown = error.message_en if isinstance(error, RefusedFile) else type(error).__name__
        return [], [f"{ROOT}: {shown}"]
    problems = [_problem(confined.unsafe_path(f"{ROOT}/{name}")) for name in others]
    folders = []
    for name in names:
        try:
            with confined.open_folder(base, (ROOT, name)):
                pass
        except (RefusedFile, OSError):
            problems.append(_problem(confined.not_regular(f"{ROOT}/{name}")))
            continue
        if _is_file(base, (ROOT, name, MANIFEST)):
            folders.append(StationFolder(base, name))
    return folders, problems


def _is_file(root: Path, parts: tuple[str, ...]) -> bool:
    try:
        with confined.open_folder(root, parts[:-1]) as fd:
            os.stat(parts[-1], dir_fd=fd, follow_symlinks=False)
        return True
    except (OSError, RefusedFile):
        return False


def _problem(error: RefusedFile) -> str:
    """One line for a report: Chinese, then English."""
    return f"{error.message_zh} / {error.message_en}"
