"""事项目录更新 at the station: the hub's catalog bundle (forms/bundle.py, signed with the hub's
key, carried base64 in a downstream bundle of kind `catalog`) verified and installed into the
data folder, where `services.station_catalog()` finds it.

Refused (and the installed catalog kept): a bad signature or file hash, a version older than the
installed one (or the same version with other content), an expired bundle, a catalog that does
not load.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from forms import install_bundle, installed_version, verify_bundle
from forms.errors import (
    BundleExpiredError,
    BundleRollbackError,
    BundleSignatureError,
    FormsError,
)
from station.core.services import installed_catalog_root
from station.core.store import StationStore
from sync.bundles import BundleRefused

REASONS: tuple[tuple[type[FormsError], str], ...] = (
    (BundleSignatureError, "bad_signature"), (BundleRollbackError, "rollback"), (BundleExpiredError, "expired"))


def install_catalog(store: StationStore, payload: dict[str, Any]) -> int:
    """Verify the payload's catalog bundle and install it; its version. BundleRefused (zh/en)."""
    try:
        data = base64.b64decode(str(payload["bundle"]), validate=True)
    except (KeyError, binascii.Error):
        raise BundleRefused("事项目录包格式有误", "the catalog bundle is malformed", "malformed") from None
    key = Ed25519PublicKey.from_public_bytes(store.hub.keys().signing_public_key)
    root = installed_catalog_root(store.data_dir)
    current = installed_version(root)
    try:
        bundle = verify_bundle(data, key, installed_version=current, now=store.clock())
        if bundle.version == current and (root / "_bundle.json").read_bytes() != bundle.manifest:
            raise BundleRollbackError(f"version {current} is installed with other content",
                                      zh=f"已安装的目录版本 {current} 内容不同")
        if bundle.version != current:
            install_bundle(bundle, root)
    except FormsError as error:
        reason = next((r for kind, r in REASONS if isinstance(error, kind)), "malformed")
        raise BundleRefused(f"事项目录包被拒绝：{error.message_zh}", f"the catalog bundle was refused: {error.message_en}",
                            reason) from None
    return bundle.version


__all__ = ["install_catalog"]
