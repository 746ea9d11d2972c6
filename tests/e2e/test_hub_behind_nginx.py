"""The hub as deployed: the shipped nginx site (TLS, streamed tus bodies) in front of two
`jiujin hub serve` processes, one of them with two workers, over one PostgreSQL. A station
enrols and pushes through nginx with the real command line; the hub's log is JSON lines
that never carry a citizen's name or ID number; the workers' metrics add up.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.e2e.helpers import CLERK, SYNC, hub_stats, make_station
from tests.sync.helpers import postgres_schema
from tests.sync.hubproc import HubProcess, jiujin
from tests.sync.nginxproc import Nginx, certificate, nginx_binary

pytestmark = pytest.mark.skipif(nginx_binary() is None,
                                reason="nginx is not installed (scripts/install-system-deps.sh installs it)")


@dataclass
class Deployment:
    hubs: list[HubProcess]
    nginx: Nginx
    cert: Path


@pytest.fixture
def deployment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Deployment]:
    passphrase = tmp_path / "hub-key-passphrase"  # as the systemd unit's EnvironmentFile names it
    passphrase.write_text("deployment passphrase\n")
    monkeypatch.setenv("JIUJIN_HUB_KEY_PASSPHRASE_FILE", str(passphrase))
    with postgres_schema() as url:
        folder = tmp_path / "hub"
        jiujin("hub", "init", "--data-dir", str(folder), "--db", url)
        hubs = [HubProcess(folder, url, extra=("--workers", "2")), HubProcess(folder, url)]
        cert, key = certificate(tmp_path)
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the station trusts the city's certificate
        proxy: Nginx | None = None
        try:
            for hub in hubs:
                hub.start()
            proxy = Nginx(tmp_path / "nginx", [h.port for h in hubs], cert, key).start()
            yield Deployment(hubs, proxy, cert)
        finally:
            if proxy is not None:
                proxy.stop()
            for hub in hubs:
                hub.stop()


def _applicants(station: Path) -> set[str]:
    """The names and ID numbers of the station's applications."""
    from station.core.models import Application
    from station.core.store import StationStore

    store = StationStore(station)
    store.login("boss", "boss-pass-1")
    try:
        return {value for a in Application.select() for value in (a.applicant_name, a.applicant_id) if value}
    finally:
        store.close()


def _events(hub: HubProcess) -> list[dict[str, object]]:
    return [json.loads(line) for line in hub.log().splitlines() if line.strip()]


def test_a_station_pushes_through_nginx_to_two_hub_processes(tmp_path: Path, deployment: Deployment) -> None:
    hubs, nginx = deployment.hubs, deployment.nginx
    station = make_station(tmp_path, hubs[0], "NG0001", nginx.url)
    jiujin("seed", "--applications", "40", "--data-dir", str(station), env=CLERK)
    pushed = json.loads(jiujin("sync", "push", "--json", "--data-dir", str(station), env=SYNC).stdout)
    assert pushed["delivered"] == 40
    jiujin("sync", "pull", "--data-dir", str(station), env=SYNC)  # acks?after=…, bundles?after=…
    stats = hub_stats(hubs[0])["NG0001"]
    assert (stats["records"], stats["applications"], stats["gaps"]) == (40, 40, [])

    events = [_events(hub) for hub in hubs]
    served = [{e["route"] for e in log if e["event"] == "request"} for log in events]
    assert all(any(str(r).startswith("/v1/") for r in routes) for routes in served), served
    ingests = [e for log in events for e in log if e["event"] == "ingest"]
    assert any(e["station"] == "NG0001" and e["outcome"] == "stored" and "latency_ms" in e for e in ingests)

    text = "".join(hub.log() for hub in hubs) + nginx.access_log()
    personal = _applicants(station)
    assert len(personal) >= 40
    assert [value for value in personal if value in text] == []
    assert "after=" not in text and "?" not in nginx.access_log()
    # each batch is created with its body (creation-with-upload), answered with its result
    # through the proxy: no request for /result follows
    assert re.search(r'"POST /v1/uploads" 201', nginx.access_log())
    assert not re.search(r'"GET /v1/uploads/[0-9a-f]{32}/result"', nginx.access_log())


def test_the_workers_metrics_add_up_by_route_template(deployment: Deployment) -> None:
    hub = deployment.hubs[0]  # two workers

    def unknown(n: int) -> int:  # a connection each, so that both workers accept some
        return httpx.get(f"{hub.url}/no/such/{n}", params={"q": n}, timeout=10).status_code

    with ThreadPoolExecutor(8) as pool:
        assert set(pool.map(unknown, range(60))) == {404}
    scrapes = [httpx.get(f"{hub.url}/metrics", timeout=10).text for _ in range(4)]
    for text in scrapes:
        count = re.search(r'jiujin_hub_http_request_duration_seconds_count\{method="GET",route="<unmatched>",'
                          r'status="404"\} (\S+)', text)
        assert count is not None and float(count.group(1)) == 60
        assert "/no/such" not in text
    pids = {e["pid"] for e in _events(hub) if e["event"] == "request" and e["route"] == "<unmatched>"}
    assert len(pids) == 2, "both workers answered, and either one's /metrics counts both"
