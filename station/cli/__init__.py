"""The `jiujin` command line.

Each command group lives in its own module and is imported only when used, so that
`jiujin` starts the UI without loading the hub, PDF or device code. The main group is
also the one place where a Jiujin error becomes a message: `jiujin: …` on standard
error, in the chosen language, and exit code 1.
"""

from __future__ import annotations

import importlib

import click

from kernel.errors import JiujinError

#: command name -> "module:attribute" of the click command implementing it.
LAZY_COMMANDS: dict[str, str] = {
    "run": "station.cli.app:run",
    "demo": "station.cli.app:demo",
    "kiosk": "station.cli.app:kiosk",
    "init": "station.cli.setup:init",
    "seed": "station.cli.setup:seed",
    "applications": "station.cli.applications:applications",
    "operator": "station.cli.operators:operator",
    "audit": "station.cli.store:audit",
    "db": "station.cli.store:db",
    "catalog": "station.cli.catalog:catalog",
    "forms": "station.cli.catalog:forms",
    "devices": "station.cli.devices:devices",
    "report": "station.cli.report:report",
    "sync": "station.cli.sync:sync",
    "hub": "station.cli.hub:hub",
    "day": "station.cli.day:day",
}


def explain_error(error: JiujinError, lang: str) -> None:
    """The one translation of a Jiujin error for the command line, field details below it."""
    click.echo(f"jiujin: {error.message(lang)}", err=True)
    for key, message in sorted((getattr(error, "errors", None) or {}).items()):
        click.echo(f"  {key}: {message}", err=True)


class LazyGroup(click.Group):
    """A click group that imports a subcommand's module only when it is invoked, and
    translates any Jiujin error its commands raise."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except JiujinError as error:
            explain_error(error, str((ctx.obj or {}).get("lang") or "zh"))
            ctx.exit(1)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(LAZY_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = LAZY_COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        command = getattr(importlib.import_module(module_name), attribute)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, invoke_without_command=True)
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False),
    envvar="JIUJIN_DATA_DIR",
    help="Data folder (default: the platform's user data folder). / 数据目录",
)
@click.option("--lang", type=click.Choice(["zh", "en"]), envvar="JIUJIN_LANG", default=None)
@click.pass_context
def main(ctx: click.Context, data_dir: str | None, lang: str | None) -> None:
    """Jiujin (就近): the station suite of Hangzhou's neighbourhood service points."""
    ctx.ensure_object(dict)
    ctx.obj["data_dir"] = data_dir
    ctx.obj["lang"] = lang
    if ctx.invoked_subcommand is None:
        run_command = main.get_command(ctx, "run")
        assert run_command is not None
        ctx.invoke(run_command)
