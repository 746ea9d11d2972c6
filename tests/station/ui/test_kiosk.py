"""Pilot: the self-service kiosk with the simulators on pseudo-terminals."""

from __future__ import annotations

import pytest
from textual.widgets import Input, OptionList, Static

from devices import DemoDevices
from station.core.models import Application
from station.core.store import StationStore
from station.ui.kiosk.leave import LeaveKioskDialog
from station.ui.kiosk.screens import (
    KioskConfirmScreen,
    KioskDoneScreen,
    KioskServicesScreen,
    KioskStartScreen,
)
from station.ui.messages import ApplicationSubmitted, CardReading, CardTapped, PrintJobChanged
from tests.conftest import PASSWORDS
from tests.pilot import screen_lines
from tests.station.ui.conftest import MessageLog, settle, until
from tests.station.ui.helpers import choose, kiosk_app

KIOSK_SCREENS = (KioskStartScreen, KioskServicesScreen, KioskConfirmScreen, KioskDoneScreen,
                 LeaveKioskDialog)
OPERATOR_KEYS = ["n", "b", "l", "s", "m", "r", "ctrl+l", "f1", "f2", "f3", "f4", "f5", "f6", "f9",
                 "ctrl+s", "f8", "ctrl+p", "ctrl+q", "ctrl+c", "tab", "escape"]


@pytest.mark.asyncio
async def test_card_service_confirm_receipt(store: StationStore, demo: DemoDevices, log: MessageLog) -> None:
    now = [100.0]
    app = kiosk_app(store, demo, now)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        assert isinstance(app.screen, KioskStartScreen)
        assert "请将身份证放在读卡区" in str(app.screen.query_one(".kiosk-prompt").render())
        confirm = await choose(pilot, demo, log, "HZ-SMK-103")
        assert [f.id for f in confirm.fields] == ["phone"]
        confirm.query_one("#input-phone", Input).value = "13800000000"
        await pilot.press("f5")
        submitted = await log.wait_for(ApplicationSubmitted)
        issued = submitted.result.issued
        assert submitted.result.submission.accepted and issued is not None
        await log.wait_for(PrintJobChanged, lambda m: m.job_id == issued.job_id and m.state == "printed")
        stored = Application.get_by_id(submitted.result.submission.application_id)
        assert stored.status == "submitted" and stored.item_code == "HZ-SMK-103"
        assert stored.receipt_number in "\n".join(demo.printer_model.receipts[-1].lines)
        await settle(pilot)
        assert isinstance(app.screen, KioskDoneScreen)
        await pilot.press("escape")  # enter belongs to the rating panel on this screen
        await settle(pilot)
        assert isinstance(app.screen, KioskStartScreen) and len(app.screen_stack) == 2


@pytest.mark.asyncio
async def test_sixty_seconds_without_input_clears_the_session(store: StationStore, demo: DemoDevices,
                                                              log: MessageLog) -> None:
    now = [100.0]
    app = kiosk_app(store, demo, now)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        confirm = await choose(pilot, demo, log, "HZ-SMK-103")
        confirm.query_one("#input-phone", Input).value = "13800000000"
        await pilot.press("end")  # input: the minute starts again
        now[0] += 59
        app.restart_if_idle()
        assert app.screen is confirm
        now[0] += 2
        app.restart_if_idle()
        await settle(pilot)
        assert isinstance(app.screen, KioskStartScreen) and len(app.screen_stack) == 2
        assert not confirm.is_attached  # the card and the answers went with the screens
        assert Application.select().count() == 0


@pytest.mark.asyncio
async def test_no_operator_function_is_reachable(store: StationStore, demo: DemoDevices,
                                                 log: MessageLog) -> None:
    now = [100.0]
    app = kiosk_app(store, demo, now)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        for stage in ("start", "services", "confirm"):
            if stage == "services":
                demo.present_card("resident_zhangsan")
                await log.wait_for(CardTapped)
                await settle(pilot)
            if stage == "confirm":
                await pilot.press("enter")
                await settle(pilot)
            for key in OPERATOR_KEYS:
                before = app.screen
                await pilot.press(key)
                await settle(pilot)
                assert isinstance(app.screen, KIOSK_SCREENS), (stage, key, app.screen)
                assert app.is_running
                if app.screen is not before and key == "escape":
                    app.push_screen(before)  # escape only steps back within the kiosk
                    await settle(pilot)
        assert not any(type(s).__module__.startswith("station.ui.screens.") and
                       not type(s).__module__.endswith(".base") for s in app.screen_stack[1:])


