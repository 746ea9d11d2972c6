"""A citizen on a phone, in a real browser: the link decoded from a printed receipt opens the
case, the citizen rates it badly, the hub operator answers on the command line, and the reply
is on the page. Headless Chromium at 360 × 800 with the page's scripts disabled; a screenshot
of each step is kept in build/test-artefacts/citizens/."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from selenium.webdriver.common.by import By

from station.core.store import StationStore
from sync.hub.serve import LocalHub, start_local_hub
from tests.conftest import FakeClock, Sessions
from tests.e2e.browser import HEIGHT, WIDTH, content_width, keep_screenshot, phone, wait_for
from tests.reports.helpers import ID_NUMBER
from tests.sync.citizens_helpers import synced_case
from tests.sync.hubproc import jiujin


@pytest.fixture
def local_hub(tmp_path: Path) -> Iterator[LocalHub]:
    hub = start_local_hub(tmp_path / "hub")
    yield hub
    hub.stop()


def _text(driver: object) -> str:
    return str(driver.find_element(By.TAG_NAME, "body").text)  # type: ignore[attr-defined]


def _shot(driver: object, name: str) -> None:
    path = keep_screenshot(driver, "citizens", name)  # type: ignore[arg-type]
    with Image.open(path) as image:
        assert image.size == (WIDTH, HEIGHT)


def test_scan_link_status_rating_and_the_reply_on_a_phone(
        store: StationStore, sessions: Sessions, clock: FakeClock, local_hub: LocalHub, tmp_path: Path) -> None:
    case = synced_case(store, sessions, clock, local_hub, tmp_path / "receipt")
    with phone(tmp_path / "profile") as driver:
        driver.get(case.link)
        status = _text(driver)
        assert "办件进度" in status and case.receipt_number in status and "浙江省居住证申领" in status
        assert "受理" in status and "转办" in status and "2026-12-10" in status and "张*" in status
        assert ID_NUMBER[-4:] not in status and "张三" not in status
        assert content_width(driver) <= WIDTH  # nothing wider than the phone: no sideways scrolling
        _shot(driver, "01-status")

        driver.find_element(By.CSS_SELECTOR, "input[name=level][value='2']").click()
        driver.find_element(By.CSS_SELECTOR, "input[name=reason][value='efficiency']").click()
        driver.find_element(By.NAME, "text").send_keys("排队时间太长")
        driver.find_element(By.CSS_SELECTOR, "#rate button[type=submit]").click()
        wait_for(driver, By.ID, "rating")
        rated = _text(driver)
        assert "您的评价：不满意" in rated and "办事效率" in rated and "排队时间太长" in rated
        assert "将于" in rated and "提交评价" not in rated
        _shot(driver, "02-rated")

        hub_dir = ["--data-dir", str(local_hub.folder)]
        (follow,) = json.loads(jiujin("hub", "followups", "--open", "--json", *hub_dir).stdout)["followups"]
        assert (follow["application_id"], follow["level"]) == (case.application_id, 2)
        jiujin("hub", "followup-reply", str(follow["id"]), "--text", "已增开窗口，高峰期等候缩短到十分钟内",
               *hub_dir, env={"JIUJIN_OPERATOR": "hub-ops"})
        driver.refresh()
        replied = _text(driver)
        assert "整改答复" in replied and "已增开窗口，高峰期等候缩短到十分钟内" in replied
        driver.find_element(By.ID, "reply").location_once_scrolled_into_view  # noqa: B018 — scrolls for the shot
        _shot(driver, "03-reply")

        driver.find_element(By.LINK_TEXT, "English").click()
        wait_for(driver, By.CSS_SELECTOR, "html[lang=en]")
        english = _text(driver)
        assert "Case progress" in english and "Our reply" in english and "Dissatisfied" in english
        _shot(driver, "04-english")


def test_lookup_by_receipt_number_on_a_phone(
        store: StationStore, sessions: Sessions, clock: FakeClock, local_hub: LocalHub, tmp_path: Path) -> None:
    case = synced_case(store, sessions, clock, local_hub, tmp_path / "receipt")
    with phone(tmp_path / "profile") as driver:
        driver.get(f"{local_hub.url}/c")
        driver.find_element(By.NAME, "receipt").send_keys(case.receipt_number)
        driver.find_element(By.NAME, "tail").send_keys("1234")
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait_for(driver, By.CSS_SELECTOR, ".err")
        assert "没有找到匹配的办件" in _text(driver)
        _shot(driver, "05-lookup-no-match")
        driver.find_element(By.NAME, "tail").clear()
        driver.find_element(By.NAME, "tail").send_keys(case.id_tail)
        driver.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
        wait_for(driver, By.ID, "rate")
        assert "浙江省居住证申领" in _text(driver) and "/c/JJH1:" in driver.current_url
        assert content_width(driver) <= WIDTH
        _shot(driver, "06-lookup-found")
