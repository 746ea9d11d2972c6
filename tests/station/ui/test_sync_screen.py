"""Pilot at 80×24, against a real hub process on 127.0.0.1 and a real USB folder: each sync
operation says what it did (and that nothing happened, when nothing did), the recent batches
are listed whole in station time, a batch damaged on the stick is named and sent again, and a
batch the hub quarantined shows the hub's reason in the user's language."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input

from station.core.models import Application, SyncBatch
from station.core.store import StationStore
from station.ui.app import make_app
from station.ui.i18n import set_language
from station.ui.messages import ActionDone, SyncProgressed
from station.ui.screens.sync import SyncScreen
from sync.hub.store import initialise_hub
from sync.hubkeys import load_hub_public_keys
from tests.conftest import FakeClock, Sessions
from tests.station.ui.conftest import MessageLog, login, settle, until
from tests.station.ui.helpers import accepted
from tests.sync.hubproc import HubProcess, jiujin


@pytest.fixture
def hub(tmp_path: Path, store: StationStore, sessions: Sessions) -> Iterator[HubProcess]:
    """A real hub process with this station enrolled over HTTP."""
    folder = tmp_path / "hub"
    hub_store = initialise_hub(folder, f"sqlite://{folder / 'hub.db'}")
    token = hub_store.add_station(store.config.code)
    hub_store.close()
    process = HubProcess(folder, f"sqlite://{folder / 'hub.db'}").start()
    store.hub.configure(sessions.admin, load_hub_public_keys(folder / "hub-public-keys.json"))
    store.hub.enrol(sessions.admin, token, process.url)
    yield process
    process.stop()


def at_hub(hub: HubProcess, *args: str) -> None:
    """A hub operator's command on the real command line."""
    jiujin("hub", *args, "--data-dir", str(hub.folder))


class Operations:
    """Presses an operation's key on the sync screen (the batches table focused, so the key is
    the screen's) and returns the message it ends with."""

    def __init__(self, pilot: Any, log: MessageLog) -> None:
        self.pilot, self.log = pilot, log
        self.seen: set[int] = set()

    async def run(self, key: str) -> str:
        self.pilot.app.screen.query_one("#batches").focus()
        await self.pilot.press(key)
        return await self.finished()

    async def finished(self) -> str:
        done = await self.log.wait_for(ActionDone, lambda m: id(m) not in self.seen)
        self.seen.add(id(done))
        assert done.ok, done.message
        await settle(self.pilot)
        return done.message


def batch_rows(screen: Any) -> dict[str, list[str]]:
    """The batches table by batch number: each row's cells as the screen holds them."""
    table = screen.query_one("#batches", DataTable)
    return {str(table.get_row_at(i)[0]): [str(c) for c in table.get_row_at(i)] for i in range(table.row_count)}


def fits(screen: Any) -> bool:
    """Every column of the batches table is inside the table: nothing is cut at its right edge."""
    table = screen.query_one("#batches", DataTable)
    return sum(c.get_render_width(table) for c in table.ordered_columns) <= table.size.width


@pytest.mark.asyncio
async def test_each_operation_says_what_it_did_and_the_batches_are_listed_in_station_time(
        store: StationStore, sessions: Sessions, clock: FakeClock, hub: HubProcess, log: MessageLog) -> None:
    decided = accepted(store, sessions.operator)
    to_amend = accepted(store, sessions.operator, "HZ-SMK-103")
    clock.now = datetime(2026, 11, 26, 2, 15, tzinfo=UTC)  # 10:15 at the station (Asia/Shanghai)
    app = make_app(store)
    app.background_sync = False  # the sync operator's own operations are what this test watches
    async with app.run_test(size=(80, 24), message_hook=log) as pilot:
        await login(pilot, "zhao")
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, SyncScreen))
        screen, ops = app.screen, Operations(pilot, log)

        assert await ops.run("l") == "从市级中心拉取：没有新的确认；没有新的下行包"
        assert await ops.run("p") == "已上报 1 批；市级中心确认 1 批（2 条事件），2 件申请已送达"
        assert await ops.run("p") == "没有需要上报的批次；没有新的确认"
        assert batch_rows(screen)["1"] == ["1", "1–2", "2", "已确认\n网络", "2026-11-26\n10:15", ""]

        at_hub(hub, "status", "--station", store.config.code, "--application", decided.id, "--set", "accepted",
               "--operator", "op1")
        at_hub(hub, "status", "--station", store.config.code, "--application", to_amend.id,
               "--set", "needs_amendment", "--message", "请补充材料", "--operator", "op1")
        at_hub(hub, "bundle", "--station", store.config.code, "--kind", "offline_policy",
               "--payload", '{"max_unsent": 500}', "--operator", "op1")
        assert await ops.run("l") == "从市级中心拉取：没有新的确认；办件决定 1 件；补正要求 1 件；离线受理规则更新 1 个"
        assert Application.get_by_id(to_amend.id).status == "needs_amendment"
        assert await ops.run("l") == "从市级中心拉取：没有新的确认；没有新的下行包"


