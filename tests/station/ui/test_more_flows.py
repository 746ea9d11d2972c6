"""Pilot: a business applicant with the legal representative's card, a scan from the document
camera's inbox attached with its preview, the device settings' live test, and the sync screen
pushing to a local hub."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image
from textual.widgets import Input, SelectionList

from devices import DemoDevices
from station.core.models import Application, Attachment, OutboxEvent
from station.core.store import StationStore
from station.ui.app import make_app
from station.ui.dialogs.scan import AttachScanDialog
from station.ui.messages import ActionDone, CardTapped, ScanArrived
from station.ui.screens.counter.form import FormScreen
from station.ui.screens.counter.start import StartScreen
from station.ui.screens.sync import SyncScreen
from station.ui.widgets.counter.scan_preview import ScanPreview
from tests.conftest import PASSWORDS
from tests.station.core.helpers import CREDIT_CODE
from tests.station.ui.conftest import MessageLog, login, settle, until
from tests.station.ui.helpers import card_shown, submit


@pytest.mark.asyncio
async def test_business_applicant_with_the_representatives_card(store: StationStore, demo: DemoDevices,
                                                                log: MessageLog) -> None:
    app = make_app(store, demo_devices=demo)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        await login(pilot, "wang")
        await pilot.press("b")
        await settle(pilot)
        start = app.screen
        assert isinstance(start, StartScreen) and start.business
        start.query_one("#credit-code", Input).value = CREDIT_CODE
        start.query_one("#business-name", Input).value = "西湖区小红便利店"
        demo.present_card("resident_zhangsan")
        await log.wait_for(CardTapped)
        start.query_one("#service-search", Input).value = "HZ-SC-102"
        await until(pilot, lambda: [i.code for i in start.items] == ["HZ-SC-102"])
        start.query_one("#services").focus()
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        await settle(pilot)
        assert form.query_one("#input-credit_code", Input).value == CREDIT_CODE
        assert form.query_one("#input-operator_name", Input).value == "张三"  # from the card
        form.query_one("#input-phone", Input).value = "13800000000"
        form.query_one("#input-changes", SelectionList).select("name")
        await settle(pilot)
        result = (await submit(pilot, log)).result
        stored = Application.get_by_id(result.submission.application_id)
        assert (stored.applicant_kind, stored.applicant_id, stored.applicant_name) == (
            "business", CREDIT_CODE, "西湖区小红便利店")
        assert stored.representative_id == "110101199003070011"
        assert json.loads(stored.provenance)["operator_id_number"] == "card"


def png_bytes() -> bytes:
    image = Image.new("RGB", (40, 30), (200, 30, 30))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.asyncio
async def test_a_scan_from_the_inbox_is_attached_with_a_preview(store: StationStore, tmp_path: Path,
                                                                log: MessageLog) -> None:
    inbox = tmp_path / "scans"
    inbox.mkdir()
    with DemoDevices() as demo:
        app = make_app(store, demo_devices=demo, devices=demo.config(scan_folder=inbox))
        async with app.run_test(size=(120, 40), message_hook=log) as pilot:
            await login(pilot, "wang")
            demo.present_card("resident_zhangsan")
            start = await card_shown(pilot, log)
            start.query_one("#service-search", Input).value = "HZ-MZ-102"
            await until(pilot, lambda: [i.code for i in start.items] == ["HZ-MZ-102"])
            start.query_one("#services").focus()
            await pilot.press("enter")
            await until(pilot, lambda: isinstance(app.screen, FormScreen))
            form = app.screen
            await settle(pilot)

            (inbox / "hardship.png").write_bytes(png_bytes())  # the document camera saves a scan
            await log.wait_for(ScanArrived)
            await settle(pilot)
            form.query_one("#materials").move_cursor(row=form.query_one("#materials").material_ids
                                                     .index("hardship_proof"))
            await pilot.press("f3")
            await settle(pilot)
            dialog = app.screen
            assert isinstance(dialog, AttachScanDialog)
            assert "▀" in str(dialog.query_one(ScanPreview).render())  # drawn in half blocks
            await pilot.press("ctrl+s")
            await until(pilot, lambda: app.screen is form)

            attached = Attachment.get(Attachment.application == form.draft.app_id)
            assert (attached.material_code, attached.media_type) == ("hardship_proof", "image/png")
            # the store's encrypted copy is the only one: nothing of the scan is left in the inbox
            assert [p for p in inbox.rglob("*") if p.is_file()] == []
            assert form.evaluation is not None
            assert form.evaluation.status_of("hardship_proof") == "provided"


@pytest.mark.asyncio
async def test_device_settings_live_test_prints_a_test_page(store: StationStore, demo: DemoDevices,
                                                            log: MessageLog) -> None:
    app = make_app(store, demo_devices=demo)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        await login(pilot, "admin")
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        screen.query_one("TabbedContent").active = "tab-devices"
        screen.query_one("#reader-port", Input).value = demo.reader_port
        screen.query_one("#printer-port", Input).value = demo.printer_port
        await settle(pilot)
        await pilot.click("#test-devices")
        await log.wait_for(ActionDone)
        receipts = demo.printer_model.wait_for_receipts(1, timeout=10)
        assert "打印测试 Printer test" in receipts[-1].lines


@pytest.mark.asyncio
async def test_sync_screen_pushes_to_the_hub(store: StationStore, station_dir: Path,
                                             log: MessageLog) -> None:
    from station.cli.local_hub import connect_local_hub
    from tests.station.ui.helpers import accepted

    link = connect_local_hub(store, station_dir.parent / "hub", ("admin", PASSWORDS["admin"]))
    try:
        accepted(store, store.login("wang", PASSWORDS["wang"]))
        assert OutboxEvent.select().where(OutboxEvent.acknowledged_at.is_null()).count() > 0
        app = make_app(store)
        app.background_sync = False  # the sync operator's own push is what this test watches
        async with app.run_test(size=(120, 40), message_hook=log) as pilot:
            await login(pilot, "zhao")
            await pilot.press("s")
            await settle(pilot)
            assert isinstance(app.screen, SyncScreen)
            await pilot.press("p")
            done = await log.wait_for(ActionDone)
            assert done.ok, done.message
            await settle(pilot)
            assert OutboxEvent.select().where(OutboxEvent.acknowledged_at.is_null()).count() == 0
            assert "待上报事件：0 条" in str(app.screen.query_one("#sync-status").render())
    finally:
        link.stop()


@pytest.mark.asyncio
async def test_sync_screen_shows_the_ledger_a_sync_operator_acts_on(
        store: StationStore, clock: object, log: MessageLog) -> None:
    """Oldest unsent age and the hub's resend request appear on the sync screen."""
    from station.core.downstream import _resend
    from station.ui.messages import SyncLoaded
    from tests.station.ui.helpers import accepted

    accepted(store, store.login("wang", PASSWORDS["wang"]))
    _resend({"request_id": "r1", "first_seq": 1, "last_seq": 1, "reason": "lost on USB"})
    store.clock.advance(hours=5)  # type: ignore[attr-defined]
    app = make_app(store)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        await login(pilot, "zhao")
        await pilot.press("s")
        loaded = await log.wait_for(SyncLoaded)
        await settle(pilot)
        assert loaded.ledger["oldest_unsent_hours"] >= 5
        assert loaded.ledger["resend_requests"][-1]["first_seq"] == 1
        text = str(app.screen.query_one("#sync-status").render())
        assert "最早未上报事件已等待" in text and "中心要求重发序号 1–1" in text


