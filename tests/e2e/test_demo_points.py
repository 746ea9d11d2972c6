"""`jiujin demo --point-type`: a demo station of each kind of service point, offering what
that point offers; a folder holding another kind is refused in one line."""

from __future__ import annotations

import contextlib
import json
import os
import sys
from pathlib import Path

import pytest

from forms import load_catalog
from station.core.counter import Counter
from station.core.demo import (
    DEMO_APPLICATIONS,
    DEMO_POINTS,
    DemoOfAnotherType,
    demo_folder_name,
    ensure_demo_station,
)
from tests.e2e.cli import jiujin
from tests.e2e.terminal import ON_LINUX, Terminal, terminal_env
from tests.sync.station_helpers import hub_station


@pytest.mark.parametrize("point_type", sorted(DEMO_POINTS))
def test_each_point_types_demo_offers_that_points_services(tmp_path: Path, point_type: str) -> None:
    store = ensure_demo_station(tmp_path / demo_folder_name(point_type), point_type)
    try:
        assert store.config.point_type == point_type
        offered = Counter(store).services()
        assert offered and all(point_type in item.access.point_types for item in offered)
        codes = {item.code for item in offered}
        assert ("HZ-CL-101" in codes) == (point_type in ("community", "village"))  # 残疾人证新办
    finally:
        store.close()


def test_a_demo_folder_of_another_point_type_is_refused(tmp_path: Path) -> None:
    ensure_demo_station(tmp_path, "community").close()
    with pytest.raises(DemoOfAnotherType):
        ensure_demo_station(tmp_path, "bank")
    refused = jiujin("demo", "--data-dir", str(tmp_path), "--point-type", "bank", check=False)
    assert refused.returncode == 1
    assert "该文件夹中是社区便民服务中心演示站点，不是银行网点" in refused.stderr + refused.stdout
    assert "Traceback" not in refused.stderr


@ON_LINUX
@pytest.mark.parametrize("point_type", sorted(DEMO_POINTS))
def test_a_fresh_demo_shows_its_making_then_opens_as_that_point_and_syncs(tmp_path: Path, point_type: str) -> None:
    """`jiujin demo --point-type T` in a new data folder: each step of making the station is
    shown as it happens, the login screen names that point, the clerk's session syncs with the
    local hub (enrolled after the login screen was drawn), and every application seeded is a
    service that point offers."""
    env = terminal_env(XDG_DATA_HOME=str(tmp_path))  # the platform's data folder, below which the demo goes
    env.pop("JIUJIN_DATA_DIR", None)
    config = DEMO_POINTS[point_type]
    term = Terminal([sys.executable, "-m", "station.cli", "demo", "--point-type", point_type], env)
    try:
        shown = term.wait_for("演示账户")
        made = [shown.index(f"✓ {step}") for step in ("站点与密钥 / the station and its keys",
                                                       "演示人员 王小红", "事项目录 / the service catalog",
                                                       "24 件示例申请 / 24 sample applications")]
        assert made == sorted(made) and made[-1] < shown.index("演示账户")
        assert config.name in shown and config.code in shown
        since = term.press("wang", "tab", "wang-demo-1", "enter")
        term.wait_for("您好，王小红", since=since)
        term.wait_for("已同步", since=since)  # the hub enrolled the station and took its applications
        term.press("ctrl+q")
        assert term.close() == 0
    finally:
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            os.kill(term.pid, 9)
    folder = next(tmp_path.rglob("station.db")).parent
    assert [p.parent.name for p in tmp_path.rglob("station.db")] == [demo_folder_name(point_type)]
    rows = json.loads(jiujin("applications", "list", "--json", "--data-dir", str(folder),
                             env={"JIUJIN_OPERATOR": "wang", "JIUJIN_PASSWORD": "wang-demo-1"}).stdout)
    offered = {item.code for item in load_catalog().items_for(point_type)}
    assert len(rows) == DEMO_APPLICATIONS and {row["item_code"] for row in rows} <= offered
    assert hub_station(folder / "hub") == ("active", DEMO_APPLICATIONS)


def test_making_a_demo_derives_each_password_once_and_enrols_without_a_login(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Argon2id is most of a fresh demo's wait: once per operator's slot and once for the clerk
    who files the applications; the admin's session made with the station enrols it."""
    from station.cli.local_hub import start_demo_hub
    from station.core.demo import CREATION_STEPS, DEMO_OPERATORS, create_demo_station
    from station.core.keys import KdfParams

    derived: list[int] = []
    original = KdfParams.derive
    monkeypatch.setattr(KdfParams, "derive", lambda self, password: derived.append(1) or original(self, password))
    steps: list[tuple[int, int, str]] = []
    store, admin = create_demo_station(tmp_path, "police", lambda done, total, what: steps.append((done, total, what.en)))
    assert len(derived) == len(DEMO_OPERATORS) + 1
    assert [(done, total) for done, total, _ in steps] == [(n, CREATION_STEPS) for n in range(CREATION_STEPS + 1)]
    link = start_demo_hub(tmp_path, store, admin)
    try:
        assert len(derived) == len(DEMO_OPERATORS) + 1 and not admin.active
        assert store.hub.enrolled and store.config.hub_url == link.url
    finally:
        link.stop()
        store.close()


@ON_LINUX
def test_a_visitor_tries_the_demo_kiosk_in_english_with_a_demo_card(tmp_path: Path) -> None:
    """`jiujin kiosk --demo` on the demo station, as its README says: the visitor switches to
    English on the first screen, taps a demo card with F9 and reaches the services offered to
    that card; an admin leaves kiosk mode with F12 three times."""
    ensure_demo_station(tmp_path).close()
    env = terminal_env((80, 24), JIUJIN_PASSWORD="wang-demo-1")
    term = Terminal([sys.executable, "-m", "station.cli", "kiosk", "--demo", "--data-dir", str(tmp_path),
                     "--operator", "wang"], env, size=(80, 24))
    try:
        term.wait_for("请将身份证放在读卡区")
        since = term.press("enter")  # the language button has the focus
        term.wait_for("Please place your ID card on the reader", since=since)
        since = term.press("f9")
        term.wait_for("张三", since=since)
        since = term.press("enter")
        term.wait_for("Hello, 张三! Choose a service", since=since)
        since = term.press("f12", "f12", "f12")
        term.wait_for("Leave kiosk mode", since=since)
        term.press("admin", "enter", "admin-demo-1", "enter")
        assert term.close() == 0
    finally:
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            os.kill(term.pid, 9)