@pytest.mark.asyncio
async def test_leaving_needs_the_exit_keys_and_an_admin(store: StationStore, demo: DemoDevices) -> None:
    now = [100.0]
    app = kiosk_app(store, demo, now)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("f12", "f12")
        assert isinstance(app.screen, KioskStartScreen)
        await pilot.press("f12")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, LeaveKioskDialog)
        dialog.query_one("#admin-name", Input).value = "wang"  # an operator may not leave
        dialog.query_one("#admin-password", Input).value = PASSWORDS["wang"]
        dialog.query_one("#admin-password", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.is_running and "管理员" in str(dialog.query_one("#leave-error").render())
        dialog.query_one("#admin-name", Input).value = "admin"
        dialog.query_one("#admin-password", Input).value = PASSWORDS["admin"]
        dialog.query_one("#admin-password", Input).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert not app.is_running


@pytest.mark.asyncio
async def test_the_kiosk_says_take_the_receipt_only_when_one_was_printed(
        store: StationStore, demo: DemoDevices, log: MessageLog) -> None:
    from dataclasses import replace

    app = kiosk_app(store, demo, [100.0])
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        confirm = await choose(pilot, demo, log, "HZ-SMK-103")
        confirm.query_one("#input-phone", Input).value = "13800000000"
        await pilot.press("f5")
        submitted = await log.wait_for(ApplicationSubmitted)
        await settle(pilot)
        assert "请取走回执" in "\n".join(screen_lines(app))
        failed = replace(submitted.result, issued=None, print_error=("打印机无响应", "no reply"))
        app.push_screen(KioskDoneScreen(failed))
        await settle(pilot)
        shown = "\n".join(screen_lines(app))
        assert "请取走回执" not in shown and "已受理" in shown and "请到人工窗口领取回执" in shown


@pytest.mark.asyncio
async def test_the_kiosk_says_while_the_card_is_read(store: StationStore, demo: DemoDevices,
                                                     log: MessageLog) -> None:
    """Between the card's placing and its data the citizen is asked to leave it there; the
    words are gone when the citizen comes back to the start."""
    app = kiosk_app(store, demo, [100.0])
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        app.post_message(CardReading())  # as the app gets it from the reader's CardFound
        await settle(pilot)
        assert "正在读卡，请勿移开身份证" in str(app.screen.query_one("#kiosk-message", Static).render())
        await choose(pilot, demo, log, "HZ-SMK-103")  # the real read
        await pilot.press("escape", "escape")
        await settle(pilot)
        assert isinstance(app.screen, KioskStartScreen)
        assert "正在读卡" not in "\n".join(screen_lines(app))


@pytest.mark.asyncio
async def test_the_demo_kiosk_taps_a_card_with_f9_and_the_citizen_reads_it_in_english(
        store: StationStore, demo: DemoDevices, log: MessageLog) -> None:
    from station.ui.dialogs.demo_card import DemoCardDialog

    now = [100.0]
    app = kiosk_app(store, demo, now, as_demo=True)
    async with app.run_test(size=(80, 24), message_hook=log) as pilot:
        start = app.screen
        assert isinstance(start, KioskStartScreen)
        assert "F9" in str(start.query_one("#kiosk-demo-hint").render())
        await pilot.press("enter")  # the language button has the focus: English
        await settle(pilot)
        shown = "\n".join(screen_lines(app))
        assert "Please place your ID card on the reader" in shown and "请将身份证" not in shown
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, DemoCardDialog)
        await pilot.press("enter")  # 张三 is first
        await log.wait_for(CardTapped)
        await settle(pilot)
        services = app.screen
        assert isinstance(services, KioskServicesScreen)
        assert "Hello, 张三! Choose a service" in "\n".join(screen_lines(app))
        services.highlight("HZ-SMK-103")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, KioskConfirmScreen)
        confirm = "\n".join(screen_lines(app))
        assert "Time limit" in confirm and "Phone" in confirm and "办结时限" not in confirm

        now[0] += 61  # the citizen walked away: the next one starts in Chinese
        await until(pilot, lambda: isinstance(app.screen, KioskStartScreen)
                    and "请将身份证放在读卡区" in "\n".join(screen_lines(app)))


@pytest.mark.asyncio
async def test_a_kiosk_that_is_not_a_demo_has_no_demo_card(store: StationStore, demo: DemoDevices) -> None:
    now = [100.0]
    app = kiosk_app(store, demo, now)
    async with app.run_test(size=(120, 40)) as pilot:
        assert not app.screen.query("#kiosk-demo-hint")
        await pilot.press("f9")
        await settle(pilot)
        assert isinstance(app.screen, KioskStartScreen)


