"""Shared helpers for the end-to-end tests against a real hub process: the operators'
environments, a station initialised (and enrolled) on the real command line, the hub's stats,
and a hub folder with one station enrolled in process, for the tus tests."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from sync.hub.store import initialise_hub
from sync.hubkeys import load_hub_public_keys
from tests.sync.helpers import STATION, enrol_key, sealed_batch
from tests.sync.hubproc import HubProcess, jiujin

ADMIN = {"JIUJIN_OPERATOR": "boss", "JIUJIN_PASSWORD": "boss-pass-1"}
SYNC = {"JIUJIN_OPERATOR": "zhou", "JIUJIN_PASSWORD": "zhou-pass-1"}
CLERK = {"JIUJIN_OPERATOR": "clerk", "JIUJIN_PASSWORD": "clerk-pass-1"}


def token(hub: HubProcess, code: str) -> str:
    out = jiujin("hub", "station", "add", "--code", code, "--json", "--data-dir", str(hub.folder)).stdout
    return str(json.loads(out)["token"])


def make_station(tmp_path: Path, hub: HubProcess, code: str, url: str | None = None,
                 enrol: bool = True) -> Path:
    folder = tmp_path / code
    args = ["init", "--data-dir", str(folder), "--station-code", code, "--station-name", "测试站",
            "--point-type", "village", "--district", "330127", "--admin", "boss",
            "--hub-key", str(hub.folder / "hub-public-keys.json")]
    if url is not None:
        args += ["--hub-url", url]
    if enrol:
        args += ["--enroll-token", token(hub, code)]
    out = jiujin(*args, env={"JIUJIN_PASSWORD": "boss-pass-1"}).stdout
    fingerprint = load_hub_public_keys(hub.folder / "hub-public-keys.json").fingerprint()
    assert fingerprint[:4] in out and ("站点公钥指纹" in out or not enrol)
    for name, role in (("zhou", "sync_operator"), ("clerk", "operator")):
        jiujin("operator", "add", name, "--role", role, "--display-name", name, "--data-dir", str(folder),
               env={**ADMIN, "JIUJIN_NEW_PASSWORD": f"{name}-pass-1"})
    return folder


def hub_stats(hub: HubProcess) -> dict[str, dict[str, object]]:
    report = json.loads(jiujin("hub", "stats", "--json", "--data-dir", str(hub.folder)).stdout)
    return {s["code"]: s for s in report["stations"]}


TUS = {"Tus-Resumable": "1.0.0"}


@dataclass
class Enrolled:
    """A hub folder with one enrolled station, and a sealed batch of three records from it."""

    folder: Path
    credential: str
    batch: bytes


def enrolled_hub(folder: Path) -> Enrolled:
    store = initialise_hub(folder, f"sqlite://{folder / 'hub.db'}")
    key = Ed25519PrivateKey.generate()
    secret = enrol_key(store, STATION, store.add_station(STATION, "测试站"), key).credential
    store.close()
    hub_keys = load_hub_public_keys(folder / "hub-public-keys.json")
    return Enrolled(folder, f"{STATION}.{secret}", sealed_batch(key, hub_keys, 1, 3))
