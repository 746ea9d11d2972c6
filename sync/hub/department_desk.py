"""部门工作台 — the department desk: server-rendered pages at `/desk` where department staff work
their queue. The desk is a client of the department API: every page and every button calls
`/v1/departments/…` in process, with the department token the staff member signed in with,
so it sees, checks and audits exactly what a department system would.

The token is kept in an HttpOnly, SameSite=Strict cookie scoped to `/desk`; forms post only
to the same origin (a foreign Origin is refused) and carry a request id minted when the page
was drawn, so a double click decides once.
"""

from __future__ import annotations

import html
import uuid
from typing import Any
from urllib.parse import parse_qs, quote

import httpx
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp

from sync.hub.answers import bounded_body

COOKIE = "jiujin_desk"
MAX_FORM = 32 * 1024
TABS = (("new", "待签收"), ("open", "在办"), ("amendment_requested", "待补正"), ("completed", "已办结"))
ACTIONS = {  # case status -> the buttons shown
    "new": ("claim",), "claimed": ("accept", "request_amendment", "not_accept", "return"),
    "accepted": ("request_amendment", "complete", "refuse", "return"),
    "amendment_requested": ("not_accept", "return"),
    "amended": ("accept", "request_amendment", "complete", "refuse", "not_accept", "return"),
}
ACTION_NAMES = {"claim": "签收", "accept": "受理确认", "request_amendment": "要求补正", "complete": "办结",
                "not_accept": "不予受理", "refuse": "不予许可", "return": "退回"}
STYLE = """body{font-family:"Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;margin:1.5rem;color:#222}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .6rem;text-align:left}
.overdue{color:#b00020;font-weight:bold}.error{background:#fde;padding:.5rem}.done{background:#dfd;padding:.5rem}
form.action{border:1px solid #ddd;padding:.6rem;margin:.6rem 0}label{display:block;margin:.2rem 0}"""


def e(value: Any) -> str:
    """Escaped for HTML; None is empty."""
    return html.escape("" if value is None else str(value))


def page(title: str, body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(f"<!doctype html><html lang=zh-CN><head><meta charset=utf-8><title>{e(title)} · 部门工作台"
                        f"</title><style>{STYLE}</style></head><body><h1>{e(title)}</h1>{body}</body></html>",
                        status_code=status, headers={"Cache-Control": "no-store",
                                                     "Content-Security-Policy": "default-src 'self'; style-src 'unsafe-inline'",
                                                     "X-Frame-Options": "DENY"})


def routes(api: ASGIApp) -> list[Route]:
    """The desk's pages over `api`, an ASGI app serving the department API."""
    desk = _Desk(api)
    return [Route("/desk", desk.queue, methods=["GET"]), Route("/desk/login", desk.login, methods=["POST"]),
            Route("/desk/logout", desk.logout, methods=["POST"]),
            Route("/desk/cases/{application_id}", desk.case, methods=["GET"]),
            Route("/desk/cases/{application_id}/attachments/{sha256}", desk.attachment, methods=["GET"]),
            Route("/desk/cases/{application_id}/{action}", desk.act, methods=["POST"])]


class _Desk:
    def __init__(self, api: ASGIApp) -> None:
        self.api = api

    async def _call(self, token: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """One call to the department API, in process, as the signed-in department."""
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=self.api), base_url="http://desk.local",
                                     headers={"Authorization": f"Bearer {token}"}) as client:
            return await client.request(method, f"/v1/departments{path}", **kwargs)

    async def queue(self, request: Request) -> Response:
        token = request.cookies.get(COOKIE, "")
        if not token:
            return _login_page()
        status = request.query_params.get("status", "new")
        status = status if status in {key for key, _ in TABS} else "new"
        after = request.query_params.get("after", "0")
        me = await self._call(token, "GET", "/me")
        if me.status_code == 401:
            return _login_page("凭据无效、已过期或已停用，请重新登录")
        listed = await self._call(token, "GET", "/cases", params={"status": status, "after": after, "limit": "50"})
        overdue = await self._call(token, "GET", "/overdue")
        if listed.status_code != 200 or overdue.status_code != 200:
            return page("部门工作台", _problem(listed if listed.status_code != 200 else overdue), 502)
        return page(f"{me.json()['name']} · 部门工作台", _queue_body(status, listed.json(), overdue.json()["cases"]))

    async def login(self, request: Request) -> Response:
        form = await _form(request)
        if form is None:
            return page("部门工作台", "<p class=error>表单无效</p>", 400)
        token = form.get("token", "").strip()
        if not token or (await self._call(token, "GET", "/me")).status_code != 200:
            return _login_page("凭据无效、已过期或已停用", 401)
        response = RedirectResponse("/desk", status_code=303)
        response.set_cookie(COOKIE, token, httponly=True, samesite="strict", path="/desk",
                            secure=request.url.scheme == "https", max_age=12 * 3600)
        return response

    async def logout(self, request: Request) -> Response:
        response = RedirectResponse("/desk", status_code=303)
        response.delete_cookie(COOKIE, path="/desk")
        return response

    async def case(self, request: Request) -> Response:
        token = request.cookies.get(COOKIE, "")
        if not token:
            return _login_page()
        app_id = request.path_params["application_id"]
        found = await self._call(token, "GET", f"/cases/{quote(app_id)}")
        if found.status_code != 200:
            return page("办件", _problem(found), found.status_code)
        flash = request.query_params.get("done", "")
        notice = f"<p class=done>已{e(ACTION_NAMES.get(flash, flash))}</p>" if flash in ACTION_NAMES else ""
        return page(f"办件 {found.json()['receipt_number']}", notice + _case_body(found.json()))

    async def attachment(self, request: Request) -> Response:
        token = request.cookies.get(COOKIE, "")
        app_id, sha = request.path_params["application_id"], request.path_params["sha256"]
        found = await self._call(token, "GET", f"/cases/{quote(app_id)}/attachments/{quote(sha)}")
        if found.status_code != 200:
            return page("附件", _problem(found), found.status_code)
        return Response(found.content, media_type=found.headers.get("content-type"),
                        headers={"Cache-Control": "no-store", "Content-Disposition": f'attachment; filename="{sha[:16]}"'})

    async def act(self, request: Request) -> Response:
        token = request.cookies.get(COOKIE, "")
        app_id, action = request.path_params["application_id"], request.path_params["action"]
        origin = request.headers.get("origin")
        if origin and origin != f"{request.url.scheme}://{request.url.netloc}":
            return page("办件", "<p class=error>拒绝来自其他网站的提交</p>", 403)
        form = await _form(request)
        if not token or form is None or action not in ACTION_NAMES:
            return page("办件", "<p class=error>请求无效，请重新登录后再试</p>", 400)
        body = _decision_body(action, form)
        path = f"/cases/{quote(app_id)}/claim" if action == "claim" else f"/cases/{quote(app_id)}/decisions"
        answer = await self._call(token, "POST", path, json=body)
        if answer.status_code != 200:
            return page("办件", _problem(answer) + f"<p><a href='/desk/cases/{e(quote(app_id))}'>返回办件</a></p>",
                        answer.status_code)
        return RedirectResponse(f"/desk/cases/{quote(app_id)}?done={action}", status_code=303)


