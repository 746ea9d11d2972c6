"""`jiujin hub …`: the city hub's folder, server, stations, USB import, counts, console."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from forms.vocab import POINT_TYPES
from sync.hub.cli.common import (
    emit_json,
    hub_dir,
    hub_folder_option,
    lang,
    open_hub,
)

F = TypeVar("F", bound=Callable[..., Any])


@click.group()
def hub() -> None:
    """The city hub (市级中心). / 市级中心"""


@hub.command("init")
@hub_folder_option
@click.option("--db", "database", default=None, help="sqlite://hub.db (default) or postgresql://…")
@click.option("--plain-keys", is_flag=True,
              help="Store the private keys unencrypted (a test or demo hub only). / 私钥不加密（仅限测试）")
@click.pass_context
def init(ctx: click.Context, data_dir_option: str | None, database: str | None, plain_keys: bool) -> None:
    """Create the hub: keys, the public key file for stations, the database. / 创建中心"""
    from sync.errors import HubError
    from sync.hub.store import initialise_hub
    from sync.keys import grouped
    from sync.private_keys import PASSPHRASE_FILE_VARIABLE, PASSPHRASE_VARIABLE, key_passphrase

    passphrase = key_passphrase()
    if passphrase is None and not plain_keys:
        raise HubError(f"请通过 {PASSPHRASE_FILE_VARIABLE} 或 {PASSPHRASE_VARIABLE} 提供私钥口令（测试用中心可加 --plain-keys）",
                       f"give a key passphrase with {PASSPHRASE_FILE_VARIABLE} or {PASSPHRASE_VARIABLE} "
                       "(--plain-keys for a test hub)")
    folder = hub_dir(ctx, data_dir_option)
    store = initialise_hub(folder, database, passphrase)
    store.close()
    click.echo(f"市级中心已创建于 / hub created in {folder}")
    click.echo(f"给站点的公钥文件 / public key file for stations: {store.folder.public_keys_path}")
    click.echo(f"hub key fingerprint / 中心公钥指纹: {grouped(store.fingerprint)}")
    click.echo("下一步：jiujin hub keys escrow，把私钥托管给多位保管人 / "
               "next: jiujin hub keys escrow, to put the private keys in the custodians' hands")


@hub.command("serve")
@hub_folder_option
@click.option("--db", "database", default=None,
              help="Database URL (default: JIUJIN_HUB_DATABASE_URL, else hub.toml's).")
@click.option("--host", default=None, help="Default: JIUJIN_HUB_HOST, hub.toml, 127.0.0.1.")
@click.option("--port", type=click.IntRange(0, 65535), default=None,
              help="Default: JIUJIN_HUB_PORT, hub.toml, 8750; 0 picks a free port; the URL is printed.")
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Worker processes over one PostgreSQL (default: JIUJIN_HUB_WORKERS, hub.toml, 1). / 工作进程数")
@click.option("--watch", default=None, type=click.Path(file_okay=False),
              help="Also import USB folders dropped here (one process watches). / 监视导入目录")
@click.option("--certfile", type=click.Path(exists=True, dir_okay=False), default=None)
@click.option("--keyfile", type=click.Path(exists=True, dir_okay=False), default=None)
@click.pass_context
def serve(ctx: click.Context, data_dir_option: str | None, database: str | None, host: str | None,
          port: int | None, workers: int | None, watch: str | None, certfile: str | None,
          keyfile: str | None) -> None:
    """Serve uploads, acknowledgements, enrolment, health and metrics (uvicorn). / 运行中心"""
    from sync.hub.serve import serve as run

    run(hub_dir(ctx, data_dir_option), host, port, database, watch=watch,
        certfile=certfile, keyfile=keyfile, workers=workers)


@hub.group("station")
def station() -> None:
    """Stations: enrolment tokens, revocation. / 站点"""


def place_options(func: F) -> F:
    """--district, --point-type and --town: where a station stands (attributes its applications)."""
    func = click.option("--town", default="", help="9-digit town (乡镇街道) code. / 乡镇街道代码")(func)
    func = click.option("--point-type", type=click.Choice(list(POINT_TYPES)), default=None,
                        help="Point type. / 受理点类型")(func)
    return click.option("--district", default="", help="County code, e.g. 330106. / 区县代码")(func)


@station.command("add")
@hub_folder_option
@click.option("--code", required=True, help="Station code, e.g. XH0001.")
@click.option("--name", default="", help="Station name.")
@place_options
@click.option("--days", type=click.IntRange(1, 90), default=7, show_default=True, help="Token validity.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def station_add(ctx: click.Context, data_dir_option: str | None, code: str, name: str, district: str,
                point_type: str | None, town: str, days: int, as_json: bool) -> None:
    """Register a station and issue its one-time enrolment token. / 登记站点并签发注册令牌"""
    from sync.hub.store import Place
    from sync.keys import grouped

    store = open_hub(ctx, data_dir_option)
    token = store.add_station(code, name, days, Place(district, point_type or "", town))
    if as_json:
        emit_json({"station": code, "token": token, "hub_fingerprint": store.fingerprint})
        return
    click.echo(f"站点 {code} 的一次性注册令牌 / one-time enrolment token: {token}")
    click.echo(f"hub key fingerprint / 中心公钥指纹: {grouped(store.fingerprint)}")
    if not district or not point_type:
        click.echo("提示：未登记区县或受理点类型，城市报告将无法归属其申请 / "
                   "note: without --district and --point-type the city report cannot attribute its applications",
                   err=True)


@station.command("set")
@hub_folder_option
@click.option("--code", required=True)
@click.option("--name", default=None, help="Station name.")
@place_options
@click.pass_context
def station_set(ctx: click.Context, data_dir_option: str | None, code: str, name: str | None, district: str,
                point_type: str | None, town: str) -> None:
    """Correct a station's name or place; its applications follow. / 更正站点信息"""
    from sync.hub.store import Place

    place = Place(district, point_type or "", town) if (district or point_type or town) else None
    moved = open_hub(ctx, data_dir_option).register_station(code, name=name, place=place)
    click.echo(f"站点 {code} 已更新，{moved} 件申请随之归属 / station {code} updated; {moved} applications re-attributed")


