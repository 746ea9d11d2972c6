"""The hub's HTTP app (Starlette): tus uploads, acknowledgements, enrolment, health, metrics.

Stations authenticate with `Authorization: Bearer <station code>.<secret>`, the
credential issued at enrolment. Every error is a JSON body with a code and a Chinese and
an English message. The OpenAPI description is served at /openapi.json.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sync import anchors
from sync.errors import EnrolmentError, SealError
from sync.hub import department_feeds, departments, shared_checks, tus
from sync.hub.anchors import receive_anchor
from sync.hub.answers import MAX_JSON, Unauthorised, parse_json, problem
from sync.hub.logs import ACCESS_LOGGER
from sync.hub.metrics import CONTENT_TYPE, UNMATCHED, HubState
from sync.hub.models import HubUpload
from sync.hub.openapi import openapi_document
from sync.hub.pool import PoolExhausted, in_thread
from sync.hub.service import HubService
from sync.hub.store import STATION_CODE, Enrolment

log = logging.getLogger("jiujin.hub.http")
access = logging.getLogger(ACCESS_LOGGER)
#: Bytes per second a request body must average once it has taken longer than `body_timeout`.
MIN_BODY_RATE = 1024
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_UPLOAD_ID = re.compile(r"^[0-9a-f]{32}$")
TUS_HEADERS = {"Tus-Resumable": tus.TUS_VERSION}
#: Every station request names the Jiujin release the station runs.
RELEASE_HEADER = "jiujin-release"
EXPIRY_SWEEP = timedelta(hours=1)


def create_app(service: HubService, *,
               on_startup: Callable[[], None] | None = None,
               on_shutdown: Callable[[], None] | None = None) -> Starlette:
    """The ASGI app over one hub service."""
    handlers = _Handlers(service)
    routes = [
        Route("/health", handlers.health, methods=["GET"]),
        Route("/metrics", handlers.metrics, methods=["GET"]),
        Route("/openapi.json", handlers.openapi, methods=["GET"]),
        Route("/v1/hub-keys", handlers.hub_keys, methods=["GET"]),
        Route("/v1/enrolments", handlers.enrol, methods=["POST"]),
        Route("/v1/uploads", handlers.tus_options, methods=["OPTIONS"]),
        Route("/v1/uploads", handlers.tus_create, methods=["POST"]),
        Route("/v1/uploads/{upload_id}", handlers.tus_head, methods=["HEAD"]),
        Route("/v1/uploads/{upload_id}", handlers.tus_patch, methods=["PATCH"]),
        Route("/v1/uploads/{upload_id}", handlers.tus_delete, methods=["DELETE"]),
        Route("/v1/uploads/{upload_id}", handlers.tus_options, methods=["OPTIONS"]),
        Route("/v1/uploads/{upload_id}/result", handlers.upload_result, methods=["GET"]),
        Route("/v1/batches/{batch_id}/ack", handlers.batch_ack, methods=["GET"]),
        Route("/v1/acks", handlers.acks, methods=["GET"]),
        Route("/v1/attachments/missing", handlers.missing_attachments, methods=["POST"]),
        Route("/v1/ledger", handlers.ledger, methods=["GET"]),
        Route("/v1/anchors", handlers.anchor, methods=["POST"]),
    ]
    from sync.hub.downstream import routes as downstream_routes
    from sync.hub.watch_page import routes as watch_routes

    routes += downstream_routes(service, handlers._authorised)
    routes += watch_routes(service)
    routes += departments.routes(service)
    from sync.hub.citizens import routes as citizens_routes

    routes += citizens_routes(service)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await in_thread(service.recover_uploads)
        expiring = asyncio.create_task(_expire_uploads(service))
        webhooks = asyncio.create_task(department_feeds.deliver_forever(service.store))
        platform = service.store.config.shared_data_url
        checks = asyncio.create_task(shared_checks.check_forever(service.store, platform)) if platform else None
        if on_startup:
            await in_thread(on_startup)
        yield
        expiring.cancel()
        webhooks.cancel()
        if checks is not None:
            checks.cancel()
        if on_shutdown:
            on_shutdown()

    app = Starlette(routes=routes, lifespan=lifespan)
    app.add_middleware(_ObservedRequests, service=service)
    app.add_middleware(_MethodOverride)
    app.add_middleware(_CloseUnread)
    return app


async def _expire_uploads(service: HubService) -> None:
    """Drop abandoned uploads now and then every `EXPIRY_SWEEP` (tus expiration)."""
    while True:
        expired = await in_thread(service.expire_uploads)
        if expired:
            log.info("expired %d abandoned uploads", expired)
        await asyncio.sleep(EXPIRY_SWEEP.total_seconds())


class _MethodOverride:
    """tus: a POST carrying `X-HTTP-Method-Override` is handled as the method it names, for
    clients behind proxies that pass only GET and POST."""

    METHODS = frozenset({"PATCH", "DELETE", "HEAD"})

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "POST":
            for name, value in scope["headers"]:
                if name == b"x-http-method-override":
                    method = value.decode("latin-1").strip().upper()
                    if method in self.METHODS:
                        scope = {**scope, "method": method}
                    break
        await self.app(scope, receive, send)


class _CloseUnread:
    """An answer sent before the request's body has all arrived (a 408 to a dripping upload, a
    413) closes the connection: the hub will not read the rest, and a connection kept open
    would wait on a client that is still sending (RFC 9112 §9.6, RFC 9110 §15.5.9)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope["headers"])
        unread = [b"transfer-encoding" in headers or headers.get(b"content-length", b"0") not in (b"0", b"")]

        async def receiving() -> Message:
            message = await receive()
            if message["type"] != "http.request" or not message.get("more_body", False):
                unread[0] = False
            return message

        async def sending(message: Message) -> None:
            if message["type"] == "http.response.start" and unread[0]:
                message = {**message, "headers": [*message.get("headers", []), (b"connection", b"close")]}
            await send(message)

        await self.app(scope, receiving, sending)