async def _form(request: Request) -> dict[str, str] | None:
    """A url-encoded form of at most `MAX_FORM` bytes, first value of each field."""
    body = await bounded_body(request, MAX_FORM)
    if body is None:
        return None
    try:
        fields = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=50)
    except (UnicodeDecodeError, ValueError):
        return None
    return {key: values[0] for key, values in fields.items()}


def _decision_body(action: str, form: dict[str, str]) -> dict[str, Any]:
    """The API request the form stands for."""
    body: dict[str, Any] = {"request_id": form.get("request_id", ""), "officer": form.get("officer", "")}
    if action == "claim":
        return body
    body["decision"] = action
    body |= {key: form[key] for key in ("note", "reason", "basis", "result", "document_number", "deadline")
             if form.get(key, "").strip()}
    if action == "request_amendment":
        body["items"] = [{"kind": "material", "what": line.strip()}
                         for line in form.get("items", "").splitlines() if line.strip()]
    if action == "complete":
        body["collection"] = {key: form[f"collection_{key}"] for key in ("method", "place", "address", "note")
                              if form.get(f"collection_{key}", "").strip()}
    return body


def _problem(answer: httpx.Response) -> str:
    try:
        detail = answer.json()
        return f"<p class=error>{e(detail['message_zh'])} / {e(detail['message_en'])}</p>"
    except (ValueError, KeyError, TypeError):
        return f"<p class=error>中心未能完成请求（{answer.status_code}）</p>"


def _login_page(message: str = "", status: int = 200) -> HTMLResponse:
    error = f"<p class=error>{e(message)}</p>" if message else ""
    return page("部门工作台 · 登录", error + "<form method=post action=/desk/login><label>部门凭据 "
                "<input name=token type=password size=60 autocomplete=off></label><button>登录</button></form>",
                status)


