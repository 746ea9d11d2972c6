"""`_bundles.toml`: 一件事 — one thing a person needs, several items, one application.

```toml
[[bundles]]
code = "HZ-YJS-001"                  # HZ-YJS-NNN, unique
name = "出生一件事"
name_en = "Birth of a child"
items = ["HZ-GA-111", "HZ-YB-102"]   # at least two item codes, each in the catalog
optional = ["HZ-SMK-101"]            # items the applicant may leave out (optional)
source = "ZJ-ZDP 第2条; unverified: …"
```

Checked across the catalog: every code exists and is a personal item. The first item leads:
the bundle is filed wherever the lead item is accepted (一窗受理), and that point forwards
the application to every item's deciding body, as it does for any item it accepts.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path

from forms.issues import IssueSink
from forms.loader import toml
from forms.loader.citations import read_citation
from forms.loader.tables import Table
from forms.models import Item, OneThing

BUNDLES_FILE = "_bundles.toml"
CODE = re.compile(r"HZ-YJS-\d{3}\Z")


def load_bundles(root: Path, sources: Collection[str], items: list[Item],
                 sink: IssueSink) -> list[OneThing]:
    """The bundles declared in `root/_bundles.toml` (none when the file is absent)."""
    path = root / BUNDLES_FILE
    if not path.is_file():
        return []
    try:
        data = toml.loads(path.read_text("utf-8"))
    except (toml.TOMLDecodeError, UnicodeDecodeError) as exc:
        sink.add("", f"invalid TOML: {exc}")
        return []
    top = Table(data, "", sink)
    tables = top.tables("bundles", required=True)
    top.finish()
    known = {item.code: item for item in items}
    found: list[OneThing] = []
    for table in tables:
        bundle = _bundle(table, sources, known)
        if bundle is not None and bundle.code in {b.code for b in found}:
            table.error("code", f"duplicate bundle code {bundle.code}")
        elif bundle is not None:
            found.append(bundle)
    return found


def _bundle(table: Table, sources: Collection[str], known: dict[str, Item]) -> OneThing | None:
    code = table.string("code", required=True)
    name = table.text("name")
    required = table.str_list("items", required=True)
    optional = table.str_list("optional")
    source = read_citation(table, sources)
    table.finish()
    if not isinstance(code, str) or name is None:
        return None
    if not CODE.match(code):
        table.error("code", f"expected HZ-YJS-NNN, got {code!r}")
        return None
    codes = [*required, *optional]
    problems = [c for c in codes if c not in known or known[c].target != "person"]
    for missing in problems:
        table.error("items", f"{missing} is not a personal item of the catalog")
    if len(codes) < 2 or len(set(codes)) != len(codes):
        table.error("items", "a bundle needs at least two distinct items")
        return None
    if problems:
        return None
    if not required:
        table.error("items", "a bundle needs a lead item")
        return None
    points = known[required[0]].access.point_types
    return OneThing(code, name, tuple(required), tuple(optional), tuple(sorted(points)), source)
