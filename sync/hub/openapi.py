"""The hub's OpenAPI 3.0 description, written by hand so that it says exactly what is served."""

from __future__ import annotations

from functools import cache
from typing import Any

from sync.hub.openapi_departments import SECURITY, department_paths, department_schemas

_ERROR = {"$ref": "#/components/schemas/Error"}
_TUS = {"$ref": "#/components/parameters/TusResumable"}
_ID = {"name": "upload_id", "in": "path", "required": True, "schema": {"type": "string", "pattern": "^[0-9a-f]{32}$"}}
_AUTH: list[dict[str, list[str]]] = [{"stationCredential": []}]
MAX_VERSION = 2**31 - 1


def _errors(*codes: int) -> dict[str, Any]:
    text = {400: "Bad request", 401: "No valid station credential", 403: "Refused", 404: "Not found",
            409: "Conflict (offset mismatch, or not complete)", 412: "Tus-Resumable missing or unsupported",
            408: "The body stalled or dripped (resume the upload)",
            410: "The upload expired", 413: "Larger than Tus-Max-Size, or past the station's unfinished-upload quota",
            415: "Wrong Content-Type", 429: "The station's quarantine at the hub is full",
            460: "Checksum mismatch", 500: "The hub failed (logged)",
            503: "Not ready"}
    return {str(c): {"description": text[c], "content": {"application/json": {"schema": _ERROR}}} for c in codes}


def _header(name: str, description: str, required: bool = True, pattern: str | None = None) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if pattern:
        schema["pattern"] = pattern
    return {"name": name, "in": "header", "required": required, "description": description, "schema": schema}


