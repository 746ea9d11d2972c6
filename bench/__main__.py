"""Run every benchmark module (`bench/bench_*.py`), or those named: `python -m bench store`.

Exits 1 when a figure missed its target, or when a figure that has a target could not be
measured (a skipped figure is a failure, never a pass).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    names = sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
    wanted = [f"bench_{a}" if not a.startswith("bench_") else a for a in argv]
    missed, unmeasured = [], []
    for name in wanted or names:
        print(f"== {name}")
        module = importlib.import_module(f"bench.{name}")
        figures = module.main()
        missed += [f.name for f in figures if f.passed is False]
        unmeasured += [f.name for f in figures if f.target and f.passed is None]
    for what, names_ in (("missed its target", missed), ("could not be measured", unmeasured)):
        for figure in names_:
            print(f"FAILED: {figure} {what}")
    if missed or unmeasured:
        print(f"{len(missed)} figure(s) missed their target, {len(unmeasured)} could not be measured")
        return 1
    print("all targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
