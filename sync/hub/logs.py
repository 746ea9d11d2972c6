"""The hub's log: one event per line, JSON by default (`log_format = "text"` for a terminal).

A line carries the time, the level, the logger, the event and only the fields named in
`FIELDS` (station code, batch id, outcome, latency…), passed as `extra=`. Nothing else a
caller attaches reaches the line, and a failure is logged as its exception type and
stack, never its message: records and exception messages may hold a citizen's name or
ID number, and the log must not.

    log.info("ingest", extra={"station": "XH0001", "batch_id": "…", "outcome": "stored",
                              "latency_ms": 12.5})
"""

from __future__ import annotations

import json
import logging
import os
import sys
import traceback
from datetime import UTC, datetime
from typing import Any

FIELDS = ("station", "batch_id", "kind", "outcome", "reason", "latency_ms", "records", "first_seq",
          "last_seq", "method", "route", "status", "bundle_kind", "bundle_version", "imported",
          "worker", "folder")
ACCESS_LOGGER = "jiujin.hub.access"


def _fields(record: logging.LogRecord) -> dict[str, Any]:
    return {name: getattr(record, name) for name in FIELDS if getattr(record, name, None) is not None}


def _failure(record: logging.LogRecord) -> dict[str, Any]:
    if not record.exc_info or record.exc_info[0] is None:
        return {}
    kind, _value, trace = record.exc_info
    frames = [f"{frame.filename}:{frame.lineno} {frame.name}" for frame in traceback.extract_tb(trace)]
    return {"error": kind.__name__, "stack": frames}


def _time(record: logging.LogRecord) -> str:
    return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")


class JsonLines(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        line = {"time": _time(record), "level": record.levelname, "event": record.getMessage(),
                "logger": record.name, "pid": os.getpid()}
        return json.dumps(line | _fields(record) | _failure(record), ensure_ascii=False, default=str)


class TextLines(logging.Formatter):
    """`time level logger event key=value…`, for a person at a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        extra = _fields(record) | _failure(record)
        pairs = " ".join(f"{key}={value}" for key, value in extra.items())
        return f"{_time(record)} {record.levelname} {record.name} {record.getMessage()} {pairs}".rstrip()


def configure_logging(log_format: str = "json", level: str = "INFO") -> None:
    """Send every log line of this process to standard error in `log_format`.

    uvicorn's own access log is turned off: the hub's (`jiujin.hub.access`) names the
    route template and never the query string.
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonLines() if log_format == "json" else TextLines())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers.clear()
        logging.getLogger(name).propagate = True
    logging.getLogger("uvicorn.access").disabled = True