@station.command("backfill")
@hub_folder_option
@click.pass_context
def station_backfill(ctx: click.Context, data_dir_option: str | None) -> None:
    """Attribute applications received before their station was registered. / 补记申请归属"""
    moved = open_hub(ctx, data_dir_option).backfill_places()
    click.echo(f"{moved} 件申请已按站点登记归属 / {moved} applications attributed to their station's place")


@station.command("revoke")
@hub_folder_option
@click.option("--code", required=True)
@click.pass_context
def station_revoke(ctx: click.Context, data_dir_option: str | None, code: str) -> None:
    """Revoke a station: its uploads go to quarantine from now on. / 吊销站点"""
    open_hub(ctx, data_dir_option).revoke(code)
    click.echo(f"站点 {code} 已吊销 / station {code} revoked")


@station.command("list")
@hub_folder_option
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def station_list(ctx: click.Context, data_dir_option: str | None, as_json: bool) -> None:
    """Stations with their status and key fingerprints. / 站点列表"""
    stations = open_hub(ctx, data_dir_option).stations()
    if as_json:
        emit_json(stations)
        return
    for s in stations:
        place = "/".join(filter(None, (s["district"], s["point_type"], s["town"]))) or "-"
        click.echo(f"{s['code']}\t{s['status']}\t{place}\t{s['release'] or '-'}\t{s['fingerprint'] or '-'}\t{s['name']}"
                   + (f"\t审计链分歧 audit divergences: {s['audit_divergences']}" if s["audit_divergences"] else ""))


