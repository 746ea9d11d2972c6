"""Sealed batches, transports to the city hub, signed acknowledgements, and the hub (`sync.hub`).

Sync never imports the station: the station hands it outbox events as plain values.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from kernel.lazy import lazy_names
from sync.acks import Ack
from sync.batches import BatchBody, OutboxEntry, cut_batch
from sync.errors import (
    AckError,
    BadSignature,
    BodyMismatch,
    DecryptFailed,
    EnrolmentError,
    FolderError,
    HubError,
    HubNotInitialised,
    HubRejected,
    HubUnavailable,
    HubUnreachable,
    MalformedSealed,
    PinMismatch,
    SealError,
    StationNotFound,
    SyncError,
    TransportError,
    UnsupportedSuite,
    WrongRecipient,
)
from sync.hubkeys import PUBLIC_KEYS_FILE_NAME, HubKeyFileError, HubPublicKeys, load_hub_public_keys
from sync.keys import grouped, station_fingerprint
from sync.seal import (
    BatchMeta,
    Sealed,
    iter_records,
    open_body,
    read,
    seal_attachment,
    seal_batch,
    verify,
)
from sync.transport_folder import FolderObject, StationFolder

if TYPE_CHECKING:
    from sync.transport_http import ClientSettings, HubClient, RetryPolicy, UploadOutcome

#: The HTTP client's names, imported from `sync.transport_http` on first use: httpx takes a
#: quarter of a second to load, and a hub command or a USB exchange never needs it.
_HTTP_CLIENT = {name: "sync.transport_http" for name in ("ClientSettings", "HubClient", "RetryPolicy", "UploadOutcome")}

__all__ = [
    "PUBLIC_KEYS_FILE_NAME",
    "Ack",
    "AckError",
    "BadSignature",
    "BatchBody",
    "BatchMeta",
    "BodyMismatch",
    "ClientSettings",
    "DecryptFailed",
    "EnrolmentError",
    "FolderError",
    "FolderObject",
    "HubClient",
    "HubError",
    "HubKeyFileError",
    "HubNotInitialised",
    "HubPublicKeys",
    "HubRejected",
    "HubUnavailable",
    "HubUnreachable",
    "MalformedSealed",
    "OutboxEntry",
    "PinMismatch",
    "RetryPolicy",
    "SealError",
    "Sealed",
    "StationFolder",
    "StationNotFound",
    "SyncError",
    "TransportError",
    "UnsupportedSuite",
    "UploadOutcome",
    "WrongRecipient",
    "cut_batch",
    "grouped",
    "iter_records",
    "load_hub_public_keys",
    "open_body",
    "read",
    "seal_attachment",
    "seal_batch",
    "station_fingerprint",
    "verify",
]


__getattr__ = lazy_names("sync", globals(), _HTTP_CLIENT)
