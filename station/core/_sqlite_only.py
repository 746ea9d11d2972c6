"""Load peewee without the PostgreSQL driver it would otherwise import as it loads.

peewee imports psycopg, when one is installed, the moment peewee itself is imported. The
station never talks to PostgreSQL (only the hub does), and loading the driver costs about a
sixth of the station's start-up. So the station loads peewee first with psycopg hidden.
The hub imports psycopg itself when it first opens PostgreSQL (`sync.hub.db`), so it works
in the same process whichever of the two loaded peewee first.
"""

from __future__ import annotations

import sys

if "peewee" not in sys.modules and "psycopg" not in sys.modules:
    sys.modules["psycopg"] = None  # type: ignore[assignment]  # makes `import psycopg` fail
    try:
        import peewee  # noqa: F401
    finally:
        del sys.modules["psycopg"]
