"""`jiujin run` and `jiujin demo`: open the station UI."""

from __future__ import annotations

from pathlib import Path

import click

from station.cli.common import data_dir, lang, reports_errors
from station.core.store import StationStore


@click.command()
@click.option("--data-dir", "data_dir_option", type=click.Path(file_okay=False), default=None)
@click.pass_context
@reports_errors
def run(ctx: click.Context, data_dir_option: str | None = None) -> None:
    """Open the station UI. / 打开窗口程序"""
    from station.ui.app import make_app

    store = StationStore(data_dir(ctx, data_dir_option))
    try:
        make_app(store, lang=lang(ctx)).run()
    finally:
        store.close()


@click.command()
@click.option("--data-dir", "data_dir_option", type=click.Path(file_okay=False), default=None)
@click.option("--fresh", is_flag=True, help="Start from a new demo station. / 重建演示站点")
@click.pass_context
@reports_errors
def demo(ctx: click.Context, data_dir_option: str | None, fresh: bool) -> None:
    """A demo community station with demo operators shown at login. / 演示站点"""
    import shutil

    from station.core.demo import DEMO_OPERATORS, ensure_demo_station, start_demo_hub
    from station.ui.app import make_app

    folder = data_dir(ctx, data_dir_option)
    if data_dir_option is None and (ctx.find_root().obj or {}).get("data_dir") is None:
        folder = Path(folder) / "demo"
    if fresh and folder.exists():
        shutil.rmtree(folder)
    click.echo(f"演示站点 / demo station: {folder}")
    store = ensure_demo_station(folder)
    hub = start_demo_hub(folder, store)
    click.echo(f"本地市级中心 / local hub: {hub.url}")
    try:
        make_app(store, lang=lang(ctx), demo_operators=DEMO_OPERATORS).run()
    finally:
        hub.stop()
        store.close()
