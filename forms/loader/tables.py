"""Reading TOML tables with key paths, typed getters and unknown-key detection."""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import date
from typing import Any

from forms.issues import IssueSink
from forms.text import Text

SLUG = re.compile(r"[a-z][a-z0-9_]*\Z")
MISSING = object()


class Table:
    """A TOML table at a key path; getters record issues instead of raising."""

    def __init__(self, data: dict[str, Any], path: str, sink: IssueSink) -> None:
        self.data = data
        self.path = path
        self.sink = sink
        self.seen: set[str] = set()

    def key(self, key: str) -> str:
        """The key path of `key` inside this table."""
        return f"{self.path}.{key}" if self.path else key

    def error(self, key: str, reason: str) -> None:
        """Record an issue at `key`."""
        self.sink.add(self.key(key), reason)

    def raw(self, key: str, required: bool = False) -> Any:
        """The raw value, or MISSING (recording an issue when required)."""
        self.seen.add(key)
        if key in self.data:
            return self.data[key]
        if required:
            self.error(key, "required key is missing")
        return MISSING

    def typed(self, key: str, kinds: type | tuple[type, ...], what: str,
              required: bool = False, default: Any = None) -> Any:
        """The value if it has one of `kinds`, else `default` (recording an issue)."""
        value = self.raw(key, required)
        if value is MISSING:
            return default
        if isinstance(value, bool) and bool not in _as_tuple(kinds):
            self.error(key, f"expected {what}, got a boolean")
            return default
        if not isinstance(value, kinds):
            self.error(key, f"expected {what}, got {type(value).__name__}")
            return default
        return value

    def string(self, key: str, required: bool = False, default: str | None = None) -> Any:
        """A non-empty string."""
        value = self.data.get(key, MISSING)
        if type(value) is str and value.strip():  # most of a catalog's values: checked first
            self.seen.add(key)
            return value
        if value is MISSING and not required:  # the next most: an optional key left out
            self.seen.add(key)
            return default
        value = self.typed(key, str, "a string", required, default)
        if isinstance(value, str) and not value.strip():
            self.error(key, "must not be empty")
            return default
        return value

    def boolean(self, key: str, default: bool = False, required: bool = False) -> bool:
        """A boolean."""
        return bool(self.typed(key, bool, "true or false", required, default))

    def integer(self, key: str, required: bool = False, default: int | None = None,
            minimum: int | None = None) -> Any:
        """An integer, at least `minimum`."""
        value = self.typed(key, int, "an integer", required, default)
        if isinstance(value, int) and minimum is not None and value < minimum:
            self.error(key, f"must be at least {minimum}")
            return default
        return value

    def day(self, key: str, required: bool = False) -> date | None:
        """A TOML date (not a string, not a datetime)."""
        value = self.raw(key, required)
        if value is MISSING:
            return None
        if not isinstance(value, date) or hasattr(value, "hour"):
            self.error(key, "expected a TOML date such as 2024-01-01 (no quotes)")
            return None
        return value

    def enum(self, key: str, allowed: Collection[str], required: bool = True,
             default: str | None = None) -> Any:
        """A string from `allowed`."""
        value = self.string(key, required, default)
        if isinstance(value, str) and value not in allowed and value != default:
            self.error(key, f"unknown value {value!r}; expected one of {', '.join(sorted(allowed))}")
            return default
        return value

    def str_list(self, key: str, required: bool = False) -> list[str]:
        """A list of non-empty strings."""
        value = self.typed(key, list, "a list of strings", required, [])
        result = []
        for index, element in enumerate(value):
            if isinstance(element, str) and element.strip():
                result.append(element)
            else:
                self.sink.add(f"{self.key(key)}[{index}]", "expected a non-empty string")
        return result

    def text(self, key: str, required: bool = True, english: bool = True) -> Text | None:
        """A Chinese text and its `_en` twin (required when `english`)."""
        zh = self.string(key, required)
        en = self.string(f"{key}_en", required=bool(english and zh is not None))
        if zh is None:
            if en is not None:
                self.error(key, f"'{key}_en' given without '{key}'")
            return None
        return Text(zh, en if en is not None else zh)

    def table(self, key: str, required: bool = False) -> Table | None:
        """A sub-table."""
        value = self.typed(key, dict, "a table", required, None)
        return None if value is None else Table(value, self.key(key), self.sink)

    def tables(self, key: str, required: bool = False) -> list[Table]:
        """An array of tables (`[[key]]`)."""
        value = self.typed(key, list, "an array of tables ([[...]])", required, [])
        result = []
        for index, element in enumerate(value):
            path = f"{self.key(key)}[{index}]"
            if isinstance(element, dict):
                result.append(Table(element, path, self.sink))
            else:
                self.sink.add(path, "expected a table")
        return result

    def finish(self) -> None:
        """Report every key that no getter asked for."""
        for key in self.data:
            if key not in self.seen:
                self.error(key, "unknown key")


def _as_tuple(kinds: type | tuple[type, ...]) -> tuple[type, ...]:
    return kinds if isinstance(kinds, tuple) else (kinds,)
