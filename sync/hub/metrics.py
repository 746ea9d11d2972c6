"""The hub's metrics (prometheus_client), exposed at /metrics.

Requests are labelled by route template (`/v1/uploads/{upload_id}`), never by the raw
path, so unknown paths add no series. Counters and histograms live in the process; with
several workers (`jiujin hub serve --workers N`) they go through prometheus_client's
multiprocess mode: each worker writes its values under `PROMETHEUS_MULTIPROC_DIR` and any
worker's /metrics sums them all. Values read from the database at scrape time (stations,
quarantine, per-station lag) are the same for every worker and are never summed.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
UNMATCHED = "<unmatched>"
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


def multiprocess_mode() -> bool:
    """Whether this process writes its metrics to PROMETHEUS_MULTIPROC_DIR (set before start)."""
    return bool(os.environ.get(MULTIPROC_ENV))


class Metrics:
    """The hub's counters and histograms, in a registry of their own."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.requests = Histogram("jiujin_hub_http_request_duration_seconds",
                                  "HTTP request latency by method, route template and status.",
                                  ["method", "route", "status"], buckets=_LATENCY_BUCKETS, registry=r)
        self.ingests = Histogram("jiujin_hub_ingest_duration_seconds",
                                 "Time to ingest one sealed object, by kind and outcome.",
                                 ["kind", "outcome"], buckets=_LATENCY_BUCKETS, registry=r)
        self.object_bytes = Counter("jiujin_hub_object_bytes", "Bytes of sealed objects ingested.", registry=r)
        self.records = Counter("jiujin_hub_records_stored", "Outbox records stored (new only).", registry=r)
        self.quarantines = Counter("jiujin_hub_quarantines", "Objects put in quarantine, by reason.",
                                   ["reason"], registry=r)
        self.upload_bytes = Counter("jiujin_hub_upload_bytes", "Bytes received by tus PATCH requests.",
                                    registry=r)

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method if method in METHODS else "OTHER", route, str(status)).observe(seconds)

    def observe_ingest(self, kind: str, outcome: str, size: int, seconds: float) -> None:
        self.ingests.labels(kind or "unknown", outcome).observe(seconds)
        self.object_bytes.inc(size)

    def count_records(self, n: int) -> None:
        self.records.inc(n)

    def count_quarantine(self, reason: str) -> None:
        self.quarantines.labels(reason).inc()

    def count_upload_bytes(self, n: int) -> None:
        self.upload_bytes.inc(n)

    def render(self, state: Collector | None = None) -> bytes:
        """The exposition text: this process's (or every worker's) values, then `state`'s."""
        if multiprocess_mode():
            registry = CollectorRegistry()
            MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
            text = generate_latest(registry)
        else:
            text = generate_latest(self.registry)
        if state is not None:
            scrape = CollectorRegistry(auto_describe=False)
            scrape.register(state)
            text += generate_latest(scrape)
        return text


Rows = Callable[[], dict[str, Any]]


class HubState(Collector):
    """Gauges read from the database at scrape time: stations, records, quarantine, lag."""

    def __init__(self, read: Rows, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.read, self.clock = read, clock

    def collect(self) -> Iterator[Metric]:
        state = self.read()
        stations = GaugeMetricFamily("jiujin_hub_stations", "Stations by status.", labels=["status"])
        for status, count in sorted(state["stations"].items()):
            stations.add_metric([status], count)
        yield stations
        for name, help_text in (("records", "Records held."),
                                ("quarantined", "Objects in quarantine, unresolved."),
                                ("open_gaps", "Open gaps in stations' sequence numbers.")):
            yield GaugeMetricFamily(f"jiujin_hub_{name}", help_text, value=state[name])
        age = GaugeMetricFamily("jiujin_hub_station_last_contact_age_seconds",
                                "Seconds since the hub last received an object from the station.",
                                labels=["station"])
        high = GaugeMetricFamily("jiujin_hub_station_high_seq", "Highest sequence number held per station.",
                                 labels=["station"])
        now = self.clock()
        for code, last_received, high_seq in state["per_station"]:
            high.add_metric([code], high_seq)
            if last_received:
                age.add_metric([code], max(0.0, (now - _instant(last_received)).total_seconds()))
        yield age
        yield high
        if state.get("watch") is not None:
            yield from watch_gauges(state["watch"])


def watch_gauges(watch: Any) -> Iterator[Metric]:
    """The watch's findings (`sync.hub.station_watch.WatchReport`) as gauges."""
    yield GaugeMetricFamily("jiujin_hub_watch_alerts", "Things the hub's watch wants a person to look at.",
                            value=watch.alerts)
    yield GaugeMetricFamily("jiujin_hub_silent_stations", "Active stations with no contact for longer than "
                            "the watch's limit.", value=len(watch.silent))
    backlog = GaugeMetricFamily("jiujin_hub_station_backlog", "Sequence numbers a station has that the hub "
                                "does not hold.", labels=["station"])
    growing = GaugeMetricFamily("jiujin_hub_station_backlog_growing", "1 when the station's backlog is larger "
                                "than a day ago.", labels=["station"])
    for found in watch.backlogs:
        backlog.add_metric([found.station], found.missing)
        growing.add_metric([found.station], int(found.growing))
    yield backlog
    yield growing
    for name, help_text, items in (
            ("anchor_divergences", "Audit anchors that diverge, by station.", watch.anchors),
            ("failed_bundles", "Bundles offered and not installed, or expired undelivered, by station.",
             watch.failed_bundles)):
        family = GaugeMetricFamily(f"jiujin_hub_{name}", help_text, labels=["station"])
        for station in sorted({item.station for item in items}):
            family.add_metric([station], sum(item.station == station for item in items))
        yield family
    yield GaugeMetricFamily("jiujin_hub_expiring_enrolment_tokens", "Enrolment tokens of pending stations "
                            "that expire soon or have expired.", value=len(watch.expiring))


def _instant(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def clear_multiprocess_dir(path: str) -> None:
    """Remove a previous run's value files (prometheus_client wants an empty folder at start)."""
    for name in os.listdir(path):
        if name.endswith(".db"):
            os.unlink(os.path.join(path, name))
