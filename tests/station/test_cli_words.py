"""The command line names statuses as the screens do, in the chosen language, in aligned columns."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from kernel.width import text_width
from station.cli import main
from station.core.store import StationStore
from tests.conftest import PASSWORDS
from tests.station.ui.helpers import accepted


@pytest.mark.parametrize(("lang", "status"), [("zh", "已受理"), ("en", "Accepted")])
def test_the_applications_list_names_the_status(station_dir: Path, lang: str, status: str) -> None:
    store = StationStore(station_dir)
    accepted(store, store.login("wang", PASSWORDS["wang"]))
    store.close()
    env = {"JIUJIN_OPERATOR": "wang", "JIUJIN_PASSWORD": PASSWORDS["wang"]}
    result = CliRunner().invoke(main, ["--lang", lang, "applications", "list",
                                       "--data-dir", str(station_dir)], env=env)
    assert result.exit_code == 0, result.output
    line = next(line for line in result.stdout.splitlines() if "张三" in line)
    assert status in line and "submitted" not in line
    assert text_width(line[:line.index("医疗保险")]) == 24 + 1 + 16 + 1 + 8 + 1 + 18 + 1  # by display width


@pytest.mark.parametrize(("lang", "said"), [("zh", "已添加 qian（窗口人员）"), ("en", "Added qian (Operator)")])
def test_adding_an_operator_names_the_role(station_dir: Path, lang: str, said: str) -> None:
    env = {"JIUJIN_OPERATOR": "admin", "JIUJIN_PASSWORD": PASSWORDS["admin"], "JIUJIN_NEW_PASSWORD": "qian-pass-1"}
    result = CliRunner().invoke(main, ["--lang", lang, "operator", "add", "qian", "--role", "operator",
                                       "--display-name", "钱", "--data-dir", str(station_dir)], env=env)
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == said
