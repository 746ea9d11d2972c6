"""The hub console against a real hub database (SQLite): the ledger table's counts, the
drill-down's exact gap range, and the operator's actions recorded in hub_action."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from textual.notifications import Notify
from textual.widgets import DataTable, Input, Static

from station.cli import main
from sync import manifest, seal
from sync.hub import anchors, reconcile
from sync.hub.console import make_hub_console
from sync.hub.console.dialogs import ReasonDialog
from sync.hub.console.messages import ActionRecorded, LedgerLoaded, StationLoaded, WatchLoaded
from sync.hub.console.screens import StationScreen, WatchScreen
from sync.hub.db import write_transaction
from sync.hub.ingest import Ingestor
from sync.hub.store import HubStore
from tests.pilot import MessageLog, settle, until
from tests.sync.helpers import STATION, enrol_key, entry, hub_database, new_hub, sealed_batch

OTHER = "TS0002"
DAY = "2026-11-26"
SIZE = (160, 48)
pytestmark = pytest.mark.asyncio


def _enrol(hub: HubStore, code: str, name: str) -> Ed25519PrivateKey:
    key = Ed25519PrivateKey.generate()
    enrol_key(hub, code, hub.add_station(code, name), key)
    return key


def _day_manifest(key: Ed25519PrivateKey, seqs: list[int]) -> bytes:
    rows = [(entry(s).record["id"], "JZZ-SL", "submitted", entry(s).record["content_hash"]) for s in seqs]
    return manifest.sign(manifest.build(STATION, DAY, f"{DAY}T18:00:00+08:00", rows, (1, 10), (30, "a" * 64)), key)


@pytest.fixture
def log() -> MessageLog:
    return MessageLog()


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[HubStore]:
    """TS0001 holds 1–10 and 21–30 (gap 11–20) and an agreed day; TS0002 has one batch in quarantine."""
    with hub_database("sqlite", tmp_path) as url:
        store = new_hub(tmp_path / "hub", url)
        key, other = _enrol(store, STATION, "文新站"), _enrol(store, OTHER, "翠苑站")
        ingestor, prev = Ingestor(store), seal.GENESIS
        for number in (1, 2, 3):
            data = sealed_batch(key, store.public, number * 10 - 9, number * 10, number, prev)
            prev = seal.read(data).object_id
            if number != 2:
                ingestor.ingest(data, "folder")
        reconcile.receive_manifest(store, _day_manifest(key, [*range(1, 11), *range(21, 31)]), "folder")
        assert ingestor.ingest(sealed_batch(other, store.public, 1, 5, station=OTHER, version="v9"),
                               "folder").status == "quarantined"
        yield store
        store.close()


def _rows(app: Any, selector: str) -> list[list[str]]:
    table = app.screen.query_one(selector, DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def _open_station(pilot: Any, log: MessageLog, code: str) -> None:
    await log.wait_for(LedgerLoaded)
    table = pilot.app.screen.query_one("#stations", DataTable)
    table.move_cursor(row=table.get_row_index(code))
    table.focus()
    await pilot.press("enter")
    await log.wait_for(StationLoaded, lambda m: m.detail.ledger.get("code") == code)
    await settle(pilot)


async def _answer(pilot: Any, reason: str) -> None:
    await until(pilot, lambda: isinstance(pilot.app.screen, ReasonDialog))
    pilot.app.screen.query_one("#reason", Input).value = reason
    await pilot.press("enter")


async def test_the_table_lists_the_stations_with_their_gap_and_quarantine_counts(hub: HubStore, log: MessageLog
                                                                                  ) -> None:
    app = make_hub_console(hub, operator="op1")
    async with app.run_test(size=SIZE, message_hook=log) as pilot:
        report = (await log.wait_for(LedgerLoaded)).report
        assert [(s["code"], len(s["gaps"]), len(s["quarantined"])) for s in report["stations"]] == [
            (STATION, 1, 0), (OTHER, 0, 1)]
        await settle(pilot)
        rows = _rows(app, "#stations")
        assert [(r[0], r[1], r[4], r[5], r[6], r[7]) for r in rows] == [
            (STATION, "文新站", "30", "1", "0", "0/1"), (OTHER, "翠苑站", "0", "0", "1", "0/0")]


async def test_drill_down_shows_the_exact_gap_and_a_resend_is_audited(hub: HubStore, log: MessageLog) -> None:
    app = make_hub_console(hub, operator="op1")
    async with app.run_test(size=SIZE, message_hook=log) as pilot:
        await _open_station(pilot, log, STATION)
        assert isinstance(app.screen, StationScreen)
        assert _rows(app, "#gaps") == [["11", "20", "10"]]
        assert _rows(app, "#days")[0][:2] == [DAY, "一致 agreed"]

        await pilot.press("r")
        await _answer(pilot, "U盘文件丢失 USB file lost")
        recorded = await log.wait_for(ActionRecorded)
        [action] = [a for a in reconcile.actions(STATION) if a["action"] == "resend.requested"]
        assert (action["operator"], action["subject"], action["details"]["reason"]) == (
            "op1", "11-20", "U盘文件丢失 USB file lost")
        assert "11–20" in recorded.text
        await until(pilot, lambda: len(log.of(StationLoaded)) >= 2)  # reloaded after the action
        assert _rows(app, "#gaps") == [["11", "20", "10"]]  # open until the station's resend arrives


async def test_a_quarantined_batch_is_released_with_a_reason(hub: HubStore, log: MessageLog) -> None:
    hub.register_catalog_versions([("*", "v9")])  # the cause fixed: the catalog version is known now
    app = make_hub_console(hub, operator="op1")
    async with app.run_test(size=SIZE, message_hook=log) as pilot:
        await _open_station(pilot, log, OTHER)
        [row] = _rows(app, "#quarantine")
        assert row[3] == "unknown_catalog_version"

        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, ReasonDialog))
        await pilot.press("enter")  # an empty reason is refused in the dialog
        assert isinstance(app.screen, ReasonDialog)
        await _answer(pilot, "目录 v9 已登记 catalog v9 registered")
        recorded = await log.wait_for(ActionRecorded)
        [action] = [a for a in reconcile.actions(OTHER) if a["action"] == "quarantine.released"]
        assert action["details"] == {"reason": "目录 v9 已登记 catalog v9 registered", "result": "stored"}
        assert reconcile.ledger(hub, OTHER)["stations"][0]["quarantined"] == []
        assert "stored" in recorded.text
        await until(pilot, lambda: _rows(app, "#quarantine") == [])
        assert "最高序号 high-water 5" in str(app.screen.query_one("#station-summary", Static).content)


async def test_a_day_is_marked_reconciled_and_a_refused_action_is_reported(hub: HubStore, log: MessageLog
                                                                          ) -> None:
    app = make_hub_console(hub, operator="op1")
    async with app.run_test(size=SIZE, message_hook=log) as pilot:
        await _open_station(pilot, log, STATION)
        await pilot.press("d")
        await log.wait_for(ActionRecorded)
        assert reconcile.ledger(hub, STATION)["stations"][0]["days"]["reconciled"] == 1
        assert [a["subject"] for a in reconcile.actions(STATION) if a["action"] == "day.reconciled"] == [DAY]
        await until(pilot, lambda: _rows(app, "#days")[0][-1] != "-")

        await pilot.press("x")  # TS0001 has nothing in quarantine: the binding does nothing
        await settle(pilot)
        assert not isinstance(app.screen, ReasonDialog)


async def test_an_action_the_hub_refuses_is_reported_in_both_languages(hub: HubStore, log: MessageLog) -> None:
    app = make_hub_console(hub, operator="op1")
    async with app.run_test(size=SIZE, message_hook=log) as pilot:
        await _open_station(pilot, log, OTHER)
        [qid] = [q["id"] for q in reconcile.ledger(hub, OTHER)["stations"][0]["quarantined"]]
        reconcile.reject_quarantine(hub, qid, "op2", "已由另一操作员处理 handled elsewhere")

        await pilot.press("x")
        await _answer(pilot, "测试数据 test data")
        failure = await log.wait_for(Notify, lambda m: m.notification.severity == "error")
        assert f"no open quarantine entry {qid}" in failure.notification.message
        assert f"隔离区没有未处理的 {qid}" in failure.notification.message
        assert [a["operator"] for a in reconcile.actions(OTHER) if a["action"] == "quarantine.rejected"] == ["op2"]
        assert log.of(ActionRecorded) == []


async def test_the_console_opens_a_hub_folder_and_the_cli_offers_it(hub: HubStore, log: MessageLog) -> None:
    folder, url = hub.folder.path, hub.database_url
    hub.close()
    app = make_hub_console(folder, operator="op1", database=url)
    async with app.run_test(size=SIZE, message_hook=log) as pilot:
        report = (await log.wait_for(LedgerLoaded)).report
        assert [s["code"] for s in report["stations"]] == [STATION, OTHER]
        await settle(pilot)
        assert [r[0] for r in _rows(app, "#stations")] == [STATION, OTHER]
    assert app.desk.store.db.is_closed()  # the console opened the folder, so it closed it
    usage = CliRunner().invoke(main, ["hub", "console", "--help"])
    assert usage.exit_code == 0 and "--operator" in usage.output and "--db" in usage.output


async def test_an_audit_divergence_shows_in_the_ledger_and_the_drill_down(hub: HubStore, log: MessageLog) -> None:
    with write_transaction():  # a round head at event 30 with another hash than batch 3's header
        anchors.witness(anchors.Witnessed(STATION, 30, "f" * 64, f"{DAY}T19:00:00+08:00", "round", "http"),
                        hub.now())
    app = make_hub_console(hub, operator="op1")
    async with app.run_test(size=SIZE, message_hook=log) as pilot:
        await log.wait_for(LedgerLoaded)
        await settle(pilot)
        assert [(r[0], r[-1]) for r in _rows(app, "#stations")] == [(STATION, "1"), (OTHER, "0")]
        assert "审计链分歧 audit divergences 1" in str(app.screen.query_one("#ledger-summary", Static).render())
        await _open_station(pilot, log, STATION)
        [row] = _rows(app, "#divergences")
        assert row[2:5] == ["改写 rewritten", "30", "30"]


async def test_the_watch_screen_lists_quarantined_batches_with_their_reasons(hub: HubStore, log: MessageLog
                                                                             ) -> None:
    app = make_hub_console(hub, operator="op1")
    async with app.run_test(size=SIZE, message_hook=log) as pilot:
        await log.wait_for(LedgerLoaded)
        await pilot.press("w")
        report = (await log.wait_for(WatchLoaded)).report
        assert isinstance(app.screen, WatchScreen)
        await settle(pilot)
        rows = _rows(app, "#findings")
        assert [q.station for q in report.quarantined] == [OTHER]
        [quarantined] = [r for r in rows if r[0] == "隔离 quarantined"]
        assert quarantined[1] == OTHER and "unknown_catalog_version" in quarantined[2]
        assert [r[1] for r in rows if r[0] == "积压增长 backlog"] == []  # one reading: nothing to compare yet


async def test_times_read_on_the_stations_clock_not_in_utc(hub: HubStore, log: MessageLog) -> None:
    """The hub stores UTC; the console shows Hangzhou time, as the stations' own screens do."""
    from kernel.times import local_time, time_zone

    app = make_hub_console(hub, operator="op1")
    async with app.run_test(size=SIZE, message_hook=log) as pilot:
        await _open_station(pilot, log, OTHER)
        [row] = _rows(app, "#quarantine")
        stored = reconcile.ledger(hub, OTHER)["stations"][0]["quarantined"][0]["received_at"]
        assert str(stored).endswith("+00:00")
        assert row[1] == local_time(stored, time_zone("Asia/Shanghai")) and "T" not in row[1]
