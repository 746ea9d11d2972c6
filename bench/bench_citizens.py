"""The citizens' page (issue 19): page weight and time to first render at phone size, each
beside the static help page the same hub process serves (`/c/help`, read from a file).

1. Bytes a phone downloads for a case's page (HTML with its inline style; no script, no
   images, nothing else to fetch) against the static page.
2. Time to first render: headless Chromium at 360 × 800 loads each page, and the browser's
   own paint timing (first-contentful-paint) is read; medians of alternating loads.
3. Time to first byte over loopback HTTP (the server's share: token check, records, steps).
"""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

import httpx

from bench._harness import Figure, write_results
from station.core import documents
from station.core.config import StationConfig
from station.core.roles import Role
from station.core.seed import seed_applications
from station.core.services import service_choices
from station.core.store import StationStore
from station.core.sync_service import SyncService
from sync.hub.store import initialise_hub
from sync.hubkeys import load_hub_public_keys
from tests.e2e.browser import chromium_paths
from tests.sync.hubproc import HubProcess

LOADS = 15
CONFIG = StationConfig(code="BN0019", name="基准测试社区便民服务中心", point_type="community", district="330106")
ADMIN, SYNC, CLERK = ("admin", "admin-bench-1"), ("zhao", "zhao-bench-1"), ("wang", "wang-bench-1")
#: One TCP round trip at the usual initial window (10 segments of 1460 bytes): a page this
#: small arrives whole before the phone asks for anything else.
ONE_ROUND_TRIP = 14_600


def _case_link(tmp: Path) -> tuple[HubProcess, str]:
    """A hub process holding 200 applications of one station; the link of one receipt's QR code."""
    hub_store = initialise_hub(tmp / "hub")
    token = hub_store.add_station(CONFIG.code, CONFIG.name)
    hub_store.close()
    hub = HubProcess(tmp / "hub", f"sqlite://{tmp / 'hub' / 'hub.db'}").start()
    store = StationStore.initialise(tmp / "station", CONFIG, ADMIN[0], "管理员", ADMIN[1])
    admin = store.login(*ADMIN)
    store.operators.add(admin, SYNC[0], "同步", Role.SYNC_OPERATOR, SYNC[1])
    store.operators.add(admin, CLERK[0], "柜员", Role.OPERATOR, CLERK[1])
    clerk = store.login(*CLERK)
    seed_applications(clerk, service_choices(CONFIG.point_type), 200, days=3)
    store.hub.configure(admin, load_hub_public_keys(hub.folder / "hub-public-keys.json"))
    store.hub.enrol(admin, token, hub.url)
    SyncService(store).push(store.login(*SYNC))
    number = str(store.applications.list(clerk, limit=1)[0].receipt_number)
    link = documents.receipt_data(store, clerk, number).qr_payload
    store.close()
    return hub, link


def _weights(link: str, static: str) -> tuple[int, int]:
    case, help_page = httpx.get(link, timeout=10), httpx.get(static, timeout=10)
    assert case.status_code == help_page.status_code == 200 and "办件进度" in case.text
    return len(case.content), len(help_page.content)


def _first_bytes(link: str, static: str) -> tuple[float, float]:
    samples: dict[str, list[float]] = {link: [], static: []}
    with httpx.Client(timeout=10) as client:
        for _ in range(LOADS):
            for url in (link, static):
                started = time.perf_counter()
                with client.stream("GET", url) as answer:
                    next(answer.iter_raw())
                    samples[url].append(time.perf_counter() - started)
    return statistics.median(samples[link]), statistics.median(samples[static])


def _first_paints(link: str, static: str, profile: Path) -> tuple[float, float] | None:
    """Median first-contentful-paint (ms) of each page in headless Chromium at 360 × 800."""
    if chromium_paths() is None:
        return None
    from selenium.webdriver.support.wait import WebDriverWait

    from tests.e2e.browser import phone

    samples: dict[str, list[float]] = {link: [], static: []}
    with phone(profile, page_scripts=True) as driver:
        for _ in range(LOADS):
            for url in (link, static):
                driver.get(url)
                # the paint entry is recorded once the frame is presented, just after the load
                paint = WebDriverWait(driver, 10).until(lambda d: d.execute_script(
                    "const p = performance.getEntriesByName('first-contentful-paint')[0];"
                    " return p ? p.startTime : null;"))
                samples[url].append(float(paint))
    return statistics.median(samples[link]), statistics.median(samples[static])


def main() -> list[Figure]:
    with tempfile.TemporaryDirectory(prefix="jiujin-bench-citizens-") as name:
        tmp = Path(name)
        hub, link = _case_link(tmp)
        static = f"{hub.url}/c/help"
        try:
            case_bytes, static_bytes = _weights(link, static)
            case_ttfb, static_ttfb = _first_bytes(link, static)
            paints = _first_paints(link, static, tmp / "profile")
        finally:
            hub.stop()
    figures = [
        Figure("case page weight (HTML with inline style; no script, images or other requests)", case_bytes, "B",
               baseline=static_bytes, baseline_name="static help page, same hub process",
               target=f"≤ {ONE_ROUND_TRIP} B (one round trip at the initial TCP window)",
               passed=case_bytes <= ONE_ROUND_TRIP),
        Figure("case page time to first byte over loopback (median)", case_ttfb * 1000, "ms",
               baseline=static_ttfb * 1000, baseline_name="static help page, same hub process",
               notes={"loads": LOADS}),
    ]
    if paints is None:
        figures.append(Figure("case page time to first render, Chromium 360×800", 0.0, "ms",
                              target="≤ 1.5× the static page", passed=None,
                              notes={"why": "chromium and chromium-driver are not installed"}))
    else:
        figures.append(Figure("case page time to first render, Chromium 360×800 (first-contentful-paint, median)",
                              paints[0], "ms", baseline=paints[1], baseline_name="static help page, same hub process",
                              target="≤ 1.5× the static page", passed=paints[0] <= 1.5 * paints[1],
                              notes={"loads": LOADS}))
    write_results("citizens", figures)
    return figures


if __name__ == "__main__":
    main()
