"""Pilot: the status bar and the detail tell times on the station's clock (Asia/Shanghai), not
the machine's (a PC left on UTC showed 已同步 18:23 beside a receipt printed at 02:23)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import datetime

import pytest

from station.core import outbox
from station.core.db import write_transaction
from station.core.models import SyncBatch
from station.core.store import StationStore
from station.core.sync_service import BackgroundReport, PushReport
from station.ui.app import make_app
from station.ui.messages import SyncRoundDone
from station.ui.screens.detail import DetailScreen
from station.ui.widgets.value_list import ValueList
from tests.conftest import FakeClock, Sessions
from tests.station.ui.conftest import login, settle, until
from tests.station.ui.helpers import accepted


@pytest.fixture
def machine_on_utc() -> Iterator[None]:
    """The PC's own zone is UTC, eight hours behind the station's."""
    before = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    yield
    if before is None:
        del os.environ["TZ"]
    else:
        os.environ["TZ"] = before
    time.tzset()


@pytest.mark.asyncio
@pytest.mark.usefixtures("machine_on_utc")
async def test_the_status_bar_tells_the_sync_time_on_the_station_clock(store: StationStore,
                                                                       clock: FakeClock) -> None:
    clock.now = clock.now.replace(hour=2, minute=23)  # 02:23 in Hangzhou, 18:23 UTC the day before
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await login(pilot, "wang")
        report = BackgroundReport(PushReport(), PushReport(), {})
        app.post_message(SyncRoundDone(app.session, report, None))
        await until(pilot, lambda: app.hub_status[0] == "ok")
        assert app.hub_status[1] == "已同步 02:23"


@pytest.mark.asyncio
async def test_the_hubs_receipt_reads_on_the_station_clock(store: StationStore, sessions: Sessions) -> None:
    done = accepted(store, sessions.operator)
    with write_transaction():
        outbox.acknowledge(1, 10**6, datetime.fromisoformat("2026-11-26T01:45:00+00:00"))
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await login(pilot, "wang")
        app.push_screen(DetailScreen(str(done.id)))
        await until(pilot, lambda: isinstance(app.screen, DetailScreen) and app.screen.detail is not None)
        await settle(pilot)
        rows = app.screen.query_one("#history", ValueList).rows
        assert ("2026-11-26 09:45", "", "市级中心已收到受理记录") in rows



@pytest.mark.asyncio
async def test_the_home_summary_follows_a_sync_round_after_login(store: StationStore, sessions: Sessions,
                                                               clock: FakeClock) -> None:
    accepted(store, sessions.operator)
    app = make_app(store)
    async with app.run_test(size=(120, 40)) as pilot:
        await login(pilot, "wang")
        await until(pilot, lambda: "尚未联系" in str(app.screen.query_one("#outbox").render()))
        assert "待上报 1 条" in str(app.screen.query_one("#outbox").render())

        with write_transaction():  # the background round: the hub acknowledged the batch and its event
            at = clock.now.isoformat()
            SyncBatch.create(batch_no=1, first_seq=1, last_seq=1, record_count=1, batch_id="batch-1",
                             prev_batch="0" * 64, body_sha256="0" * 64, created_at=at, size=1,
                             state="acknowledged", transport="http", sent_at=at, acknowledged_at=at)
            outbox.acknowledge(1, 1, clock.now)
        app.post_message(SyncRoundDone(app.session, BackgroundReport(PushReport(), PushReport(), {}), None))
        await until(pilot, lambda: "待上报 0 条" in str(app.screen.query_one("#outbox").render()))
        assert "尚未联系" not in str(app.screen.query_one("#outbox").render())
        assert app.hub_status[1].startswith("已同步")  # the bar keeps the round's word
