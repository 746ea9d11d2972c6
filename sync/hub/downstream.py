"""The hub's downstream endpoints and USB exchange: day manifests up, signed bundles down.

HTTP (station credential): `POST /v1/manifests` (body: a signed manifest; answer: the
signed acknowledgement with the comparison) and `GET /v1/bundles?after=N`.
USB: a station folder's `manifests/*.json` are received and answered in `acks/`;
every bundle for the station is written to `bundles/bundle-<version>.json`.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sync import confined, manifest
from sync.errors import SealError
from sync.hub import reconcile
from sync.hub.answers import parse_json, problem
from sync.hub.pool import in_thread as run_in_threadpool  # gives the pooled connection back
from sync.hub.service import HubService
from sync.transport_folder import StationFolder

MAX_MANIFEST = 16 * 1024 * 1024
MAX_VERSION = 2**31 - 1


Work = Callable[[str], Awaitable[Response]]


def routes(service: HubService, authorised: Callable[[Request, Work], Awaitable[Response]]) -> list[Route]:
    """The day-manifest and bundle routes; `authorised` runs a handler for the station whose
    credential the request carries (the app's one check)."""

    async def manifests(request: Request) -> Response:
        async def work(station: str) -> Response:
            body = b""
            async for chunk in request.stream():
                body += chunk
                if len(body) > MAX_MANIFEST:
                    return problem(413, "too_large", "the manifest is too large", "清单过大")
            try:
                parse_json(body, max_size=MAX_MANIFEST)
            except ValueError:
                return problem(400, "bad_request", "the manifest is not JSON within the hub's limits",
                               "清单不是符合中心限制的 JSON")
            try:
                document = manifest.read(body)
                if document.get("station") != station:
                    return problem(403, "wrong_station", "the manifest is for another station", "清单不属于本站点")
                _result, ack = await run_in_threadpool(reconcile.receive_manifest, service.store, body, "http")
            except SealError as error:
                return problem(400, error.reason, error.message_en, error.message_zh)
            return Response(ack, media_type="application/json")
        return await authorised(request, work)

    async def bundles(request: Request) -> Response:
        async def work(station: str) -> Response:
            try:
                after = max(int(request.query_params.get("after", "0")), 0)
                if after > MAX_VERSION:
                    raise ValueError
            except ValueError:
                return problem(400, "bad_after", "after must be an integer from 0 to 2³¹−1", "after 应为 0 至 2³¹−1 的整数")
            found = await run_in_threadpool(reconcile.offer_bundles, service.store, station, after)
            return JSONResponse({"bundles": [json.loads(b) for b in found]})
        return await authorised(request, work)

    return [Route("/v1/manifests", manifests, methods=["POST"]),
            Route("/v1/bundles", bundles, methods=["GET"])]


def exchange_folder(service: HubService, folder: StationFolder) -> dict[str, Any]:
    """Receive the folder's manifests and write the station's bundles into it; a day manifest
    file that breaks the folder's rules (`sync.confined`) is skipped and reported."""
    done: dict[str, Any] = {"manifests": 0, "bundles": 0, "problems": [], "reasons": []}
    names, others = folder.day_manifest_names()
    for name in others:
        error = confined.unsafe_path(f"manifests/{name}")
        done["problems"].append(f"{error.message_zh} / {error.message_en}")
        done["reasons"].append(error.reason)
    for name in names:
        try:
            data = confined.check_json_depth(folder.read_day_manifest(name), name)
            _result, ack = reconcile.receive_manifest(service.store, data, "folder")
        except FileNotFoundError:
            continue
        except SealError as error:
            done["problems"].append(f"{name}: {error.message_zh} / {error.message_en}")
            done["reasons"].append(error.reason)
            continue
        folder.write_ack(f"manifest-{name}", ack)
        done["manifests"] += 1
    for data in reconcile.bundles_after(folder.station, 0, limit=100000):
        if folder.write_bundle(int(json.loads(data)["document"]["version"]), data):
            done["bundles"] += 1
    return done
