"""A real hub store beside a real station store, for the station's reconciliation tests:
batches sealed by the station, ingested and acknowledged by the hub, bundles signed by it."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Any
from unittest.mock import patch

from station.core import downstream
from station.core.applications import Applicant, DraftInput
from station.core.store import StationStore
from station.core.sync_service import SyncService
from sync.hub import reconcile
from sync.hub.ingest import Ingestor
from sync.hub.store import HubStore, initialise_hub
from tests.conftest import FakeClock, Sessions
from tests.sync.helpers import enrol_key

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(serial: int) -> str:
    """A valid 18-digit citizen ID number (GB 11643 check digit), distinct per serial."""
    body = f"33010619800101{serial:03d}"[:17]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


def person_draft(number: str, name: str) -> DraftInput:
    return DraftInput(item_code="JZZ-SL", item_name="居住证申领", catalog_version="test-1",
                      applicant=Applicant("person", number, name),
                      values={"name": name, "id_number": number, "phone": "13800000000"},
                      provenance={"name": "card", "id_number": "card"})


class Hub:
    """The hub the station talks to, in this process, on its own SQLite file and the test's clock."""

    def __init__(self, folder: Path, store: StationStore, sessions: Sessions, clock: FakeClock) -> None:
        initialise_hub(folder).close()
        self.hub = HubStore(folder, clock=clock)
        self.hub.register_catalog_versions([("*", "test-1")])
        self.station, self.sessions = store, sessions
        self.code = store.config.code
        self.service = SyncService(store)
        store.hub.configure(sessions.admin, self.hub.public)
        token = self.hub.add_station(self.code)
        enrol_key(self.hub, self.code, token, store.signing_key())
        self.applied = 0

    def deliver(self) -> None:
        """Seal what the outbox holds, ingest it at the hub and apply the hub's acknowledgements."""
        for ack in self.acks():
            self.service.apply_ack(self.sessions.sync_operator, ack)

    def acks(self) -> list[bytes]:
        """Seal what the outbox holds and ingest it at the hub; the hub's signed acknowledgements,
        not applied yet."""
        ingestor, signed = Ingestor(self.hub), []
        for batch in self.service.seal_pending(self.sessions.sync_operator):
            result = ingestor.ingest(self.service.sealed_bytes(batch), "folder")
            assert result.status == "stored" and result.ack is not None, result
            signed.append(result.ack)
        return signed

    def send(self, kind: str, payload: dict[str, Any], *, as_older_hub: bool = False) -> dict[str, Any]:
        """Sign one bundle at the hub and apply every new one at the station.

        `as_older_hub` signs a payload without the hub's shape check, as a hub of an earlier
        release (or a damaged one) would: what the station must refuse on its own.
        """
        with patch("sync.bundle_payloads.check") if as_older_hub else nullcontext():
            reconcile.issue_bundle(self.hub, self.code, kind, payload)
        signed = reconcile.bundles_after(self.code, self.applied)
        report = downstream.apply_all(self.station, self.sessions.sync_operator, signed)
        self.applied = max([self.applied, *report["applied"]])
        return report

    def close(self) -> None:
        self.hub.close()
