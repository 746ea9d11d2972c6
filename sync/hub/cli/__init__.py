"""`jiujin hub …`: the hub's command group, loaded by the one `jiujin` command when used."""

from sync.hub.cli import followups, onething, shared_data
from sync.hub.cli.commands import hub, quarantine
from sync.hub.cli.departments import COMMANDS as DEPARTMENT_COMMANDS
from sync.hub.cli.keys import keys
from sync.hub.cli.reconcile import COMMANDS, QUARANTINE_COMMANDS
from sync.hub.cli.watch import operator, watch

for _command in COMMANDS:
    hub.add_command(_command)
for _command in QUARANTINE_COMMANDS:
    quarantine.add_command(_command)
hub.add_command(keys)
hub.add_command(watch)
hub.add_command(operator)
for _command in (*DEPARTMENT_COMMANDS, *followups.COMMANDS, *shared_data.COMMANDS, *onething.COMMANDS):
    hub.add_command(_command)

__all__ = ["hub"]
