"""Signed catalog bundles: round trip, tampering, rollback, expiry, canonical bytes."""

from __future__ import annotations

import base64
import io
import tarfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from forms.bundle import (
    build_bundle,
    install_bundle,
    installed_version,
    read_members,
    verify_bundle,
)
from forms.errors import (
    BundleExpiredError,
    BundleFormatError,
    BundleRollbackError,
    BundleSignatureError,
)
from tests.forms.helpers import engine_item_data, new_catalog, write_item

NOW = datetime(2024, 6, 1, tzinfo=UTC)
KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))


@pytest.fixture
def root(tmp_path: Path) -> Path:
    catalog = new_catalog(tmp_path / "catalog")
    write_item(catalog, engine_item_data(), "item")
    return catalog


def bundle(root: Path, version: int = 5, days: int = 30) -> bytes:
    return build_bundle(root, version, NOW + timedelta(days=days), KEY, created=NOW)


def rebuild(data: bytes, change: dict[str, bytes]) -> bytes:
    """The same archive with some members' bytes replaced (or added)."""
    members = read_members(data) | change
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for name, content in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(content)
            archive.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


def test_round_trip_and_install(root: Path, tmp_path: Path) -> None:
    data = bundle(root)
    verified = verify_bundle(data, KEY.public_key(), installed_version=4, now=NOW)
    assert verified.version == 5 and "civil-affairs/item.toml" in verified.files
    target = tmp_path / "installed"
    catalog = install_bundle(verified, target)
    assert catalog.codes() == ["HZ-MZ-900"]
    assert installed_version(target) == 5


def test_bundles_are_canonical(root: Path) -> None:
    assert bundle(root) == bundle(root)


def test_tampered_file_is_refused(root: Path) -> None:
    data = bundle(root)
    original = read_members(data)["catalog/civil-affairs/item.toml"]
    tampered = rebuild(data, {"catalog/civil-affairs/item.toml": original.replace(
        "测试救助申请".encode(), "篡改".encode())})
    with pytest.raises(BundleSignatureError):
        verify_bundle(tampered, KEY.public_key(), now=NOW)


def test_added_file_is_refused(root: Path) -> None:
    data = rebuild(bundle(root), {"catalog/police/extra.toml": b"format = 1\n"})
    with pytest.raises(BundleSignatureError):
        verify_bundle(data, KEY.public_key(), now=NOW)


def test_tampered_manifest_is_refused(root: Path) -> None:
    data = bundle(root)
    manifest = read_members(data)["manifest.json"].replace(b'"version":5', b'"version":9')
    with pytest.raises(BundleSignatureError):
        verify_bundle(rebuild(data, {"manifest.json": manifest}), KEY.public_key(), now=NOW)


def test_other_key_is_refused(root: Path) -> None:
    other = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(BundleSignatureError):
        verify_bundle(bundle(root), other, now=NOW)


def test_garbage_signature_is_refused(root: Path) -> None:
    data = rebuild(bundle(root), {"manifest.sig": base64.b64encode(b"x" * 64)})
    with pytest.raises(BundleSignatureError):
        verify_bundle(data, KEY.public_key(), now=NOW)


def test_rollback_is_refused_and_same_version_accepted(root: Path) -> None:
    with pytest.raises(BundleRollbackError) as caught:
        verify_bundle(bundle(root, version=3), KEY.public_key(), installed_version=4, now=NOW)
    assert "低于" in caught.value.message_zh
    assert verify_bundle(bundle(root, version=4), KEY.public_key(), installed_version=4,
                         now=NOW).version == 4


def test_expired_bundle_is_refused(root: Path) -> None:
    data = bundle(root, days=1)
    with pytest.raises(BundleExpiredError):
        verify_bundle(data, KEY.public_key(), now=NOW + timedelta(days=2))


@pytest.mark.parametrize("data", [b"", b"not a tar at all" * 100])
def test_garbage_is_refused(data: bytes) -> None:
    with pytest.raises(BundleFormatError):
        verify_bundle(data, KEY.public_key(), now=NOW)


def test_path_traversal_member_is_refused(root: Path) -> None:
    data = rebuild(bundle(root), {"../evil.toml": b"x"})
    with pytest.raises(BundleFormatError):
        verify_bundle(data, KEY.public_key(), now=NOW)