class _ObservedRequests:
    """Times each request by route template into the metrics and the access log, and answers
    an unexpected failure with a JSON 500 (503 while the database pool is exhausted)."""

    def __init__(self, app: ASGIApp, service: HubService) -> None:
        self.app, self.service = app, service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status: list[int] = []
        started = time.perf_counter()

        async def record(message: Message) -> None:
            if message["type"] == "http.response.start":
                status.append(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, record)
        except Exception as error:
            log.error("request_failed", exc_info=True, extra={"route": _route(scope)})
            if status:
                raise
            await _failure_response(error, tus_route=scope.get("path", "").startswith("/v1/uploads"))(
                scope, receive, record)
        finally:
            seconds = time.perf_counter() - started
            method, route, code = scope.get("method", ""), _route(scope), status[0] if status else 500
            self.service.metrics.observe_request(method, route, code, seconds)
            access.info("request", extra={"method": method, "route": route, "status": code,
                                          "latency_ms": round(seconds * 1000, 1)})


def _route(scope: Scope) -> str:
    """The matched route's template (`/v1/uploads/{upload_id}`), never the requested path."""
    route = scope.get("route")
    return str(getattr(route, "path", UNMATCHED)) if route is not None else UNMATCHED


def _failure_response(error: Exception, tus_route: bool) -> Response:
    """The JSON answer to an unexpected failure; on tus routes it names the protocol version."""
    headers = TUS_HEADERS.copy() if tus_route else {}
    if isinstance(error, PoolExhausted):
        return problem(503, "busy", "the hub is busy; try again shortly", "中心繁忙，请稍后重试",
                       headers=headers | {"Retry-After": "5"})
    return problem(500, "internal_error", "the hub failed; the failure is logged", "中心内部错误，已记录",
                   headers=headers)


