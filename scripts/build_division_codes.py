"""Build forms/data/gbt2260-codes.csv: every GB/T 2260 code an ID number or a credit code may carry.

Run by hand when a new list is published; the output is committed with its sources:

    python scripts/build_division_codes.py STDNUM_LOC_DAT AREAS_2020.csv AREAS_2021.csv AREAS_2023.csv

* STDNUM_LOC_DAT: `stdnum/cn/loc.dat` of python-stdnum (the zh.wikipedia 行政区划代码 tables,
  with the years each code was in use since 1980, retired codes included);
* AREAS_*.csv: `dist/areas.csv` of modood/Administrative-divisions-of-China at the
  National Bureau of Statistics' 2020, 2021 and 2023 releases (current county codes; codes
  71–79 there are statistical zones such as development areas, not GB/T 2260 codes, and are
  left out unless the GB/T 2260 tables list them).

A county code is `current` when the 2023 list has it, else `retired` (still valid in ID
numbers issued while it was in use); `province` and `prefecture` codes are listed too; Hangzhou's own table
(forms/data/hangzhou-divisions.json) adds nothing new but is checked against the result.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

LINE = re.compile(r'^(\d\d) province="([^"]*)"|^  (\d{4}) county="([^"]*)"')
OUT = Path(__file__).resolve().parent.parent / "forms" / "data" / "gbt2260-codes.csv"


def stdnum_codes(path: Path) -> dict[str, str]:
    codes: dict[str, str] = {}
    province = ""
    for raw in path.read_text("utf-8").splitlines():
        match = LINE.match(raw)
        if not match:
            continue
        if match.group(1):
            province = match.group(1)
            codes[province + "0000"] = match.group(2)
        else:
            names = [re.sub(r"^\[[^\]]*\]", "", part) for part in match.group(4).split(",")]
            codes[province + match.group(3)] = names[-1]
    return codes


def nbs_codes(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle)
                if not 71 <= int(row["code"][4:]) <= 79}


def _status(code: str, current: set[str]) -> str:
    if code.endswith("0000"):
        return "province"
    if code.endswith("00"):
        return "prefecture"
    return "current" if code in current else "retired"


def main(stdnum: str, *areas: str) -> None:
    historical = stdnum_codes(Path(stdnum))
    releases = [nbs_codes(Path(p)) for p in areas]
    current = set(releases[-1]) | {c for c in historical if c.endswith("0000")}
    names = {**historical}
    for release in releases:
        names.update(release)
    rows = sorted((code, names[code], _status(code, current)) for code in names)
    with OUT.open("w", encoding="utf-8", newline="") as handle:
        handle.write("# GB/T 2260 division codes: python-stdnum 2.2 cn/loc.dat (zh.wikipedia "
                     "中华人民共和国行政区划代码, with each code's years of use) and NBS 统计用区划代码 2020, 2021, 2023 "
                     "(modood/Administrative-divisions-of-China dist/areas.csv, 2023-06-30); "
                     "built by scripts/build_division_codes.py\n")
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("code", "name", "status"))
        writer.writerows(rows)
    print(f"{len(rows)} codes, {sum(r[2] == 'current' for r in rows)} current counties -> {OUT}")


if __name__ == "__main__":
    main(*sys.argv[1:])
