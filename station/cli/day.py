"""`jiujin day close | bundles | purge | ledger`: end of day, the hub's bundles, retention."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from station.cli.common import emit_json, lang, open_session, operator_options
from station.cli.inputs import parse_day

if TYPE_CHECKING:
    from station.core.day_close import DayPreview


@click.group()
def day() -> None:
    """End of day and what the hub sends back. / 日终对账"""


@day.command("close")
@operator_options
@click.option("--date", "day_", default=None, help="YYYY-MM-DD (default: today).")
@click.option("--to", "folder", type=click.Path(file_okay=False), default=None,
              help="Write the manifest to a USB folder instead of sending it.")
@click.option("--no-send", is_flag=True, help="Sign and record only.")
@click.option("--preview", is_flag=True,
              help="Show what the close would sign and the open drafts it leaves out; sign nothing. / 预览")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def close(ctx: click.Context, data_dir_option: str | None, operator: str, password_file: str | None,
          day_: str | None, folder: str | None, no_send: bool, preview: bool, as_json: bool) -> None:
    """Sign the day's manifest and send it to the hub (supervisor). / 日终清单"""
    from dataclasses import asdict

    from station.core.clock import local_day
    from station.core.day_close import close_day, preview_day

    chosen = parse_day(day_) if day_ else None  # a bad date is refused before the store is opened
    store, session = open_session(ctx, data_dir_option, operator, password_file)
    which = chosen or local_day(store.clock())
    before = preview_day(store, session, which)
    if preview:
        if as_json:
            emit_json({**asdict(before), "day": which.isoformat(), "count": before.count})
        else:
            click.echo("\n".join(preview_lines(before, lang(ctx))))
        return
    out = close_day(store, session, which, folder=Path(folder) if folder else None, send=not no_send)
    if as_json:
        emit_json(out)
        return
    for line in preview_lines(before, lang(ctx))[1:]:  # 容缺 still owed, the open drafts left out
        click.echo(line)
    summary = out["manifest"]
    click.echo(f"{summary['day']}: {summary['count']} 件申请 applications, digest {summary['digest'][:16]}…")
    result = out["result"]
    if result:
        verdict = "一致 agreed" if result["verdict"] == "agreed" else "不一致 discrepant"
        click.echo(f"中心比对 hub comparison: {verdict}; missing {len(result['missing'])}, "
                   f"extra {len(result['extra'])}, mismatch {len(result['content_mismatch'])}, "
                   f"missing seqs {result['missing_seqs']}")


def preview_lines(preview: DayPreview, language: str) -> list[str]:
    """The day close preview: what it signs (first line: the station's day, counts by status,
    容缺 still owed), then the open drafts of that day it leaves out (operator, the citizen
    masked, service, last saved)."""
    from reports.wording import status_text

    day, en = f"{preview.day.isoformat()} ({preview.zone})", language == "en"
    counts = (", " if en else "，").join(f"{status_text(s).get(language)} {n}" for s, n in sorted(preview.counts.items()))
    lines = [f"{day}: the close would sign {preview.count} application(s){': ' + counts if counts else ''}" if en
             else f"{day} 日结将签署 {preview.count} 件{'：' + counts if counts else ''}"]
    if preview.rongque_pending:
        lines.append(f"{preview.rongque_pending} of them still wait for materials accepted under 容缺" if en
                     else f"其中 {preview.rongque_pending} 件容缺材料尚未补交")
    if preview.drafts:
        lines.append(f"{len(preview.drafts)} open draft(s) of the day are left out of the close:" if en
                     else f"另有 {len(preview.drafts)} 份草稿未提交，不计入日结：")
        lines += [f"  · {d.operator} · {d.applicant} · {d.item_code} {d.item_name} · {d.updated_at}"
                  for d in preview.drafts]
    return lines


@day.command("bundles")
@operator_options
@click.option("--from", "folder", type=click.Path(file_okay=False), default=None, help="A USB folder.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def bundles(ctx: click.Context, data_dir_option: str | None, operator: str, password_file: str | None,
            folder: str | None, as_json: bool) -> None:
    """Fetch (or import) and apply the hub's signed bundles. / 下行包"""
    from contextlib import closing

    from station.core.downstream import receive_bundles

    store, session = open_session(ctx, data_dir_option, operator, password_file)
    with closing(store.hub.folder(Path(folder)) if folder else store.hub.http()) as transport:
        report = receive_bundles(store, session, transport)
    if as_json:
        emit_json(report)
        return
    click.echo(f"应用 applied {report['applied']}  已有 skipped {report['skipped']}")
    for refused in report["refused"]:
        click.echo(f"拒绝 refused v{refused['version']}: {refused.get('message_zh', refused['reason'])}")


@day.command("purge")
@operator_options
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def purge(ctx: click.Context, data_dir_option: str | None, operator: str, password_file: str | None,
          as_json: bool) -> None:
    """Purge personal data past retention, reconciled days only (supervisor). / 数据清理"""
    from station.core.day_close import purge as run

    store, session = open_session(ctx, data_dir_option, operator, password_file)
    report = run(store, session)
    if as_json:
        emit_json(report)
    else:
        click.echo(f"清理 purged {report['purged']}; 待对账 waiting {report['waiting_for_reconciliation']}")


@day.command("ledger")
@operator_options
@click.pass_context
def ledger(ctx: click.Context, data_dir_option: str | None, operator: str, password_file: str | None) -> None:
    """The station's ledger as JSON. / 站点台账"""
    from station.core.day_close import ledger as build
    from station.core.roles import Action, require

    store, session = open_session(ctx, data_dir_option, operator, password_file)
    require(session, Action.OUTBOX_READ)
    emit_json(build(store))
