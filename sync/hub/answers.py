"""How the hub's HTTP routes answer a refusal: a JSON body with a stable error code and the
message in both languages."""

from __future__ import annotations

from starlette.responses import JSONResponse


def problem(status: int, code: str, message_en: str, message_zh: str,
            headers: dict[str, str] | None = None) -> JSONResponse:
    """`{"error": code, "message_en": …, "message_zh": …}` with `status`."""
    return JSONResponse({"error": code, "message_en": message_en, "message_zh": message_zh},
                        status_code=status, headers=headers)


class Unauthorised(Exception):
    """The request carries no valid station credential (answered 401)."""
