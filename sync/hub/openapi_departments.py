"""The department API's part of the hub's OpenAPI description (`sync.hub.openapi`)."""

from __future__ import annotations

from typing import Any

_AUTH: list[dict[str, list[str]]] = [{"departmentToken": []}]
_ERROR = {"$ref": "#/components/schemas/Error"}
_APP = {"name": "application_id", "in": "path", "required": True,
        "schema": {"type": "string", "pattern": "^[0-9a-f-]{36}$"}}
_SHA = {"name": "sha256", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}
_TEXTS = {400: "Bad request or query", 401: "No valid department credential", 404: "No such case for this department",
          409: "Not possible in the case's status, already claimed, or a request id reused for another request",
          422: "A decision's details are missing or malformed", 500: "The hub failed (logged)",
          503: "The hub is busy"}
STATUSES = ["new", "claimed", "accepted", "amendment_requested", "amended", "completed", "not_accepted",
            "refused", "returned"]
DECISIONS = ["accept", "request_amendment", "complete", "not_accept", "refuse", "return"]


def _errors(*codes: int) -> dict[str, Any]:
    return {str(c): {"description": _TEXTS[c], "content": {"application/json": {"schema": _ERROR}}}
            for c in (*codes, 500, 503)}


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _text(nullable: bool = False) -> dict[str, Any]:
    return {"type": "string", "nullable": True} if nullable else {"type": "string"}


_CASE_REF = {"$ref": "#/components/schemas/Case"}
_POST = {"requestBody": {"required": True, "content": {"application/json": {"schema": {
    "$ref": "#/components/schemas/Decision"}}}}}


def department_paths() -> dict[str, Any]:
    """The `/v1/departments/…` paths."""
    cases_list = {"type": "object", "required": ["cases", "next"], "properties": {
        "cases": {"type": "array", "items": _CASE_REF}, "next": _text(nullable=True)}}
    return {
        "/v1/departments/me": {"get": {
            "summary": "The calling department, its key id and the item codes it may see", "operationId": "departmentMe",
            "security": _AUTH, "responses": {"200": _json({"type": "object", "required": ["department", "kid", "items"],
                                                           "properties": {"department": _text(), "name": _text(),
                                                                          "kid": _text(), "items": {
                                                                              "type": "array", "items": _text()}}},
                                                          "The scope"), **_errors(401)}}},
        "/v1/departments/cases": {"get": {
            "summary": "The department's cases in arrival order, a page after the cursor `after`",
            "operationId": "departmentCases", "security": _AUTH,
            "parameters": [
                {"name": "status", "in": "query", "required": False,
                 "schema": {"type": "string", "enum": ["open", *STATUSES], "default": "new"}},
                {"name": "after", "in": "query", "required": False,
                 "schema": {"type": "string", "pattern": "^[0-9]{1,10}$", "default": "0"},
                 "description": "The `next` of the previous page"},
                {"name": "limit", "in": "query", "required": False,
                 "schema": {"type": "integer", "minimum": 1, "maximum": 500, "default": 100}}],
            "responses": {"200": _json(cases_list, "A page of cases; `next` is null on the last"),
                          **_errors(400, 401)}}},
        "/v1/departments/overdue": {"get": {
            "summary": "Open cases past their promised limit (cases waiting for 补正 are not counted)",
            "operationId": "departmentOverdue", "security": _AUTH,
            "responses": {"200": _json({"type": "object", "required": ["cases"], "properties": {
                "cases": {"type": "array", "items": _CASE_REF}}}, "Overdue cases"), **_errors(401)}}},
        "/v1/departments/cases/{application_id}": {"get": {
            "summary": "One case with the application's fields, materials, attachments and steps",
            "operationId": "departmentCase", "security": _AUTH, "parameters": [_APP],
            "responses": {"200": _json({"$ref": "#/components/schemas/CaseDetail"}, "The case"),
                          **_errors(401, 404)}}},
        "/v1/departments/cases/{application_id}/attachments/{sha256}": {"get": {
            "summary": "An attachment of the case, decrypted at the hub", "operationId": "departmentAttachment",
            "security": _AUTH, "parameters": [_APP, _SHA],
            "responses": {"200": {"description": "The document's bytes, with its media type",
                                  "content": {"*/*": {"schema": {"type": "string", "format": "binary"}}}},
                          **_errors(401, 404)}}},
        "/v1/departments/cases/{application_id}/claim": {"post": {
            "summary": "签收: take a new case (once per request_id)", "operationId": "departmentClaim",
            "security": _AUTH, "parameters": [_APP],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "$ref": "#/components/schemas/Claim"}}}},
            "responses": {"200": _json(_CASE_REF, "The case (Jiujin-Replayed: true when the request id was done before)"),
                          **_errors(400, 401, 404, 409, 422)}}},
        "/v1/departments/cases/{application_id}/decisions": {"post": {
            "summary": "Decide: accept (受理确认), request_amendment (补正), complete (办结), not_accept (不予受理), "
                       "refuse (不予许可), return (退回); the station hears of it on its next sync",
            "operationId": "departmentDecide", "security": _AUTH, "parameters": [_APP], **_POST,
            "responses": {"200": _json(_CASE_REF, "The case after the decision"),
                          **_errors(400, 401, 404, 409, 422)}}},
    }


