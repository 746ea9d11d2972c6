"""Validation issues: a file, a key path inside it and a reason."""

from __future__ import annotations

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
    """Collects issues for one file."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.issues: list[Issue] = []

    def add(self, path: str, reason: str) -> None:
        """Record a problem at a key path."""
        self.issues.append(Issue(self.file, path, reason))
