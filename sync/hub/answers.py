"""How the hub's HTTP routes read JSON bodies (bounded in size and depth) and answer a refusal:
a JSON body with a stable error code and the message in both languages."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse

#: Every JSON body the hub reads is at most this large and this deeply nested.
MAX_JSON = 1024 * 1024
MAX_JSON_DEPTH = 32


def problem(status: int, code: str, message_en: str, message_zh: str,
            headers: dict[str, str] | None = None) -> JSONResponse:
    """`{"error": code, "message_en": …, "message_zh": …}` with `status`."""
    return JSONResponse({"error": code, "message_en": message_en, "message_zh": message_zh},
                        status_code=status, headers=headers)


class Unauthorised(Exception):
    """The request carries no valid station credential (answered 401)."""


def parse_json(body: bytes, max_depth: int = MAX_JSON_DEPTH, max_size: int = MAX_JSON) -> Any:
    """A JSON body the hub reads: at most `max_size` bytes and `max_depth` levels of nesting,
    and no NUL in any string (PostgreSQL's text cannot hold one); ValueError otherwise (never
    a RecursionError)."""
    if len(body) > max_size:
        raise ValueError("too large")
    try:
        value = json.loads(body)
    except RecursionError:
        raise ValueError("nested too deeply") from None
    level: list[tuple[Any, int]] = [([value], 0)]
    while level:
        item, depth = level.pop()
        if isinstance(item, dict):
            if any("\x00" in key for key in item):
                raise ValueError("a NUL character in a key")
            children = item.values()
        else:
            children = item
        for child in children:
            if isinstance(child, dict | list):
                if depth + 1 > max_depth:
                    raise ValueError("nested too deeply")
                level.append((child, depth + 1))
            elif isinstance(child, str) and "\x00" in child:
                raise ValueError("a NUL character in a string")
    return value


async def bounded_body(request: Request, limit: int) -> bytes | None:
    """The request's body, or None as soon as it grows past `limit` bytes (the rest is not read)."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            return None
    return body