@pytest.mark.asyncio
async def test_usb_export_and_import_show_progress_and_apply_the_hubs_answer(
        store: StationStore, sessions: object, clock: object, tmp_path: Path, log: MessageLog) -> None:
    """The sync operator writes the outbox to a USB folder with a progress bar; the hub imports
    it and answers on the stick (acknowledgements and a status bundle); importing the stick
    applies both."""
    from station.ui.messages import SyncProgressed
    from sync.hub import reconcile
    from sync.hub.folder import import_folder
    from sync.hub.service import HubService
    from tests.station.core.reconcile_helpers import Hub
    from tests.station.ui.helpers import accepted

    hub = Hub(tmp_path / "hub", store, sessions, clock)  # type: ignore[arg-type]
    usb = tmp_path / "usb"
    try:
        filed = accepted(store, store.login("wang", PASSWORDS["wang"]))
        app = make_app(store)
        app.background_sync = False  # the sync operator's own push and pull are what this test watches
        async with app.run_test(size=(120, 40), message_hook=log) as pilot:
            await login(pilot, "zhao")
            await pilot.press("s")
            await until(pilot, lambda: isinstance(app.screen, SyncScreen))
            app.screen.query_one("#batches").focus()
            await pilot.press("e")  # no folder yet: the screen asks for it and waits
            await settle(pilot)
            folder = app.screen.query_one("#usb-folder", Input)
            assert folder.has_focus and "回车后导出" in str(app.screen.query_one("#sync-result").render())
            folder.value = str(usb)
            await pilot.press("enter")  # Enter in the folder field goes on with the export
            exported = await log.wait_for(ActionDone)
            assert exported.ok, exported.message
            steps = [m for m in log.of(SyncProgressed) if m.what == "export"]
            assert steps[-1].done == steps[-1].total >= 1
            assert exported.message == f"已写入 {usb}：1 批，请交市级中心导入"

            reconcile.issue_bundle(hub.hub, hub.code, "statuses",
                                   {"updates": [{"application_id": filed.id, "status": "accepted"}]})
            answered = import_folder(HubService(hub.hub), usb)
            assert answered.stored >= 1 and not answered.problems

            app.screen.query_one("#batches").focus()
            await pilot.press("i")
            imported = await log.wait_for(ActionDone, lambda m: m is not exported)
            assert imported.ok, imported.message
            assert imported.message == f"从 U 盘 {usb} 导入：市级中心确认 1 批（1 条事件），1 件申请已送达；办件决定 1 件"
            assert [m for m in log.of(SyncProgressed) if m.what == "import"][-1].done >= 1
            assert Application.get_by_id(filed.id).status == "accepted"
            assert OutboxEvent.select().where(OutboxEvent.acknowledged_at.is_null()).count() == 0
    finally:
        hub.close()


