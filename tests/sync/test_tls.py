"""The station verifies the hub over TLS, and can pin the hub certificate's SHA-256."""

from __future__ import annotations

import datetime
import hashlib
import ipaddress
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from sync.errors import HubUnreachable, PinMismatch
from sync.hub.store import initialise_hub
from sync.transport_http import ClientSettings, HubClient, RetryPolicy
from tests.sync.hubproc import HubProcess

ONCE = RetryPolicy(attempts=1)


def _certificate(folder: Path) -> tuple[Path, Path, str]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "jiujin test hub")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "hub.crt", folder / "hub.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path, hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


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
