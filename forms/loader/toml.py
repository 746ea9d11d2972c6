"""The catalog's TOML parser: rtoml (the Rust `toml` crate).

A station reads the whole catalog at start-up, some 190 files and 0.8 MB, and again after
each edit a department makes. rtoml parses it in about 40% of the time the compiled `tomli`
took, to the same values (`tests/forms/test_toml_parser.py` holds it to `tomllib` on every
shipped file). Its errors name the line and column on one line, and it refuses nesting past
a fixed depth instead of recursing without bound.
"""

from __future__ import annotations

from rtoml import TomlParsingError as TOMLDecodeError
from rtoml import loads

__all__ = ["TOMLDecodeError", "loads"]