@pytest.mark.asyncio
async def test_an_admin_gives_a_person_from_the_hubs_roster_a_first_password(
        store: StationStore, sessions: object, clock: object, tmp_path: Path, log: MessageLog) -> None:
    """The roster adds 孙柜员 as pending (待设密码); the admin selects the row, presses p and sets
    a first password; 孙柜员 then logs in with the role the hub gave."""
    from textual.widgets import DataTable

    from station.core.models import Operator
    from station.ui.dialogs.operator import SetPasswordDialog
    from tests.station.core.reconcile_helpers import Hub

    hub = Hub(tmp_path / "hub", store, sessions, clock)  # type: ignore[arg-type]
    try:
        hub.send("roster", {"operators": [{"name": "sun", "display_name": "孙柜员", "role": "operator"}]})
        app = make_app(store)
        async with app.run_test(size=(120, 40), message_hook=log) as pilot:
            await login(pilot, "admin")
            await pilot.press("m")
            await settle(pilot)
            table = app.screen.query_one("#operators", DataTable)
            await until(pilot, lambda: table.row_count == 5)
            row = [table.get_row_at(i) for i in range(table.row_count)].index(["sun", "孙柜员", "窗口人员", "待设密码"])
            table.focus()
            table.move_cursor(row=row)
            await pilot.press("p")
            await until(pilot, lambda: isinstance(app.screen, SetPasswordDialog))
            app.screen.query_one("#set-password-input", Input).value = "short"
            await pilot.press("enter")
            await log.wait_for(ActionDone, lambda m: not m.ok)
            await settle(pilot)
            assert Operator.get(Operator.name == "sun").status == "pending"  # refused: too short
            app.screen.query_one("#set-password-input", Input).value = "sun-first-pass"
            await pilot.press("enter")
            await log.wait_for(ActionDone, lambda m: m.ok and "已设置密码" in m.message)
            await until(pilot, lambda: not isinstance(app.screen, SetPasswordDialog))
            await until(pilot, lambda: table.get_row_at(row)[3] == "在职")
        assert store.login("sun", "sun-first-pass").display_name == "孙柜员"
    finally:
        hub.close()


def _hub_issues(hub_folder: Path, station: str, kind: str, payload: dict[str, object]) -> None:
    """The hub's operator, on the same hub database, issues a bundle for the station."""
    from sync.hub import reconcile
    from sync.hub.store import HubStore

    hub = HubStore(hub_folder)
    try:
        reconcile.issue_bundle(hub, station, kind, payload)
    finally:
        hub.close()


def _hub_accepts(hub_folder: Path, station: str, app_id: str) -> None:
    """The hub accepts the application: a statuses bundle."""
    _hub_issues(hub_folder, station, "statuses", {"updates": [{"application_id": app_id, "status": "accepted"}]})


