"""`jiujin hub onething list [--station C] [--json]` and `jiujin hub onething show CASE [--json]`:
the 一件事 cases the hub holds, each as one case and as its items."""

from __future__ import annotations

import click

from sync.hub.cli.common import emit_json, hub_folder_option, open_hub

STATES = {"open": "办理中 / open", "closed": "已结束 / closed", "completed": "已办结 / completed"}


@click.group("onething")
def onething() -> None:
    """一件事: bundles accepted as one case. / 一件事办件"""


@onething.command("list")
@hub_folder_option
@click.option("--station", default=None, help="Only this station's cases. / 仅此站点")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def list_(ctx: click.Context, data_dir_option: str | None, station: str | None, as_json: bool) -> None:
    """The newest 一件事 cases. / 一件事办件列表"""
    from sync.hub import onething as cases
    from sync.hub.reconcile import refresh_applications

    open_hub(ctx, data_dir_option)
    refresh_applications()
    found = cases.case_list(station)
    if as_json:
        emit_json({"cases": found})
        return
    for row in found:
        click.echo(f"{row['case_id']}  {row['bundle_code']} {row['bundle_name']}  {row['station']}  "
                   f"{row['day']}  {row['items']} 项 / items")
    if not found:
        click.echo("没有一件事办件 / no 一件事 cases")


@onething.command("show")
@hub_folder_option
@click.argument("case_id")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def show(ctx: click.Context, data_dir_option: str | None, case_id: str, as_json: bool) -> None:
    """One 一件事: the case, then each item with its receipt number and status. / 一件事详情"""
    from sync.hub import onething as cases
    from sync.hub.reconcile import refresh_applications

    open_hub(ctx, data_dir_option)
    refresh_applications()
    view = cases.case_view(case_id)
    if view is None:
        raise click.ClickException(f"中心没有此一件事办件 / no such 一件事 case at the hub: {case_id}")
    if as_json:
        emit_json(view)
        return
    click.echo(f"{view['bundle_name']}（{view['bundle_code']}）  {view['case_id']}")
    click.echo(f"站点 / station {view['station']}  {view['day']}  申请人 / applicant {view['applicant']['name']} "
               f"{view['applicant']['id']}  {STATES.get(view['state'], view['state'])}")
    for number, item in enumerate(view["items"], 1):
        department = f"{item['department']}: {item['department_status']}" if item["department"] else "—"
        click.echo(f"  {number}. {item['item_code']} {item['item_name']}  {item['receipt_number']}  "
                   f"{item['status']}  {department}")


COMMANDS = [onething]
