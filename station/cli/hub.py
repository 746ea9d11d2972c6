"""`jiujin hub …`: the city hub's folder, server, stations, USB import and counts."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from station.cli.common import emit_json, lang

F = TypeVar("F", bound=Callable[..., Any])


def hub_dir(ctx: click.Context, option: str | None) -> Path:
    """The hub folder: --data-dir here, at the root, JIUJIN_DATA_DIR, or the platform's."""
    from sync.hub.config import resolve_hub_dir

    return resolve_hub_dir(option or (ctx.find_root().obj or {}).get("data_dir"))


def reports_sync_errors(func: F) -> F:
    """Leaves `func` as it is: the main group translates every Jiujin error (`station.cli`)."""
    return func


def hub_folder_option(func: F) -> F:
    return click.option("--data-dir", "data_dir_option", type=click.Path(file_okay=False), default=None,
                        help="Hub folder. / 中心目录")(func)


def _open(ctx: click.Context, data_dir_option: str | None, database: str | None = None) -> Any:
    from sync.hub.store import HubStore

    store = HubStore(hub_dir(ctx, data_dir_option), database)
    ctx.call_on_close(store.close)
    return store


@click.group()
def hub() -> None:
    """The city hub (市级中心). / 市级中心"""


@hub.command("init")
@hub_folder_option
@click.option("--db", "database", default=None, help="sqlite://hub.db (default) or postgresql://…")
@click.pass_context
@reports_sync_errors
def init(ctx: click.Context, data_dir_option: str | None, database: str | None) -> None:
    """Create the hub: keys, the public key file for stations, the database. / 创建中心"""
    from sync.hub.store import initialise_hub
    from sync.keys import grouped

    folder = hub_dir(ctx, data_dir_option)
    store = initialise_hub(folder, database)
    store.close()
    click.echo(f"市级中心已创建于 / hub created in {folder}")
    click.echo(f"给站点的公钥文件 / public key file for stations: {store.folder.public_keys_path}")
    click.echo(f"hub key fingerprint / 中心公钥指纹: {grouped(store.fingerprint)}")


@hub.command("serve")
@hub_folder_option
@click.option("--db", "database", default=None, help="Database URL (default: hub.toml's).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(0, 65535), default=8750, show_default=True,
              help="0 picks a free port; the URL is printed.")
@click.option("--watch", default=None, type=click.Path(file_okay=False),
              help="Also import USB folders dropped here. / 监视导入目录")
@click.option("--certfile", type=click.Path(exists=True, dir_okay=False), default=None)
@click.option("--keyfile", type=click.Path(exists=True, dir_okay=False), default=None)
@click.option("--bench", is_flag=True, hidden=True, help="Add the one-record-per-request bench endpoint.")
@click.pass_context
@reports_sync_errors
def serve(ctx: click.Context, data_dir_option: str | None, database: str | None, host: str, port: int,
          watch: str | None, certfile: str | None, keyfile: str | None, bench: bool) -> None:
    """Serve uploads, acknowledgements, enrolment, health and metrics (uvicorn). / 运行中心"""
    from sync.hub.serve import serve as run

    run(hub_dir(ctx, data_dir_option), host, port, database, watch=watch, bench=bench,
        certfile=certfile, keyfile=keyfile)


@hub.group("station")
def station() -> None:
    """Stations: enrolment tokens, revocation. / 站点"""


