"""Source registry and citation strings (`"L-RP 第9条; unverified: …"`)."""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from forms.issues import IssueSink
from forms.loader import toml
from forms.loader.tables import Table
from forms.models import Citation

REGISTRY_FILE = "_sources.toml"
UNVERIFIED = "unverified"


def load_registry(root: Path, sink: IssueSink) -> set[str]:
    """Source keys declared in `root/_sources.toml` (empty when the file is absent)."""
    path = root / REGISTRY_FILE
    if not path.is_file():
        return set()
    try:
        data = toml.loads(path.read_text("utf-8"))
    except (toml.TOMLDecodeError, UnicodeDecodeError) as exc:
        sink.add("", f"invalid TOML: {exc}")
        return set()
    return registry_keys(Table(data, "", sink))


def registry_keys(table: Table) -> set[str]:
    """Keys of a `[sources]` table, checking each entry has a title."""
    sources = table.table("sources")
    table.finish()
    if sources is None:
        return set()
    keys = set()
    for key in sources.data:
        entry = sources.table(key)
        if entry is not None:
            entry.string("title", required=True)
            entry.typed("url", str, "a string")
            entry.finish()
            keys.add(key)
    return keys


def parse_citation(raw: str, known: Collection[str]) -> tuple[Citation, list[str]]:
    """The citation and a list of problems (unknown keys, empty parts)."""
    keys: list[str] = []
    problems: list[str] = []
    unverified = False
    for part in (p.strip() for p in raw.split(";")):
        head = part.split(None, 1)[0].rstrip(":") if part else ""
        if not part:
            problems.append("empty citation part")
        elif head.lower() == UNVERIFIED:
            unverified = True
        elif head in known:
            keys.append(head)
        else:
            problems.append(f"unknown source key {head!r} (add it to _sources.toml or "
                            "[sources], or write 'unverified')")
    return Citation(raw, tuple(keys), unverified), problems


def read_citation(table: Table, known: Collection[str], key: str = "source",
                  required: bool = True) -> Citation:
    """The citation at `key`, recording problems; a missing one counts as unverified."""
    raw = table.string(key, required)
    if raw is None:
        return Citation("", (), True)
    citation, problems = parse_citation(raw, known)
    for problem in problems:
        table.error(key, problem)
    return citation
