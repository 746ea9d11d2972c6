"""How a station reaches its hub, on the real command line against real hub processes: a plain
http:// hub on another machine is refused (at `sync enrol --hub-url`, and when `station.toml`
was edited to one) unless explicitly allowed, and a pinned TLS certificate that does not match
stops the connection before anything is sent."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import tomllib
from pathlib import Path

import tomli_w
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from tests.e2e.helpers import ADMIN, CLERK, SYNC, hub_stats, make_station, token
from tests.sync.hubproc import HubProcess, jiujin
from tests.sync.nginxproc import certificate


def one_line(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and all(text in lines[0] for text in expected), result.stderr


def edit_hub_table(station: Path, **changes: object) -> None:
    """What an admin's text editor does to `[hub]` in station.toml."""
    path = station / "station.toml"
    document = tomllib.loads(path.read_text("utf-8"))
    document["hub"].update(changes)
    path.write_text(tomli_w.dumps(document), "utf-8")


def hub_table(station: Path) -> dict[str, object]:
    return dict(tomllib.loads((station / "station.toml").read_text("utf-8"))["hub"])


def pin_of(cert: Path) -> str:
    """The certificate's public-key pin, worked out here as an operator's openssl would."""
    spki = x509.load_pem_x509_certificate(cert.read_bytes()).public_key().public_bytes(
        Encoding.DER, PublicFormat.SubjectPublicKeyInfo)
    return "sha256/" + base64.b64encode(hashlib.sha256(spki).digest()).decode()


def records_at_hub(hub: HubProcess, code: str) -> object:
    return hub_stats(hub).get(code, {}).get("records", 0)


# -- plain http outside loopback ----------------------------------------------------------------

def test_sync_enrol_refuses_a_plain_http_hub_on_the_network_unless_allowed(
        tmp_path: Path, lan_hub: tuple[HubProcess, str]) -> None:
    hub, address = lan_hub
    station = make_station(tmp_path, hub, "CP0001", url=None, enrol=False)
    insecure = f"http://{address}:{hub.port}"
    one_time = token(hub, "CP0001")
    enrol = ["sync", "enrol", "--token", one_time, "--hub-url", insecure, "--data-dir", str(station)]
    one_line(jiujin(*enrol, env=ADMIN, check=False), "未加密", "--allow-insecure-hub")
    one_line(jiujin("--lang", "en", *enrol, env=ADMIN, check=False), "plain http://", "--allow-insecure-hub")
    assert hub_table(station)["url"] == ""  # nothing kept
    allowed = jiujin(*enrol, "--allow-insecure-hub", env=ADMIN)  # the same one-time token: never sent before
    assert "已注册到市级中心" in allowed.stdout and "warning" in allowed.stderr
    assert hub_table(station) == {**hub_table(station), "url": insecure, "allow_insecure": True}


def test_a_plain_http_hub_edited_into_station_toml_is_refused_until_allowed_there(
        tmp_path: Path, lan_hub: tuple[HubProcess, str]) -> None:
    hub, address = lan_hub
    station = make_station(tmp_path, hub, "CP0002", url=f"http://127.0.0.1:{hub.port}")
    jiujin("seed", "--applications", "3", "--data-dir", str(station), env=CLERK)
    edit_hub_table(station, url=f"http://{address}:{hub.port}")
    push = ["sync", "push", "--json", "--data-dir", str(station)]
    one_line(jiujin(*push, env=SYNC, check=False), "未加密", "allow_insecure = true")
    one_line(jiujin("--lang", "en", *push, env=SYNC, check=False), "nothing was sent", "allow_insecure = true")
    assert records_at_hub(hub, "CP0002") == 0
    edit_hub_table(station, allow_insecure=True)
    pushed = jiujin(*push, env=SYNC)
    assert json.loads(pushed.stdout)["delivered"] == 3
    assert "plain http://" in pushed.stderr  # the warning, in the log
    assert records_at_hub(hub, "CP0002") == 3


# -- certificate pinning ------------------------------------------------------------------------

def test_a_pinned_hub_certificate_is_checked_before_anything_is_sent(
        tmp_path: Path, tls_hub: tuple[HubProcess, Path]) -> None:
    hub, cert = tls_hub
    impostor = tmp_path / "impostor"  # another certificate the station's system would trust too
    impostor.mkdir()
    other_cert, _key = certificate(impostor)
    wrong, right = pin_of(other_cert), pin_of(cert)
    assert wrong != right
    station = make_station(tmp_path, hub, "CT0001", url=None, enrol=False)
    one_time = token(hub, "CT0001")
    enrol = ["sync", "enrol", "--token", one_time, "--hub-url", hub.url, "--data-dir", str(station)]
    one_line(jiujin(*enrol, "--hub-tls-pin", wrong, env=ADMIN, check=False), "中心证书与预置指纹不符")
    one_line(jiujin("--lang", "en", *enrol, "--hub-tls-pin", wrong, env=ADMIN, check=False),
             "does not match the pinned")
    enrolled = jiujin(*enrol, "--hub-tls-pin", right, env=ADMIN)  # the token was never sent
    assert "已注册到市级中心" in enrolled.stdout and hub_table(station)["tls_pin"] == right

    jiujin("seed", "--applications", "2", "--data-dir", str(station), env=CLERK)
    edit_hub_table(station, tls_pin=wrong)  # as if the city's certificate were swapped by someone else
    one_line(jiujin("sync", "push", "--data-dir", str(station), env=SYNC, check=False), "中心证书与预置指纹不符")
    assert records_at_hub(hub, "CT0001") == 0
    edit_hub_table(station, tls_pin=right)
    assert json.loads(jiujin("sync", "push", "--json", "--data-dir", str(station), env=SYNC).stdout)["delivered"] == 2


def test_init_takes_a_tls_pin_and_refuses_a_malformed_one(tmp_path: Path, tls_hub: tuple[HubProcess, Path]) -> None:
    hub, cert = tls_hub
    init = ["init", "--station-code", "CT0002", "--station-name", "测试站", "--point-type", "village",
            "--district", "330127", "--admin", "boss", "--hub-key", str(hub.folder / "hub-public-keys.json"),
            "--hub-url", hub.url]
    bad = jiujin(*init, "--data-dir", str(tmp_path / "bad"), "--hub-tls-pin", "sha256/not-a-pin",
                 env={"JIUJIN_PASSWORD": "boss-pass-1"}, check=False)
    one_line(bad, "hub.tls_pin")
    assert not (tmp_path / "bad").exists()
    jiujin(*init, "--data-dir", str(tmp_path / "good"), "--hub-tls-pin", pin_of(cert),
           "--enroll-token", token(hub, "CT0002"), env={"JIUJIN_PASSWORD": "boss-pass-1"})
    assert hub_table(tmp_path / "good")["tls_pin"] == pin_of(cert)
