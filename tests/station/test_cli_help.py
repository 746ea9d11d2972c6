"""`jiujin --help` lists every command from its declared summary, importing none of them."""

from __future__ import annotations

import subprocess
import sys

import click
import pytest

from station.cli import LAZY_COMMANDS, main
from station.cli.report import report


@pytest.mark.parametrize("group", [main, report], ids=["jiujin", "report"])
def test_each_declared_summary_is_the_commands_own_first_line(group: click.Group) -> None:
    assert isinstance(group, click.Group)
    context = click.Context(group)
    for name, lazy in group.lazy_commands.items():  # type: ignore[attr-defined]
        command = group.get_command(context, name)
        assert command is not None
        assert lazy.summary == command.get_short_help_str(limit=1000), name


def test_help_lists_every_command_and_loads_none_of_them() -> None:
    probe = """
import sys
from station.cli import main
try:
    main(["--help"])
except SystemExit:
    pass
loaded = sorted(m for m in sys.modules if m.startswith(("station.cli.", "sync.hub", "textual", "reportlab")))
print("LOADED", loaded)
"""
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    listed = out[out.index("Commands:"):]
    for name in LAZY_COMMANDS:
        assert f"\n  {name} " in listed
    assert "Send the outbox to the city hub" in listed
    assert out.splitlines()[-1] == "LOADED ['station.cli.lazy']"


@pytest.mark.parametrize("args", [["hub", "--help"], ["hub", "status", "--help"], ["applications", "--help"],
                                  ["sync", "--help"]], ids=["hub", "hub status", "applications", "sync"])
def test_a_command_loads_neither_the_http_app_nor_the_http_client_nor_reportlab(args: list[str]) -> None:
    """An operator's `jiujin hub …` or `jiujin applications …` at the terminal loads the
    command and the store, not the hub's HTTP app (Starlette, every route's module), httpx or
    reportlab: a second saved on each hub command, a third of one on the station's."""
    probe = f"""
import sys
from station.cli import main
try:
    main({args!r})
except SystemExit:
    pass
heavy = ("sync.hub.app", "sync.hub.serve", "sync.transport_http", "httpx", "starlette", "uvicorn", "reportlab")
print("LOADED", sorted(m for m in sys.modules if m.startswith(heavy)))
"""
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert "Usage: " in out and out.splitlines()[-1] == "LOADED []"