@cache
def openapi_document() -> dict[str, Any]:
    """The description served at /openapi.json."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "Jiujin city hub (就近 市级中心)", "version": "1",
                 "description": "Sealed batches arrive by tus 1.0 uploads (core, creation, "
                                "creation-with-upload, checksum, termination, expiration; "
                                "X-HTTP-Method-Override honoured); see docs/sealed-batch.md."},
        "paths": {
            "/health": {"get": {"summary": "Readiness", "operationId": "health", "responses": {
                "200": {"description": "Ready", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}},
                **_errors(503)}}},
            "/metrics": {"get": {"summary": "Prometheus text format", "operationId": "metrics", "responses": {
                "200": {"description": "Metrics", "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
            "/watch": {"get": {"summary": "The hub's watch page for hub operators (HTTP Basic: name and access key)",
                               "operationId": "watchPage", "responses": {
                "200": {"description": "HTML page", "content": {"text/html": {"schema": {"type": "string"}}}},
                "401": {"description": "A hub operator's name and access key are required",
                        "content": {"text/plain": {"schema": {"type": "string"}}}}}}},
            "/v1/hub-keys": {"get": {"summary": "The hub's public keys (hub-public-keys.json)", "operationId": "hubKeys",
                                     "responses": {"200": {"description": "Public keys", "content": {
                                         "application/json": {"schema": {"type": "object"}}}}}}},
            "/v1/enrolments": {"post": {
                "summary": "Spend a one-time enrolment token; returns the station's upload credential",
                "operationId": "enrol",
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/EnrolmentRequest"}}}},
                "responses": {"201": {"description": "Enrolled", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Enrolment"}}}},
                              **_errors(400, 403)}}},
            "/v1/uploads": {
                "options": {"summary": "tus capabilities", "operationId": "tusOptions",
                            "responses": {"204": {"description": "Tus-Version, Tus-Extension, Tus-Max-Size, Tus-Checksum-Algorithm"}}},
                "post": {"summary": "tus creation: start an upload of one sealed object", "operationId": "tusCreate",
                         "security": _AUTH,
                         "parameters": [_TUS, _header("Upload-Length", "Total bytes", pattern="^[0-9]{1,18}$"),
                                        _header("Upload-Metadata", "tus metadata (optional)", required=False)],
                         "requestBody": {"required": False, "content": {"application/offset+octet-stream": {
                             "schema": {"type": "string", "format": "binary"}}}},
                         "responses": {"201": {"description": "Created; Location names the upload, Upload-Expires "
                                                              "when it lapses; with a body (creation-with-upload), "
                                                              "Upload-Offset says how much was kept. When that body "
                                                              "was the whole object, the answer carries its result, "
                                                              "as /v1/uploads/{upload_id}/result gives it",
                                               "content": {"application/json": {"schema": {"$ref": "#/components/schemas/IngestResult"}}}},
                                       **_errors(400, 401, 408, 409, 412, 413, 429, 460, 500)}}},
            "/v1/uploads/{upload_id}": {
                "parameters": [_ID],
                "head": {"summary": "tus: the server's offset", "operationId": "tusHead", "security": _AUTH,
                         "parameters": [_TUS], "responses": {"200": {"description": "Upload-Offset, Upload-Length, Upload-Metadata, Upload-Expires"},
                                                             "401": {"description": "No credential"},
                                                             "404": {"description": "No such upload"},
                                                             "410": {"description": "The upload expired"},
                                                             "412": {"description": "Tus-Resumable missing"}}},
                "patch": {"summary": "tus: append bytes at Upload-Offset (optional Upload-Checksum)",
                          "operationId": "tusPatch", "security": _AUTH,
                          "parameters": [_TUS, _header("Upload-Offset", "Offset", pattern="^[0-9]{1,18}$"),
                                         _header("Upload-Checksum", "sha1|sha256|md5 and base64 digest", required=False)],
                          "requestBody": {"required": True, "content": {"application/offset+octet-stream": {
                              "schema": {"type": "string", "format": "binary"}}}},
                          "responses": {"204": {"description": "Appended; the last PATCH ingests the object"},
                                        **_errors(400, 401, 404, 408, 409, 410, 412, 415, 460, 500)}},
                "delete": {"summary": "tus termination", "operationId": "tusDelete", "security": _AUTH,
                           "parameters": [_TUS], "responses": {"204": {"description": "Terminated"},
                                                               **_errors(401, 404, 410, 412)}},
                "options": {"summary": "tus capabilities", "operationId": "tusOptionsUpload",
                            "responses": {"204": {"description": "Capabilities"}}}},
            "/v1/uploads/{upload_id}/result": {"get": {
                "summary": "What ingest made of a finished upload, with the signed acknowledgement",
                "operationId": "uploadResult", "security": _AUTH, "parameters": [_ID],
                "responses": {"200": {"description": "Result", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/IngestResult"}}}},
                              **_errors(401, 403, 404, 409, 429)}}},
            "/v1/batches/{batch_id}/ack": {"get": {
                "summary": "The signed acknowledgement of a batch the hub holds", "operationId": "batchAck",
                "security": _AUTH,
                "parameters": [{"name": "batch_id", "in": "path", "required": True,
                                "schema": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}],
                "responses": {"200": {"description": "Signed acknowledgement", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SignedAck"}}}},
                              **_errors(401, 404)}}},
            "/v1/acks": {"get": {
                "summary": "Signed acknowledgements of the station's batches numbered above `after`",
                "operationId": "acks", "security": _AUTH,
                "parameters": [{"name": "after", "in": "query", "required": False,
                                "schema": {"type": "integer", "minimum": 0, "maximum": MAX_VERSION}}],
                "responses": {"200": {"description": "Acknowledgements", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"acks": {"type": "array", "items": {"$ref": "#/components/schemas/SignedAck"}}}}}}},
                    **_errors(400, 401)}}},
            "/v1/ledger": {"get": {
                "summary": "The runs of sequence numbers the hub holds for the station, and its gaps",
                "operationId": "ledger", "security": _AUTH,
                "responses": {"200": {"description": "Ledger", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Ledger"}}}},
                              **_errors(401)}}},
            "/v1/attachments/missing": {"post": {
                "summary": "Which of these documents (by SHA-256) the hub lacks", "operationId": "missingAttachments",
                "security": _AUTH,
                "requestBody": {"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "required": ["sha256"], "properties": {"sha256": {
                        "type": "array", "maxItems": 5000, "items": {"type": "string", "pattern": "^[0-9a-f]{64}$"}}}}}}},
                "responses": {"200": {"description": "Missing", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"missing": {"type": "array", "items": {"type": "string"}}}}}}},
                    **_errors(400, 401)}}},
            "/v1/manifests": {"post": {
                "summary": "A station's signed day manifest (日终清单); answers the signed comparison "
                           "(agreed, or missing / extra / content mismatch / missing sequence numbers)",
                "operationId": "dayManifest", "security": _AUTH,
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SignedManifest"}}}},
                "responses": {"200": {"description": "Signed acknowledgement with the comparison", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/SignedAck"}}}},
                              **_errors(400, 401, 403, 413)}}},
            "/v1/anchors": {"post": {
                "summary": "The station's audit chain head for this sync round (审计锚点), compared with the "
                           "anchors the hub holds; answers the signed acknowledgement naming the hub's newest anchor",
                "operationId": "auditAnchor", "security": _AUTH,
                "requestBody": {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SignedAnchor"}}}},
                "responses": {"200": {"description": "Signed acknowledgement: status stored or divergent, and anchor", "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/SignedAck"}}}},
                              **_errors(400, 401, 403)}}},
            "/v1/bundles": {"get": {
                "summary": "Signed downstream bundles (下行包) for the station with a version above `after`",
                "operationId": "bundles", "security": _AUTH,
                "parameters": [{"name": "after", "in": "query", "required": False,
                                "schema": {"type": "integer", "minimum": 0, "maximum": MAX_VERSION}}],
                "responses": {"200": {"description": "Bundles in version order, one page: at most 200 and at most "
                                                     "16 MiB of them, always at least the next one; a station "
                                                     "asks again after the newest it installed", "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"bundles": {"type": "array", "items": {"$ref": "#/components/schemas/SignedBundle"}}}}}}},
                    **_errors(400, 401)}}},
            **department_paths(),
        },
        "components": {
            "securitySchemes": {"stationCredential": {"type": "http", "scheme": "bearer",
                                                      "description": "<station code>.<secret> from enrolment"},
                                **SECURITY},
            "parameters": {"TusResumable": {"name": "Tus-Resumable", "in": "header", "required": True,
                                            "schema": {"type": "string", "enum": ["1.0.0"]}}},
            "schemas": {
                "Error": {"type": "object", "required": ["error", "message_en", "message_zh"], "properties": {
                    "error": {"type": "string"}, "message_en": {"type": "string"}, "message_zh": {"type": "string"}}},
                "Health": {"type": "object", "properties": {"status": {"type": "string"},
                                                            "hub_fingerprint": {"type": "string"}}},
                "EnrolmentRequest": {
                    "type": "object", "required": ["document", "signature"],
                    "description": "jiujin-enrolment/1: signed by the station's key, the token sealed to the hub "
                                   "(docs/sealed-batch.md, Enrolment)",
                    "properties": {"document": {"type": "object", "required": [
                        "format", "station", "hub", "signing_public_key", "token_sealed", "via", "at", "nonce"]},
                        "signature": {"type": "string", "format": "byte"}}},
                "Enrolment": {"type": "object", "properties": {
                    "station": {"type": "string"}, "credential": {"type": "string"},
                    "hub_fingerprint": {"type": "string"}, "station_fingerprint": {"type": "string"}}},
                "SignedAck": {"type": "object", "required": ["document", "signature"], "properties": {
                    "document": {"type": "object"}, "signature": {"type": "string", "format": "byte"}}},
                "IngestResult": {"type": "object", "properties": {
                    "status": {"type": "string", "enum": ["stored", "duplicate", "quarantined"]},
                    "kind": {"type": "string"}, "station": {"type": "string", "nullable": True},
                    "object_id": {"type": "string", "nullable": True}, "reason": {"type": "string", "nullable": True},
                    "sealed_sha256": {"type": "string", "nullable": True,
                                      "description": "SHA-256 of the sealed bytes received (also in the ack)"},
                    "ack": {"type": "string", "nullable": True}}},
                "SignedManifest": {"type": "object", "required": ["document", "signature"], "properties": {
                    "document": {"type": "object", "required": ["format", "station", "day", "applications", "digest"],
                                 "properties": {
                                     "format": {"type": "string", "enum": ["jiujin-manifest/1"]},
                                     "station": {"type": "string"}, "day": {"type": "string", "format": "date"},
                                     "created_at": {"type": "string"},
                                     "counts": {"type": "object"},
                                     "applications": {"type": "array", "items": {"type": "array", "items": {"type": "string"}}},
                                     "digest": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                                     "outbox": {"type": "array", "nullable": True, "items": {"type": "integer"}},
                                     "audit_head": {"type": "array"}}},
                    "signature": {"type": "string", "format": "byte"}}},
                "SignedAnchor": {"type": "object", "required": ["document", "signature"], "properties": {
                    "document": {"type": "object", "required": ["format", "station", "at", "head", "checked",
                                                                "divergent", "recovery"],
                                 "properties": {
                                     "format": {"type": "string", "enum": ["jiujin-anchor/1"]},
                                     "station": {"type": "string"}, "at": {"type": "string"},
                                     "head": {"type": "array"}, "checked": {"type": "array", "nullable": True},
                                     "divergent": {"type": "boolean"},
                                     "recovery": {"type": "object", "nullable": True}}},
                    "signature": {"type": "string", "format": "byte"}}},
                "SignedBundle": {"type": "object", "required": ["document", "signature"], "properties": {
                    "document": {"type": "object", "properties": {
                        "format": {"type": "string", "enum": ["jiujin-bundle/1"]}, "station": {"type": "string"},
                        "version": {"type": "integer"}, "kind": {"type": "string", "enum": [
                            "statuses", "resend", "offline_policy", "revocations", "calendar", "catalog",
                            "reconciled", "roster", "shared_data"]},
                        "created_at": {"type": "string"}, "expires_at": {"type": "string"}, "hub": {"type": "string"},
                        "payload": {"type": "object"}}},
                    "signature": {"type": "string", "format": "byte"}}},
                "Ledger": {"type": "object", "properties": {
                    "station": {"type": "string"},
                    "held": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}},
                    "gaps": {"type": "array", "items": {"type": "array", "items": {"type": "integer"}}}}},
                **department_schemas(),
            },
        },
    }
