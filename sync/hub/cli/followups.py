"""`jiujin hub followups [--open] [--json]` and `jiujin hub followup-reply ID --text T`: the
follow-ups bad ratings (差评) open, and the answer the citizen reads on the case's page."""

from __future__ import annotations

import click

from sync.hub.cli.common import emit_json, hub_folder_option, open_hub

OPERATOR = click.option("--operator", envvar="JIUJIN_OPERATOR", required=True, help="Hub operator name.")


@click.command("followups")
@hub_folder_option
@click.option("--open", "open_only", is_flag=True, help="Only those not yet answered. / 仅未答复")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def followups(ctx: click.Context, data_dir_option: str | None, open_only: bool, as_json: bool) -> None:
    """Follow-ups of bad ratings, oldest due first. / 差评整改单"""
    from sync.hub import ratings

    store = open_hub(ctx, data_dir_option)
    ratings.absorb(store)
    found = ratings.follow_ups(open_only)
    if as_json:
        emit_json({"followups": found})
        return
    for row in found:
        state = f"已答复 / answered {row['replied_at']}" if row["replied_at"] else "待答复 / open"
        click.echo(f"#{row['id']}  {row['station']}  {row['application_id']}  level {row['level']}  "
                   f"due {row['due_on']}  {state}")
    if not found:
        click.echo("没有整改单 / no follow-ups")


@click.command("followup-reply")
@hub_folder_option
@OPERATOR
@click.argument("followup_id", type=click.IntRange(1))
@click.option("--text", required=True, help="The answer the citizen reads. / 答复内容")
@click.pass_context
def followup_reply(ctx: click.Context, data_dir_option: str | None, operator: str, followup_id: int,
                   text: str) -> None:
    """Answer a follow-up; the citizen sees it on the case's page. / 答复差评"""
    from sync.hub import ratings

    store = open_hub(ctx, data_dir_option)
    ratings.reply(store, followup_id, text, operator)
    click.echo(f"已答复 / answered #{followup_id}")


COMMANDS = [followups, followup_reply]
