"""The hub with two more routes for the sync benchmarks' baselines: one signed record per HTTP
request (`POST /bench/records`), what a naive client would do instead of sealed batches; and
`POST /bench/sink`, which reads a body and drops it (the bare transfer of the same bytes).

Run as `python -m bench.baseline_hub --data-dir HUB --db URL [--port P]`; it prints
"listening on URL" as `jiujin hub serve` does. The routes exist only here, never in the
hub that stations reach.
"""

from __future__ import annotations

import argparse
import base64
from pathlib import Path
from typing import Any

import uvicorn
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kernel.canonical import canonical_json
from sync.hub.pool import in_thread
from sync.hub.serve import bound_socket, build_app
from sync.hub.service import HubService


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", required=True)
    parser.add_argument("--db", required=True)
    parser.add_argument("--port", type=int, default=0)
    options = parser.parse_args()
    app, service = build_app(Path(options.data_dir), options.db)

    async def bench_record(request: Request) -> Response:
        code, _, secret = request.headers.get("authorization", "").removeprefix("Bearer ").partition(".")
        if await in_thread(service.store.authenticate, code, secret) is None:
            return JSONResponse({"error": "unauthorised"}, status_code=401)
        stored = await in_thread(_store_one, service, code, await request.json())
        return JSONResponse({"stored": stored}, status_code=201)

    async def bench_sink(request: Request) -> Response:
        """The bare transfer: the body read in full and dropped."""
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
        return JSONResponse({"received": size})

    app.router.routes.append(Route("/bench/records", bench_record, methods=["POST"]))
    app.router.routes.append(Route("/bench/sink", bench_sink, methods=["POST"]))
    sock = bound_socket("127.0.0.1", options.port)
    print(f"jiujin hub: listening on http://127.0.0.1:{sock.getsockname()[1]}", flush=True)
    uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on")).run(sockets=[sock])


def _store_one(service: HubService, station: str, body: dict[str, Any]) -> bool:
    """Verify one record's signature and store it, as ingest would store it from a batch."""
    import hashlib

    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    from sync.hub.db import write_transaction
    from sync.hub.models import HubRecord, HubStation

    entry = body["entry"]
    key = HubStation.get_by_id(station).signing_public_key
    if key is None:
        return False
    Ed25519PublicKey.from_public_bytes(bytes(key)).verify(
        base64.b64decode(body["signature"]), canonical_json(entry))
    with write_transaction():
        inserted = HubRecord.insert(
            station=station, seq=entry["seq"], kind=entry["kind"], application_id=entry["application_id"],
            at=entry["at"], audit_seq=entry["audit_seq"], audit_hash=entry["audit_hash"],
            record_sha256=hashlib.sha256(canonical_json(entry)).hexdigest(),
            record=canonical_json(entry).decode(), batch_id="bench",
        ).on_conflict_ignore().execute()
    return bool(inserted)


if __name__ == "__main__":
    main()
