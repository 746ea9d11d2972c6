"""Shared helpers for benchmarks: timing, percentiles, peak memory and the results file.

Every figure is reported beside a baseline measured in the same run, as a ratio, because
the machines that run `make bench` are shared and noisy.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

RESULTS_DIR = Path(__file__).parent / "results"


@dataclass
class Figure:
    """One measured figure, its same-run baseline and the target it is held to."""

    name: str
    value: float
    unit: str
    baseline: float | None = None
    baseline_name: str = ""
    target: str = ""
    passed: bool | None = None
    notes: dict[str, object] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return self.value / self.baseline  # type: ignore[operator]

    def line(self) -> str:
        text = f"{self.name}: {self.value:.4g} {self.unit}"
        if self.baseline is not None:
            text += f"  (baseline {self.baseline_name}: {self.baseline:.4g} {self.unit}"
            if self.ratio is not None:
                text += f", ratio {self.ratio:.3g}"
            text += ")"
        if self.target:
            verdict = {True: "ok", False: "MISSED", None: "?"}[self.passed]
            text += f"  target {self.target}: {verdict}"
        return text


def percentile(samples: Iterable[float], pct: float) -> float:
    """The pct-th percentile (0-100) of samples, by the inclusive method."""
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(pct) - 1]


def time_calls(func: Callable[[], object], repeat: int) -> list[float]:
    """Wall-clock seconds of each of `repeat` calls of func."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return samples


def installed_environment(pycache: Path) -> dict[str, str]:
    """The environment of a process that runs Jiujin as installed: with compiled bytecode.

    pip compiles a wheel's modules when it installs them, as it did Textual's; a checkout
    run with PYTHONDONTWRITEBYTECODE would compile every Jiujin module at every start, and the
    figure would measure the compiler. The bytecode goes to `pycache`, not into the checkout.
    """
    env = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}
    return env | {"PYTHONPYCACHEPREFIX": str(pycache)}


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MiB.

    Read from VmHWM, not `ru_maxrss`: a forked child's `ru_maxrss` starts from its parent's
    peak, so a small child of a large benchmark would report the parent's memory.
    """
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    """This process's current resident set size, in MiB (from /proc)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / (1024 * 1024)


def write_results(suite: str, figures: list[Figure]) -> Path:
    """Print the figures and store them in bench/results/<suite>.json with machine and date."""
    print(f"  (load average {' '.join(f'{x:.2f}' for x in os.getloadavg())})")
    for figure in figures:
        print(f"  {figure.line()}")
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{suite}.json"
    record = {
        "suite": suite,
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": {
            "node": platform.node(),
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            # The machine is shared: the load beside the figures says how quiet it was.
            "load_average": [round(x, 2) for x in os.getloadavg()],
        },
        "figures": [asdict(f) | {"ratio": f.ratio} for f in figures],
    }
    path.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n")
    return path
