"""`jiujin hub watch` and `jiujin hub operator …`: the watch over the stations, and the hub
operators who may read its web page (`GET /watch`)."""

from __future__ import annotations

from typing import Any

import click

from sync.hub.cli.common import emit_json, hub_folder_option, lang, open_hub


@click.command("watch")
@hub_folder_option
@click.option("--silent-hours", type=click.FloatRange(0, 24 * 365), default=24.0, show_default=True,
              help="An active station with no contact for longer is silent.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def watch(ctx: click.Context, data_dir_option: str | None, silent_hours: float, as_json: bool) -> None:
    """Silent stations, growing backlogs, divergent anchors, failed bundles, expiring tokens,
    quarantine; exits 3 when anything wants attention. / 站点巡检"""
    from sync.hub import station_watch

    report = station_watch.look(open_hub(ctx, data_dir_option), silent_hours=silent_hours)
    if as_json:
        emit_json(station_watch.as_json(report))
    else:
        english = lang(ctx) == "en"
        click.echo(f"{report.stations} stations, {report.alerts} alerts" if english
                   else f"{report.stations} 个站点，待处理 {report.alerts} 项")
        for line in _lines(report, english):
            click.echo(line)
    ctx.exit(3 if report.alerts else 0)


def _lines(report: Any, english: bool) -> list[str]:
    """One line per finding (`sync.hub.station_watch.WatchReport`)."""
    lines = [f"silent {s.station} since {s.last_contact or 'never'}" if english
             else f"失联 {s.station} 最后联系 {s.last_contact or '从未'}" for s in report.silent]
    lines += [f"backlog {b.station} {b.missing} (a day ago {b.before})" if english
              else f"积压增长 {b.station} {b.missing}（一天前 {b.before}）" for b in report.backlogs if b.growing]
    lines += [f"anchor {a.station} {a.what_en if english else a.what_zh}" for a in report.anchors]
    lines += [f"bundle {f.station} v{f.version} {f.kind} {f.reason}" for f in report.failed_bundles]
    lines += [f"token {e.station} expires {e.expires_at}" for e in report.expiring]
    lines += [f"quarantined #{q.id} {q.station or '?'} {q.reason}" for q in report.quarantined]
    return lines


@click.group("operator")
def operator() -> None:
    """Hub operators who may read the watch page. / 中心操作员"""


@operator.command("add")
@hub_folder_option
@click.argument("name")
@click.pass_context
def operator_add(ctx: click.Context, data_dir_option: str | None, name: str) -> None:
    """Add an operator (or give them a new key); prints the access key once. / 添加操作员"""
    from sync.hub.operators import add_operator

    key = add_operator(open_hub(ctx, data_dir_option), name)
    click.echo(f"操作员 {name} 的访问密钥（只显示这一次）/ access key of {name} (shown once):")
    click.echo(key)


@operator.command("disable")
@hub_folder_option
@click.argument("name")
@click.pass_context
def operator_disable(ctx: click.Context, data_dir_option: str | None, name: str) -> None:
    """Take an operator's access away. / 停用操作员"""
    from sync.hub.operators import disable_operator

    disable_operator(open_hub(ctx, data_dir_option), name)
    click.echo(f"操作员 {name} 已停用 / operator {name} disabled")


@operator.command("list")
@hub_folder_option
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def operator_list(ctx: click.Context, data_dir_option: str | None, as_json: bool) -> None:
    """Operators, when added and disabled (never their keys). / 操作员列表"""
    from sync.hub.operators import operators

    open_hub(ctx, data_dir_option)
    rows = operators()
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        click.echo(f"{row['name']}\t{row['created_at']}\t{row['disabled_at'] or '-'}")
