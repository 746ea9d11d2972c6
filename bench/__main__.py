"""Run every benchmark module (`bench/bench_*.py`), or those named: `python -m bench store`."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    names = sorted(p.stem for p in Path(__file__).parent.glob("bench_*.py"))
    wanted = [f"bench_{a}" if not a.startswith("bench_") else a for a in argv]
    failed = 0
    for name in wanted or names:
        print(f"== {name}")
        module = importlib.import_module(f"bench.{name}")
        figures = module.main()
        failed += sum(1 for f in figures if f.passed is False)
    print(f"{failed} figure(s) missed their target" if failed else "all targets met")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
