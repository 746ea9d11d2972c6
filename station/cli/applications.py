"""`jiujin applications list`: the station's applications, as a table or stable JSON."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import click

from kernel.masking import mask_id
from kernel.width import pad
from reports.wording import status_text
from station.cli.common import emit_json, lang, open_session, operator_options
from station.core.models import Application


@click.group()
def applications() -> None:
    """Applications held by this station. / 申请"""


@applications.command("list")
@operator_options
@click.option("--date", "day", type=click.DateTime(["%Y-%m-%d"]), default=None)
@click.option("--status", default=None)
@click.option("--limit", type=click.IntRange(1, 100_000), default=200)
@click.option("--json", "as_json", is_flag=True, help="Stable JSON output.")
@click.pass_context
def list_applications(ctx: click.Context, data_dir_option: str | None, operator: str,
                      password_file: str | None, day: Any, status: str | None, limit: int,
                      as_json: bool) -> None:
    """List applications, newest first; ID numbers masked. / 申请列表"""
    store, session = open_session(ctx, data_dir_option, operator, password_file)
    chosen: date | None = day.date() if day else None
    rows = store.applications.list(session, day=chosen, status=status, limit=limit)
    if as_json:
        emit_json([application_json(row) for row in rows])
        return
    language = lang(ctx)
    for row in rows:
        status = status_text(str(row.status)).get(language)
        draft = "(草稿)" if language == "zh" else "(draft)"
        click.echo(f"{pad(row.receipt_number or draft, 24)} {pad(status, 16)} {pad(str(row.applicant_name), 8)} "
                   f"{pad(mask_id(row.applicant_id), 18)} {row.item_name}")


@applications.command("show")
@operator_options
@click.argument("key")
@click.pass_context
def show(ctx: click.Context, data_dir_option: str | None, operator: str, password_file: str | None,
         key: str) -> None:
    """One application by receipt number or id, with the department's decision (JSON). / 查看申请"""
    from dataclasses import asdict

    from station.core.decisions import read_decision

    store, session = open_session(ctx, data_dir_option, operator, password_file)
    row = store.applications.get(session, key)
    emit_json(application_json(row) | {"decision": asdict(read_decision(row.status_message))})


@applications.command("tasks")
@operator_options
@click.option("--json", "as_json", is_flag=True, help="Stable JSON output.")
@click.pass_context
def tasks(ctx: click.Context, data_dir_option: str | None, operator: str, password_file: str | None,
          as_json: bool) -> None:
    """补正 tasks: what each citizen must bring, by when, the nearest deadline first. / 补正任务"""
    from dataclasses import asdict

    from station.core.decisions import amendment_tasks

    store, session = open_session(ctx, data_dir_option, operator, password_file)
    found = amendment_tasks(store, session)
    if as_json:
        emit_json([asdict(t) for t in found])
        return
    for task in found:
        wanted = "；".join(item.what for item in task.items) or task.message
        click.echo(f"{task.receipt_number:<24} {task.deadline or '-'}{' 已逾期' if task.overdue else ''}  {wanted}")


def application_json(row: Application) -> dict[str, Any]:
    """The stable JSON form of one application in a list (ID number masked)."""
    return {
        "id": row.id,
        "receipt_number": row.receipt_number,
        "status": row.status,
        "item_code": row.item_code,
        "item_name": row.item_name,
        "applicant_kind": row.applicant_kind,
        "applicant_id_masked": mask_id(row.applicant_id),
        "applicant_name": row.applicant_name,
        "day": row.day.isoformat() if isinstance(row.day, date) else row.day,
        "submitted_at": row.submitted_at,
        "created_at": row.created_at,
        "operator": row.operator.name,
        "materials": json.loads(row.materials),
    }
