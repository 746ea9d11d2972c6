"""`jiujin demo --point-type`: a demo station of each kind of service point, offering what
that point offers; a folder holding another kind is refused in one line."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import pytest

from station.core.counter import Counter
from station.core.demo import DEMO_POINTS, DemoOfAnotherType, demo_folder_name, ensure_demo_station
from tests.e2e.cli import jiujin
from tests.e2e.terminal import Terminal


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


@pytest.mark.skipif(sys.platform != "linux", reason="pseudo-terminals as on the stations")
def test_the_bank_demo_opens_as_a_bank_branch(tmp_path: Path) -> None:
    env = {**os.environ, "TERM": "xterm-256color", "JIUJIN_LANG": "zh", "COLUMNS": "120", "LINES": "40",
           "XDG_DATA_HOME": str(tmp_path)}  # the platform's data folder, below which the demo goes
    env.pop("JIUJIN_DATA_DIR", None)
    term = Terminal([sys.executable, "-m", "station.cli", "demo", "--point-type", "bank"], env)
    try:
        shown = term.wait_for("演示账户")
        assert "银行网点" in shown and "GS0004" in shown
        since = term.press("wang", "tab", "wang-demo-1", "enter")
        term.wait_for("您好，王小红", since=since)
        term.press("ctrl+q")
        assert term.close() == 0
    finally:
        with contextlib.suppress(ProcessLookupError, ChildProcessError):
            os.kill(term.pid, 9)
    assert [p.parent.name for p in tmp_path.rglob("station.db")] == ["demo-bank"]
