"""The `jiujin` command line.

Each command group lives in its own module and is imported only when used, so that
`jiujin` starts the UI without loading the hub, PDF or device code. The main group is
also the one place where a Jiujin error becomes a message: `jiujin: …` on standard
error, in the chosen language, and exit code 1.
"""

from __future__ import annotations

import click

from station.cli.lazy import LazyGroup

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
    "hub": "sync.hub.cli:hub",
    "day": "station.cli.day:day",
}


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if not value or ctx.resilient_parsing:
        return
    from station import version

    click.echo(f"jiujin {version()}")
    ctx.exit()


@click.group(cls=LazyGroup, lazy_commands=LAZY_COMMANDS, extras={"hub": "hub"}, invoke_without_command=True)
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_print_version,
              help="Show the installed release and exit. / 显示版本")
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