def department_schemas() -> dict[str, Any]:
    """The case model and the request bodies."""
    nullable_day = _text(nullable=True)
    time_limit = {"type": "object", "properties": {
        "start_day": _text(), "promised_days": {"type": "integer", "nullable": True}, "promised_unit": _text(),
        "promised_due": nullable_day, "legal_days": {"type": "integer", "nullable": True}, "legal_unit": _text(),
        "legal_due": nullable_day, "paused": {"type": "boolean"}, "paused_since": nullable_day,
        "paused_working_days": {"type": "integer"}, "overdue": {"type": "boolean"},
        "legal_overdue": {"type": "boolean"}}}
    case = {"type": "object", "required": ["application_id", "status", "department", "time_limit"], "properties": {
        "application_id": _text(), "receipt_number": _text(), "department": _text(), "item_code": _text(),
        "item_name": _text(), "station": _text(), "status": {"type": "string", "enum": STATUSES},
        "status_name": _text(), "officer": _text(nullable=True), "received_at": _text(),
        "claimed_at": _text(nullable=True), "accepted_at": _text(nullable=True), "decided_at": _text(nullable=True),
        "time_limit": time_limit, "amendment_deadline": nullable_day, "closed_on": nullable_day,
        "on_time": {"type": "boolean", "nullable": True}, "decision": {"type": "object"},
        "cursor": {"type": "integer"}}}
    detail = {"allOf": [{"$ref": "#/components/schemas/Case"}, {"type": "object", "properties": {
        "applicant": {"type": "object"}, "submitted_at": _text(nullable=True),
        "fields": {"type": "array", "items": {"type": "object", "properties": {"id": _text(), "label": _text()}}},
        "materials": {"type": "array", "items": {"type": "object", "properties": {
            "code": _text(), "name": _text(), "status": _text()}}},
        "attachments": {"type": "array", "items": {"type": "object", "properties": {
            "sha256": _text(), "held": {"type": "boolean"}, "media_type": _text(nullable=True),
            "size": {"type": "integer", "nullable": True}, "href": _text()}}},
        "steps": {"type": "array", "items": {"type": "object", "properties": {
            "step": _text(), "at": _text(), "officer": _text(), "details": {"type": "object"}}}},
        "onething": {"type": "object", "nullable": True,
                     "description": "一件事: the case this application is an item of, with every item",
                     "properties": {
            "case_id": _text(), "bundle_code": _text(), "bundle_name": _text(),
            "state": {"type": "string", "enum": ["open", "closed", "completed"]},
            "items": {"type": "array", "items": {"type": "object", "properties": {
                "application_id": _text(), "item_code": _text(), "receipt_number": _text(), "status": _text(),
                "department": _text(nullable=True), "department_status": _text(nullable=True)}}}}}}}]}
    request_id = {"type": "string", "pattern": "^[A-Za-z0-9._:-]{8,64}$",
                  "description": "Chosen by the caller; the same id and body again returns the first answer"}
    officer = {"type": "string", "minLength": 1, "maxLength": 64, "description": "经办人"}
    item = {"type": "object", "required": ["kind", "what"], "properties": {
        "kind": {"type": "string", "enum": ["material", "field"]}, "code": {"type": "string", "maxLength": 64},
        "what": {"type": "string", "minLength": 1, "maxLength": 200}, "why": {"type": "string", "maxLength": 200}}}
    collection = {"type": "object", "required": ["method"], "properties": {
        "method": {"type": "string", "enum": ["pickup", "delivery", "electronic"]},
        "place": {"type": "string", "maxLength": 200, "description": "where to pick up (pickup)"},
        "address": {"type": "string", "maxLength": 200, "description": "where it is sent (delivery)"},
        "note": {"type": "string", "maxLength": 200}}}
    decision = {"type": "object", "required": ["request_id", "officer", "decision"], "properties": {
        "request_id": request_id, "officer": officer, "decision": {"type": "string", "enum": DECISIONS},
        "note": {"type": "string", "maxLength": 500},
        "items": {"type": "array", "minItems": 1, "maxItems": 20, "items": item},
        "deadline": {"type": "string", "format": "date", "description": "补正 by this day"},
        "result": {"type": "string", "maxLength": 500}, "document_number": {"type": "string", "maxLength": 64},
        "collection": collection, "reason": {"type": "string", "maxLength": 500},
        "basis": {"type": "string", "maxLength": 500}},
        "description": "request_amendment needs items and deadline; complete needs result and collection; "
                       "not_accept and refuse need reason and basis; return needs reason"}
    claim = {"type": "object", "required": ["request_id", "officer"],
             "properties": {"request_id": request_id, "officer": officer}}
    return {"Case": case, "CaseDetail": detail, "Decision": decision, "Claim": claim}


SECURITY = {"departmentToken": {"type": "http", "scheme": "bearer",
                                "description": "jjd1.<claims>.<signature>, issued by `jiujin hub department token`"}}
