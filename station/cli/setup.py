"""`jiujin init` and `jiujin seed`: create a station, fill it with synthetic applications."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from station.cli.common import (
    allow_insecure_option,
    checked_hub_url,
    data_dir,
    emit_json,
    open_session,
    operator_options,
    read_password,
    tls_pin_option,
)
from station.core.config import POINT_TYPES, parse_config
from station.core.seed import seed_applications
from station.core.services import service_choices
from station.core.store import StationStore


@click.command()
@click.option("--data-dir", "data_dir_option", type=click.Path(file_okay=False), default=None)
@click.option("--station-code", required=True, help="e.g. XH0001 / 站点编码")
@click.option("--station-name", required=True, help="站点名称")
@click.option("--point-type", type=click.Choice(POINT_TYPES), required=True)
@click.option("--district", required=True, help="6-digit division code, e.g. 330106 / 区划代码")
@click.option("--admin", "admin_name", required=True, help="First admin's login name.")
@click.option("--admin-display-name", default="管理员")
@click.option("--password-file", type=click.Path(exists=True, dir_okay=False),
              help="File with the admin's password (else JIUJIN_PASSWORD).")
@click.option("--hub-url", default="", help="The city hub's URL.")
@click.option("--public-url", default="",
              help="Where citizens' phones reach the hub (the receipt's QR link); default: --hub-url.")
@click.option("--hub-key", type=click.Path(exists=True, dir_okay=False),
              help="The hub's public key file: enables the recovery slot.")
@click.option("--enroll-token", default=None,
              help="One-time token from `jiujin hub station add`: registers this station's key.")
@allow_insecure_option
@tls_pin_option
@click.pass_context
def init(ctx: click.Context, data_dir_option: str | None, station_code: str, station_name: str,
         point_type: str, district: str, admin_name: str, admin_display_name: str,
         password_file: str | None, hub_url: str, public_url: str, hub_key: str | None,
         enroll_token: str | None, allow_insecure_hub: bool, hub_tls_pin: str | None) -> None:
    """Create a station in the data folder, non-interactively. / 创建站点"""
    folder = data_dir(ctx, data_dir_option)
    checked_hub_url(hub_url, allow_insecure_hub)
    recovery_key, fingerprint = None, ""
    if hub_key:
        from sync.hubkeys import HubKeyFileError, load_hub_public_keys

        try:
            hub_keys = load_hub_public_keys(Path(hub_key))
        except HubKeyFileError:
            raise click.BadParameter("不是市级中心公钥文件 / not a hub public key file", param_hint="--hub-key") from None
        recovery_key, fingerprint = hub_keys.hpke_public_key, hub_keys.fingerprint()
    document = {
        "station": {"code": station_code, "name": station_name, "point_type": point_type,
                    "district": district},
        "hub": {"url": hub_url, "key_fingerprint": fingerprint, "allow_insecure": allow_insecure_hub,
                "tls_pin": hub_tls_pin or "", **({"public_url": public_url} if public_url else {})},
    }
    if enroll_token and not hub_key:
        raise click.UsageError("--enroll-token needs --hub-key / 注册需要 --hub-key")
    config = parse_config(document, "--options")
    password = read_password(password_file)
    store = StationStore.initialise(folder, config, admin_name, admin_display_name,
                                    password, recovery_public_key=recovery_key)
    click.echo(f"站点 {config.code}（{config.name}）已创建于 {folder}")
    if fingerprint:
        click.echo(f"hub key fingerprint / 中心公钥指纹: {fingerprint}")
    try:
        if hub_key:
            _connect_hub(store, admin_name, password, Path(hub_key), enroll_token)
    finally:
        store.close()


def _connect_hub(store: StationStore, admin_name: str, password: str, hub_key: Path,
                 token: str | None) -> None:
    """Keep the hub's keys in the store and, with a token, enrol with the hub."""
    from station.cli.sync import print_enrolment
    from station.core.hub_link import EnrolResult
    from sync.hubkeys import load_hub_public_keys

    session = store.login(admin_name, password)
    store.hub.configure(session, load_hub_public_keys(hub_key))
    if token:
        click.echo("正在向市级中心注册… / enrolling with the hub…")
        def enrol() -> EnrolResult:
            return store.hub.enrol(session, token)

        print_enrolment(enrol(), bool(store.config.hub_url))


@click.command()
@operator_options
@click.option("--applications", "count", type=click.IntRange(1, 10_000_000), required=True)
@click.option("--days", type=click.IntRange(1, 3650), default=30)
@click.option("--seed", "random_seed", type=int, default=2026)
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def seed(ctx: click.Context, data_dir_option: str | None, operator: str,
         password_file: str | None, count: int, days: int, random_seed: int,
         as_json: bool) -> None:
    """File COUNT synthetic applications (valid ID numbers, Hangzhou addresses). / 生成演示数据"""
    _store, session = open_session(ctx, data_dir_option, operator, password_file)
    from rich.progress import Progress

    with Progress(disable=as_json or not sys.stdout.isatty()) as bar:
        task = bar.add_task("seeding / 生成中", total=count)
        filed = seed_applications(session, service_choices(_store.config.point_type), count, seed=random_seed, days=days,
                                  progress=lambda done: bar.update(task, completed=done),
                                  accepting_guard=_store.applications.accepting_guard)
    if as_json:
        emit_json({"applications": filed})
    else:
        click.echo(f"已生成 {filed} 件申请")

