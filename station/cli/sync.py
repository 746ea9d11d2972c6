"""`jiujin sync status | push | pull | export --to DIR | import DIR | enrol`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from station.cli.common import (
    allow_insecure_option,
    checked_hub_url,
    emit_json,
    lang,
    open_session,
    operator_options,
    tls_pin_option,
)


def _service(ctx: click.Context, data_dir_option: str | None, operator: str,
             password_file: str | None) -> tuple[Any, Any]:
    from station.core.sync_service import SyncService

    store, session = open_session(ctx, data_dir_option, operator, password_file)
    return SyncService(store), session


def _summary(report: Any) -> str:
    parts = [f"封装 sealed {report.sealed}", f"发送 sent {report.sent}", f"确认 acknowledged {report.acknowledged}",
             f"已送达申请 delivered {report.delivered}"]
    if report.attachments_sent:
        parts.append(f"附件 attachments {report.attachments_sent}")
    if report.quarantined:
        parts.append(f"被隔离 quarantined {report.quarantined}")
    return "\n".join(["，".join(parts), *getattr(report, "problems", [])])


@click.group()
def sync() -> None:
    """Send the outbox to the city hub, by network or USB. / 同步"""


@sync.command("status")
@operator_options
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def status(ctx: click.Context, data_dir_option: str | None, operator: str, password_file: str | None,
           as_json: bool) -> None:
    """Outbox depth, batches by state, hub and key fingerprints. / 同步状态"""
    from sync.keys import grouped

    service, session = _service(ctx, data_dir_option, operator, password_file)
    state = service.status(session)
    if as_json:
        from station.core.day_close import ledger

        emit_json(state.as_json() | {"ledger": ledger(service.store)})
        return
    click.echo(f"站点 station {state.station}  待发 outbox depth {state.outbox_depth} / 最高序号 high {state.outbox_high_water}")
    click.echo("批次 batches: " + ", ".join(f"{k} {v}" for k, v in state.batches.items()))
    click.echo(f"中心 hub: {state.hub_url or '-'}  已注册 enrolled: {'是 yes' if state.enrolled else '否 no'}")
    click.echo(f"station key fingerprint / 站点公钥指纹: {grouped(state.station_fingerprint)}")
    if state.hub_fingerprint:
        click.echo(f"hub key fingerprint / 中心公钥指纹: {grouped(state.hub_fingerprint)}")
    if state.quarantined_batches:
        click.echo(f"被中心隔离的批次 quarantined batches: {state.quarantined_batches}")
    if state.last_error:
        from reports.wording import quarantine_text

        click.echo(f"最近错误 last error: {quarantine_text(state.last_error).get(lang(ctx))} ({state.last_error})")


@sync.command("push")
@operator_options
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def push(ctx: click.Context, data_dir_option: str | None, operator: str, password_file: str | None,
         as_json: bool) -> None:
    """Seal new outbox events and upload them to the hub (resumable). / 推送"""
    from rich.progress import Progress

    service, session = _service(ctx, data_dir_option, operator, password_file)
    with Progress(disable=as_json or not sys.stdout.isatty()) as bar:
        task = bar.add_task("推送 pushing", total=None)
        report = service.push(session, progress=lambda _what, done, total: bar.update(task, completed=done,
                                                                                       total=total))
    if as_json:
        emit_json(report.as_json())
    else:
        click.echo(_summary(report))


@sync.command("pull")
@operator_options
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def pull(ctx: click.Context, data_dir_option: str | None, operator: str, password_file: str | None,
         as_json: bool) -> None:
    """Fetch and apply the hub's acknowledgements. / 拉取回执"""
    service, session = _service(ctx, data_dir_option, operator, password_file)
    report = service.pull(session)
    if as_json:
        emit_json(report.as_json())
    else:
        click.echo(_summary(report))


@sync.command("export")
@operator_options
@click.option("--to", "target", required=True, type=click.Path(file_okay=False), help="USB folder.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def export(ctx: click.Context, data_dir_option: str | None, operator: str, password_file: str | None,
           target: str, as_json: bool) -> None:
    """Write sealed batches and a manifest to a USB folder. / 导出到U盘"""
    service, session = _service(ctx, data_dir_option, operator, password_file)
    report = service.export(session, Path(target))
    if as_json:
        emit_json(report.as_json())
    else:
        click.echo(f"已写入 {report.files} 个文件到 {target} / wrote {report.files} files")


@sync.command("import")
@operator_options
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def import_(ctx: click.Context, data_dir_option: str | None, operator: str, password_file: str | None,
            folder: str, as_json: bool) -> None:
    """Apply the hub's signed acknowledgements from a USB folder. / 导入回执"""
    service, session = _service(ctx, data_dir_option, operator, password_file)
    report = service.import_acks(session, Path(folder))
    if as_json:
        emit_json(report.as_json())
    else:
        click.echo(_summary(report))


@sync.command("enrol")
@operator_options
@click.option("--token", required=True, help="One-time token from `jiujin hub station add`.")
@click.option("--hub-url", default=None)
@allow_insecure_option
@tls_pin_option
@click.pass_context
def enrol(ctx: click.Context, data_dir_option: str | None, operator: str, password_file: str | None,
          token: str, hub_url: str | None, allow_insecure_hub: bool, hub_tls_pin: str | None) -> None:
    """Register this station with the hub (admin), e.g. when `init` could not. / 注册"""
    checked_hub_url(hub_url, allow_insecure_hub)
    store, session = open_session(ctx, data_dir_option, operator, password_file)
    print_enrolment(store.hub.enrol(session, token, hub_url, allow_insecure_hub, hub_tls_pin),
                    bool(store.config.hub_url))


def print_enrolment(result: Any, online: bool) -> None:
    from sync.keys import grouped

    if online:
        click.echo("已注册到市级中心 / enrolled with the hub")
    else:
        click.echo("注册令牌已保存，将随下次U盘导出送达中心 / token kept: it travels with the next USB export")
    click.echo(f"station key fingerprint / 站点公钥指纹: {grouped(result.station_fingerprint)}")
    click.echo(f"hub key fingerprint / 中心公钥指纹: {grouped(result.hub_fingerprint)}")
