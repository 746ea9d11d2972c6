"""The TOML parser: the compiled `tomli` wheel when installed (about 3× faster), else tomllib."""

from __future__ import annotations

try:
    from tomli import TOMLDecodeError, loads
except ImportError:  # pragma: no cover - the standard library parser is the fallback
    from tomllib import TOMLDecodeError, loads  # type: ignore[assignment]

__all__ = ["TOMLDecodeError", "loads"]
