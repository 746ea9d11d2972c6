"""The hub's watch page, `GET /watch`: the watch's findings as one server-rendered HTML page
for hub operators (HTTP Basic with an operator's access key, `sync.hub.operators`).

Read-only, no JavaScript, no personal data (station codes and names, counts, times, reasons);
it refreshes itself every minute with a meta tag. Answers carry `Cache-Control: no-store` and
a content security policy that allows nothing but the page's own inline style.
"""

from __future__ import annotations

import base64
import binascii
import logging
from html import escape

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from sync.hub import operators, station_watch
from sync.hub.pool import in_thread
from sync.hub.service import HubService
from sync.hub.station_watch import WatchReport

log = logging.getLogger("jiujin.hub.watch_page")
REALM = 'Basic realm="jiujin-hub", charset="UTF-8"'
HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "X-Frame-Options": "DENY",
           "Referrer-Policy": "no-referrer",
           "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'"}
MAX_CREDENTIALS = 256
STYLE = """body{font-family:sans-serif;margin:1.5rem;color:#1f2a36}h1{font-size:1.4rem}
h2{font-size:1.1rem;margin-top:1.6rem}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #9aa3ad;padding:.3rem .5rem;text-align:left;font-size:.9rem}th{background:#eef1f4}
.alert{color:#b00020;font-weight:bold}.none{color:#5b6673}"""


def routes(service: HubService) -> list[Route]:
    async def page(request: Request) -> Response:
        name = await in_thread(_operator, request.headers.get("authorization", ""))
        if name is None:
            return Response("需要中心操作员的名称和访问密钥 / a hub operator's name and access key are required",
                            status_code=401, headers=HEADERS | {"WWW-Authenticate": REALM},
                            media_type="text/plain; charset=utf-8")
        report = await in_thread(station_watch.look, service.store)
        log.info("watch_page_read", extra={"operator": name, "alerts": report.alerts})
        return HTMLResponse(render(report), headers=HEADERS)

    return [Route("/watch", page, methods=["GET"])]


def _operator(header: str) -> str | None:
    """The operator a Basic `Authorization` header names, when its key is theirs."""
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded or len(encoded) > MAX_CREDENTIALS:
        return None
    try:
        name, sep, key = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    if not sep or not operators.authenticate(name, key):
        log.warning("watch_page_refused", extra={"operator": name[:32] if sep else ""})
        return None
    return name


def _table(headers: list[str], rows: list[list[str]]) -> str:
    if not rows:
        return '<p class="none">无 none</p>'
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def render(report: WatchReport) -> str:
    """The page: a summary line, then one table per signal."""
    sections = [
        (f"失联站点 Silent stations (> {report.silent_hours:g} h)", ["站点 station", "名称 name", "最后联系 last contact",
                                                                   "小时 hours"],
         [[s.station, s.name, s.last_contact or "从未 never", "—" if s.hours is None else f"{s.hours:g}"]
          for s in report.silent]),
        ("积压 Backlogs", ["站点 station", "未收序号 missing", "一天前 a day ago", "增长 growing"],
         [[b.station, str(b.missing), "—" if b.before is None else str(b.before), "是 yes" if b.growing else "否 no"]
          for b in report.backlogs]),
        ("审计锚点不一致 Divergent audit anchors", ["站点 station", "审计序号 audit seq", "说明 what"],
         [[a.station, str(a.audit_seq), f"{a.what_zh} / {a.what_en}"] for a in report.anchors]),
        ("下行包失败 Failed bundles", ["站点 station", "版本 version", "类型 kind", "原因 reason", "签发 made",
                                    "到期 expires"],
         [[f.station, str(f.version), f.kind, f.reason, f.created_at, f.expires_at] for f in report.failed_bundles]),
        ("即将到期 Expiring", ["站点 station", "什么 what", "到期 expires", "已过期 expired"],
         [[e.station, e.what, e.expires_at, "是 yes" if e.expired else "否 no"] for e in report.expiring]),
        ("隔离批次 Quarantined", ["编号 id", "站点 station", "收到 received", "途径 via", "原因 reason", "说明 message"],
         [[str(q.id), q.station or "—", q.received_at, q.via, q.reason, f"{q.message_zh} / {q.message_en}"]
          for q in report.quarantined]),
    ]
    parts = "".join(f"<h2>{escape(title)}</h2>{_table(headers, rows)}" for title, headers, rows in sections)
    level = "alert" if report.alerts else "none"
    return (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
            f'<meta http-equiv="refresh" content="60"><meta name="viewport" content="width=device-width">'
            f"<title>中心巡检 Hub watch</title><style>{STYLE}</style></head><body>"
            f"<h1>就近 · 中心巡检 Hub watch</h1>"
            f'<p class="{level}">{report.stations} 个站点 stations · 待处理 alerts {report.alerts} · {escape(report.at)}</p>'
            f"{parts}</body></html>")
