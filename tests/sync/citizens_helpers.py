"""A station with one accepted case, synced to a hub serving on 127.0.0.1, and the link its
receipt's QR code carries: what the citizens' page tests and the browser test start from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import zxingcpp

from station.core import documents
from station.core.store import StationStore
from sync.hub.models import HubStation
from sync.hub.serve import LocalHub
from tests.conftest import FakeClock, Sessions
from tests.reports.helpers import ID_NUMBER, draft_input, render_pages
from tests.sync.station_helpers import connect

CARD_ONLY = {"identity": "satisfied_by_card", "photo": "paper_original", "rental_contract": "paper_copy"}


@dataclass(frozen=True)
class SyncedCase:
    """An accepted case the hub holds, and the link decoded from its printed receipt."""

    receipt_number: str
    application_id: str
    link: str
    id_tail: str = ID_NUMBER[-4:]


def file_case(store: StationStore, sessions: Sessions, clock: FakeClock) -> str:
    """受理 one residence-permit application; its receipt number."""
    app = store.applications.create_draft(sessions.operator, draft_input(CARD_ONLY))
    clock.advance(minutes=6)
    submitted = store.applications.submit(sessions.operator, app.id, due_date=date(2026, 12, 10))
    return str(submitted.receipt_number)


def qr_of_receipt(store: StationStore, sessions: Sessions, number: str, folder: Path) -> str:
    """The text of the QR code on the receipt's PDF, rendered by poppler and decoded by zxing."""
    folder.mkdir(parents=True, exist_ok=True)
    (page,) = render_pages(documents.receipt_pdf(store, sessions.operator, number), folder, 150)
    (decoded,) = [r.text for r in zxingcpp.read_barcodes(page)]
    return decoded


def synced_case(store: StationStore, sessions: Sessions, clock: FakeClock, hub: LocalHub,
                folder: Path) -> SyncedCase:
    """A station enrolled at `hub`, one case filed and pushed, and its receipt's decoded link."""
    service = connect(store, sessions, hub)
    HubStation.update(name=store.config.name).where(HubStation.code == store.config.code).execute()
    number = file_case(store, sessions, clock)
    service.push(sessions.sync_operator)
    app = store.applications.get(sessions.operator, number)
    return SyncedCase(number, app.id, qr_of_receipt(store, sessions, number, folder))
