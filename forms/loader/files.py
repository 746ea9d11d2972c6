"""Loading catalog folders and single files, and the checks that span files."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from forms.issues import Issue, IssueSink
from forms.loader import toml
from forms.loader.citations import REGISTRY_FILE, load_registry
from forms.loader.items import read_item
from forms.loader.onething import BUNDLES_FILE, load_bundles
from forms.models import Item, OneThing
from forms.packaged import CATALOG

PACKAGED_CATALOG = CATALOG


@dataclass
class LoadResult:
    """Items that loaded cleanly and every issue found."""

    items: list[Item] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    files: int = 0
    bundles: list[OneThing] = field(default_factory=list)


def display(path: Path) -> str:
    """The path relative to the working folder when it is below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def item_files(root: Path) -> list[Path]:
    """Every item file below `root`, sorted; names starting with `_` are skipped."""
    return sorted(p for p in root.rglob("*.toml") if not p.name.startswith("_"))


def registry_root(path: Path) -> Path:
    """The nearest folder at or above `path` holding `_sources.toml`, else the packaged one."""
    for folder in [path, *path.parents]:
        if (folder / REGISTRY_FILE).is_file():
            return folder
    return PACKAGED_CATALOG


def load_path(path: Path) -> LoadResult:
    """Load a catalog folder or one item file, with all cross-file checks."""
    path = path.resolve()
    root = path if path.is_dir() else registry_root(path.parent)
    sink = IssueSink(display(root / REGISTRY_FILE))
    sources = load_registry(root, sink)
    files = item_files(path) if path.is_dir() else [path]
    result = LoadResult(issues=list(sink.issues), files=len(files))
    for file in files:
        item, issues = load_file(file, sources)
        result.issues.extend(issues)
        if item is not None:
            result.items.append(item)
    result.issues.extend(cross_checks(result.items))
    if path.is_dir():
        bundle_sink = IssueSink(display(root / BUNDLES_FILE))
        result.bundles = load_bundles(root, sources, result.items, bundle_sink)
        result.issues.extend(bundle_sink.issues)
    return result


def load_file(path: Path, sources: set[str]) -> tuple[Item | None, list[Issue]]:
    """One item file: its item (None on errors) and its issues."""
    sink = IssueSink(partial(display, path))
    try:
        data = toml.loads(path.read_text("utf-8"))
    except (toml.TOMLDecodeError, UnicodeDecodeError, OSError) as exc:
        sink.add("", f"cannot read TOML: {exc}")
        return None, sink.issues
    item = read_item(data, sink, sources, path)
    if item is not None and path.parent.name != item.department:
        sink.add("department", f"file is in folder {path.parent.name!r}, expected "
                               f"{item.department!r}")
        item = None
    for issue in compute_cycles(item) if item else []:
        sink.add("fields", issue)
        item = None
    return item, sink.issues


def compute_cycles(item: Item) -> list[str]:
    """A message for each computed field that depends on itself through others."""
    computed = {f.id: f.compute.names for f in item.fields if f.compute is not None}
    problems = []
    for start in computed:
        stack, seen = list(computed[start]), set()
        while stack:
            name = stack.pop()
            if name == start:
                problems.append(f"computed field {start!r} depends on itself")
                break
            if name in computed and name not in seen:
                seen.add(name)
                stack.extend(computed[name])
    return problems


def cross_checks(items: Iterable[Item]) -> list[Issue]:
    """Duplicate versions, overlaps, dangling `supersedes` and department changes."""
    by_code: dict[str, list[Item]] = defaultdict(list)
    for item in items:
        by_code[item.code].append(item)
    issues: list[Issue] = []
    for versions in by_code.values():
        issues.extend(_version_issues(sorted(versions, key=lambda i: i.effective_from)))
    return issues


def _version_issues(versions: list[Item]) -> list[Issue]:
    issues: list[Issue] = []
    labels = {v.version for v in versions}
    for index, item in enumerate(versions):
        sink = IssueSink(partial(display, item.path) if item.path else item.code)
        if sum(v.version == item.version for v in versions) > 1:
            sink.add("version", f"duplicate version {item.version!r} of {item.code}")
        if item.supersedes is not None and item.supersedes not in labels - {item.version}:
            sink.add("supersedes", f"no version {item.supersedes!r} of {item.code}")
        if item.department != versions[0].department:
            sink.add("department", f"{item.code} changes department")
        following = versions[index + 1] if index + 1 < len(versions) else None
        if following and (item.effective_to is None
                          or item.effective_to >= following.effective_from):
            sink.add("effective_to", f"overlaps version {following.version!r} of {item.code}; "
                                     "set effective_to")
        issues.extend(sink.issues)
    return issues
