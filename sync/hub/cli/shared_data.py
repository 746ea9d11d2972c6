"""`jiujin hub shared-data [--check] [--json]`: the data-sharing platform the hub confirms shared
data with (`sync.hub.shared_checks`), what waits for its answer and what it answered."""

from __future__ import annotations

import click

from sync.hub.cli.common import emit_json, hub_folder_option, open_hub


@click.command("shared-data")
@hub_folder_option
@click.option("--check", is_flag=True, help="Ask the platform now, as the hub's loop does. / 立即核验")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def shared_data(ctx: click.Context, data_dir_option: str | None, check: bool, as_json: bool) -> None:
    """Shared data confirmed after sync: the platform, waiting and answered. / 共享数据核验"""
    from sync.hub import department_feeds, shared_checks

    store = open_hub(ctx, data_dir_option)
    department_feeds.intake(store)  # the cases the records make, as every hub round does first
    url = store.config.shared_data_url
    if check and not url:
        raise click.ClickException("hub.toml 未设置 shared_data_url / no data-sharing platform is configured")
    round_counts = shared_checks.check_due(store, url) if check else None
    state = shared_checks.state()
    if as_json:
        emit_json({"platform": url, "round": round_counts, **state})
        return
    click.echo(f"平台 / platform: {url or '未设置 / not configured'}")
    if round_counts is not None:
        click.echo(f"本轮 / this round: 已核验 confirmed {round_counts['confirmed']}, 未通过 refused "
                   f"{round_counts['refused']}, 未答复 unanswered {round_counts['unanswered']}")
    click.echo(f"待核验 / waiting: {state['waiting']}; 已核验 / confirmed so far: {state['confirmed']}; "
               f"未通过 / refused so far: {state['refused']}")


COMMANDS = [shared_data]