@pytest.mark.asyncio
async def test_usb_export_and_import_name_a_damaged_batch_and_a_quarantined_one(
        store: StationStore, sessions: Sessions, clock: FakeClock, hub: HubProcess, tmp_path: Path,
        log: MessageLog) -> None:
    usb = tmp_path / "usb-stick"
    accepted(store, sessions.operator)
    app = make_app(store)
    app.background_sync = False
    async with app.run_test(size=(80, 24), message_hook=log) as pilot:
        await login(pilot, "zhao")
        await pilot.press("s")
        await until(pilot, lambda: isinstance(app.screen, SyncScreen))
        screen, ops = app.screen, Operations(pilot, log)

        # The folder typed key by key: its letters (p, l, e, i...) are the field's, not the screen's.
        field = screen.query_one("#usb-folder", Input)
        field.focus()
        await pilot.press(*str(usb))
        await settle(pilot)
        assert field.value == str(usb) and not log.of(ActionDone) and not log.of(SyncProgressed)
        await pilot.press("enter")  # no export or import asked yet: on to the export button
        await settle(pilot)
        assert screen.query_one("#usb-export").has_focus and not log.of(ActionDone)
        await pilot.press("enter")
        assert await ops.finished() == f"已写入 {usb}：1 批，请交市级中心导入"

        # The stick is damaged on the way: the hub sets that copy aside; the station sends it again.
        written = next(usb.rglob("batch-000001.jjs"))
        damaged = bytearray(written.read_bytes())
        damaged[-10] ^= 0xFF
        written.write_bytes(bytes(damaged))
        at_hub(hub, "import", str(usb))
        field.value = ""
        screen.query_one("#batches").focus()
        await pilot.press("i")  # no folder: the screen asks for it, and Enter goes on with the import
        await settle(pilot)
        assert field.has_focus and "回车后导入" in str(screen.query_one("#sync-result").render())
        field.value = str(usb)
        await pilot.press("enter")
        assert await ops.finished() == (f"从 U 盘 {usb} 导入：没有新的确认；没有新的下行包；"
                                        "第 1 批在途中损坏，市级中心未收，下次上报或导出时重发")
        row = batch_rows(screen)["1"]
        assert row[3] == "已封装\nU 盘" and row[5].startswith("中心收到的副本已损坏（") and row[5].endswith("将重新发送")
        assert fits(screen)

        assert await ops.run("e") == f"已写入 {usb}：1 批，请交市级中心导入"
        at_hub(hub, "import", str(usb))  # the hub reads the new copy: the damaged one's answer is gone
        assert await ops.run("i") == f"从 U 盘 {usb} 导入：市级中心确认 1 批（1 条事件），1 件申请已送达；没有新的下行包"
        assert batch_rows(screen)["1"][3] == "已确认\nU 盘"

        # A batch the hub itself quarantines (the station was revoked): the hub's reason, in words.
        accepted(store, sessions.operator)
        assert await ops.run("e") == f"已写入 {usb}：1 批，请交市级中心导入"
        at_hub(hub, "station", "revoke", "--code", store.config.code)
        at_hub(hub, "import", str(usb))
        assert await ops.run("i") == (f"从 U 盘 {usb} 导入：没有新的确认；没有新的下行包；"
                                      "被市级中心隔离 1 批（第 2 批），原因见下表")
        table = screen.query_one("#batches", DataTable)
        assert [str(c) for c in table.get_row_at(0)][:4] == ["2", "2–2", "1", "已隔离\nU 盘"]
        assert str(table.get_row_at(0)[5]) == f"站点 {store.config.code} 已被吊销"
        assert SyncBatch.get(SyncBatch.batch_no == 2).state == "quarantined"
        assert fits(screen)
        assert await ops.run("e") == f"没有需要写入 U 盘的批次（{usb}）"

        set_language("en")  # the same screen in English: the hub's own English words
        await pilot.press("f5")
        await until(pilot, lambda: str(table.get_row_at(0)[3]) == "Quarantined\nUSB stick")
        assert str(table.get_row_at(0)[5]) == f"station {store.config.code} is revoked"
        assert await ops.run("e") == f"Nothing to write to the USB stick ({usb})"
        assert fits(screen)
