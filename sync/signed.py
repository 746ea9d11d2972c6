"""The signed-document envelope that acknowledgements, downstream bundles and day manifests
share: `{"document": {...}, "signature": base64 Ed25519 over context || canonical document}`.

Each kind has its own context string, so a signature made for one kind never verifies as
another.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from kernel.canonical import canonical_json


class BadEnvelope(Exception):
    """The bytes are not a signed document, or its signature does not verify."""


def sign_document(document: dict[str, Any], context: bytes, key: Ed25519PrivateKey) -> bytes:
    """The envelope, as canonical JSON bytes."""
    signature = key.sign(context + canonical_json(document))
    return canonical_json({"document": document, "signature": base64.b64encode(signature).decode()})


def read_document(data: bytes) -> dict[str, Any]:
    """The envelope's document, unverified (to learn who signed it); BadEnvelope if none."""
    try:
        document = json.loads(data)["document"]
    except (ValueError, KeyError, TypeError, RecursionError):
        raise BadEnvelope from None
    if not isinstance(document, dict):
        raise BadEnvelope
    return document


def open_document(data: bytes, context: bytes, public_key: bytes) -> dict[str, Any]:
    """The envelope's document once its signature verifies under `public_key`; BadEnvelope if not."""
    document = read_document(data)
    try:
        signature = base64.b64decode(json.loads(data)["signature"], validate=True)
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, context + canonical_json(document))
    except (ValueError, KeyError, TypeError, RecursionError, InvalidSignature):
        raise BadEnvelope from None
    return document