@station.command("divergences")
@hub_folder_option
@click.option("--code", default=None, help="Only this station.")
@click.option("--all", "include_resolved", is_flag=True, help="Resolved ones too.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def station_divergences(ctx: click.Context, data_dir_option: str | None, code: str | None, include_resolved: bool,
                        as_json: bool) -> None:
    """Stations whose audit chain disagrees with the anchors the hub holds; exit 1 if any is open. / 审计链分歧"""
    from sync.hub.anchors import divergences

    open_hub(ctx, data_dir_option)
    rows = divergences(code, include_resolved)
    if as_json:
        emit_json(rows)
    else:
        english = lang(ctx) == "en"
        for d in rows:
            click.echo(f"#{d['id']}\t{d['detected_at']}\t{d['station']}\t{d['kind']}\t"
                       f"{_divergence_text(d, english)}\t{d['resolved_at'] or ''}")
        if not rows:
            click.echo("no audit divergence" if english else "没有审计链分歧")
    ctx.exit(1 if any(d["resolved_at"] is None for d in rows) else 0)


def _divergence_text(d: dict[str, Any], english: bool) -> str:
    seq, held = d["seq"], d["held_seq"]
    if d["kind"] == "backwards":
        return (f"the station's chain went back to event {seq}, behind the hub's anchor at {held}" if english
                else f"站点审计链退回到第 {seq} 条，落后于中心锚点第 {held} 条")
    if d["kind"] == "rewritten":
        return (f"event {seq} has another hash than the hub witnessed" if english
                else f"第 {seq} 条记录的哈希与中心见证的不同")
    return (f"the station reports its chain no longer holds the hub's anchor at {held}" if english
            else f"站点报告其审计链已不含中心锚点第 {held} 条")


@station.command("resolve-divergence")
@hub_folder_option
@click.argument("divergence_id", type=int)
@click.option("--operator", envvar="JIUJIN_OPERATOR", required=True, help="Hub operator name (audited). / 操作员")
@click.option("--reason", required=True, help="What was found. / 处理说明")
@click.pass_context
def station_resolve_divergence(ctx: click.Context, data_dir_option: str | None, divergence_id: int, operator: str,
                               reason: str) -> None:
    """Close an audit divergence that has been looked into (audited). / 处理审计链分歧"""
    from sync.hub.anchors import resolve

    resolve(open_hub(ctx, data_dir_option), divergence_id, operator, reason)
    click.echo(f"审计链分歧 #{divergence_id} 已处理 / audit divergence #{divergence_id} resolved")


@station.command("recovery-slot")
@hub_folder_option
@click.option("--code", required=True, help="Station code.")
@click.option("--out", "out", type=click.Path(dir_okay=False, writable=True), required=True,
              help="Where to write it (station.recovery for `jiujin db recover --recovery-file`).")
@click.pass_context
def station_recovery_slot(ctx: click.Context, data_dir_option: str | None, code: str, out: str) -> None:
    """Write the station's newest recovery copy, for `db recover` when the PC and every stick are gone. / 导出恢复副本"""
    from kernel.atomic import atomic_write_bytes
    from sync.errors import HubError
    from sync.hub.anchors import recovery_copy

    open_hub(ctx, data_dir_option)
    data = recovery_copy(code)
    if data is None:
        raise HubError(f"中心没有站点 {code} 的恢复副本", f"the hub holds no recovery copy of station {code}")
    try:
        atomic_write_bytes(Path(out), data, mode=0o600)
    except OSError as error:
        raise HubError(f"无法写入 {out}：{error.strerror}", f"cannot write {out}: {error.strerror}") from None
    click.echo(f"站点 {code} 的恢复副本已写入 {out} / recovery copy of station {code} written to {out}")


@hub.command("migrate")
@hub_folder_option
@click.option("--db", "database", default=None, help="Database URL (default: hub.toml's).")
@click.pass_context
def migrate(ctx: click.Context, data_dir_option: str | None, database: str | None) -> None:
    """Bring the hub's database to this release's schema. / 升级中心数据库结构"""
    from sync.hub.migrations import LATEST
    from sync.hub.store import HubStore

    store = HubStore(hub_dir(ctx, data_dir_option), database)
    ctx.call_on_close(store.close)
    done = store.create_schema()
    click.echo(f"已升级至结构版本 {LATEST} / migrated to schema version {LATEST}" if done
               else f"结构已是版本 {LATEST} / schema already at version {LATEST}")


