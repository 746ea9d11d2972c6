"""The hub's catalog bundle (事项目录更新): verified with the hub's key and installed in the data
folder, after which the counter offers its new item; a rolled-back, expired or tampered one is
refused and the installed catalog stays."""

from __future__ import annotations

import base64
import io
import tarfile
from datetime import timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from forms import installed_version
from forms.bundle import build_bundle, catalog_files, read_members
from forms.loader.files import PACKAGED_CATALOG
from station.core.counter import Counter
from station.core.services import installed_catalog_root, station_catalog
from station.core.store import StationStore
from tests.conftest import FakeClock, Sessions
from tests.station.core.reconcile_helpers import Hub

SOURCE = "disabled-persons/disability-certificate-first.toml"


def _catalog_with(root: Path, *codes: str) -> Path:
    """The packaged catalog plus a copy of one item under each new code."""
    for name, data in catalog_files(PACKAGED_CATALOG).items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    text = (PACKAGED_CATALOG / SOURCE).read_text("utf-8")
    for code in codes:
        new = text.replace('code = "HZ-CL-101"', f'code = "{code}"').replace(
            'name = "残疾人证新办"', f'name = "残疾人证新办（试点 {code}）"')
        (root / "disabled-persons" / f"{code.lower()}.toml").write_text(new, "utf-8")
    return root


def _bundle(hub: Hub, root: Path, version: int, clock: FakeClock, days: int = 30,
            key: Ed25519PrivateKey | None = None) -> dict[str, str]:
    data = build_bundle(root, version, clock() + timedelta(days=days), key or hub.hub.keys.signing,
                        created=clock() - timedelta(days=1))
    return {"bundle": base64.b64encode(data).decode()}


def _offered(store: StationStore) -> set[str]:
    return {item.code for item in Counter(store).services()}


def _tampered(payload: dict[str, str]) -> dict[str, str]:
    members = read_members(base64.b64decode(payload["bundle"]))
    name = "catalog/" + SOURCE
    members[name] = members[name].replace("残疾人证新办".encode(), "残疾人证新办理".encode())
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for member, content in members.items():
            info = tarfile.TarInfo(member)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return {"bundle": base64.b64encode(buffer.getvalue()).decode()}


def test_a_catalog_bundle_with_a_new_item_makes_it_offered(
        tmp_path: Path, store: StationStore, sessions: Sessions, clock: FakeClock, hub: Hub) -> None:
    assert "HZ-CL-901" not in _offered(store)
    one = _bundle(hub, _catalog_with(tmp_path / "v1", "HZ-CL-901"), 1, clock)
    assert hub.send("catalog", one)["applied"]
    assert installed_version(installed_catalog_root(store.data_dir)) == 1
    assert "HZ-CL-901" in _offered(store) and "HZ-CL-101" in _offered(store)
    assert hub.send("catalog", one)["applied"]  # the same catalog again, in a newer envelope: a no-op
    assert installed_version(installed_catalog_root(store.data_dir)) == 1


def test_rolled_back_expired_or_tampered_catalog_bundles_are_refused(
        tmp_path: Path, store: StationStore, sessions: Sessions, clock: FakeClock, hub: Hub) -> None:
    one = _bundle(hub, _catalog_with(tmp_path / "v1", "HZ-CL-901"), 1, clock)
    assert hub.send("catalog", _bundle(hub, _catalog_with(tmp_path / "v2", "HZ-CL-902"), 2, clock))["applied"]
    installed = station_catalog()
    attempts = {
        "rollback": one,
        "expired": _bundle(hub, _catalog_with(tmp_path / "v3", "HZ-CL-903"), 3, clock, days=-1),
        "bad_signature": _tampered(_bundle(hub, _catalog_with(tmp_path / "v4", "HZ-CL-904"), 4, clock)),
    }
    for reason, payload in attempts.items():
        report = hub.send("catalog", payload)
        assert report["applied"] == [] and report["refused"][-1]["reason"] == reason, report
        assert "事项目录包被拒绝" in report["refused"][-1]["message_zh"]
    stranger = _bundle(hub, _catalog_with(tmp_path / "v5", "HZ-CL-905"), 5, clock, key=Ed25519PrivateKey.generate())
    assert hub.send("catalog", stranger)["refused"][-1]["reason"] == "bad_signature"
    assert installed_version(installed_catalog_root(store.data_dir)) == 2
    assert station_catalog() is installed
    offered = _offered(store)
    assert "HZ-CL-902" in offered and not offered & {"HZ-CL-901", "HZ-CL-903", "HZ-CL-904", "HZ-CL-905"}
