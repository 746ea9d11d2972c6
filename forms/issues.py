"""Validation issues: a file, a key path inside it and a reason."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem found in a catalog file, printed as `file:key.path: reason`."""

    file: str
    path: str
    reason: str

    def line(self) -> str:
        """The issue as one `file:key.path: reason` line."""
        where = f"{self.file}:{self.path}" if self.path else self.file
        return f"{where}: {self.reason}"

    def to_json(self) -> dict[str, str]:
        """The issue as a JSON-ready dict."""
        return {"file": self.file, "path": self.path, "reason": self.reason}


class IssueSink:
    """Collects issues for one file.

    `file` is its name as printed, or a function giving it: a catalog's files are named
    relative to the working folder, which is worth working out only for a file with an issue.
    """

    def __init__(self, file: str | Callable[[], str]) -> None:
        self._file = file
        self.issues: list[Issue] = []

    @property
    def file(self) -> str:
        """The file's name as printed in its issues."""
        if not isinstance(self._file, str):
            self._file = self._file()
        return self._file

    def add(self, path: str, reason: str) -> None:
        """Record a problem at a key path."""
        self.issues.append(Issue(self.file, path, reason))
