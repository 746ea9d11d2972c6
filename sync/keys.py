"""Station key fingerprints, and the grouped form people compare out of band."""

from __future__ import annotations

import hashlib


def station_fingerprint(public_key: bytes) -> str:
    """SHA-256 over a station's raw Ed25519 public key, as 64 hex digits."""
    return hashlib.sha256(b"jiujin-station/v1" + public_key).hexdigest()


def grouped(fingerprint: str) -> str:
    """A fingerprint in groups of four for reading aloud: `ab12 cd34 …`."""
    return " ".join(fingerprint[i:i + 4] for i in range(0, len(fingerprint), 4))
