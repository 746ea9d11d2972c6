"""The folder transport (USB sneakernet): sealed files and a manifest written atomically.

    <DIR>/jiujin-sync/<STATION>/
      manifest.json             written last, atomically: what a reader may take
      batches/batch-000001.jjs  sealed batches (the same bytes as over HTTP)
      attachments/<sha256>.jjs  sealed attachments
      acks/<object id>.json     signed acknowledgements, written by the hub's import
      acks/enrolment.json       the hub's answer to an enrolment carried on the stick

A reader trusts nothing here: every sealed file is verified by the hub, every
acknowledgement by the station. The manifest only says which files are complete.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sync.errors import FolderError
from sync.files import atomic_write

ROOT = "jiujin-sync"
MANIFEST = "manifest.json"
FORMAT = "jiujin-sync-folder/1"


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


class StationFolder:
    """One station's part of a sync folder."""

    def __init__(self, root: Path, station: str) -> None:
        self.root = Path(root)
        self.station = station
        self.path = self.root / ROOT / station

    @property
    def acks_path(self) -> Path:
        return self.path / "acks"

    def write_object(self, relative: str, data: bytes, kind: str, object_id: str,
                     batch: tuple[int, int, int] | None = None) -> FolderObject:
        """Write one sealed file (atomically, skipping an identical one already there)."""
        target = self.path / relative
        digest = hashlib.sha256(data).hexdigest()
        try:
            if not (target.exists() and hashlib.sha256(target.read_bytes()).hexdigest() == digest):
                atomic_write(target, data)
        except OSError as exc:
            raise FolderError(f"无法写入 {target}：{exc.strerror}", f"cannot write {target}: {exc.strerror}") from None
        batch_no, first, last = batch or (None, None, None)
        return FolderObject(relative, kind, object_id, digest, len(data), batch_no, first, last)

    def write_manifest(self, objects: list[FolderObject], created_at: str,
                       enrolment: dict[str, str] | None = None) -> None:
        document: dict[str, Any] = {"format": FORMAT, "station": self.station, "created_at": created_at,
                                    "objects": [asdict(o) for o in objects]}
        if enrolment:
            document["enrolment"] = enrolment
        data = json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True).encode() + b"\n"
        try:
            atomic_write(self.path / MANIFEST, data)
        except OSError as exc:
            raise FolderError(f"无法写入清单：{exc.strerror}", f"cannot write the manifest: {exc.strerror}") from None

    def read_manifest(self) -> dict[str, Any]:
        """The manifest, or FolderError if it is missing or unreadable."""
        try:
            document: dict[str, Any] = json.loads((self.path / MANIFEST).read_bytes())
            if document.get("format") != FORMAT or document.get("station") != self.station:
                raise ValueError("format")
            return document
        except (OSError, ValueError) as exc:
            raise FolderError(f"{self.path} 中没有可读的清单", f"no readable manifest in {self.path} ({type(exc).__name__})") from None

    def objects(self) -> list[FolderObject]:
        fields = set(FolderObject.__dataclass_fields__)
        try:
            return [FolderObject(**{k: v for k, v in o.items() if k in fields})
                    for o in self.read_manifest()["objects"]]
        except (TypeError, KeyError, AttributeError):
            raise FolderError("清单格式有误", "the manifest is malformed") from None

    def read_object(self, obj: FolderObject) -> bytes | None:
        """A listed file's bytes, or None if it is absent."""
        target = (self.path / obj.file).resolve()
        if self.path.resolve() not in target.parents:
            raise FolderError("清单中的路径越界", "a manifest path leaves the folder")
        try:
            return target.read_bytes()
        except FileNotFoundError:
            return None

    def write_ack(self, name: str, data: bytes) -> None:
        atomic_write(self.acks_path / name, data)

    def ack_files(self) -> list[Path]:
        if not self.acks_path.is_dir():
            return []
        return sorted(p for p in self.acks_path.glob("*.json") if not p.name.startswith("."))

    def remove(self, relative: str) -> None:
        (self.path / relative).unlink(missing_ok=True)


def station_folders(root: Path) -> list[StationFolder]:
    """Every station part with a manifest under `root` (or under `root`/jiujin-sync)."""
    base = Path(root)
    if (base / MANIFEST).exists() and base.parent.name == ROOT:
        return [StationFolder(base.parent.parent, base.name)]
    parent = base / ROOT
    if not parent.is_dir():
        return []
    return [StationFolder(base, p.name) for p in sorted(parent.iterdir()) if (p / MANIFEST).exists()]
