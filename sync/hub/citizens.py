"""The citizens' pages (一网查): a case's progress from the receipt's QR link, a lookup by receipt
number, and the one rating (好差评) of the case.

    GET  /c                    the lookup form
    POST /c                    receipt number + ID tail → 303 to the case's link (rate limited)
    GET  /c/help               a static help page (the benchmark's baseline too)
    GET  /c/{token}            the case: item, station, steps with dates, promised day, rating
    POST /c/{token}/rating     the rating, once per case

Server-rendered HTML, no script. Every answer forbids caching and referrers (the link is the
key to the case), and the access log names only the route's template, never the token.
Lookups, views and ratings are audited in hub_action without personal data.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from urllib.parse import parse_qs

from starlette.background import BackgroundTask
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from kernel.ratings import RatingRejected, checked
from sync.hub import citizen_cases as cases
from sync.hub import citizen_pages, ratings
from sync.hub.actions import audit
from sync.hub.pool import in_thread
from sync.hub.reconcile import refresh_applications
from sync.hub.service import HubService

MAX_FORM = 8 * 1024
HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
                               "frame-ancestors 'none'",
}
NO_MATCH = ("没有找到匹配的办件：请核对受理编号和证件号码后四位。",
            "No case matches: check the receipt number and the last four characters of the ID number.")
TOO_MANY = ("查询过于频繁，请稍后再试。", "Too many lookups; please try again later.")


def routes(service: HubService) -> list[Route]:
    """The citizens' routes over one hub service."""
    pages = _Pages(service)
    return [
        Route("/c", pages.lookup_form, methods=["GET"]),
        Route("/c", pages.lookup, methods=["POST"]),
        Route("/c/help", pages.help, methods=["GET"]),
        Route("/c/{token}", pages.case, methods=["GET"]),
        Route("/c/{token}/rating", pages.rate, methods=["POST"]),
    ]


def _lang(value: str | None) -> str:
    return "en" if value == "en" else "zh"


def _html(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status, headers=HEADERS)


@cache
def help_page() -> bytes:
    """The static help page, read once."""
    return resources.files("sync.hub").joinpath("citizens-help.html").read_bytes()


@cache
def _english_names() -> dict[str, str]:
    """Item code -> English name from the packaged catalog (the records carry the Chinese)."""
    from forms.collection import load_catalog
    from forms.errors import FormsError

    try:
        return {item.code: item.name.en for item in load_catalog()}
    except FormsError:  # a catalog that does not load leaves the Chinese name on English pages
        return {}


async def _form(request: Request) -> dict[str, list[str]] | None:
    """The urlencoded form, at most `MAX_FORM` bytes and 20 fields, none holding a NUL (no one
    types one; PostgreSQL's text cannot hold it); None when it is anything else or cut off."""
    body = b""
    try:
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_FORM:
                return None
    except ClientDisconnect:
        return None
    try:
        form = parse_qs(body.decode("utf-8", "replace"), max_num_fields=20)
    except ValueError:  # more fields than any of these pages' forms has
        return None
    if any("\x00" in key or any("\x00" in value for value in values) for key, values in form.items()):
        return None
    return form


class _Pages:
    def __init__(self, service: HubService) -> None:
        self.store = service.store

    async def help(self, request: Request) -> Response:
        return Response(help_page(), media_type="text/html; charset=utf-8", headers=HEADERS)

    async def lookup_form(self, request: Request) -> Response:
        return _html(citizen_pages.lookup_page(_lang(request.query_params.get("lang"))))

    async def lookup(self, request: Request) -> Response:
        form = await _form(request) or {}
        lang = _lang((form.get("lang") or [""])[0])
        number = (form.get("receipt") or [""])[0].strip().upper()[:32]
        tail = (form.get("tail") or [""])[0].strip()[:4]
        client = request.client.host if request.client is not None else ""
        if not await in_thread(cases.allowed, self.store, client, number):
            await in_thread(audit, self.store, "citizen", "case.lookup", None, "", {"outcome": "limited"})
            return _html(citizen_pages.lookup_page(lang, TOO_MANY[lang == "en"], number), 429)
        found = await in_thread(cases.find, number, tail)
        await in_thread(audit, self.store, "citizen", "case.lookup", None, found or "",
                        {"outcome": "found" if found else "no_match"})
        if found is None:
            return _html(citizen_pages.lookup_page(lang, NO_MATCH[lang == "en"], number))
        token = cases.hub_token(self.store, found)
        return RedirectResponse(f"/c/{token}" + ("?lang=en" if lang == "en" else ""), 303, headers=HEADERS)

    async def case(self, request: Request) -> Response:
        return await self._show(request.path_params["token"], _lang(request.query_params.get("lang")))

    async def _show(self, token: str, lang: str, notice: str = "", status: int = 200) -> Response:
        application_id, found = await in_thread(self._case, token)
        if application_id is None:
            return _html(citizen_pages.message_page(lang, ("链接无效", "Invalid link"), (
                "这个链接无法核验，请扫描回执上的二维码，或按受理编号查询。",
                "This link cannot be verified: scan the QR code on your receipt, or find the case by number.")), 404)
        if found is None:
            return _html(citizen_pages.message_page(lang, ("办件尚未到达", "Not arrived yet"), (
                "受理点尚未把这件办件同步到中心，请稍后再查。",
                "The service point has not yet sent this case to the city hub; please look again later.")))
        case, given = found
        action = f"/c/{token}/rating"
        names = _english_names()
        response = _html(citizen_pages.case_page(lang, case, given, names.get(case.item_code, ""),
                                                 action, notice, names), status)
        # audited once the page is on its way: the view's record costs the citizen no wait
        response.background = BackgroundTask(in_thread, audit, self.store, "citizen", "case.viewed",
                                             case.station, application_id, {})
        return response

    def _case(self, token: str) -> tuple[str | None, tuple[cases.Case, ratings.Given | None] | None]:
        """The application a token names, and its case and rating once the hub holds it (one
        trip to the database thread)."""
        application_id = cases.application_of(self.store, token)
        if application_id is None:
            return None, None
        ratings.absorb(self.store)
        case = cases.case(application_id)
        if case is not None and case.bundle is not None:  # its 一件事's items are read from hub_application
            refresh_applications()
            case = cases.case(application_id)
        return application_id, ((case, ratings.given(application_id)) if case is not None else None)

    async def rate(self, request: Request) -> Response:
        token = request.path_params["token"]
        form = await _form(request)
        lang = _lang(((form or {}).get("lang") or [""])[0])
        application_id = await in_thread(cases.application_of, self.store, token)
        if form is None or application_id is None:
            return await self._show(token, lang)
        try:
            level = int((form.get("level") or ["0"])[0])
            rating = checked(level, form.get("reason", []), (form.get("text") or [""])[0], "web")
        except (ValueError, RatingRejected) as error:
            message = error.message(lang) if isinstance(error, RatingRejected) else (
                "Choose a level" if lang == "en" else "请选择一个评价等级")
            return await self._show(token, lang, message, 400)
        found = await in_thread(cases.case, application_id)
        if found is None:
            return await self._show(token, lang)
        kept = await in_thread(ratings.rate, self.store, application_id, found.station, found.operator, rating)
        if not kept:
            return await self._show(token, lang, "该办件已评价，每件只能评价一次。" if lang != "en"
                                    else "This case is already rated; a case is rated once.", 409)
        return RedirectResponse(f"/c/{token}" + ("?lang=en" if lang == "en" else "") + "#rating", 303,
                                headers=HEADERS)

