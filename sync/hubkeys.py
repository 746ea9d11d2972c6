"""The hub's public key file, which every station is given at enrolment.

It holds the hub's X25519 key (batches and recovery slots are sealed to it with HPKE)
and its Ed25519 key (it signs acknowledgements and bundles). The fingerprint is what
people compare out of band.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

PUBLIC_KEYS_FILE_NAME = "hub-public-keys.json"
FORMAT = "jiujin-hub-public-keys/1"


class HubKeyFileError(ValueError):
    """The hub key file is missing, malformed or of another format."""


@dataclass(frozen=True)
class HubPublicKeys:
    """The hub's two public keys."""

    hpke_public_key: bytes  # X25519, raw 32 bytes
    signing_public_key: bytes  # Ed25519, raw 32 bytes

    def fingerprint(self) -> str:
        """SHA-256 over both keys, as 64 hex digits."""
        return hashlib.sha256(b"jiujin-hub/v1" + self.hpke_public_key + self.signing_public_key).hexdigest()

    def to_json(self) -> bytes:
        document = {
            "format": FORMAT,
            "hpke_public_key": base64.b64encode(self.hpke_public_key).decode(),
            "signing_public_key": base64.b64encode(self.signing_public_key).decode(),
            "fingerprint": self.fingerprint(),
        }
        return json.dumps(document, indent=1).encode() + b"\n"


def load_hub_public_keys(path: Path) -> HubPublicKeys:
    """Read a hub public key file; HubKeyFileError if it is not one."""
    try:
        document = json.loads(Path(path).read_bytes())
        if document.get("format") != FORMAT:
            raise ValueError("format")
        keys = HubPublicKeys(
            base64.b64decode(document["hpke_public_key"], validate=True),
            base64.b64decode(document["signing_public_key"], validate=True),
        )
        if len(keys.hpke_public_key) != 32 or len(keys.signing_public_key) != 32:
            raise ValueError("length")
        if document.get("fingerprint") not in (None, keys.fingerprint()):
            raise ValueError("fingerprint")
        return keys
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise HubKeyFileError(f"{path}: not a hub public key file ({type(exc).__name__})") from None
