"""What the hub's commands share: the hub folder, opening the store, output.

A hub error raised by a command reaches the one `jiujin` command, which prints it in the
user's language (`station.cli.lazy`); the hub is its own deployable and imports nothing of
the station's.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])


def lang(ctx: click.Context) -> str:
    """The language of messages: zh unless --lang en or JIUJIN_LANG=en."""
    return str((ctx.find_root().obj or {}).get("lang") or "zh")


def emit_json(value: Any) -> None:
    """Stable JSON on standard output."""
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, default=str))


def hub_dir(ctx: click.Context, option: str | None) -> Path:
    """The hub folder: --data-dir here, at the root, JIUJIN_DATA_DIR, or the platform's."""
    from sync.hub.config import resolve_hub_dir

    return resolve_hub_dir(option or (ctx.find_root().obj or {}).get("data_dir"))


def hub_folder_option(func: F) -> F:
    return click.option("--data-dir", "data_dir_option", type=click.Path(file_okay=False), default=None,
                        help="Hub folder. / 中心目录")(func)


def open_hub(ctx: click.Context, data_dir_option: str | None, database: str | None = None) -> Any:
    """The hub store of this command with its schema brought up to this release (a newer schema
    is refused), closed when the command ends."""
    from sync.hub.store import HubStore

    store = HubStore(hub_dir(ctx, data_dir_option), database)
    ctx.call_on_close(store.close)
    store.create_schema()
    return store
