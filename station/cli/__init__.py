"""The `jiujin` command line.

Each command group lives in its own module and is imported only when used, so that
`jiujin` starts the UI without loading the hub, PDF or device code. The main group is
also the one place where a Jiujin error becomes a message: `jiujin: …` on standard
error, in the chosen language, and exit code 1.
"""

from __future__ import annotations

import click

from station.cli.lazy import Lazy, LazyGroup

#: command name -> where its click command lives, and its line in `jiujin --help`.
LAZY_COMMANDS: dict[str, Lazy] = {
    "run": Lazy("station.cli.app:run", "Open the station UI."),
    "demo": Lazy("station.cli.app:demo", "A demo station (a community centre unless --point-type says otherwise): "
                 "simulated card reader and printer (F9 taps a demo card), a local hub, demo operators shown at login."),
    "kiosk": Lazy("station.cli.app:kiosk", "The self-service kiosk: full screen, the citizen's own card-only services."),
    "init": Lazy("station.cli.setup:init", "Create a station in the data folder, non-interactively."),
    "seed": Lazy("station.cli.setup:seed", "File COUNT synthetic applications (valid ID numbers, Hangzhou addresses)."),
    "applications": Lazy("station.cli.applications:applications", "Applications held by this station."),
    "operator": Lazy("station.cli.operators:operator", "Operators of this station."),
    "audit": Lazy("station.cli.store:audit", "The audit trail."),
    "db": Lazy("station.cli.store:db", "The encrypted store."),
    "catalog": Lazy("station.cli.catalog:catalog", "Service catalog: list, show and lint items."),
    "forms": Lazy("station.cli.catalog:forms", "Forms: validate application data against an item."),
    "devices": Lazy("station.cli.devices:devices", "ID-card reader, receipt printer and their simulators."),
    "report": Lazy("station.cli.report:report", "Documents and reports (PDF), and receipt QR checks."),
    "sync": Lazy("station.cli.sync:sync", "Send the outbox to the city hub, by network or USB."),
    "hub": Lazy("sync.hub.cli:hub", "The city hub (市级中心)."),
    "day": Lazy("station.cli.day:day", "End of day and what the hub sends back."),
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