@pytest.mark.asyncio
async def test_pulling_brings_the_hubs_statuses_as_well_as_its_acknowledgements(
        store: StationStore, station_dir: Path, log: MessageLog) -> None:
    """After a push, the hub accepts the application; the sync operator's pull (l) applies
    that status bundle over HTTP, and the application shows it."""
    from station.cli.local_hub import connect_local_hub
    from tests.station.ui.helpers import accepted

    hub_folder = station_dir.parent / "hub"
    link = connect_local_hub(store, hub_folder, ("admin", PASSWORDS["admin"]))
    try:
        filed = accepted(store, store.login("wang", PASSWORDS["wang"]))
        app = make_app(store)
        app.background_sync = False  # the sync operator's own push and pull are what this test watches
        async with app.run_test(size=(120, 40), message_hook=log) as pilot:
            await login(pilot, "zhao")
            await pilot.press("s")
            await until(pilot, lambda: isinstance(app.screen, SyncScreen))
            await pilot.press("p")
            pushed = await log.wait_for(ActionDone)
            assert pushed.ok, pushed.message

            _hub_accepts(hub_folder, store.config.code, filed.id)
            await pilot.press("l")
            pulled = await log.wait_for(ActionDone, lambda m: m is not pushed)
            assert pulled.ok, pulled.message
            assert pulled.message == "从市级中心拉取：没有新的确认；办件决定 1 件"
            assert Application.get_by_id(filed.id).status == "accepted"
    finally:
        link.stop()


@pytest.mark.asyncio
async def test_the_counter_syncs_in_the_background_while_a_clerk_is_logged_in(
        store: StationStore, station_dir: Path, log: MessageLog) -> None:
    """A clerk has no sync rights, yet while they are logged in the app delivers what waits,
    takes in the hub's statuses on its next round, and says so; locking the screen stops it."""
    from station.cli.local_hub import connect_local_hub
    from station.ui.messages import SyncRoundDone
    from station.ui.screens.home import HomeScreen
    from tests.station.ui.helpers import accepted

    hub_folder = station_dir.parent / "hub"
    link = connect_local_hub(store, hub_folder, ("admin", PASSWORDS["admin"]))
    try:
        filed = accepted(store, store.login("wang", PASSWORDS["wang"]))
        app = make_app(store)
        async with app.run_test(size=(120, 40), message_hook=log) as pilot:
            await login(pilot, "wang")
            first = await log.wait_for(SyncRoundDone)
            assert first.error is None and first.report is not None and first.report.pushed.delivered == 1
            await until(pilot, lambda: "已同步" in str(app.screen.query_one("#status-hub").render()))

            _hub_accepts(hub_folder, store.config.code, filed.id)
            assert app.sync_loop is not None
            app.sync_loop.wake()  # the next round, without waiting out the interval
            second = await log.wait_for(SyncRoundDone, lambda m: m is not first)
            assert second.report is not None and second.report.bundles_applied == 1
            assert Application.get_by_id(filed.id).status == "accepted"
            assert isinstance(app.screen, HomeScreen)
            await until(pilot, lambda: any("市级中心" in str(n.title) for n in app._notifications))

            home, session = app.screen, app.session
            assert home.opened_in is session
            await pilot.press("ctrl+l")
            await settle(pilot)
            assert app.sync_loop is None and app.session is None
            # the home screen's figures still loading meet the ended session, not a crash
            assert home.session is session and not session.active
    finally:
        link.stop()


@pytest.mark.asyncio
async def test_a_clerk_the_hub_revokes_is_locked_out_at_once(
        store: StationStore, station_dir: Path, log: MessageLog) -> None:
    """The background round applies a revocation of the clerk at the counter: the screen
    locks with a notice, and their password no longer opens the station."""
    from station.cli.local_hub import connect_local_hub
    from station.core.errors import AuthError
    from station.ui.messages import SyncRoundDone
    from station.ui.screens.login import LoginScreen
    from sync.errors import HubUnreachable

    hub_folder = station_dir.parent / "hub"
    link = connect_local_hub(store, hub_folder, ("admin", PASSWORDS["admin"]))
    try:
        app = make_app(store)
        async with app.run_test(size=(120, 40), message_hook=log) as pilot:
            await login(pilot, "wang")
            first = await log.wait_for(SyncRoundDone)
            _hub_issues(hub_folder, store.config.code, "revocations", {"operators": ["wang"]})
            assert app.sync_loop is not None
            app.sync_loop.wake()
            ended = await log.wait_for(SyncRoundDone, lambda m: m is not first)
            assert ended.report is not None and ended.report.session_ended
            await until(pilot, lambda: isinstance(app.screen, LoginScreen))
            assert app.session is None and app.sync_loop is None
            await until(pilot, lambda: any("重新登录" in str(n.message) for n in app._notifications))
            shown = app.hub_status
            late = SyncRoundDone(ended.session, None, HubUnreachable("connection refused"))
            app.post_message(late)  # a round of the ended session that finished after the lock
            await log.wait_for(SyncRoundDone, lambda m: m is late)
            await settle(pilot)
            assert app.hub_status == shown
        with pytest.raises(AuthError):
            store.login("wang", PASSWORDS["wang"])
    finally:
        link.stop()


