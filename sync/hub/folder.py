"""`jiujin hub import DIR`: ingest the sealed files on a USB folder and write signed acks to it."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sync import acks
from sync.errors import EnrolmentError, FolderError
from sync.hub.service import HubService
from sync.transport_folder import StationFolder, station_folders

log = logging.getLogger("jiujin.hub.folder")


@dataclass
class ImportReport:
    """What one import did."""

    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0
    missing: int = 0
    enrolled: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"stored": self.stored, "duplicates": self.duplicates, "quarantined": self.quarantined,
                "missing": self.missing, "enrolled": self.enrolled, "problems": self.problems}


def import_folder(service: HubService, root: Path) -> ImportReport:
    """Ingest every listed object of every station under `root`; idempotent."""
    report = ImportReport()
    for folder in station_folders(root):
        try:
            _import_station(service, folder, report)
        except FolderError as error:
            report.problems.append(f"{folder.station}: {error.message_en}")
    return report


def _import_station(service: HubService, folder: StationFolder, report: ImportReport) -> None:
    manifest = folder.read_manifest()
    if manifest.get("enrolment"):
        _enrol(service, folder, manifest["enrolment"], report)
    done = {p.stem for p in folder.ack_files()}
    for obj in folder.objects():
        if obj.object_id in done:
            continue
        data = folder.read_object(obj)
        if data is None:
            report.missing += 1
            continue
        result = service.ingest(data, "folder")
        if result.status == "stored":
            report.stored += 1
        elif result.status == "duplicate":
            report.duplicates += 1
        else:
            report.quarantined += 1
        if result.ack is not None and result.object_id is not None:
            folder.write_ack(f"{result.object_id}.json", result.ack)
    from sync.hub.downstream import exchange_folder

    exchanged = exchange_folder(service, folder)
    report.problems += [f"{folder.station}: {p}" for p in exchanged["problems"]]


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
