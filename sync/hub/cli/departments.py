"""`jiujin hub department …` and `jiujin hub cases …`: deciding departments, their credentials,
exports and webhooks; the city's overdue cases."""

from __future__ import annotations

from datetime import date

import click

from sync.hub.cli.common import emit_json, hub_folder_option, open_hub


@click.group("department")
def department() -> None:
    """Deciding departments and their credentials. / 审批部门"""


@department.command("add")
@hub_folder_option
@click.option("--code", required=True, help="The catalog's department slug: police, civil-affairs, …")
@click.option("--name", default="")
@click.pass_context
def add(ctx: click.Context, data_dir_option: str | None, code: str, name: str) -> None:
    """Register a department (again, if it was revoked). / 登记部门"""
    from sync.hub import department_keys

    store = open_hub(ctx, data_dir_option)
    department_keys.add_department(store, code, name)
    click.echo(f"部门已登记 / department registered: {code}")


@department.command("token")
@hub_folder_option
@click.option("--code", required=True)
@click.option("--items", default="", help="Item codes it may see, comma-separated (default: all of the department's).")
@click.option("--days", type=click.IntRange(1, 3660), default=365, show_default=True)
@click.option("--label", default="", help="Whose system or desk holds it.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def token(ctx: click.Context, data_dir_option: str | None, code: str, items: str, days: int, label: str,
          as_json: bool) -> None:
    """Issue a credential (a signed token, shown once). / 签发部门凭据"""
    from sync.hub import department_keys

    store = open_hub(ctx, data_dir_option)
    scope = [i.strip() for i in items.split(",") if i.strip()]
    kid, value = department_keys.issue_token(store, code, scope, days, label)
    if as_json:
        emit_json({"kid": kid, "department": code, "items": scope, "token": value})
    else:
        click.echo(f"凭据编号 / key id: {kid}")
        click.echo(value)


@department.command("revoke")
@hub_folder_option
@click.option("--code", default=None, help="Revoke the department: every credential stops at once.")
@click.option("--kid", default=None, help="Revoke one credential by its key id.")
@click.pass_context
def revoke(ctx: click.Context, data_dir_option: str | None, code: str | None, kid: str | None) -> None:
    """Revoke a department or one of its credentials. / 停用部门或凭据"""
    from sync.hub import department_keys

    if (code is None) == (kid is None):
        raise click.UsageError("give --code or --kid / 请给出 --code 或 --kid 之一")
    store = open_hub(ctx, data_dir_option)
    if kid is not None:
        department_keys.revoke_key(store, kid)
    else:
        department_keys.revoke_department(store, str(code))
    click.echo("已停用 / revoked")


@department.command("list")
@hub_folder_option
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def list_(ctx: click.Context, data_dir_option: str | None, as_json: bool) -> None:
    """Departments with their credentials (key ids and scopes, never tokens). / 部门列表"""
    from sync.hub import department_keys

    open_hub(ctx, data_dir_option)
    found = department_keys.departments()
    if as_json:
        emit_json(found)
        return
    for entry in found:
        keys: list[dict[str, object]] = entry["keys"]  # type: ignore[assignment]
        active = sum(1 for k in keys if not k["revoked_at"])
        click.echo(f"{entry['code']}\t{entry['status']}\t{entry['name']}\t{active} active credential(s)")


@department.command("export")
@hub_folder_option
@click.option("--code", required=True)
@click.option("--day", default=None, help="YYYY-MM-DD (default: today in Hangzhou).")
@click.option("--to", "target", required=True, type=click.Path(file_okay=False))
@click.pass_context
def export(ctx: click.Context, data_dir_option: str | None, code: str, day: str | None, target: str) -> None:
    """Write the day's new cases, signed, as CSV and JSON. / 导出当日新办件"""
    from pathlib import Path

    from sync.hub import cases, department_feeds

    store = open_hub(ctx, data_dir_option)
    try:
        chosen = date.fromisoformat(day) if day else cases.today(store)
    except ValueError:
        raise click.BadParameter("YYYY-MM-DD", param_hint="--day") from None
    click.echo(str(department_feeds.export_day(store, code, chosen, Path(target))))


@department.command("webhook")
@hub_folder_option
@click.option("--code", required=True)
@click.option("--url", required=True)
@click.pass_context
def webhook(ctx: click.Context, data_dir_option: str | None, code: str, url: str) -> None:
    """Push new cases and steps to a department system; prints the signing secret once. / 设置回调"""
    from sync.hub import department_feeds

    store = open_hub(ctx, data_dir_option)
    click.echo(department_feeds.set_webhook(store, code, url))


@click.group("cases")
def cases_group() -> None:
    """Cases at the departments. / 部门办件"""


@cases_group.command("overdue")
@hub_folder_option
@click.option("--department", "department_code", default=None)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def overdue(ctx: click.Context, data_dir_option: str | None, department_code: str | None, as_json: bool) -> None:
    """Open cases past their promised limit, city-wide or for one department. / 超期办件"""
    from sync.hub import cases, department_feeds

    store = open_hub(ctx, data_dir_option)
    department_feeds.intake(store)
    found = cases.overdue(cases.today(store), department_code)
    if as_json:
        emit_json(found)
        return
    for case in found:
        limit = case["time_limit"]
        click.echo(f"{case['department']}\t{case['receipt_number']}\t{case['item_name']}\t{case['status_name']}\t"
                   f"承诺 due {limit['promised_due']}\t法定 legal {limit['legal_due'] or '-'}")
    click.echo(f"超期 overdue: {len(found)}")


COMMANDS = [department, cases_group]
