"""The two paths between a station and the hub, behind one `Transport` protocol: the network
(HTTP, tus uploads) and a USB folder. Sending and receiving are written once, in the sync
service and the downstream module; a path only moves sealed and signed bytes.

A path carries bytes and verifies nothing: every sealed object is verified by the hub, and
every acknowledgement and bundle by the station.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Protocol

from sync import acks, confined, seal
from sync.confined import RefusedFile
from sync.errors import SyncError
from sync.transport_folder import ANCHOR_ACK, FolderObject, StationFolder
from sync.transport_http import HubClient


@dataclass(frozen=True)
class Sent:
    """One sealed object handed to a path: the bytes it cost, whether the hub already holds it,
    and the hub's acknowledgement when it answers at once."""

    bytes_sent: int
    held: bool = False
    ack: bytes | None = None


@dataclass(frozen=True)
class BatchFile:
    """Where a sealed batch stands in the station's ledger."""

    batch_no: int
    batch_id: str
    first_seq: int
    last_seq: int


class Transport(Protocol):
    """One path to the hub."""

    #: Recorded on each batch the path carries: "http" or "folder".
    kind: str
    #: True when the hub answers through the path now; False when it reads or wrote files earlier.
    live: bool
    #: Files the path skipped (bad name, symlink, too large), one Chinese / English line each.
    problems: list[str]

    def missing_attachments(self, digests: list[str]) -> list[str]:
        """Those of `digests` the hub does not hold, or might not."""

    def send_attachment(self, digest: str, data: bytes) -> Sent: ...

    def held_ack(self, batch_id: str) -> bytes | None:
        """The hub's acknowledgement of a batch sent earlier, if it holds it and says so now."""

    def send_batch(self, batch: BatchFile, data: bytes, resume_at: str | None,
                   on_location: Callable[[str], None]) -> Sent: ...

    def finish_sending(self, created_at: str, enrolment: dict[str, str] | None) -> int:
        """Close what was sent (a folder writes its manifest); how many files it holds."""

    def acks(self, after_batch_no: int | None) -> list[bytes]:
        """The hub's signed acknowledgements waiting on the path (over HTTP: of batches after
        `after_batch_no`, none when it is None)."""

    def tidy(self, acknowledged: Callable[[], set[str]], created_at: str,
             enrolment: dict[str, str] | None) -> None:
        """Drop from the path what the hub has acknowledged (`acknowledged()`: batch ids)."""

    def bundles(self, after_version: int) -> list[bytes]:
        """The hub's signed bundles on the path (at least those newer than `after_version`)."""

    def send_manifest(self, day: str, signed: bytes) -> bytes | None:
        """Hand over a signed day manifest; the hub's signed comparison when it answers at once."""

    def exchange_anchor(self, signed: bytes) -> bytes | None:
        """Hand over the station's signed audit anchor (`sync.anchors`); the hub's signed answer
        (now over HTTP; on a stick, the one its last import left), or None."""

    def close(self) -> None: ...


class HttpTransport:
    """The network path: a `HubClient` signed in as this station."""

    kind = "http"
    live = True

    def __init__(self, client: HubClient) -> None:
        self.client = client
        self.problems: list[str] = []

    def missing_attachments(self, digests: list[str]) -> list[str]:
        return self.client.missing_attachments(digests)

    def send_attachment(self, digest: str, data: bytes) -> Sent:
        outcome = self.client.upload(data, {"kind": "attachment"})
        return Sent(outcome.bytes_sent, held=outcome.result.get("status") in acks.SUCCESS)

    def held_ack(self, batch_id: str) -> bytes | None:
        return self.client.batch_ack(batch_id)

    def send_batch(self, batch: BatchFile, data: bytes, resume_at: str | None,
                   on_location: Callable[[str], None]) -> Sent:
        outcome = self.client.upload(data, {"kind": "batch", "batch": batch.batch_id}, location=resume_at,
                                     on_location=on_location)
        return Sent(outcome.bytes_sent, ack=(outcome.result.get("ack") or "").encode() or None)

    def finish_sending(self, created_at: str, enrolment: dict[str, str] | None) -> int:
        return 0

    def acks(self, after_batch_no: int | None) -> list[bytes]:
        if after_batch_no is None:
            return []
        return [json.dumps(document).encode() for document in self.client.acks_after(after_batch_no)]

    def tidy(self, acknowledged: Callable[[], set[str]], created_at: str,
             enrolment: dict[str, str] | None) -> None:
        return None

    def bundles(self, after_version: int) -> list[bytes]:
        return self.client.bundles_after(after_version)

    def send_manifest(self, day: str, signed: bytes) -> bytes | None:
        return self.client.post_manifest(signed)

    def exchange_anchor(self, signed: bytes) -> bytes | None:
        return self.client.post_anchor(signed)

    def close(self) -> None:
        self.client.close()


