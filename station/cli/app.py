"""`jiujin run`, `jiujin demo` and `jiujin kiosk`: open the station UI."""

from __future__ import annotations

import logging
import threading
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TYPE_CHECKING

import click

from station.cli.common import data_dir, lang, read_password
from station.core.config import POINT_TYPES
from station.core.store import StationStore

log = logging.getLogger(__name__)
LOG_NAME = "jiujin.log"
#: jiujin.log rotates at 1 MiB into jiujin.log.1 … .3, so a station never fills its disk with it.
LOG_BYTES = 1024 * 1024
LOG_BACKUPS = 3

if TYPE_CHECKING:
    from forms import Text
    from station.cli.local_hub import LocalHubLink
    from station.core.print_jobs import A4Output
    from station.core.session import Session



def _log_to_file(folder: Path) -> logging.Handler:
    """Under a full-screen UI, warnings go to a file in the data folder, never the terminal."""
    handler = RotatingFileHandler(folder / LOG_NAME, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS,
                                  encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    handler.setLevel(logging.WARNING)
    root = logging.getLogger()
    root.addHandler(handler)
    if root.level == logging.NOTSET or root.level > logging.WARNING:
        root.setLevel(logging.WARNING)
    return handler


def _system_a4() -> A4Output:
    """The A4 printer CUPS names, else documents held for the operator; looked up when first
    needed, so that start-up neither loads the print queue nor asks CUPS."""
    from station.core.print_jobs import default_a4_output

    return default_a4_output()


@click.command()
@click.option("--data-dir", "data_dir_option", type=click.Path(file_okay=False), default=None)
@click.pass_context
def run(ctx: click.Context, data_dir_option: str | None = None) -> None:
    """Open the station UI. / 打开窗口程序"""
    from station.ui.app import make_app

    store = StationStore(data_dir(ctx, data_dir_option))
    _log_to_file(store.data_dir)
    try:
        make_app(store, lang=lang(ctx), devices=store.config.devices.config, a4=_system_a4).run()
    finally:
        store.close()


class _DemoHub:
    """The demo's local hub (None when the hub extra is not installed: the demo station then
    works offline, its applications waiting in the outbox as on a station without network).
    A demo just made hands over its admin's session, with which the hub enrols the station."""

    def __init__(self, folder: Path, store: StationStore, admin: Session | None = None) -> None:
        self.folder, self.store = folder, store
        self.link: LocalHubLink | None = None
        self._admin = admin
        self._lock = threading.Lock()
        self._stopped = False

    @property
    def installed(self) -> bool:
        from station.cli.extras import missing_modules

        return not missing_modules("hub")

    def start(self) -> None:
        """Start the hub; on first use this enrols the station, as the admin of a demo just made
        or else by logging in as the demo admin."""
        from station.cli.local_hub import start_demo_hub

        with self._lock:
            if self._stopped:  # the demo closed before its hub started
                return
            admin, self._admin = self._admin, None
            self.link = start_demo_hub(self.folder, self.store, admin)
        log.info("demo hub listening on %s", self.link.url)

    def stop(self) -> None:
        with self._lock:
            self._stopped = True
            if self._admin is not None:
                self._admin.end()
            if self.link is not None:
                self.link.stop()


def _create_demo(folder: Path, point_type: str) -> tuple[StationStore, Session]:
    """Make the demo station, showing each step as it happens (a progress bar and a line per
    step on a terminal; nothing in a pipe)."""
    import sys

    from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn

    from station.core.demo import create_demo_station

    shown = sys.stdout.isatty()
    if shown:
        click.echo("创建演示站点 / making the demo station")
    with Progress(TextColumn("  {task.description}"), BarColumn(bar_width=20), TaskProgressColumn(),
                  disable=not shown) as bar:
        task = bar.add_task("", total=None)
        previous: list[str] = []

        def step(done: int, total: int, what: Text) -> None:
            if shown and previous:
                bar.console.print(f"  ✓ {previous[0]}")
            previous[:] = [f"{what.zh} / {what.en}"]
            bar.update(task, completed=done, total=total, description=previous[0])

        return create_demo_station(folder, point_type, step)


@click.command()
@click.option("--data-dir", "data_dir_option", type=click.Path(file_okay=False), default=None)
@click.option("--fresh", is_flag=True, help="Start from a new demo station. / 重建演示站点")
@click.option("--point-type", type=click.Choice(POINT_TYPES), default="community", show_default=True,
              help="The kind of service point to demonstrate (each has its own demo folder). / 受理点类型")
@click.pass_context
def demo(ctx: click.Context, data_dir_option: str | None, fresh: bool, point_type: str) -> None:
    """A demo station (a community centre unless --point-type says otherwise): simulated card
    reader and printer (F9 taps a demo card), a local hub, demo operators shown at login. / 演示站点"""
    import shutil

    from devices import DemoDevices
    from station.core.demo import DEMO_OPERATORS, demo_folder_name, open_demo_station
    from station.ui.app import make_app

    folder = data_dir(ctx, data_dir_option)
    if data_dir_option is None and (ctx.find_root().obj or {}).get("data_dir") is None:
        folder = Path(folder) / demo_folder_name(point_type)
    if fresh and folder.exists():
        shutil.rmtree(folder)
    click.echo(f"演示站点 / demo station: {folder}")
    store, admin = open_demo_station(folder, point_type), None
    if store is None:
        store, admin = _create_demo(folder, point_type)
    _log_to_file(folder)
    hub = _DemoHub(folder, store, admin)
    if not hub.installed:
        hub.stop()  # nothing to enrol with: the admin's session ends here
        click.echo("本地市级中心未安装，演示站点离线运行（pip install 'jiujin[hub]' 可加装）"
                   " / no local hub: the hub extra is not installed, the demo station runs offline")
    scans = folder / "scans"
    scans.mkdir(exist_ok=True)
    try:
        with DemoDevices() as simulators:
            click.echo(f"高拍仪文件夹 / scan folder: {scans}")
            make_app(store, lang=lang(ctx), demo_operators=DEMO_OPERATORS, demo_devices=simulators,
                     devices=simulators.config(scan_folder=scans),
                     after_start=hub.start if hub.installed else None).run()  # once the login screen is up
    finally:
        hub.stop()
        store.close()


@click.command()
@click.option("--data-dir", "data_dir_option", type=click.Path(file_okay=False), default=None)
@click.option("--operator", envvar="JIUJIN_OPERATOR", required=True,
              help="The kiosk's own operator account (or JIUJIN_OPERATOR). / 自助机账户")
@click.option("--password-file", type=click.Path(exists=True, dir_okay=False),
              help="File whose first line is the password (else JIUJIN_PASSWORD, else asked).")
@click.option("--demo", "demo_devices", is_flag=True, help="Use the simulated reader and printer.")
@click.pass_context
def kiosk(ctx: click.Context, data_dir_option: str | None, operator: str,
          password_file: str | None, demo_devices: bool) -> None:
    """The self-service kiosk: full screen, the citizen's own card-only services. / 自助机模式"""
    import os
    from contextlib import nullcontext

    from devices import DemoDevices
    from station.core.print_jobs import default_a4_output
    from station.core.station_devices import device_config
    from station.ui.app import make_app

    store = StationStore(data_dir(ctx, data_dir_option))
    _log_to_file(store.data_dir)
    if password_file or "JIUJIN_PASSWORD" in os.environ:
        password = read_password(password_file)
    else:
        password = click.prompt("密码 / password", hide_input=True)
    session = store.login(operator, password)
    try:
        with DemoDevices() if demo_devices else nullcontext() as simulators:
            devices = (simulators.config() if simulators is not None
                       else device_config(store.config.devices))
            make_app(store, lang=lang(ctx), devices=devices, demo_devices=simulators,
                     a4=default_a4_output(), kiosk=True, session=session).run()
    finally:
        session.end()
        store.close()
