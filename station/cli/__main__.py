"""`python -m station.cli` runs the `jiujin` command."""

from station.cli import main

main()
