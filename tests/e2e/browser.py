"""Headless Chromium at phone size, driven over WebDriver (Debian's chromium and chromium-driver,
the same build), with script execution switched off in the page: what a citizen's phone does
with the citizens' pages, minus the camera. Screenshots land in the test artefacts folder."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from tests.conftest import REPO

WIDTH, HEIGHT = 360, 800
#: Where the screenshots are kept (CI keeps the folder as the run's artefacts).
ARTEFACTS = Path(os.environ.get("JIUJIN_TEST_ARTEFACTS", REPO / "build" / "test-artefacts"))


def chromium_paths() -> tuple[str, str] | None:
    """Debian's chromium and its chromedriver, when both are installed."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver") or ("/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists() else None)
    return (browser, driver) if browser and driver else None


@contextmanager
def phone(profile: Path, page_scripts: bool = False) -> Iterator[webdriver.Chrome]:
    """A 360 × 800 phone-sized headless Chromium, the page's scripts disabled unless asked for
    (the benchmark reads the browser's paint timing through them)."""
    paths = chromium_paths()
    assert paths, "chromium and chromium-driver are required (scripts/install-system-deps.sh dev)"
    options = webdriver.ChromeOptions()
    options.binary_location = paths[0]
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     f"--window-size={WIDTH},{HEIGHT}", f"--user-data-dir={profile}", "--lang=zh-CN",
                     "--no-first-run", "--disable-extensions", "--disable-background-networking"):
        options.add_argument(argument)
    if not page_scripts:  # the pages must work without them; WebDriver's own scripts still run
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=paths[1]))
    try:
        driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                               {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": True})
        yield driver
    finally:
        driver.quit()


def content_width(driver: webdriver.Chrome) -> float:
    """The laid-out page's width in CSS pixels (from the browser's layout, no page script)."""
    metrics: dict[str, Any] = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    return float(metrics["cssContentSize"]["width"])


def keep_screenshot(driver: webdriver.Chrome, folder: str, name: str) -> Path:
    """Save the visible 360 × 800 viewport as a PNG artefact; its path."""
    target = ARTEFACTS / folder / f"{name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    assert driver.save_screenshot(str(target)), f"no screenshot for {name}"
    return target


def wait_for(driver: webdriver.Chrome, by: str, selector: str, timeout: float = 15) -> None:
    """Wait until the page the browser navigated to shows the element (after a form's submit)."""
    WebDriverWait(driver, timeout).until(expected_conditions.presence_of_element_located((by, selector)))
