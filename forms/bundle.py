"""Signed catalog bundles: a canonical tar of the catalog, a manifest and an Ed25519 signature.

Layout (POSIX ustar, members in this order, mtime 0, owner 0, mode 0644):

    manifest.json     canonical JSON: format, kind, version, created, expires, files
                      (relative path -> SHA-256), catalog_format
    manifest.sig      base64 Ed25519 signature over the exact manifest.json bytes
    catalog/<path>    every catalog file named in the manifest, sorted by path

Verification refuses a bad signature or hash, a version older than the installed one and
an expired bundle, as TUF does for metadata (DESIGN.md decision 8).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import tarfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from forms.collection import Catalog, load_catalog
from forms.errors import (
    BundleExpiredError,
    BundleFormatError,
    BundleRollbackError,
    BundleSignatureError,
)
from forms.vocab import FORMAT_VERSION
from kernel.canonical import canonical_json

BUNDLE_FORMAT = "jiujin-catalog-bundle/1"
MANIFEST, SIGNATURE, PREFIX = "manifest.json", "manifest.sig", "catalog/"
INSTALLED_MANIFEST = "_bundle.json"
MAX_FILES, MAX_BYTES = 5000, 50 * 1024 * 1024


@dataclass(frozen=True)
class CatalogBundle:
    """A verified bundle: its version, dates and the catalog files' bytes."""

    version: int
    created: datetime
    expires: datetime
    files: dict[str, bytes]
    manifest: bytes


def catalog_files(root: Path) -> dict[str, bytes]:
    """Every `.toml` file below `root` by its POSIX relative path."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*.toml")) if p.is_file()}


def build_bundle(root: Path, version: int, expires: datetime, key: Ed25519PrivateKey,
                 created: datetime | None = None) -> bytes:
    """Sign the catalog at `root` (validated first) into bundle bytes."""
    load_catalog(root)
    files = catalog_files(root)
    manifest = canonical_json({
        "format": BUNDLE_FORMAT, "kind": "catalog", "version": version,
        "catalog_format": FORMAT_VERSION,
        "created": _iso(created or datetime.now(UTC)), "expires": _iso(expires),
        "files": {name: hashlib.sha256(data).hexdigest() for name, data in files.items()},
    })
    members = [(MANIFEST, manifest), (SIGNATURE, base64.b64encode(key.sign(manifest)))]
    members += [(PREFIX + name, data) for name, data in files.items()]
    return _tar(members)


def _iso(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("bundle times must be timezone-aware")
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _tar(members: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o644, 0
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def read_members(data: bytes) -> dict[str, bytes]:
    """The regular-file members of a bundle; refuse anything unusual."""
    if len(data) > MAX_BYTES:
        raise BundleFormatError("bundle too large", zh="目录包过大")
    members: dict[str, bytes] = {}
    try:
        with tarfile.open(fileobj=io.BytesIO(data), mode="r:") as archive:
            for info in archive:
                _check_member(info, members)
                extracted = archive.extractfile(info)
                assert extracted is not None
                members[info.name] = extracted.read()
    except (tarfile.TarError, EOFError) as exc:
        raise BundleFormatError(f"not a bundle: {exc}", zh="不是有效的目录包") from exc
    return members


def _check_member(info: tarfile.TarInfo, seen: dict[str, bytes]) -> None:
    name = info.name
    unsafe = name.startswith("/") or ".." in name.split("/") or "\\" in name
    if not info.isfile() or unsafe or name in seen or len(seen) >= MAX_FILES:
        raise BundleFormatError(f"refused member {name!r}", zh=f"目录包含非法条目 {name}")


def verify_bundle(data: bytes, public_key: Ed25519PublicKey, installed_version: int | None = None,
                  now: datetime | None = None) -> CatalogBundle:
    """Check signature, hashes, version and expiry; return the bundle or raise `BundleError`."""
    members = read_members(data)
    manifest_bytes, signature = members.pop(MANIFEST, None), members.pop(SIGNATURE, None)
    if manifest_bytes is None or signature is None:
        raise BundleFormatError("manifest or signature missing", zh="目录包缺少清单或签名")
    try:
        public_key.verify(base64.b64decode(signature, validate=True), manifest_bytes)
    except (InvalidSignature, ValueError) as exc:
        raise BundleSignatureError("bad signature", zh="目录包签名无效") from exc
    manifest = _manifest(manifest_bytes)
    files = _checked_files(manifest, members)
    version, expires = manifest["version"], datetime.fromisoformat(manifest["expires"])
    if installed_version is not None and version < installed_version:
        raise BundleRollbackError(f"version {version} is older than installed "
                                  f"{installed_version}", zh=f"目录包版本 {version} 低于已安装的 "
                                                             f"{installed_version}")
    if expires <= (now or datetime.now(UTC)):
        raise BundleExpiredError(f"expired at {manifest['expires']}",
                                 zh=f"目录包已于 {manifest['expires']} 过期")
    return CatalogBundle(version, datetime.fromisoformat(manifest["created"]), expires, files,
                         manifest_bytes)


def _manifest(raw: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(raw)
        valid = (manifest["format"] == BUNDLE_FORMAT and isinstance(manifest["version"], int)
                 and isinstance(manifest["files"], dict))
        datetime.fromisoformat(manifest["expires"])
    except (ValueError, KeyError, TypeError) as exc:
        raise BundleFormatError(f"bad manifest: {exc}", zh="目录包清单格式错误") from exc
    if not valid:
        raise BundleFormatError("bad manifest", zh="目录包清单格式错误")
    return dict(manifest)


def _checked_files(manifest: dict[str, Any], members: dict[str, bytes]) -> dict[str, bytes]:
    files = {name[len(PREFIX):]: data for name, data in members.items()
             if name.startswith(PREFIX)}
    if len(files) != len(members) or set(files) != set(manifest["files"]):
        raise BundleSignatureError("files differ from the signed manifest",
                                   zh="目录包文件与签名清单不一致")
    for name, data in files.items():
        if hashlib.sha256(data).hexdigest() != manifest["files"][name]:
            raise BundleSignatureError(f"hash mismatch for {name}", zh=f"文件 {name} 校验失败")
    return files


def installed_version(target: Path) -> int | None:
    """The version of the bundle installed at `target`, None when there is none."""
    path = target / INSTALLED_MANIFEST
    if not path.is_file():
        return None
    return int(json.loads(path.read_bytes())["version"])


def install_bundle(bundle: CatalogBundle, target: Path) -> Catalog:
    """Write a verified bundle to `target`, replacing the old catalog only if the new one loads."""
    staging = target.with_name(target.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    for name, data in bundle.files.items():
        path = staging / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    (staging / INSTALLED_MANIFEST).write_bytes(bundle.manifest)
    load_catalog(staging)
    retired = target.with_name(target.name + ".old")
    shutil.rmtree(retired, ignore_errors=True)
    if target.exists():
        target.rename(retired)
    staging.rename(target)
    shutil.rmtree(retired, ignore_errors=True)
    return load_catalog(target)
