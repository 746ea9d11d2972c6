"""The Jiujin release this code runs as, which a station reports to the hub with every sync."""

from __future__ import annotations

import functools

DISTRIBUTION = "jiujin"


@functools.cache
def release() -> str:
    """The release, e.g. "0.1.0", from the installed distribution's metadata, read once: a program
    runs one release until it restarts, and the read scans every installed distribution."""
    from importlib.metadata import (  # only when asked: it is slow to load
        PackageNotFoundError,
        version,
    )

    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:  # a bare checkout on sys.path, never installed
        return "0+unknown"