class _Handlers:
    def __init__(self, service: HubService) -> None:
        self.service = service
        self.store = service.store

    # -- plumbing ---------------------------------------------------------------------

    async def _station(self, request: Request) -> str:
        header = request.headers.get("authorization", "")
        scheme, _, credential = header.partition(" ")
        code, _, secret = credential.strip().partition(".")
        if scheme.lower() != "bearer" or not code or not secret or len(credential) > 200:
            raise Unauthorised()
        station = await in_thread(self.store.authenticate, code, secret)
        if station is None:
            raise Unauthorised()
        release = request.headers.get(RELEASE_HEADER, "")
        if release and release != station.release:
            await in_thread(self.store.record_release, code, release)
        return code

    async def _body(self, request: Request, limit: int = MAX_JSON) -> bytes:
        """The request's body, at most `limit` bytes; ValueError past that."""
        body = b""
        try:
            async for chunk in self._arriving(request):
                body += chunk
                if len(body) > limit:
                    raise ValueError("too large")
        except TimeoutError:
            raise ValueError("too slow") from None
        return body

    async def _arriving(self, request: Request) -> AsyncIterator[bytes]:
        """The body's pieces; TimeoutError when the client pauses longer than `body_timeout`, or
        once past it sends slower than `MIN_BODY_RATE` on average (a drip that never pauses)."""
        pieces, patience = request.stream().__aiter__(), self.store.config.body_timeout
        started, received = time.monotonic(), 0
        while True:
            try:
                async with asyncio.timeout(patience):
                    piece = await anext(pieces)
            except StopAsyncIteration:
                return
            received += len(piece)
            elapsed = time.monotonic() - started
            if elapsed > patience and received < MIN_BODY_RATE * elapsed:
                raise TimeoutError
            yield piece

    async def _json(self, request: Request) -> Any:
        return parse_json(await self._body(request))

    # -- public endpoints -----------------------------------------------------------------

    async def health(self, request: Request) -> Response:
        ok = await in_thread(self.store.healthy)
        body = {"status": "ok" if ok else "unavailable", "hub_fingerprint": self.store.fingerprint}
        return JSONResponse(body, status_code=200 if ok else 503)

    async def metrics(self, request: Request) -> Response:
        text = await in_thread(self.service.metrics.render, HubState(self.service.state))
        return Response(text, media_type=CONTENT_TYPE)

    async def openapi(self, request: Request) -> Response:
        return JSONResponse(openapi_document())

    async def hub_keys(self, request: Request) -> Response:
        return Response(self.store.public.to_json(), media_type="application/json")

    async def enrol(self, request: Request) -> Response:
        try:
            body = await self._body(request)
            station = parse_json(body)["document"]["station"]
            if not isinstance(station, str) or not STATION_CODE.match(station):
                raise TypeError
        except (ValueError, KeyError, TypeError):
            return problem(400, "bad_request", "expected a signed enrolment request (jiujin-enrolment/1)",
                           "请求应为已签名的注册请求（jiujin-enrolment/1）")
        release = request.headers.get(RELEASE_HEADER, "")

        def enrol() -> Enrolment:
            done = self.store.enrol(station, body, "http")
            self.store.record_release(station, release)  # first contact: `hub station list` shows it
            return done

        try:
            enrolment = await in_thread(enrol)
        except EnrolmentError as error:
            log.warning("enrolment_refused", extra={"station": station})
            return problem(403, "enrolment_refused", error.message_en, error.message_zh)
        return JSONResponse({"station": enrolment.station, "credential": f"{station}.{enrolment.credential}",
                             "hub_fingerprint": enrolment.hub_fingerprint,
                             "station_fingerprint": enrolment.station_fingerprint}, status_code=201)

    # -- tus ------------------------------------------------------------------------------

    async def tus_options(self, request: Request) -> Response:
        return Response(status_code=204, headers=TUS_HEADERS | {
            "Tus-Version": tus.TUS_VERSION, "Tus-Extension": tus.EXTENSIONS,
            "Tus-Max-Size": str(tus.MAX_SIZE), "Tus-Checksum-Algorithm": ",".join(tus.CHECKSUMS)})

    async def _tus(self, request: Request, work: Callable[[str], Awaitable[Response]]) -> Response:
        if request.headers.get("tus-resumable") != tus.TUS_VERSION:
            return problem(412, "tus_version", "Tus-Resumable 1.0.0 is required", "需要 Tus-Resumable: 1.0.0",
                           headers=TUS_HEADERS | {"Tus-Version": tus.TUS_VERSION})
        try:
            station = await self._station(request)
            response = await work(station)
        except Unauthorised:
            response = problem(401, "unauthorised", "a valid station credential is required",
                               "需要有效的站点凭据", headers={"WWW-Authenticate": "Bearer"})
        except tus.TusProblem as error:
            response = problem(error.status, error.code, error.message_en, error.message_zh)
        response.headers.update(TUS_HEADERS)
        return response

    async def tus_create(self, request: Request) -> Response:
        async def work(station: str) -> Response:
            length = _int_header(request, "upload-length")
            if length is None:
                raise tus.TusProblem(400, "bad_length", "Upload-Length is required (deferred length is not supported)",
                                     "需要 Upload-Length")
            if length > tus.MAX_SIZE:
                raise tus.TusProblem(413, "too_large", "the upload is larger than Tus-Max-Size", "上传超过大小上限")
            metadata = tus.parse_metadata(request.headers.get("upload-metadata", ""))
            with_body = request.headers.get("content-type") == "application/offset+octet-stream"
            checksum = tus.parse_checksum(request.headers.get("upload-checksum")) if with_body else None
            upload = await in_thread(self.service.open_upload, station, length, metadata)
            headers = {"Location": f"/v1/uploads/{upload.id}"} | tus.expires_header(upload)
            if with_body:
                # creation-with-upload: the body is the first PATCH, at offset 0.
                patch = self.service.patches.begin_created(upload.id, length, checksum)
                received, result = await self._received(request, patch, station)
                headers |= received
                if result is not None and result["status"] != "refused":
                    # The whole object came in this request (a day's batch does): its result,
                    # the signed acknowledgement with it, rides on the answer and saves the
                    # station the request for /result. tus clients read only the headers.
                    return JSONResponse(result, status_code=201, headers=headers)
            elif length == 0:
                headers |= await self._finished(upload.id, 0)
            return Response(status_code=201, headers=headers)
        return await self._tus(request, work)

    async def _upload(self, request: Request, station: str) -> HubUpload:
        return await in_thread(tus.find, _upload_id(request), station, self.store.clock())

    async def tus_head(self, request: Request) -> Response:
        async def work(station: str) -> Response:
            upload = await self._upload(request, station)
            if upload.offset == upload.length and upload.result is None:
                await in_thread(self.service.finish_upload, upload.id)
            headers = {"Upload-Offset": str(upload.offset), "Upload-Length": str(upload.length),
                       "Cache-Control": "no-store"} | tus.expires_header(upload)
            metadata = tus.encode_metadata(json.loads(upload.metadata or "{}"))
            if metadata:
                headers["Upload-Metadata"] = metadata
            return Response(status_code=200, headers=headers)
        return await self._tus(request, work)

    async def tus_patch(self, request: Request) -> Response:
        async def work(station: str) -> Response:
            if request.headers.get("content-type") != "application/offset+octet-stream":
                raise tus.TusProblem(415, "bad_content_type", "Content-Type must be application/offset+octet-stream",
                                     "Content-Type 应为 application/offset+octet-stream")
            offset = _int_header(request, "upload-offset")
            if offset is None:
                raise tus.TusProblem(400, "bad_offset", "Upload-Offset is required", "需要 Upload-Offset")
            checksum = tus.parse_checksum(request.headers.get("upload-checksum"))
            upload = await self._upload(request, station)
            patch = await in_thread(self.service.patches.begin, upload.id, offset, checksum)
            received, _result = await self._received(request, patch, station)
            headers = received | tus.expires_header(upload)
            if "Jiujin-Status" in headers:
                headers.pop("Upload-Expires", None)
            return Response(status_code=204, headers=headers)
        return await self._tus(request, work)

    async def _received(self, request: Request, patch: tus.Patch,
                        station: str) -> tuple[dict[str, str], dict[str, Any] | None]:
        """Stream the body into `patch`; ingest when the upload is complete, straight from
        memory when this request carried the whole object. The headers to answer with, and
        the result when the upload is complete."""
        await self._receive(request, patch)
        offset, result = await in_thread(self.service.end_patch, patch, station)
        return {"Upload-Offset": str(offset)} if result is None else _finished_headers(offset, result), result

    async def _finished(self, upload_id: str, offset: int) -> dict[str, str]:
        """Ingest a complete upload; the headers that tell the station what became of it."""
        return _finished_headers(offset, await in_thread(self.service.finish_upload, upload_id))

    async def _receive(self, request: Request, patch: tus.Patch) -> None:
        registry = self.service.patches
        try:
            async for data in self._arriving(request):
                self.service.metrics.count_upload_bytes(len(data))
                if registry.feed(patch, data):
                    await in_thread(registry.flush, patch)
        except TimeoutError:
            await in_thread(registry.interrupted, patch)
            log.warning("body_timeout", extra={"reason": "body_timeout"})
            raise tus.TusProblem(408, "body_timeout", "the request body stalled; resume the upload",
                                 "请求数据停滞，请续传") from None
        except ClientDisconnect:
            await in_thread(registry.interrupted, patch)
            raise tus.TusProblem(400, "client_disconnected", "the connection closed mid-request",
                                 "连接在请求中途断开") from None
        except tus.TusProblem:
            await in_thread(registry.abandon, patch)
            raise

    async def tus_delete(self, request: Request) -> Response:
        async def work(station: str) -> Response:
            upload = await self._upload(request, station)
            await in_thread(tus.terminate, upload)
            return Response(status_code=204)
        return await self._tus(request, work)

    # -- results, acknowledgements, attachments ---------------------------------------

    async def _authorised(self, request: Request, work: Callable[[str], Awaitable[Response]]) -> Response:
        try:
            return await work(await self._station(request))
        except Unauthorised:
            return problem(401, "unauthorised", "a valid station credential is required", "需要有效的站点凭据",
                           headers={"WWW-Authenticate": "Bearer"})
        except tus.TusProblem as error:
            return problem(error.status, error.code, error.message_en, error.message_zh)

    async def upload_result(self, request: Request) -> Response:
        async def work(station: str) -> Response:
            result = await in_thread(self.service.upload_outcome, _upload_id(request), station)
            if result is None:
                return problem(409, "incomplete", "the upload is not complete", "上传尚未完成")
            if result["status"] == "refused":
                return _refusal(str(result["reason"]))
            return JSONResponse(result)
        return await self._authorised(request, work)

    async def batch_ack(self, request: Request) -> Response:
        async def work(station: str) -> Response:
            batch_id = request.path_params["batch_id"]
            ack = None
            if _HEX64.match(batch_id):
                ack = await in_thread(self.service.batch_ack, station, batch_id)
            if ack is None:
                return problem(404, "not_held", "the hub does not hold this batch", "中心没有该批次")
            return Response(ack, media_type="application/json")
        return await self._authorised(request, work)

    async def acks(self, request: Request) -> Response:
        async def work(station: str) -> Response:
            try:
                after = int(request.query_params.get("after", "0"))
                if after > 2**31 - 1:  # beyond any batch number, and beyond what SQLite binds
                    raise ValueError
            except ValueError:
                return problem(400, "bad_after", "after must be an integer from 0 to 2³¹−1", "after 应为 0 至 2³¹−1 的整数")
            found = await in_thread(self.service.acks_after, station, max(after, 0))
            return JSONResponse({"acks": [json.loads(a) for a in found]})
        return await self._authorised(request, work)

    async def ledger(self, request: Request) -> Response:
        async def work(station: str) -> Response:
            def build() -> dict[str, Any]:
                return {"station": station, "held": [list(r) for r in self.store.held_ranges(station)],
                        "gaps": [list(g) for g in self.store.open_gaps(station)]}
            return JSONResponse(await in_thread(build))
        return await self._authorised(request, work)

    async def missing_attachments(self, request: Request) -> Response:
        async def work(station: str) -> Response:
            try:
                wanted = (await self._json(request))["sha256"]
                if not isinstance(wanted, list) or len(wanted) > 5000 or not all(
                        isinstance(h, str) and _HEX64.match(h) for h in wanted):
                    raise TypeError
            except (ValueError, KeyError, TypeError):
                return problem(400, "bad_request", "expected {\"sha256\": [hex, ...]}", "请求应包含 sha256 列表")
            from sync.hub.models import HubAttachment

            def missing() -> list[str]:
                held = {a.sha256 for a in HubAttachment.select(HubAttachment.sha256).where(
                    HubAttachment.sha256.in_(wanted))} if wanted else set()
                return sorted(set(wanted) - held)
            return JSONResponse({"missing": await in_thread(missing)})
        return await self._authorised(request, work)


    async def anchor(self, request: Request) -> Response:
        async def work(station: str) -> Response:
            try:
                body = await self._body(request, anchors.MAX_ANCHOR_JSON)
                parse_json(body)
            except ValueError:
                return problem(400, "bad_request", "expected a signed audit anchor (jiujin-anchor/1)",
                               "请求应为已签名的审计锚点（jiujin-anchor/1）")
            try:
                answer = await in_thread(receive_anchor, self.store, body, "http", station)
            except SealError as error:
                status = 403 if error.reason in ("wrong_station", "unknown_station") else 400
                return problem(status, error.reason, error.message_en, error.message_zh)
            return Response(answer, media_type="application/json")
        return await self._authorised(request, work)


def _refusal(reason: str) -> Response:
    """The answer to a finished upload the hub refused (`IngestResult` status "refused")."""
    if reason == "quarantine_full":
        return problem(429, reason, "this station's quarantine is full; the hub operator must resolve it first",
                       "本站点在中心的隔离区已满，请联系中心处理后再上传")
    return problem(403, reason, "the object is signed by another station; a station uploads only its own",
                   "对象由其他站点签名，本站点不能上传")


def _upload_id(request: Request) -> str:
    upload_id: str = request.path_params["upload_id"]
    if not _UPLOAD_ID.match(upload_id):
        raise tus.TusProblem(404, "no_such_upload", "no such upload", "没有该上传")
    return upload_id


def _finished_headers(offset: int, result: dict[str, Any]) -> dict[str, str]:
    """The headers that tell the station what became of its complete upload."""
    return {"Upload-Offset": str(offset), "Jiujin-Status": str(result["status"]),
            "Jiujin-Object": str(result["object_id"] or "")}


def _int_header(request: Request, name: str) -> int | None:
    return tus.parse_int(request.headers.get(name))

