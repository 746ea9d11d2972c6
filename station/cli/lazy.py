"""A click group whose subcommands are imported only when invoked, so that `jiujin` starts
the UI without loading the hub, PDF or device code; the main group is also the one place
where a Jiujin error becomes a one-line message."""

from __future__ import annotations

import importlib
from typing import Any, NamedTuple

import click

from kernel.errors import JiujinError


def explain_error(error: JiujinError, lang: str) -> None:
    """The one translation of a Jiujin error for the command line, field details below it."""
    click.echo(f"jiujin: {error.message(lang)}", err=True)
    for key, message in sorted((getattr(error, "errors", None) or {}).items()):
        click.echo(f"  {key}: {message}", err=True)


class Lazy(NamedTuple):
    """Where a subcommand lives ("module:attribute") and the line `--help` shows for it, so
    that listing the commands imports none of them (a test keeps the line the command's own)."""

    target: str
    summary: str


class LazyGroup(click.Group):
    """A click group that imports a subcommand's module only when it is invoked.

    `lazy_commands` maps a command name to its `Lazy` entry; commands added the usual way
    (`@group.command`) sit beside them.
    """

    def __init__(self, *args: Any, lazy_commands: dict[str, Lazy] | None = None,
                 extras: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy_commands = lazy_commands if lazy_commands is not None else {}
        #: command name -> the optional extra it needs (`jiujin[hub]`), checked before its import.
        self.extras = extras or {}

    def invoke(self, ctx: click.Context) -> object:
        """Run the command; a Jiujin error from it (or any subcommand) prints as one line in the
        chosen language and exits 1, never as a traceback."""
        try:
            return super().invoke(ctx)
        except JiujinError as error:
            explain_error(error, str((ctx.find_root().obj or {}).get("lang") or "zh"))
            ctx.exit(1)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy_commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        lazy = self.lazy_commands.get(cmd_name)
        if lazy is None:
            return super().get_command(ctx, cmd_name)
        if cmd_name in self.extras and _missing(self.extras[cmd_name]):
            return _needs_extra(cmd_name, self.extras[cmd_name])
        module_name, attribute = lazy.target.split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of `--help`, from the declared summaries: no subcommand is imported."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(name) for name in names)
        rows = []
        for name in names:
            lazy = self.lazy_commands.get(name)
            if lazy is not None:
                rows.append((name, click.Command(name, help=lazy.summary).get_short_help_str(limit)))
            elif (command := super().get_command(ctx, name)) is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit)))
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def _missing(extra: str) -> bool:
    from station.cli.extras import missing_modules

    return bool(missing_modules(extra))


def _needs_extra(name: str, extra: str) -> click.Command:
    """A stand-in for a command whose optional part is not installed: one line, exit 1."""

    @click.command(name, context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
                   add_help_option=False)
    def needs_extra() -> None:
        from station.cli.extras import missing_message

        click.echo(missing_message(extra), err=True)
        raise SystemExit(1)

    return needs_extra
