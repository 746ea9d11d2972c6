"""The department API (`/v1/departments/…`): a deciding department lists its cases, fetches one
with its fields, materials and attachments (decrypted here, for that department only), claims
it and posts decisions. Every call carries a department token (`sync.hub.department_keys`),
sees only its department's item codes, and is audited in `hub_action`; claims and decisions
are idempotent on their `request_id`. The case model and the rules are `sync.hub.cases`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sync import seal
from sync.errors import CaseRefused
from sync.hub import cases, department_feeds, department_keys, onething, timelimits
from sync.hub.answers import bounded_body, parse_json, problem
from sync.hub.department_keys import Scope
from sync.hub.models import HubApplication, HubAttachment, HubCase
from sync.hub.pool import in_thread
from sync.hub.service import HubService
from sync.hub.store import HubStore

MAX_BODY = 64 * 1024
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_CURSOR = re.compile(r"^[0-9]{1,10}$")
STATUS_FILTERS = ("open", *[s.value for s in cases.CaseStatus])


def routes(service: HubService) -> list[Route]:
    """The department API's routes and the department desk's pages, which call that API."""
    from starlette.applications import Starlette

    from sync.hub import department_desk

    api = api_routes(service)
    return api + department_desk.routes(Starlette(routes=api))


def api_routes(service: HubService) -> list[Route]:
    """The department API's routes over the hub's store."""
    api = _DepartmentApi(service.store)
    return [Route("/v1/departments/me", api.me, methods=["GET"]),
            Route("/v1/departments/cases", api.list_cases, methods=["GET"]),
            Route("/v1/departments/overdue", api.overdue, methods=["GET"]),
            Route("/v1/departments/cases/{application_id}", api.case, methods=["GET"]),
            Route("/v1/departments/cases/{application_id}/attachments/{sha256}", api.attachment, methods=["GET"]),
            Route("/v1/departments/cases/{application_id}/claim", api.claim, methods=["POST"]),
            Route("/v1/departments/cases/{application_id}/decisions", api.decide, methods=["POST"])]


def case_detail(store: HubStore, case: HubCase) -> dict[str, Any]:
    """One case with the application's fields, materials and attachments, and its steps."""
    snapshot = cases.latest_record(case.application_id) or {}
    item = timelimits.catalog_item(case.item_code, case.catalog_version)
    labels = {f.id: f.label.zh for f in item.fields} if item is not None else {}
    names = {m.id: m.name.zh for m in item.materials} if item is not None else {}
    values = snapshot.get("values") or {}
    attachments = snapshot.get("attachments") or []
    held = {a.sha256: a for a in HubAttachment.select(HubAttachment.sha256, HubAttachment.media_type,
                                                      HubAttachment.size)
            .where(HubAttachment.sha256.in_(attachments))} if attachments else {}
    return cases.summary(case, cases.today(store)) | {
        "applicant": snapshot.get("applicant") or {},
        "submitted_at": snapshot.get("submitted_at"),
        "fields": [{"id": key, "label": labels.get(key, key), "value": value} for key, value in values.items()],
        "materials": [{"code": code, "name": names.get(code, code), "status": status}
                      for code, status in (snapshot.get("materials") or {}).items()],
        "attachments": [{"sha256": sha, "held": sha in held,
                         "media_type": held[sha].media_type if sha in held else None,
                         "size": int(held[sha].size) if sha in held else None,
                         "href": f"/v1/departments/cases/{case.application_id}/attachments/{sha}"}
                        for sha in attachments],
        "steps": cases.steps(case.application_id),
        "onething": _onething(case.application_id),
    }


def _onething(app_id: str) -> dict[str, Any] | None:
    """The 一件事 the case is an item of (its other items by code, receipt number and status)."""
    row = HubApplication.get_or_none(HubApplication.id == app_id)
    return onething.case_summary(str(row.case_id)) if row is not None and row.case_id else None


def attachment_bytes(store: HubStore, case: HubCase, sha256: str) -> tuple[bytes, str]:
    """An attachment of the case, decrypted at the hub; CaseRefused 404 when the case has none such."""
    snapshot = cases.latest_record(case.application_id) or {}
    row = HubAttachment.get_or_none(HubAttachment.sha256 == sha256) if _HEX64.match(sha256) else None
    if row is None or sha256 not in (snapshot.get("attachments") or []):
        raise CaseRefused(404, "no_such_attachment", "该办件没有此附件，或附件尚未到达中心",
                          "the case has no such attachment, or it has not reached the hub yet")
    body = seal.open_body(seal.read(bytes(row.sealed)), store.keys.hpke, store.fingerprint)
    return body, str(row.media_type)