@hub.command("partition")
@hub_folder_option
@click.option("--months-ahead", type=click.IntRange(0, 24), default=3, show_default=True,
              help="Create the months up to this many after the current one. / 提前创建的月份数")
@click.pass_context
def partition(ctx: click.Context, data_dir_option: str | None, months_ahead: int) -> None:
    """Partition the applications table by month and district (PostgreSQL; run monthly). / 按月份和区县分区"""
    from sync.hub.cases import today
    from sync.hub.partitions import partition_applications

    store = open_hub(ctx, data_dir_option)
    report = partition_applications(store.db, today(store), months_ahead)
    if report.converted:
        click.echo("申请表已改为分区表 / the applications table is now partitioned")
    if report.months_created:
        months = "、".join(report.months_created)
        districts = ", ".join(report.districts) or "—"
        click.echo(f"新建月份 {months}（区县 {districts}），移入 {report.rows_moved} 行 / "
                   f"months created: {', '.join(report.months_created)} (districts {districts}); "
                   f"{report.rows_moved} rows moved")
    else:
        click.echo("所需月份均已存在 / every month needed exists")


@hub.command("backup")
@hub_folder_option
@click.option("--to", "target", required=True, type=click.Path(file_okay=False), help="A new backup folder.")
@click.pass_context
def backup(ctx: click.Context, data_dir_option: str | None, target: str) -> None:
    """Back up the hub: database, keys (encrypted) and a checksummed manifest. / 备份中心"""
    from sync.hub.backup import backup as make_backup

    manifest = make_backup(open_hub(ctx, data_dir_option), Path(target))
    click.echo(f"中心已备份至 {target}（结构版本 {manifest['schema_version']}）/ hub backed up to {target}")


@hub.command("restore")
@click.option("--from", "source", required=True, type=click.Path(exists=True, file_okay=False))
@click.option("--data-dir", "data_dir_option", required=True, type=click.Path(file_okay=False),
              help="The new hub folder.")
@click.option("--db", "database", default=None, help="A fresh database for the hub (default: SQLite in the folder).")
def restore(source: str, data_dir_option: str, database: str | None) -> None:
    """Restore a hub from a backup into a new folder and a fresh database. / 恢复中心"""
    from sync.hub.backup import restore as load_backup

    store = load_backup(Path(source), Path(data_dir_option), database)
    store.close()
    click.echo(f"中心已恢复至 {data_dir_option} / hub restored into {data_dir_option}")


@hub.command("import")
@hub_folder_option
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def import_(ctx: click.Context, data_dir_option: str | None, folder: str, as_json: bool) -> None:
    """Ingest the sealed files on a USB folder and write signed acknowledgements to it. / 导入"""
    from sync.hub.folder import import_folder
    from sync.hub.service import HubService

    report = import_folder(HubService(open_hub(ctx, data_dir_option)), Path(folder))
    if as_json:
        emit_json(report.as_json())
        return
    click.echo(f"已导入 {report.stored} 个新批次/附件，重复 {report.duplicates} 个，隔离 {report.quarantined} 个 / "
               f"stored {report.stored}, duplicates {report.duplicates}, quarantined {report.quarantined}")
    for problem in report.problems:
        click.echo(problem)


@hub.command("stats")
@hub_folder_option
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def stats(ctx: click.Context, data_dir_option: str | None, as_json: bool) -> None:
    """Counts per station: batches, records, applications, gaps, quarantine. / 统计"""
    report = open_hub(ctx, data_dir_option).stats()
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
def quarantine_list(ctx: click.Context, data_dir_option: str | None, as_json: bool) -> None:
    """List unresolved quarantined objects. / 隔离列表"""
    rows = open_hub(ctx, data_dir_option).quarantined()
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
def console(ctx: click.Context, data_dir_option: str | None, database: str | None, operator: str,
            silent_days: int) -> None:
    """The sync operator's console: ledgers, gaps, quarantine, days. / 对账台"""
    from sync.hub.console import make_hub_console

    store = open_hub(ctx, data_dir_option, database)
    make_hub_console(store, operator=operator, silent_days=silent_days).run()
