"""Jiujin station: the counter application of a neighbourhood service point."""

from __future__ import annotations

__all__ = ["version"]



def version() -> str:
    """The station's release, e.g. "0.1.0", from the installed distribution's metadata."""
    from kernel.release import release

    return release()