class FolderTransport:
    """The USB path: this station's part of a sync folder (docs/sealed-batch.md's bytes, and
    the folder layout of `sync/transport_folder.py`)."""

    kind = "folder"
    live = False

    def __init__(self, folder: StationFolder) -> None:
        self.folder = folder
        self.written: list[FolderObject] = []
        self.problems: list[str] = []

    def missing_attachments(self, digests: list[str]) -> list[str]:
        return list(digests)  # the hub says what it holds only after reading the stick

    def send_attachment(self, digest: str, data: bytes) -> Sent:
        self.written.append(self.folder.write_object(f"attachments/{digest}.jjs", data, "attachment",
                                                     seal.read(data).object_id))
        return Sent(len(data))

    def held_ack(self, batch_id: str) -> bytes | None:
        return None

    def send_batch(self, batch: BatchFile, data: bytes, resume_at: str | None,
                   on_location: Callable[[str], None]) -> Sent:
        self.written.append(self.folder.write_object(f"batches/batch-{batch.batch_no:06d}.jjs", data, "batch",
                                                     batch.batch_id, (batch.batch_no, batch.first_seq,
                                                                      batch.last_seq)))
        return Sent(len(data))

    def finish_sending(self, created_at: str, enrolment: dict[str, str] | None) -> int:
        self.folder.write_manifest(self.written, created_at, enrolment)
        return len(self.written)

    def acks(self, after_batch_no: int | None) -> list[bytes]:
        names, others = self.folder.ack_names()
        self._refuse(confined.unsafe_path(f"acks/{name}") for name in others)
        # The hub's answer to the station's anchor is read by the next export's check (exchange_anchor).
        return [data for name in names
                if name != ANCHOR_ACK and (data := self._read(self.folder.read_ack, name)) is not None]

    def tidy(self, acknowledged: Callable[[], set[str]], created_at: str,
             enrolment: dict[str, str] | None) -> None:
        """Drop acknowledged objects (and their ack files) from the folder; rewrite the manifest.

        Only a file named as this station names its own objects, whose bytes hash as the
        manifest says and whose object the station holds a verified acknowledgement of, is
        deleted (`acknowledged()`: batch and attachment ids)."""
        try:
            objects, refused = self.folder.listed()
        except SyncError:
            return
        self._refuse(refused)
        done = acknowledged()
        for obj in objects:
            if obj.object_id in done:
                self.folder.remove_own(obj)
                self.folder.remove_ack(f"{obj.object_id}.json")
        self.folder.write_manifest([o for o in objects if o.object_id not in done], created_at, enrolment)

    def bundles(self, after_version: int) -> list[bytes]:
        names, others = self.folder.bundle_names()
        self._refuse(confined.unsafe_path(f"bundles/{name}") for name in others)
        return [data for name in names if (data := self._read(self.folder.read_bundle, name)) is not None]

    def send_manifest(self, day: str, signed: bytes) -> bytes | None:
        self.folder.write_day_manifest(day, signed)
        return None

    def exchange_anchor(self, signed: bytes) -> bytes | None:
        self.folder.write_anchor(signed)
        return self._read(self.folder.read_ack, ANCHOR_ACK)

    def _read(self, read: Callable[[str], bytes], name: str) -> bytes | None:
        try:
            return confined.check_json_depth(read(name), name)
        except FileNotFoundError:
            return None
        except RefusedFile as error:
            self._refuse([error])
            return None

    def _refuse(self, errors: Iterable[RefusedFile]) -> None:
        for error in errors:
            self.problems.append(f"{error.message_zh} / {error.message_en}")

    def close(self) -> None:
        return None