@pytest.mark.asyncio
async def test_the_sync_screen_lists_batches_with_the_hubs_quarantine_reason(
        store: StationStore, sessions: object, clock: object, tmp_path: Path, log: MessageLog) -> None:
    """Two batches reach the hub: it quarantines the first (an item version it does not know) and
    stores the second. The sync operator sees both, the quarantined one first, in red, with the
    hub's reason and words."""
    import dataclasses

    from station.ui.messages import SyncLoaded
    from sync.hub.ingest import Ingestor
    from tests.station.core.reconcile_helpers import Hub, id_number, person_draft

    hub = Hub(tmp_path / "hub", store, sessions, clock)  # type: ignore[arg-type]
    try:
        clerk, sync = store.login("wang", PASSWORDS["wang"]), sessions.sync_operator  # type: ignore[attr-defined]
        for version in ("9.9", "test-1"):
            draft = store.applications.create_draft(clerk, dataclasses.replace(
                person_draft(id_number(len(version)), "测试人"), catalog_version=version))
            store.applications.submit(clerk, draft.id)
            [batch] = hub.service.seal_pending(sync)
            result = Ingestor(hub.hub).ingest(hub.service.sealed_bytes(batch), "folder")
            assert result.ack is not None
            hub.service.apply_ack(sync, result.ack)
        app = make_app(store)
        app.background_sync = False
        async with app.run_test(size=(140, 40), message_hook=log) as pilot:
            await login(pilot, "zhao")
            await pilot.press("s")
            loaded = await log.wait_for(SyncLoaded)
            await settle(pilot)
            assert [(b.batch_no, b.state) for b in loaded.batches] == [(1, "quarantined"), (2, "acknowledged")]
            table = app.screen.query_one("#batches")
            rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]  # type: ignore[attr-defined]
            assert rows[0][:4] == ["1", "1–1", "1", "已隔离\n—"]  # handed to the hub by hand
            assert rows[0][5].startswith("中心不认识的事项版本") and "unknown_catalog_version" not in rows[0][5]
            assert rows[1][:4] == ["2", "2–2", "1", "已确认\n—"] and rows[1][5] == ""
            assert "批次：已封装 0，已发送 0，已确认 1，已隔离 1" in str(app.screen.query_one("#sync-status").render())
    finally:
        hub.close()


@pytest.mark.asyncio
async def test_a_rekey_by_another_program_locks_the_counter_and_a_new_login_goes_on(
        store: StationStore, station_dir: Path, log: MessageLog) -> None:
    """A supervisor re-keys the station from another program while a clerk is logged in here:
    the background round meets the old key, the screen locks with the one-line notice, and the
    clerk's next login opens the database with the new key."""
    from station.cli.local_hub import connect_local_hub
    from station.core.errors import StationBusy
    from station.ui.messages import SyncRoundDone
    from station.ui.screens.home import HomeScreen
    from station.ui.screens.login import LoginScreen
    from tests.station.core.rekey_child import OtherProgram

    link = connect_local_hub(store, station_dir.parent / "hub", ("admin", PASSWORDS["admin"]))
    try:
        app = make_app(store)
        async with app.run_test(size=(120, 40), message_hook=log) as pilot:
            await login(pilot, "wang")
            first = await log.wait_for(SyncRoundDone)
            supervisor = OtherProgram(station_dir, "li")
            assert supervisor.ask("rekey") == "rekeyed"
            supervisor.finish()
            assert app.sync_loop is not None
            app.sync_loop.wake()
            busy = await log.wait_for(SyncRoundDone, lambda m: m is not first)
            assert isinstance(busy.error, StationBusy)
            await until(pilot, lambda: isinstance(app.screen, LoginScreen))
            assert app.session is None and app.sync_loop is None
            await until(pilot, lambda: any("数据库密钥正在更换或已更换" in str(n.message) for n in app._notifications))
            await login(pilot, "wang")
            await until(pilot, lambda: isinstance(app.screen, HomeScreen))
            again = await log.wait_for(SyncRoundDone, lambda m: m is not first and m is not busy)
            assert again.error is None
    finally:
        link.stop()
