"""SVG snapshots, one or two per screen family, at 120×40 (the login also at 80×24).

Every test says what the reviewer should see. The clock is fixed and there are no devices
(the status bar reads "未连接"), so the pictures do not move between runs. Update with
`pytest tests/station/ui/test_snapshots.py --snapshot-update` and review the SVGs.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input

from station.core.applications import Status
from station.core.counter import Counter, identity_from_card, typed_identity
from station.core.demo import DEMO_OPERATORS
from station.core.store import StationStore
from station.ui.app import make_app
from tests.conftest import PASSWORDS, Sessions
from tests.station.ui.conftest import settle, until
from tests.station.ui.helpers import CARD

SIZE = (120, 40)


def counter_fixture(store: StationStore, sessions: Sessions) -> dict[str, str]:
    """One accepted, one awaiting amendment, one draft started without a card."""
    counter = Counter(store)
    done = counter.start(sessions.operator, counter.item("HZ-YB-106"), identity_from_card(CARD))
    done.values["phone"] = "13800000000"
    counter.submit(sessions.operator, done)
    amend = counter.start(sessions.operator, counter.item("HZ-SMK-103"), identity_from_card(CARD))
    amend.values["phone"] = "13800000000"
    amended = counter.submit(sessions.operator, amend)
    store.applications.record_hub_status(sessions.sync_operator, amended.application_id,
                                         Status.NEEDS_AMENDMENT, "联系电话有误，请核实")
    draft = counter.start(sessions.operator, counter.item("HZ-MZ-102"),
                          typed_identity("11010519491231002X", "李四"))
    draft.values.update({"phone": "1380000", "hardship": "illness"})
    counter.save(sessions.operator, draft)
    return {"accepted": done.app_id, "amendment": amended.application_id, "draft": draft.app_id}


def steady(run_before: Any = None) -> Any:
    """Run the steps, then stop every text cursor blinking, so the picture is the same each run."""
    async def run(pilot: Any) -> None:
        if run_before is not None:
            await run_before(pilot)
        for node in pilot.app.screen.query(Input).results(Input):
            node.cursor_blink = False
        await settle(pilot)

    return run


async def log_in(pilot: Any, name: str = "wang") -> None:
    pilot.app.screen.query_one("#name", Input).value = name
    pilot.app.screen.query_one("#password", Input).value = PASSWORDS[name]
    await pilot.click("#login")
    await settle(pilot)


def test_login_120x40(snap_compare: Any, store: StationStore) -> None:
    """The login box centred: station name in the primary colour, its type and code, operator and
    password fields, the 登录 button, and the demo logins table (four demo operators)."""
    assert snap_compare(make_app(store, demo_operators=DEMO_OPERATORS), terminal_size=SIZE,
                        run_before=steady())


def test_login_80x24(snap_compare: Any, store: StationStore) -> None:
    """At 80×24 the same login fits: nothing cut off on the right, the demo table visible, and the
    footer showing F2 English, ctrl+l and F1."""
    assert snap_compare(make_app(store, demo_operators=DEMO_OPERATORS), terminal_size=(80, 24),
                        run_before=steady())


def test_home(snap_compare: Any, store: StationStore, sessions: Sessions) -> None:
    """Home for 王小红: today's counts (已受理, 草稿, 待补正), the outbox line, the draft of 李四
    (ID masked 110105********002X) and the application awaiting amendment, the hint line, the
    status bar (devices 未连接) and the footer with n/b/l keys."""
    counter_fixture(store, sessions)

    async def run_before(pilot: Any) -> None:
        await log_in(pilot)
        await pilot.press("escape")  # the offer to continue the draft
        await settle(pilot)

    assert snap_compare(make_app(store), terminal_size=SIZE, run_before=steady(run_before))


def test_counter_start_with_a_typed_id(snap_compare: Any, store: StationStore) -> None:
    """New application without a card: the prompt to tap a card, the typed ID number and name,
    the search "jzz" narrowing the catalog to the residence-permit items with ［一证通办］ tags,
    and the count line."""
    async def run_before(pilot: Any) -> None:
        await log_in(pilot)
        await pilot.press("n")
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#id-number", Input).value = "11010519491231002X"
        screen.query_one("#person-name", Input).value = "李四"
        screen.query_one("#service-search", Input).value = "jzz"
        await until(pilot, lambda: len(screen.items) == 4)

    assert snap_compare(make_app(store), terminal_size=SIZE, run_before=steady(run_before))


def test_counter_form_waiting_for_the_card(snap_compare: Any, store: StationStore) -> None:
    """The service chosen before any card: the 医疗保险参保凭证打印 form already laid out but
    greyed (read-only), the heading asking for the ID card (and how to type an ID number
    instead), the materials checklist (身份证件 缺 until the card, 医保参保信息 from shared
    data), no outcome line yet, and no 核对提交 / 保存草稿 / 放弃草稿 keys in the footer."""
    async def run_before(pilot: Any) -> None:
        from tests.station.ui.helpers import choose_service_first

        await log_in(pilot)
        await choose_service_first(pilot, "HZ-YB-106")

    assert snap_compare(make_app(store), terminal_size=SIZE, run_before=steady(run_before))


def test_counter_form_with_errors_and_materials(snap_compare: Any, store: StationStore,
                                                sessions: Sessions) -> None:
    """The 临时救助申请 form of 李四 (typed, so name and ID are editable): one line per field, the
    phone 1380000 marked with its error in red after review was asked for, the materials checklist
    (申请书 窗口现场生成, 身份证件 缺, 困难情况证明 缺（可容缺）) and the one-time-notice outcome."""
    ids = counter_fixture(store, sessions)

    async def run_before(pilot: Any) -> None:
        await log_in(pilot)
        await pilot.press("escape")
        pilot.app.screen.open_draft(ids["draft"])
        await settle(pilot)
        form = pilot.app.screen
        form.query_one("#form").show_all_errors = True
        form.reevaluate()
        await settle(pilot)

    assert snap_compare(make_app(store), terminal_size=SIZE, run_before=steady(run_before))


def test_applications_list(snap_compare: Any, store: StationStore, sessions: Sessions) -> None:
    """Today's applications, newest first: the draft (（草稿）), 待补正 and 已受理 rows with receipt
    numbers TS0001-20261126-000n, masked ID numbers, times and the operator; filters on top."""
    counter_fixture(store, sessions)

    async def run_before(pilot: Any) -> None:
        await log_in(pilot)
        await pilot.press("escape", "l")
        await settle(pilot)

    assert snap_compare(make_app(store), terminal_size=SIZE, run_before=steady(run_before))


def test_application_detail(snap_compare: Any, store: StationStore, sessions: Sessions) -> None:
    """The application awaiting amendment: heading with its receipt number and 待补正, the hub's
    note 联系电话有误, the full ID number (only here), the values and materials, and the history
    (建立草稿, 受理, 中心状态：待补正); the footer offers r 补打回执 and a 补正."""
    ids = counter_fixture(store, sessions)

    async def run_before(pilot: Any) -> None:
        from station.ui.screens.detail import DetailScreen

        await log_in(pilot)
        await pilot.press("escape")
        pilot.app.push_screen(DetailScreen(ids["amendment"]))
        await settle(pilot)

    assert snap_compare(make_app(store), terminal_size=SIZE, run_before=steady(run_before))


def test_supervisor_tools_for_an_admin(snap_compare: Any, store: StationStore) -> None:
    """Management as the admin: tabs 工作人员, 设备, 站点 (no 作废 tab: voiding is a supervisor's,
    and no day close yet); the operators table with roles and 在职; keys a/d/p/u in the footer."""
    async def run_before(pilot: Any) -> None:
        await log_in(pilot, "admin")
        await pilot.press("m")
        await settle(pilot)

    assert snap_compare(make_app(store), terminal_size=SIZE, run_before=steady(run_before))


def test_sync_screen(snap_compare: Any, store: StationStore, sessions: Sessions) -> None:
    """Sync as the sync operator: events waiting (the outbox depth), never in contact with the hub,
    the hub not configured and not enrolled, the batch table, the USB folder field, and keys
    p/l/e/i."""
    counter_fixture(store, sessions)

    async def run_before(pilot: Any) -> None:
        await log_in(pilot, "zhao")
        await pilot.press("s")
        await settle(pilot)

    assert snap_compare(make_app(store), terminal_size=SIZE, run_before=steady(run_before))


def test_help_overlay(snap_compare: Any, store: StationStore) -> None:
    """F1 over the home screen: a table of every key (n 新建申请, l 申请列表, ctrl+l 锁屏, F1 帮助,
    …) with what it does and a tooltip-like note."""
    async def run_before(pilot: Any) -> None:
        await log_in(pilot)
        await pilot.press("f1")
        await settle(pilot)

    assert snap_compare(make_app(store), terminal_size=SIZE, run_before=steady(run_before))


def test_service_guide(snap_compare: Any, store: StationStore) -> None:
    """F2 in the catalog browser on 浙江省居住证申领: the guide with conditions, materials (which are
    必需 and which 可容缺后补), time limits, fee, legal basis and contact."""
    async def run_before(pilot: Any) -> None:
        await log_in(pilot)
        await pilot.press("n")
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#service-search", Input).value = "HZ-GA-004"
        await until(pilot, lambda: len(screen.items) == 1)
        await pilot.press("f2")
        await settle(pilot)

    assert snap_compare(make_app(store), terminal_size=SIZE, run_before=steady(run_before))


@pytest.mark.parametrize("stage", ["start", "services"])
def test_kiosk(snap_compare: Any, store: StationStore, stage: str) -> None:
    """Kiosk: the start screen says 请将身份证放在读卡区 in a large box; after a card, the greeting
    and at most twenty card-only services in large rows. No footer, no operator keys."""
    session = store.login("wang", PASSWORDS["wang"])
    app = make_app(store, kiosk=True, session=session)

    async def run_before(pilot: Any) -> None:
        if stage == "services":
            from station.ui.messages import CardTapped

            pilot.app.screen.post_message(CardTapped(CARD))
            await settle(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=steady(run_before))
