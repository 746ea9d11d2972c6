"""一件事 at the hub without a station: records that name a case are folded into one case with its
items (SQLite and PostgreSQL), the console lists the cases and shows the chosen one's items, and
a hub upgraded to schema 8 takes the case of applications it held before from their records."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from textual.widgets import DataTable

from sync.hub import migrations, onething, reconcile
from sync.hub.console import make_hub_console
from sync.hub.console.messages import OneThingListed, OneThingShown
from sync.hub.console.screens import OneThingScreen
from sync.hub.db import execute
from sync.hub.ingest import Ingestor
from sync.hub.models import HubApplication, HubSetting
from sync.hub.store import HubStore, initialise_hub
from tests.pilot import MessageLog, settle, until
from tests.sync.helpers import STATION, enrol_key, entry, seal_entries

CASE = "01930000-0000-7000-8000-0000000000aa"
BUNDLE = {"id": CASE, "bundle": "HZ-YJS-002"}
ITEMS = ("HZ-RS-102", "HZ-GJJ-101", "HZ-SMK-106")


@pytest.fixture
def hub(tmp_path: Path, db_url: str) -> Iterator[HubStore]:
    """A hub holding 退休一件事 (three items, one case) from TS0001 and one application on its own."""
    store = initialise_hub(tmp_path / "hub", db_url)
    key = Ed25519PrivateKey.generate()
    enrol_key(store, STATION, store.add_station(STATION), key)
    entries = [entry(seq, item=code, case=BUNDLE) for seq, code in enumerate(ITEMS, 1)]
    entries.append(entry(len(ITEMS) + 1))
    assert Ingestor(store).ingest(seal_entries(key, store.public, entries), "http").status == "stored"
    reconcile.refresh_applications()
    yield store
    store.close()


def _receipt(seq: int) -> str:
    return f"{STATION}-20261126-{seq:04d}"


def test_the_items_of_a_case_are_one_case_and_the_other_application_none(hub: HubStore) -> None:
    view = onething.case_view(CASE)
    assert view is not None
    assert (view["bundle_code"], view["bundle_name"], view["station"], view["state"]) == (
        "HZ-YJS-002", "退休一件事", STATION, "open")
    assert [(i["item_code"], i["receipt_number"]) for i in view["items"]] == [
        (code, _receipt(seq)) for seq, code in enumerate(ITEMS, 1)]
    assert view["applicant"] == {"name": "测试人", "id": "330106********1234"}
    assert onething.case_list() == [{"case_id": CASE, "bundle_code": "HZ-YJS-002", "bundle_name": "退休一件事",
                                     "station": STATION, "day": "2026-11-26", "items": 3}]
    assert HubApplication.select().where(HubApplication.case_id.is_null()).count() == 1


def test_a_hub_upgraded_to_schema_8_takes_the_cases_from_the_records_it_held(hub: HubStore) -> None:
    HubApplication.update(case_id=None, bundle_code=None).execute()
    execute(hub.db, "DROP INDEX hub_application_case_id")
    HubSetting.update(value="7").where(HubSetting.key == "schema_version").execute()
    assert migrations.migrate(hub.db) == [8]
    assert [a.item_code for a in HubApplication.select().where(HubApplication.case_id == CASE)
            .order_by(HubApplication.id)] == list(ITEMS)


@pytest.mark.asyncio
async def test_the_console_lists_the_case_and_shows_its_items(hub: HubStore) -> None:
    log = MessageLog()
    app = make_hub_console(hub, operator="op1")
    async with app.run_test(size=(160, 48), message_hook=log) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, OneThingScreen))
        await log.wait_for(OneThingListed)
        await settle(pilot)
        assert _rows(app, "#onething-cases") == [["退休一件事（HZ-YJS-002）", STATION, "2026-11-26", "3", CASE]]
        app.screen.query_one("#onething-cases", DataTable).focus()
        await pilot.press("enter")
        shown = await log.wait_for(OneThingShown)
        assert shown.case is not None and shown.case["case_id"] == CASE
        await settle(pilot)
        items = _rows(app, "#onething-items")
        assert [(row[0].endswith(f"（{code}）"), row[1]) for row, code in zip(items, ITEMS, strict=True)] == [
            (True, _receipt(seq)) for seq in range(1, 4)]


def _rows(app: Any, selector: str) -> list[list[str]]:
    table = app.screen.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
