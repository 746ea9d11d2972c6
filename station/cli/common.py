"""What the commands share: opening the store as an operator, the language, output.

Errors are translated once, by the main group (`station.cli.LazyGroup`)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from station.core.config import resolve_data_dir
from station.core.session import Session
from station.core.store import StationStore

F = TypeVar("F", bound=Callable[..., Any])


def data_dir(ctx: click.Context, option: str | None = None) -> Path:
    """The data folder from the command's option, the root option, or the environment."""
    root = (ctx.find_root().obj or {}).get("data_dir")
    return resolve_data_dir(option or root)


def lang(ctx: click.Context) -> str:
    """The language of messages: zh unless --lang en or JIUJIN_LANG=en."""
    return str((ctx.find_root().obj or {}).get("lang") or "zh")


def read_password(password_file: str | None, variable: str = "JIUJIN_PASSWORD") -> str:
    """A password from a file (first line) or an environment variable; never an argument."""
    if password_file:
        try:
            lines = Path(password_file).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            raise click.UsageError(f"密码文件无法读取或不是 UTF-8 文本 / the password file cannot be read as UTF-8 text: "
                                   f"{password_file}") from None
        if not lines or not lines[0]:
            raise click.UsageError(f"密码文件第一行为空 / the password file's first line is empty: {password_file}")
        return lines[0]
    value = os.environ.get(variable)
    if value is None:
        raise click.UsageError(f"set {variable} or use --password-file / 请设置 {variable} 或使用 --password-file")
    return value


def operator_options(func: F) -> F:
    """--operator and --password-file, for commands that unlock the store."""
    func = click.option("--password-file", type=click.Path(exists=True, dir_okay=False),
                        help="File whose first line is the password (else JIUJIN_PASSWORD).")(func)
    func = click.option("--operator", envvar="JIUJIN_OPERATOR", required=True,
                        help="Operator name (or JIUJIN_OPERATOR). / 工作人员用户名")(func)
    func = click.option("--data-dir", "data_dir_option", type=click.Path(file_okay=False),
                        default=None, help="Data folder. / 数据目录")(func)
    return func


def open_session(ctx: click.Context, data_dir_option: str | None, operator: str,
                 password_file: str | None) -> tuple[StationStore, Session]:
    """Open the station store and log in."""
    store = StationStore(data_dir(ctx, data_dir_option))
    session = store.login(operator, read_password(password_file))
    ctx.call_on_close(store.close)
    return store, session


def emit_json(value: Any) -> None:
    """Stable JSON on standard output."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str))


allow_insecure_option = click.option(
    "--allow-insecure-hub", is_flag=True,
    help="Accept a plain http:// hub URL outside this machine (the credential travels in clear).")
tls_pin_option = click.option(
    "--hub-tls-pin", default=None, metavar="sha256/BASE64",
    help="Pin the hub's TLS public key: connect only when its SHA-256 is this (kept in station.toml).")


def checked_hub_url(url: str | None, allowed: bool) -> None:
    """A plain http:// hub URL outside this machine: refused in one line unless
    --allow-insecure-hub, then a warning."""
    from station.core.hub_link import InsecureHub, check_hub_url

    if not url:
        return
    try:
        insecure = check_hub_url(url, allowed)
    except InsecureHub:
        raise InsecureHub(url, "加 --allow-insecure-hub", "pass --allow-insecure-hub") from None
    if insecure:
        click.echo("警告：中心地址未加密（http://），站点凭据会明文传输 / warning: the hub URL is not "
                   "TLS-protected; the station credential travels in clear", err=True)
