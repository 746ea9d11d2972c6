"""`jiujin operator add|list|disable|passwd|unlock`."""

from __future__ import annotations

import click

from station.cli.common import (
    emit_json,
    lang,
    open_session,
    operator_options,
    read_password,
)
from station.core.roles import Role, role_name


@click.group()
def operator() -> None:
    """Operators of this station. / 工作人员"""


@operator.command("add")
@operator_options
@click.argument("name")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--display-name", required=True)
@click.option("--new-password-file", type=click.Path(exists=True, dir_okay=False),
              help="File with the new operator's password (else JIUJIN_NEW_PASSWORD).")
@click.pass_context
def add(ctx: click.Context, data_dir_option: str | None, operator: str, password_file: str | None,
        name: str, role: str, display_name: str, new_password_file: str | None) -> None:
    """Add an operator (admin). / 添加工作人员"""
    store, session = open_session(ctx, data_dir_option, operator, password_file)
    new_password = read_password(new_password_file, "JIUJIN_NEW_PASSWORD")
    store.operators.add(session, name, display_name, Role(role), new_password)
    language = lang(ctx)
    added = "已添加 {name}（{role}）" if language == "zh" else "Added {name} ({role})"
    click.echo(added.format(name=name, role=role_name(role, language)))


@operator.command("list")
@operator_options
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def list_operators(ctx: click.Context, data_dir_option: str | None, operator: str,
                   password_file: str | None, as_json: bool) -> None:
    """List operators (supervisor, admin). / 工作人员列表"""
    store, session = open_session(ctx, data_dir_option, operator, password_file)
    rows = [{"name": o.name, "display_name": o.display_name, "role": o.role, "status": o.status}
            for o in store.operators.list(session)]
    if as_json:
        emit_json(rows)
        return
    for row in rows:
        click.echo(f"{row['name']:<16} {row['display_name']:<10} {row['role']:<14} {row['status']}")


@operator.command("disable")
@operator_options
@click.argument("name")
@click.pass_context
def disable(ctx: click.Context, data_dir_option: str | None, operator: str,
            password_file: str | None, name: str) -> None:
    """Disable an operator and remove their key slot (admin). / 停用"""
    store, session = open_session(ctx, data_dir_option, operator, password_file)
    store.operators.disable(session, name)
    click.echo(f"已停用 {name}")


@operator.command("passwd")
@operator_options
@click.argument("name", required=False)
@click.option("--new-password-file", type=click.Path(exists=True, dir_okay=False),
              help="File with the new password (else JIUJIN_NEW_PASSWORD).")
@click.pass_context
def passwd(ctx: click.Context, data_dir_option: str | None, operator: str,
           password_file: str | None, name: str | None, new_password_file: str | None) -> None:
    """Change your own password, or reset NAME's (admin). / 修改密码"""
    store, session = open_session(ctx, data_dir_option, operator, password_file)
    new_password = read_password(new_password_file, "JIUJIN_NEW_PASSWORD")
    if name and name != operator:
        store.operators.reset_password(session, name, new_password)
    else:
        store.operators.change_password(session, read_password(password_file), new_password)
    click.echo("密码已更新 / password changed")


@operator.command("unlock")
@operator_options
@click.argument("name")
@click.pass_context
def unlock(ctx: click.Context, data_dir_option: str | None, operator: str,
           password_file: str | None, name: str) -> None:
    """Lift a lockout after failed logins (supervisor, admin). / 解锁"""
    store, session = open_session(ctx, data_dir_option, operator, password_file)
    store.operators.unlock(session, name)
    click.echo(f"已解锁 {name}")


@operator.command("confirm")
@operator_options
@click.argument("name")
@click.pass_context
def confirm(ctx: click.Context, data_dir_option: str | None, operator: str,
            password_file: str | None, name: str) -> None:
    """Sign NAME's record as it stands, after checking it (admin). / 确认人员记录"""
    store, session = open_session(ctx, data_dir_option, operator, password_file)
    row = store.operators.confirm(session, name)
    click.echo(f"已确认 {name}（{row.role}，{row.status}）/ confirmed")
