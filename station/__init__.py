"""Jiujin station: the counter application of a neighbourhood service point."""

from __future__ import annotations

__all__ = ["version"]

DISTRIBUTION = "jiujin"


def version() -> str:
    """The station's release, e.g. "0.1.0", from the installed distribution's metadata."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as distribution_version

    try:
        return distribution_version(DISTRIBUTION)
    except PackageNotFoundError:  # a bare checkout on sys.path, never installed
        return "0+unknown"
