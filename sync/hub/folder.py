"""`jiujin hub import DIR`: ingest the sealed files on a USB folder and write signed acks to it."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sync import acks, confined
from sync.confined import RefusedFile
from sync.errors import EnrolmentError, FolderError, SealError
from sync.hub.anchors import receive_anchor
from sync.hub.service import HubService
from sync.transport_folder import ANCHOR, ANCHOR_ACK, StationFolder, scan_station_folders

log = logging.getLogger("jiujin.hub.folder")


@dataclass
class ImportReport:
    """What one import did."""

    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    missing: int = 0
    refused: int = 0
    enrolled: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"stored": self.stored, "duplicates": self.duplicates, "quarantined": self.quarantined,
                "missing": self.missing, "refused": self.refused, "enrolled": self.enrolled, "problems": self.problems}


def import_folder(service: HubService, root: Path) -> ImportReport:
    """Ingest every listed object of every station under `root`; idempotent. A file that breaks
    the folder's rules (`sync.confined`) is skipped, left where it is and reported."""
    report = ImportReport()
    folders, problems = scan_station_folders(root)
    report.problems += problems
    for folder in folders:
        try:
            _import_station(service, folder, report)
        except FolderError as error:
            report.problems.append(f"{folder.station}: {error.message_zh} / {error.message_en}")
    return report


def _import_station(service: HubService, folder: StationFolder, report: ImportReport) -> None:
    manifest = folder.read_manifest()
    request = manifest.get("enrolment")
    if isinstance(request, dict) and all(isinstance(v, str) for v in request.values()) and request:
        _enrol(service, folder, request, report)
    elif request:
        report.problems.append(f"{folder.station}: 注册请求格式有误 / the enrolment request is malformed")
    # Before the objects: a station that refused to export because its audit chain diverged
    # still tells the hub so.
    _receive_anchor(service, folder, report)
    done = {name.removesuffix(".json") for name in folder.ack_names()[0]}
    objects, refused = folder.listed()
    for error in refused:
        _refuse(folder, error, report)
    for obj in objects:
        if obj.object_id in done:
            continue
        try:
            data = folder.read_object(obj)
        except RefusedFile as error:
            _refuse(folder, error, report)
            continue
        if data is None:
            report.missing += 1
            continue
        _ingest(service, folder, data, report)
    release = manifest.get("release")
    if isinstance(release, str) and service.store.authenticated_station(folder.station):
        service.store.record_release(folder.station, release)  # shown by `hub station list`
    from sync.hub.downstream import exchange_folder

    exchanged = exchange_folder(service, folder)
    report.problems += [f"{folder.station}: {p}" for p in exchanged["problems"]]
    for reason in exchanged["reasons"]:
        log.warning("folder file refused", extra={"station": folder.station, "reason": reason})


def _ingest(service: HubService, folder: StationFolder, data: bytes, report: ImportReport) -> None:
    # The folder is the station's: another station's object found in it is refused, so its
    # acknowledgement and ledger never land on this stick.
    result = service.ingest(data, "folder", uploader=folder.station)
    if result.status == "stored":
        report.stored += 1
    elif result.status == "duplicate":
        report.duplicates += 1
    else:
        report.quarantined += 1
    if result.ack is not None and result.object_id is not None:
        folder.write_ack(f"{result.object_id}.json", result.ack)


def _receive_anchor(service: HubService, folder: StationFolder, report: ImportReport) -> None:
    """Compare the station's audit chain head on the stick with the hub's anchors (`sync.hub.anchors`)
    and leave the hub's answer in `acks/anchor.json`."""
    try:
        data = folder.read_anchor()
        if data is None:
            return
        answer = receive_anchor(service.store, confined.check_json_depth(data, ANCHOR), "folder", folder.station)
    except RefusedFile as error:
        _refuse(folder, error, report)
        return
    except SealError as error:
        report.problems.append(f"{folder.station}: {ANCHOR}: {error.message_zh} / {error.message_en}")
        return
    folder.write_ack(ANCHOR_ACK, answer)


def _refuse(folder: StationFolder, error: RefusedFile, report: ImportReport) -> None:
    """A listed file the hub will not read: it stays on the stick, untouched, and is reported."""
    report.refused += 1
    report.problems.append(f"{folder.station}: {error.message_zh} / {error.message_en}")
    log.warning("folder file refused", extra={"station": folder.station, "reason": error.reason})


def _enrol(service: HubService, folder: StationFolder, request: dict[str, str], report: ImportReport) -> None:
    """Enrol the station from the signed request in its manifest (`sync.enrolment`); an older
    manifest with the token in clear is refused."""
    if (folder.acks_path / "enrolment.json").exists():
        return
    try:
        enrolment = service.store.enrol(folder.station, str(request["request"]).encode(), "folder")
    except (KeyError, TypeError, EnrolmentError) as error:
        report.problems.append(f"{folder.station}: enrolment refused ({type(error).__name__})")
        return
    document = {"station": folder.station, "object_id": "enrolment", "kind": "enrolment", "status": "enrolled",
                "station_fingerprint": enrolment.station_fingerprint, "hub": service.store.fingerprint,
                "held": [], "at": service.store.now()}
    folder.write_ack("enrolment.json", acks.sign(document, service.store.keys.signing))
    report.enrolled.append(folder.station)