@pytest.mark.asyncio
async def test_the_demo_kiosk_in_chinese_taps_a_card_with_f9_and_files_a_card_only_service(
        store: StationStore, demo: DemoDevices, log: MessageLog) -> None:
    now = [100.0]
    app = kiosk_app(store, demo, now, as_demo=True)
    async with app.run_test(size=(80, 24), message_hook=log) as pilot:
        start = "\n".join(screen_lines(app))
        assert "请将身份证放在读卡区" in start and "演示：按 F9" in start and "English" in start
        confirm = await choose(pilot, demo, log, "HZ-SMK-103", with_f9=True)
        shown = "\n".join(screen_lines(app))
        assert "办结时限" in shown and "Time limit" not in shown
        confirm.query_one("#input-phone", Input).value = "13800000000"
        await pilot.press("f5")
        submitted = await log.wait_for(ApplicationSubmitted)
        stored = Application.get_by_id(submitted.result.submission.application_id)
        assert (stored.status, stored.item_code, stored.applicant_name) == ("submitted", "HZ-SMK-103", "张三")
        await settle(pilot)
        assert isinstance(app.screen, KioskDoneScreen)
        assert "已受理" in "\n".join(screen_lines(app))


async def _services(pilot, app, demo: DemoDevices, log: MessageLog) -> KioskServicesScreen:  # type: ignore[no-untyped-def]
    demo.present_card("resident_zhangsan")
    await log.wait_for(CardTapped)
    await settle(pilot)
    assert isinstance(app.screen, KioskServicesScreen)
    return app.screen


@pytest.mark.asyncio
async def test_every_kiosk_service_is_offered_by_department_and_found_by_its_initials(
        store: StationStore, demo: DemoDevices, log: MessageLog) -> None:
    now = [100.0]
    app = kiosk_app(store, demo, now)
    async with app.run_test(size=(80, 24), message_hook=log) as pilot:
        services = await _services(pilot, app, demo, log)
        catalog = services.services.counter.catalog
        offered = {i.code for i in catalog.current() if i.target == "person" and i.access.kiosk and i.card_only
                   and store.config.point_type in i.access.point_types}
        assert {i.code for i in services.items} == offered  # no cut to the first twenty
        listed = services.query_one("#kiosk-services", OptionList)
        headings = [str(listed.get_option_at_index(n).prompt) for n in range(listed.option_count)
                    if listed.get_option_at_index(n).disabled]
        assert "— 市民卡服务中心 —" in headings

        await pilot.press(*"gs")  # 社会保障卡（市民卡）挂失, by the initials of 挂失
        await settle(pilot)
        found = [listed.get_option_at_index(n).id for n in range(listed.option_count)]
        assert "HZ-SMK-103" in found and len(found) < len(offered)
        services.highlight("HZ-SMK-103")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, KioskConfirmScreen) and app.screen.item.code == "HZ-SMK-103"


@pytest.mark.asyncio
async def test_a_word_that_finds_nothing_says_so_and_arrows_move_through_the_list(
        store: StationStore, demo: DemoDevices, log: MessageLog) -> None:
    now = [100.0]
    app = kiosk_app(store, demo, now)
    async with app.run_test(size=(120, 40), message_hook=log) as pilot:
        services = await _services(pilot, app, demo, log)
        listed = services.query_one("#kiosk-services", OptionList)
        start = listed.highlighted
        await pilot.press("down", "down")
        assert listed.highlighted is not None and start is not None and listed.highlighted > start
        assert not listed.get_option_at_index(listed.highlighted).disabled  # headings are skipped
        await pilot.press(*"zzzz")
        await settle(pilot)
        assert "没有找到该事项" in "\n".join(screen_lines(app))
        await pilot.press("enter")  # nothing to open
        await settle(pilot)
        assert app.screen is services


@pytest.mark.asyncio
async def test_the_kiosk_tells_the_citizen_to_confirm_marked_facts_at_the_window(
        store: StationStore, demo: DemoDevices, log: MessageLog) -> None:
    now = [100.0]
    app = kiosk_app(store, demo, now)
    async with app.run_test(size=(80, 24), message_hook=log) as pilot:
        confirm = await choose(pilot, demo, log, "HZ-SMK-103")
        shown = "\n".join(screen_lines(app))
        assert "※" in shown  # its time limit is not confirmed against a published guide yet
        note = str(confirm.query_one("#kiosk-to-confirm", Static).render())
        assert "以窗口核实为准" in note and "有疑问请到窗口咨询" in note
        assert "请勿当作规定告知群众" not in shown  # that line speaks to the clerk, not to the citizen
