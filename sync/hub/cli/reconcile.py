"""`jiujin hub reconcile | resend | quarantine | day-reconciled | status | bundle | console`."""

from __future__ import annotations

import json
from datetime import datetime

import click

from sync.hub.cli.common import emit_json, hub_folder_option, open_hub

OPERATOR = click.option("--operator", envvar="JIUJIN_OPERATOR", required=True, help="Hub operator name.")


@click.command("reconcile")
@hub_folder_option
@click.option("--station", default=None)
@click.option("--silent-days", type=click.IntRange(0, 365), default=3, show_default=True)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def reconcile_cmd(ctx: click.Context, data_dir_option: str | None, station: str | None, silent_days: int,
                  as_json: bool) -> None:
    """Gaps, quarantine, silent stations, clock skew, days. / 对账"""
    from sync.hub import reconcile

    store = open_hub(ctx, data_dir_option)
    reconcile.reconcile_all(store)
    report = reconcile.ledger(store, station, silent_days)
    if as_json:
        emit_json(report)
        return
    for s in report["stations"]:
        flags = []
        if s["gaps"]:
            flags.append(f"缺号 gaps {s['gaps']}")
        if s["quarantined"]:
            flags.append("隔离 quarantined " + ", ".join(f"#{q['id']} {q['reason']}" for q in s["quarantined"]))
        if s["silent"]:
            flags.append(f"失联 silent {s['silent_days']} d")
        if s["discrepant_days"]:
            flags.append(f"不一致 discrepant {s['discrepant_days']}")
        click.echo(f"{s['code']}  high {s['high_seq']}  last {s['last_contact'] or '-'}  "
                   f"skew {s['clock_skew_seconds']}s  " + ("; ".join(flags) or "正常 ok"))


@click.command("resend")
@hub_folder_option
@OPERATOR
@click.option("--station", required=True)
@click.option("--first", type=int, required=True)
@click.option("--last", type=int, required=True)
@click.option("--reason", default="")
@click.pass_context
def resend(ctx: click.Context, data_dir_option: str | None, operator: str, station: str, first: int, last: int,
           reason: str) -> None:
    """Ask a station to send a sequence range again. / 请求重发"""
    from sync.hub import reconcile

    store = open_hub(ctx, data_dir_option)
    click.echo(f"bundle v{reconcile.request_resend(store, station, first, last, operator, reason)}")


@click.command("decide")
@hub_folder_option
@OPERATOR
@click.argument("decision", type=click.Choice(["release", "reject"]))
@click.argument("quarantine_id", type=int)
@click.option("--reason", required=True)
@click.pass_context
def quarantine(ctx: click.Context, data_dir_option: str | None, operator: str, decision: str,
               quarantine_id: int, reason: str) -> None:
    """Release (ingest again) or reject a quarantined object, with a reason. / 隔离处理"""
    from sync.hub import reconcile
    from sync.hub.service import HubService

    store = open_hub(ctx, data_dir_option)
    if decision == "release":
        emit_json(reconcile.release_quarantine(store, HubService(store).ingest, quarantine_id, operator, reason))
    else:
        reconcile.reject_quarantine(store, quarantine_id, operator, reason)


@click.command("day-reconciled")
@hub_folder_option
@OPERATOR
@click.option("--station", required=True)
@click.option("--day", required=True)
@click.option("--force", is_flag=True, help="Even with discrepancies (audited).")
@click.pass_context
def day_reconciled(ctx: click.Context, data_dir_option: str | None, operator: str, station: str, day: str,
                   force: bool) -> None:
    """Mark a station's day reconciled; the station learns it in a bundle. / 标记已对账"""
    from sync.hub import reconcile

    store = open_hub(ctx, data_dir_option)
    click.echo(f"bundle v{reconcile.mark_reconciled(store, station, day, operator, force)}")


@click.command("status")
@hub_folder_option
@OPERATOR
@click.option("--station", required=True)
@click.option("--application", "app_id", required=True)
@click.option("--set", "status", type=click.Choice(["accepted", "needs_amendment", "rejected", "completed"]),
              required=True)
@click.option("--message", default=None,
              help="What the citizen reads: for 补正 what to bring, for 办结 how to collect the result.")
@click.option("--by", "deadline", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="For needs_amendment: the day the citizen must bring it by (YYYY-MM-DD).")
@click.pass_context
def status(ctx: click.Context, data_dir_option: str | None, operator: str, station: str, app_id: str, status: str,
           message: str | None, deadline: datetime | None) -> None:
    """Send an application's status to its station. / 下发办件状态"""
    from sync.hub import reconcile

    store = open_hub(ctx, data_dir_option)
    update = {"application_id": app_id, "status": status, "message": message,
              "deadline": deadline.date().isoformat() if deadline else None}
    click.echo(f"bundle v{reconcile.set_status(store, station, [update], operator)}")


@click.command("bundle")
@hub_folder_option
@OPERATOR
@click.option("--station", required=True)
@click.option("--kind", required=True)
@click.option("--payload", required=True, help="JSON object.")
@click.option("--days", type=click.IntRange(1, 365), default=30, show_default=True)
@click.pass_context
def bundle(ctx: click.Context, data_dir_option: str | None, operator: str, station: str, kind: str, payload: str,
           days: int) -> None:
    """Sign a bundle (offline_policy, calendar, revocations, ...) for a station. / 下行包"""
    from sync.hub import reconcile

    store = open_hub(ctx, data_dir_option)
    try:
        document = json.loads(payload)
    except ValueError:
        raise click.BadParameter("not JSON / 不是 JSON", param_hint="--payload") from None
    click.echo(f"bundle v{reconcile.issue_bundle(store, station, kind, document, days, operator)}")


COMMANDS = [reconcile_cmd, resend, day_reconciled, status, bundle]
#: added to `jiujin hub quarantine`
QUARANTINE_COMMANDS = [quarantine]