class _DepartmentApi:
    def __init__(self, store: HubStore) -> None:
        self.store = store

    async def _run(self, request: Request, work: Callable[[Scope], Response]) -> Response:
        """Authenticate, then run `work` in a thread; a refusal becomes its JSON problem."""
        def run() -> Response:
            scope = department_keys.authenticate(self.store, request.headers.get("authorization", ""))
            try:
                return work(scope)
            except CaseRefused as error:
                cases.audit(self.store, scope.actor, "refused", details={
                    "route": request.url.path[:200], "error": error.code})
                raise
        try:
            return await in_thread(run)
        except CaseRefused as error:
            headers = {"WWW-Authenticate": "Bearer"} if error.status == 401 else None
            return problem(error.status, error.code, error.message_en, error.message_zh, headers=headers)

    async def me(self, request: Request) -> Response:
        def work(scope: Scope) -> Response:
            cases.audit(self.store, scope.actor, "me")
            return JSONResponse({"department": scope.department, "name": department_keys.department_name(
                scope.department), "kid": scope.kid, "items": sorted(scope.items)})
        return await self._run(request, work)

    async def list_cases(self, request: Request) -> Response:
        query = request.query_params
        status, after, limit = query.get("status", "new"), query.get("after", "0"), query.get("limit", "100")
        if status not in STATUS_FILTERS or not _CURSOR.match(after) or not limit.isdigit() or not (
                1 <= int(limit) <= cases.MAX_PAGE) or int(after) > 2**31 - 1:
            return problem(400, "bad_query", f"status is one of {', '.join(STATUS_FILTERS)}; after is a cursor; "
                           f"limit is 1–{cases.MAX_PAGE}", f"status 应为 {'、'.join(STATUS_FILTERS)} 之一；"
                           f"after 为游标；limit 为 1–{cases.MAX_PAGE}")

        def work(scope: Scope) -> Response:
            department_feeds.intake(self.store)
            found, following = cases.page(scope.department, scope.items, status=status, after=int(after),
                                          limit=int(limit), on=cases.today(self.store))
            cases.audit(self.store, scope.actor, "list", details={"status": status, "after": int(after),
                                                                  "count": len(found)})
            return JSONResponse({"cases": found, "next": str(following) if following is not None else None})
        return await self._run(request, work)

    async def overdue(self, request: Request) -> Response:
        def work(scope: Scope) -> Response:
            department_feeds.intake(self.store)
            found = [c for c in cases.overdue(cases.today(self.store), scope.department)
                     if not scope.items or c["item_code"] in scope.items]
            cases.audit(self.store, scope.actor, "overdue", details={"count": len(found)})
            return JSONResponse({"cases": found})
        return await self._run(request, work)

    async def case(self, request: Request) -> Response:
        app_id = request.path_params["application_id"]

        def work(scope: Scope) -> Response:
            case = cases.find(app_id, scope.department, scope.items)
            cases.audit(self.store, scope.actor, "fetch", case)
            return JSONResponse(case_detail(self.store, case))
        return await self._run(request, work)

    async def attachment(self, request: Request) -> Response:
        app_id, sha256 = request.path_params["application_id"], request.path_params["sha256"]

        def work(scope: Scope) -> Response:
            case = cases.find(app_id, scope.department, scope.items)
            body, media_type = attachment_bytes(self.store, case, sha256)
            cases.audit(self.store, scope.actor, "attachment", case, {"sha256": sha256})
            return Response(body, media_type=media_type, headers={
                "Cache-Control": "no-store", "Content-Disposition": f'attachment; filename="{sha256[:16]}"'})
        return await self._run(request, work)

    async def claim(self, request: Request) -> Response:
        return await self._post(request, lambda body: "claim")

    async def decide(self, request: Request) -> Response:
        return await self._post(request, lambda body: str(body.get("decision", "")) if isinstance(
            body, dict) else "")

    async def _post(self, request: Request, action_of: Callable[[Any], str]) -> Response:
        app_id = request.path_params["application_id"]
        body = await _bounded_json(request)
        if body is None:
            return problem(400, "bad_request", "the body is a JSON object of at most 64 KiB",
                           "请求应为不超过 64 KiB 的 JSON 对象")

        def work(scope: Scope) -> Response:
            action = action_of(body)
            answer, replayed = cases.apply(self.store, scope.actor, scope.department, scope.items, app_id,
                                           action, body)
            if not replayed:
                department_feeds.queue_step(self.store, scope.department, app_id, action)
            return JSONResponse(answer, headers={"Jiujin-Replayed": "true" if replayed else "false"})
        return await self._run(request, work)


async def _bounded_json(request: Request) -> Any:
    body = await bounded_body(request, MAX_BODY)
    if body is None:
        return None
    try:
        value = parse_json(body, max_size=MAX_BODY)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None
