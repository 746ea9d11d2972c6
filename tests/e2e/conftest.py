"""Fixtures for the end-to-end tests: a real hub process, initialised on the command line."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.sync.hubproc import HubProcess, jiujin
from tests.sync.nginxproc import certificate


def _hub_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # The hub's keys are encrypted; its processes read the passphrase from this file.
    passphrase = tmp_path / "hub-key-passphrase"
    passphrase.write_text("e2e passphrase\n")
    monkeypatch.setenv("JIUJIN_HUB_KEY_PASSPHRASE_FILE", str(passphrase))
    folder = tmp_path / "hub"
    out = jiujin("hub", "init", "--data-dir", str(folder)).stdout
    assert "hub-public-keys.json" in out and "中心公钥指纹" in out
    return folder


@pytest.fixture
def hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[HubProcess]:
    folder = _hub_folder(tmp_path, monkeypatch)
    process = HubProcess(folder, f"sqlite://{folder / 'hub.db'}").start()
    yield process
    process.stop()


@pytest.fixture
def tls_hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[HubProcess, Path]]:
    """A hub serving TLS on 127.0.0.1 with a test certificate, which the station's processes
    trust (SSL_CERT_FILE) as a station trusts the city's CA; and that certificate."""
    folder = _hub_folder(tmp_path, monkeypatch)
    cert, key = certificate(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    process = HubProcess(folder, f"sqlite://{folder / 'hub.db'}",
                         extra=("--certfile", str(cert), "--keyfile", str(key))).start()
    yield process, cert
    process.stop()


def lan_address() -> str | None:
    """This machine's address on its network (not loopback), if it has one; no packet is sent."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # TEST-NET-1: only picks the outgoing interface
        except OSError:
            return None
        address = str(probe.getsockname()[0])
    return None if address.startswith("127.") else address


@pytest.fixture
def lan_hub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[HubProcess, str]]:
    """A plain-http hub listening on every interface, and this machine's network address, so
    that a station can reach it by loopback or across the (local) network."""
    address = lan_address()
    if address is None:
        pytest.skip("this machine has no network address besides loopback")
    folder = _hub_folder(tmp_path, monkeypatch)
    process = HubProcess(folder, f"sqlite://{folder / 'hub.db'}", extra=("--host", "0.0.0.0")).start()
    yield process, address
    process.stop()
