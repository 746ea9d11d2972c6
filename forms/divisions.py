"""Division codes (GB/T 2260 and NBS town codes) of Hangzhou, with the 2021 retired codes."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from functools import cache

from forms.packaged import DATA

#: Province-level codes (GB/T 2260) plus 81/82/83 used by HK/Macao/Taiwan residence permits.
PROVINCES = frozenset(
    {"11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
     "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64",
     "65", "71", "81", "82", "83"}
)
HMT_PERMIT_CODES = frozenset({"810000", "820000", "830000"})
HANGZHOU = "330100"


@dataclass(frozen=True, slots=True)
class Division:
    """One division: code, name, parent code and whether the code is retired."""

    code: str
    name: str
    parent: str | None
    retired: bool = False
    merged_into: str | None = None


@dataclass(frozen=True, slots=True)
class DivisionTable:
    """Hangzhou's county and town codes, current and retired."""

    source: str
    divisions: dict[str, Division]

    def get(self, code: str) -> Division | None:
        """The division with this code, current or retired."""
        return self.divisions.get(code)

    def is_current(self, code: str, level: str = "any") -> bool:
        """True for a current Hangzhou code of `level` (county, town or any)."""
        division = self.divisions.get(code)
        if division is None or division.retired or code == HANGZHOU:
            return False
        return level == "any" or (level == "county") == (len(code) == 6)

    def counties(self) -> list[Division]:
        """Current county-level divisions."""
        return [d for d in self.divisions.values()
                if len(d.code) == 6 and not d.retired and d.code != HANGZHOU]

    def towns(self, county: str) -> list[Division]:
        """Current towns and streets of a county."""
        return [d for d in self.divisions.values() if d.parent == county]


@dataclass(frozen=True, slots=True)
class NationalCode:
    """One GB/T 2260 code: its name and `province`, `prefecture`, `current` or `retired`."""

    code: str
    name: str
    status: str


@cache
def national_codes() -> dict[str, NationalCode]:
    """Every GB/T 2260 code, current and retired (forms/data/gbt2260-codes.csv, its first line
    names the sources and scripts/build_division_codes.py rebuilds it), plus Hangzhou's table."""
    text = (DATA / "gbt2260-codes.csv").read_text("utf-8")
    rows = csv.DictReader(line for line in text.splitlines() if not line.startswith("#"))
    codes = {row["code"]: NationalCode(row["code"], row["name"], row["status"]) for row in rows}
    for division in hangzhou_divisions().divisions.values():
        if len(division.code) == 6 and division.code not in codes:
            status = "retired" if division.retired else "current"
            codes[division.code] = NationalCode(division.code, division.name, status)
    return codes


@cache
def hangzhou_divisions() -> DivisionTable:
    """The packaged table (forms/data/hangzhou-divisions.json), loaded once."""
    text = (DATA / "hangzhou-divisions.json").read_text("utf-8")
    data = json.loads(text)
    table = {HANGZHOU: Division(HANGZHOU, data["city"]["name"], "330000")}
    for district in data["districts"]:
        table[district["code"]] = Division(district["code"], district["name"], HANGZHOU)
        for town in district["towns"]:
            table[town["code"]] = Division(town["code"], town["name"], district["code"])
    for retired in data["retired_codes"]:
        table[retired["code"]] = Division(retired["code"], retired["name"], HANGZHOU, True,
                                          retired["merged_into"])
    return DivisionTable(data["source"], table)