def _queue_body(status: str, listed: dict[str, Any], overdue: list[dict[str, Any]]) -> str:
    tabs = " · ".join(f"<a href='/desk?status={key}'>{'<b>' + name + '</b>' if key == status else name}</a>"
                      for key, name in TABS)
    rows = "".join(_case_row(c) for c in listed["cases"]) or "<tr><td colspan=6>没有办件</td></tr>"
    more = (f"<p><a href='/desk?status={status}&after={e(listed['next'])}'>下一页</a></p>"
            if listed.get("next") else "")
    late = "".join(f"<li class=overdue><a href='/desk/cases/{e(c['application_id'])}'>{e(c['receipt_number'])}</a>"
                   f" {e(c['item_name'])} 承诺 {e(c['time_limit']['promised_due'])}</li>" for c in overdue)
    return (f"<form method=post action=/desk/logout><button>退出</button></form><p>{tabs}</p>"
            f"<h2>超期办件 {len(overdue)}</h2><ul>{late}</ul>"
            "<table><tr><th>受理编号</th><th>事项</th><th>状态</th><th>受理日</th><th>承诺办结</th><th>站点</th></tr>"
            f"{rows}</table>{more}")


def _case_row(case: dict[str, Any]) -> str:
    limit = case["time_limit"]
    due = f"<span class=overdue>{e(limit['promised_due'])} 已超期</span>" if limit["overdue"] else e(limit["promised_due"])
    return (f"<tr><td><a href='/desk/cases/{e(case['application_id'])}'>{e(case['receipt_number'])}</a></td>"
            f"<td>{e(case['item_name'])}</td><td>{e(case['status_name'])}</td><td>{e(limit['start_day'])}</td>"
            f"<td>{due}{' （补正中，暂停计时）' if limit['paused'] else ''}</td><td>{e(case['station'])}</td></tr>")


def _case_body(case: dict[str, Any]) -> str:
    app_id = e(case["application_id"])
    facts = [("事项", case["item_name"]), ("状态", case["status_name"]), ("申请人", case["applicant"].get("name")),
             ("经办人", case["officer"]), ("承诺办结", case["time_limit"]["promised_due"]),
             ("法定时限", case["time_limit"]["legal_due"]), ("补正期限", case["amendment_deadline"])]
    rows = "".join(f"<tr><th>{e(k)}</th><td>{e(v)}</td></tr>" for k, v in facts if v)
    fields = "".join(f"<tr><th>{e(f['label'])}</th><td>{e(f['value'])}</td></tr>" for f in case["fields"])
    materials = "".join(f"<li>{e(m['name'])}：{e(m['status'])}</li>" for m in case["materials"])
    files = "".join(f"<li><a href='/desk/cases/{app_id}/attachments/{e(a['sha256'])}'>{e(a['sha256'][:16])}</a> "
                    f"{e(a['media_type'])}</li>" if a["held"] else f"<li>{e(a['sha256'][:16])}（尚未到达中心）</li>"
                    for a in case["attachments"])
    steps = "".join(f"<li>{e(s['at'])} {e(ACTION_NAMES.get(s['step'], '补交' if s['step'] == 'amended' else s['step']))}"
                    f" {e(s['officer'])}</li>" for s in case["steps"])
    forms = "".join(_action_form(case["application_id"], action) for action in ACTIONS.get(case["status"], ()))
    return (f"<p><a href='/desk'>返回列表</a></p><table>{rows}</table><h2>申请内容</h2><table>{fields}</table>"
            f"<h2>材料</h2><ul>{materials}</ul><h2>附件</h2><ul>{files}</ul><h2>办理过程</h2><ol>{steps}</ol>"
            f"<h2>办理</h2>{forms}")


_FIELDS = {
    "accept": "<label>说明 <input name=note size=60></label>",
    "request_amendment": "<label>需补正的材料或信息（每行一项）<textarea name=items rows=4 cols=60 required></textarea></label>"
                         "<label>补正期限 <input name=deadline type=date required></label>"
                         "<label>说明 <input name=note size=60></label>",
    "complete": "<label>办理结果 <input name=result size=60 required></label>"
                "<label>证照或文书编号 <input name=document_number size=30></label>"
                "<label>领取方式 <select name=collection_method><option value=pickup>自取</option>"
                "<option value=delivery>邮寄</option><option value=electronic>电子证照</option></select></label>"
                "<label>领取地点 <input name=collection_place size=60></label>"
                "<label>邮寄地址 <input name=collection_address size=60></label>",
    "not_accept": "<label>理由 <input name=reason size=60 required></label>"
                  "<label>依据 <input name=basis size=60 required></label>",
    "refuse": "<label>理由 <input name=reason size=60 required></label>"
              "<label>依据 <input name=basis size=60 required></label>",
    "return": "<label>退回原因 <input name=reason size=60 required></label>",
}


def _action_form(app_id: str, action: str) -> str:
    return (f"<form class=action method=post action='/desk/cases/{e(app_id)}/{action}'>"
            f"<input type=hidden name=request_id value='{uuid.uuid4().hex}'>"
            f"<label>经办人 <input name=officer size=20 required></label>{_FIELDS.get(action, '')}"
            f"<button>{e(ACTION_NAMES[action])}</button></form>")
