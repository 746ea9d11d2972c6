"""Where the files shipped inside the `forms` package lie. They are read as plain files:
`importlib.resources` would cost every program that imports `forms` about 8 ms."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent
#: The service catalog: one TOML file per item, with its sources and 一件事 bundles.
CATALOG = ROOT / "catalog"
#: Division codes, the calendar's overrides and other reference data.
DATA = ROOT / "data"
