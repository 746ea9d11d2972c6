"""The hub's counters, exposed in the Prometheus text format (version 0.0.4) at /metrics."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class Metrics:
    """Process-local counters; each hub replica reports its own, as Prometheus expects."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.objects: Counter[tuple[str, str]] = Counter()
        self.object_bytes = 0
        self.records = 0
        self.requests: Counter[tuple[str, str, int]] = Counter()
        self.upload_bytes = 0

    def count_object(self, kind: str, status: str, size: int) -> None:
        with self._lock:
            self.objects[(kind, status)] += 1
            self.object_bytes += size

    def count_records(self, n: int) -> None:
        with self._lock:
            self.records += n

    def count_request(self, method: str, route: str, status: int) -> None:
        with self._lock:
            self.requests[(method, route, status)] += 1

    def count_upload_bytes(self, n: int) -> None:
        with self._lock:
            self.upload_bytes += n

    def render(self, gauges: Callable[[], dict[str, dict[tuple[tuple[str, str], ...], float]]] | None = None) -> str:
        """The exposition text; `gauges` adds values read from the database at scrape time."""
        lines: list[str] = []
        with self._lock:
            _family(lines, "jiujin_hub_objects_total", "counter", "Sealed objects ingested, by kind and outcome.",
                    {(("kind", k), ("status", s)): v for (k, s), v in self.objects.items()})
            _family(lines, "jiujin_hub_object_bytes_total", "counter", "Bytes of sealed objects ingested.",
                    {(): self.object_bytes})
            _family(lines, "jiujin_hub_records_total", "counter", "Outbox records stored (new only).",
                    {(): self.records})
            _family(lines, "jiujin_hub_upload_bytes_total", "counter", "Bytes received by tus PATCH requests.",
                    {(): self.upload_bytes})
            _family(lines, "jiujin_hub_http_requests_total", "counter", "HTTP requests by method, route and status.",
                    {(("method", m), ("route", r), ("status", str(c))): v
                     for (m, r, c), v in self.requests.items()})
        for name, values in (gauges() if gauges else {}).items():
            _family(lines, name, "gauge", _GAUGE_HELP.get(name, name), values)
        return "\n".join(lines) + "\n"


_GAUGE_HELP = {
    "jiujin_hub_stations": "Stations by status.",
    "jiujin_hub_records": "Records held.",
    "jiujin_hub_quarantined": "Objects in quarantine, unresolved.",
    "jiujin_hub_open_gaps": "Open gaps in stations' sequence numbers.",
}


def _family(lines: list[str], name: str, kind: str, help_text: str,
            values: dict[tuple[tuple[str, str], ...], float]) -> None:
    lines.append(f"# HELP {name} {help_text}")
    lines.append(f"# TYPE {name} {kind}")
    for labels, value in sorted(values.items()):
        text = ",".join(f'{k}="{_escape(v)}"' for k, v in labels)
        lines.append(f"{name}{{{text}}} {value}" if text else f"{name} {value}")


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')