@station.command("add")
@hub_folder_option
@click.option("--code", required=True, help="Station code, e.g. XH0001.")
@click.option("--name", default="", help="Station name.")
@click.option("--days", type=click.IntRange(1, 90), default=7, show_default=True, help="Token validity.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@reports_sync_errors
def station_add(ctx: click.Context, data_dir_option: str | None, code: str, name: str, days: int,
                as_json: bool) -> None:
    """Issue a one-time enrolment token for a station. / 签发注册令牌"""
    from sync.keys import grouped

    store = _open(ctx, data_dir_option)
    token = store.add_station(code, name, days)
    if as_json:
        emit_json({"station": code, "token": token, "hub_fingerprint": store.fingerprint})
        return
    click.echo(f"站点 {code} 的一次性注册令牌 / one-time enrolment token: {token}")
    click.echo(f"hub key fingerprint / 中心公钥指纹: {grouped(store.fingerprint)}")


@station.command("revoke")
@hub_folder_option
@click.option("--code", required=True)
@click.pass_context
@reports_sync_errors
def station_revoke(ctx: click.Context, data_dir_option: str | None, code: str) -> None:
    """Revoke a station: its uploads go to quarantine from now on. / 吊销站点"""
    _open(ctx, data_dir_option).revoke(code)
    click.echo(f"站点 {code} 已吊销 / station {code} revoked")


@station.command("list")
@hub_folder_option
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@reports_sync_errors
def station_list(ctx: click.Context, data_dir_option: str | None, as_json: bool) -> None:
    """Stations with their status and key fingerprints. / 站点列表"""
    stations = _open(ctx, data_dir_option).stations()
    if as_json:
        emit_json(stations)
        return
    for s in stations:
        click.echo(f"{s['code']}\t{s['status']}\t{s['fingerprint'] or '-'}\t{s['name']}")


@hub.command("import")
@hub_folder_option
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@reports_sync_errors
def import_(ctx: click.Context, data_dir_option: str | None, folder: str, as_json: bool) -> None:
    """Ingest the sealed files on a USB folder and write signed acknowledgements to it. / 导入"""
    from sync.hub.folder import import_folder
    from sync.hub.service import HubService

    report = import_folder(HubService(_open(ctx, data_dir_option)), Path(folder))
    if as_json:
        emit_json(report.as_json())
        return
    click.echo(f"已导入 {report.stored} 个新批次/附件，重复 {report.duplicates} 个，隔离 {report.quarantined} 个 / "
               f"stored {report.stored}, duplicates {report.duplicates}, quarantined {report.quarantined}")


@hub.command("stats")
@hub_folder_option
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@reports_sync_errors
def stats(ctx: click.Context, data_dir_option: str | None, as_json: bool) -> None:
    """Counts per station: batches, records, applications, gaps, quarantine. / 统计"""
    report = _open(ctx, data_dir_option).stats()
    if as_json:
        emit_json(report)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("站点 station", "状态 status", "批次 batches", "记录 records", "申请 applications",
                  "最高序号 high", "缺号 gaps", "隔离 quarantined")
    for s in report["stations"]:
        gaps = ", ".join(f"{a}–{b}" for a, b in s["gaps"]) or "-"
        table.add_row(s["code"], s["status"], str(s["batches"]), str(s["records"]), str(s["applications"]),
                      str(s["high_seq"]), gaps, str(s["quarantined"]))
    Console().print(table)
    totals = report["totals"]
    click.echo(f"合计 / totals: {totals['records']} records, {totals['batches']} batches, "
               f"{totals['attachments']} attachments, {totals['quarantined']} quarantined")


@hub.group("quarantine")
def quarantine() -> None:
    """Objects that failed a check, with their reasons. / 隔离区"""


@quarantine.command("list")
@hub_folder_option
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
@reports_sync_errors
def quarantine_list(ctx: click.Context, data_dir_option: str | None, as_json: bool) -> None:
    """List unresolved quarantined objects. / 隔离列表"""
    rows = _open(ctx, data_dir_option).quarantined()
    if as_json:
        emit_json(rows)
        return
    english = lang(ctx) == "en"
    for q in rows:
        click.echo(f"#{q['id']}\t{q['received_at']}\t{q['station'] or '?'}\t{q['reason']}\t"
                   f"{q['message_en'] if english else q['message_zh']}")


@hub.command("console")
@hub_folder_option
@click.option("--db", "database", default=None, help="Database URL (default: hub.toml's).")
@click.option("--operator", envvar="JIUJIN_OPERATOR", required=True, help="Hub operator name (audited). / 操作员")
@click.option("--silent-days", type=click.IntRange(0, 365), default=3, show_default=True)
@click.pass_context
@reports_sync_errors
def console(ctx: click.Context, data_dir_option: str | None, database: str | None, operator: str,
            silent_days: int) -> None:
    """The sync operator's console: ledgers, gaps, quarantine, days. / 对账台"""
    from station.ui.hub_console import make_hub_console

    store = _open(ctx, data_dir_option, database)
    store.create_schema()
    make_hub_console(store, operator=operator, silent_days=silent_days).run()


def _add_reconcile_commands() -> None:
    from station.cli.hub_reconcile import COMMANDS, QUARANTINE_COMMANDS

    for command in COMMANDS:
        hub.add_command(command)
    for command in QUARANTINE_COMMANDS:
        quarantine.add_command(command)


_add_reconcile_commands()
