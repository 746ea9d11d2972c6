"""Write the sealed-object test vectors (`python -m tests.sync.make_vectors`).

Run only when the format changes on purpose: the vectors pin the bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from sync.batches import cut_batch
from sync.hubkeys import HubPublicKeys
from sync.seal import GENESIS, BatchMeta, read, seal_attachment, seal_batch
from tests.sync.helpers import CREATED, entry

VECTORS = Path(__file__).parent / "vectors"
STATION_KEY = bytes(range(1, 33))
HUB_HPKE_KEY = bytes(range(101, 133))
HUB_SIGNING_KEY = bytes(range(201, 233))


def keys() -> tuple[Ed25519PrivateKey, X25519PrivateKey, HubPublicKeys]:
    station = Ed25519PrivateKey.from_private_bytes(STATION_KEY)
    hpke = X25519PrivateKey.from_private_bytes(HUB_HPKE_KEY)
    signing = Ed25519PrivateKey.from_private_bytes(HUB_SIGNING_KEY)
    return station, hpke, HubPublicKeys(hpke.public_key().public_bytes_raw(),
                                        signing.public_key().public_bytes_raw())


def batch_vector(name: str, first: int, last: int, batch_no: int, prev: str) -> dict[str, Any]:
    station, _hpke, hub = keys()
    entries = [entry(s) for s in range(first, last + 1)]
    body = cut_batch(entries)
    assert body is not None
    meta = BatchMeta("TS0001", batch_no, first, last, prev, body.catalog_versions, body.audit_head, CREATED)
    sealed = seal_batch(meta, body.body, station, hub)
    parsed = read(sealed)
    return {"name": name, "kind": "batch", "station_private_key": STATION_KEY.hex(),
            "hub_hpke_private_key": HUB_HPKE_KEY.hex(), "hub_signing_private_key": HUB_SIGNING_KEY.hex(),
            "meta": {"station": meta.station, "batch_no": batch_no, "first_seq": first, "last_seq": last,
                     "prev_batch": prev, "created_at": CREATED},
            "entries": [e.to_json() for e in entries], "body_hex": body.body.hex(),
            "header": parsed.header_bytes.decode(), "object_id": parsed.object_id, "sealed_hex": sealed.hex()}


def attachment_vector() -> dict[str, Any]:
    station, _hpke, hub = keys()
    content = "申请材料扫描件 / a scanned document\n".encode() * 8
    sealed = seal_attachment("TS0001", content, "text/plain", CREATED, station, hub)
    parsed = read(sealed)
    return {"name": "attachment", "kind": "attachment", "station_private_key": STATION_KEY.hex(),
            "hub_hpke_private_key": HUB_HPKE_KEY.hex(), "hub_signing_private_key": HUB_SIGNING_KEY.hex(),
            "content_hex": content.hex(), "media_type": "text/plain", "created_at": CREATED,
            "header": parsed.header_bytes.decode(), "object_id": parsed.object_id, "sealed_hex": sealed.hex()}


def main() -> None:
    VECTORS.mkdir(exist_ok=True)
    first = batch_vector("batch-1", 1, 3, 1, GENESIS)
    second = batch_vector("batch-2", 4, 5, 2, first["object_id"])
    for vector in (first, second, attachment_vector()):
        path = VECTORS / f"{vector['name']}.json"
        path.write_text(json.dumps(vector, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(path)


if __name__ == "__main__":
    main()
