"""Canonical JSON: the one byte form behind every hash, MAC and signature."""

from __future__ import annotations

import json
from typing import Any

#: What `json.dumps` would build on every call with these settings, built once (it keeps no
#: state between calls); each submission encodes four documents.
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8, no NaN or infinity: equal values give equal bytes."""
    return _ENCODER.encode(value).encode("utf-8")
