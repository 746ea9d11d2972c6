"""The station verifies the hub over TLS, and can pin the hub certificate's SHA-256."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from sync.errors import HubUnreachable, PinMismatch
from sync.hub.store import initialise_hub
from sync.transport_http import ClientSettings, HubClient, RetryPolicy
from tests.sync.hubproc import HubProcess
from tests.sync.nginxproc import certificate

ONCE = RetryPolicy(attempts=1)


def _certificate(folder: Path) -> tuple[Path, Path, str]:
    """The test hub's certificate and key, and the certificate's SHA-256 (what a station pins)."""
    cert_path, key_path = certificate(folder)
    der = x509.load_pem_x509_certificate(cert_path.read_bytes()).public_bytes(serialization.Encoding.DER)
    return cert_path, key_path, hashlib.sha256(der).hexdigest()


@pytest.fixture(scope="module")
def tls_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[HubProcess, Path, str]]:
    folder = tmp_path_factory.mktemp("tls")
    initialise_hub(folder / "hub").close()
    cert, key, pin = _certificate(folder)
    hub = HubProcess(folder / "hub", f"sqlite://{folder / 'hub' / 'hub.db'}",
                     extra=("--certfile", str(cert), "--keyfile", str(key)))
    yield hub.start(), cert, pin
    hub.stop()


def test_the_hub_is_verified_and_its_certificate_can_be_pinned(tls_hub: tuple[HubProcess, Path, str]) -> None:
    hub, cert, pin = tls_hub
    assert hub.url.startswith("https://")
    with HubClient(ClientSettings(hub.url, verify=str(cert), pin_sha256=pin, retry=ONCE)) as client:
        assert client.health()["status"] == "ok"
    with HubClient(ClientSettings(hub.url, verify=str(cert), pin_sha256="00" * 32, retry=ONCE)) as client, \
            pytest.raises(PinMismatch):
        client.health()
    with HubClient(ClientSettings(hub.url, retry=ONCE)) as client, pytest.raises(HubUnreachable):
        client.health()  # not signed by a CA the system trusts
