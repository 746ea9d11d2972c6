"""The loaded catalog: every item version, looked up by code, point type, date or search."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from forms.errors import CatalogInvalid, ItemNotFound
from forms.loader.files import PACKAGED_CATALOG, LoadResult, load_path
from forms.models import Citation, Field, Item, OneThing
from forms.search import matches


class Catalog:
    """Every version of every item, validated; immutable once built."""

    def __init__(self, items: Iterable[Item], root: Path | None = None,
                 bundles: Iterable[OneThing] = ()) -> None:
        self.root = root
        self.bundles = tuple(bundles)
        self._versions: dict[str, list[Item]] = {}
        for item in sorted(items, key=lambda i: (i.code, i.effective_from)):
            self._versions.setdefault(item.code, []).append(item)

    def __len__(self) -> int:
        return len(self._versions)

    def __iter__(self) -> Iterator[Item]:
        return iter(self.current())

    def codes(self) -> list[str]:
        """Every item code, sorted."""
        return sorted(self._versions)

    def versions(self, code: str) -> list[Item]:
        """Every version of `code`, oldest first."""
        if code not in self._versions:
            raise ItemNotFound(f"no item {code!r}", zh=f"未找到事项 {code}")
        return list(self._versions[code])

    def get(self, code: str, on: date | None = None) -> Item:
        """The version of `code` in force on `on` (default today)."""
        day = on or date.today()
        for item in reversed(self.versions(code)):
            if item.in_force(day):
                return item
        raise ItemNotFound(f"{code} has no version in force on {day}",
                           zh=f"事项 {code} 在 {day} 没有有效版本")

    def current(self, on: date | None = None) -> list[Item]:
        """The version in force of every item on `on` (default today), by code."""
        day = on or date.today()
        found = []
        for versions in self._versions.values():
            item = next((v for v in reversed(versions) if v.in_force(day)), None)
            if item is not None:
                found.append(item)
        return found

    def items_for(self, point_type: str, on: date | None = None) -> list[Item]:
        """Items in force on `on` that a point of `point_type` may accept."""
        return [item for item in self.current(on) if point_type in item.access.point_types]

    def bundles_for(self, point_type: str, on: date | None = None) -> list[OneThing]:
        """一件事 bundles a point of `point_type` can file (it accepts the lead item), with every
        required item in force on `on`."""
        codes = {item.code for item in self.current(on)}
        return [b for b in self.bundles if point_type in b.point_types and set(b.items) <= codes]

    def bundle(self, code: str) -> OneThing:
        """The 一件事 bundle with this code."""
        found = next((b for b in self.bundles if b.code == code), None)
        if found is None:
            raise ItemNotFound(f"no bundle {code!r}", zh=f"未找到一件事 {code}")
        return found

    def search(self, query: str, on: date | None = None,
               point_type: str | None = None) -> list[Item]:
        """Items whose name, code, keywords or pinyin initials match `query` (e.g. `jzz`)."""
        items = self.items_for(point_type, on) if point_type else self.current(on)
        return [item for item in items if matches(item, query)]

    def stats(self, on: date | None = None) -> dict[str, object]:
        """Counts for the closing note: items, card-only share, cited versus unverified."""
        items = self.current(on)
        personal = [i for i in items if i.target == "person"]
        card_only = sum(i.card_only for i in personal)
        provenance: Counter[str] = Counter(c.status for i in items for c in citations(i))
        provenance.update(b.source.status for b in self.bundles)
        points: Counter[str] = Counter(p for i in items for p in i.access.point_types)
        kiosk = [i for i in items if i.access.kiosk]
        near = [i for i in personal if set(i.access.point_types) & NEAR_POINTS]
        return {
            "items": len(items), "versions": sum(len(v) for v in self._versions.values()),
            "personal": len(personal), "card_only_personal": card_only,
            "card_only_share": round(card_only / len(personal), 4) if personal else 0.0,
            "facts": dict(provenance), "facts_cited_share": _share(provenance),
            "facts_by_kind": coverage_by_kind(items), "point_types": dict(points),
            "kiosk_items": len(kiosk), "bundles": len(self.bundles),
            "kiosk_items_at_community": sum("community" in i.access.point_types for i in kiosk),
            "near_personal_share": round(len(near) / len(personal), 4) if personal else 0.0,
            "fields": field_provenance(items),
        }

    def fingerprint(self) -> str:
        """A SHA-256 over the item files' bytes, to tell catalogs apart."""
        digest = hashlib.sha256()
        for versions in self._versions.values():
            for item in versions:
                if item.path is not None:
                    digest.update(item.path.read_bytes())
        return digest.hexdigest()


#: 就近办: village, community, police and bank points (every point type Jiujin serves).
NEAR_POINTS = frozenset({"village", "community", "police", "bank"})


def _share(counts: Counter[str]) -> float:
    total = sum(counts.values())
    return round(counts.get("cited", 0) / total, 4) if total else 0.0


def coverage_by_kind(items: Iterable[Item]) -> dict[str, dict[str, int]]:
    """Cited, partly and unverified facts per kind (item header, materials, fees, ...)."""
    found: dict[str, Counter[str]] = {}
    for item in items:
        for kind, citation in kinded_citations(item):
            found.setdefault(kind, Counter())[citation.status] += 1
    return {kind: dict(counts) for kind, counts in sorted(found.items())}


def kinded_citations(item: Item) -> list[tuple[str, Citation]]:
    """Every citation of an item's facts with the kind of fact it backs."""
    found: list[tuple[str, Citation | None]] = [
        ("item", item.source), ("bodies", item.bodies.source), ("access", item.access.source),
        ("promised_limit", item.promised_limit.source), ("fee", item.fee.source),
        ("contact", item.contact.source)]
    groups: list[tuple[str, Iterable[Any]]] = [
        ("conditions", item.conditions), ("steps", item.steps), ("basis", item.basis),
        ("faq", item.faq), ("materials", item.materials), ("fee_items", item.fee.items),
        ("legal_limit", [item.legal_limit] if item.legal_limit else []),
        ("rongque", [item.rongque] if item.rongque else []),
        ("codes", [item.codes] if item.codes else [])]
    found += [(kind, entry.source) for kind, entries in groups for entry in entries]
    return [(kind, c) for kind, c in found if c is not None]


def field_provenance(items: Iterable[Item]) -> dict[str, int]:
    """Form fields (sub-fields included) and how many of them a law names, by citation status.

    Kept apart from the facts' cited share: a field no law names carries no source and is no
    unverified fact, so counting only the sourced ones there would overstate the share."""
    counts: Counter[str] = Counter()
    for item in items:
        for field in _all_fields(item.fields):
            counts["total"] += 1
            if field.source is not None:
                counts[field.source.status] += 1
    return dict(counts)


def _all_fields(fields: Iterable[Field]) -> Iterator[Field]:
    for field in fields:
        yield field
        yield from _all_fields(field.fields)


def citations(item: Item) -> list[Citation]:
    """Every citation of an item's facts."""
    found: list[Citation | None] = [item.source, item.bodies.source, item.access.source, item.promised_limit.source,
             item.fee.source, item.contact.source]
    sourced: list[Any] = [*item.conditions, *item.steps, *item.basis, *item.faq,
                          *item.materials, *item.fee.items, item.legal_limit, item.rongque,
                          item.codes]
    found += [entry.source for entry in sourced if entry is not None]
    return [c for c in found if c is not None]


def lint(path: Path | str | None = None) -> LoadResult:
    """Validate a catalog folder or one item file without raising."""
    return load_path(Path(path) if path is not None else PACKAGED_CATALOG)


def load_catalog(path: Path | str | None = None) -> Catalog:
    """Load and validate the catalog at `path` (default: the packaged one).

    Raises `CatalogInvalid` listing every issue when any file is wrong.
    """
    root = Path(path) if path is not None else PACKAGED_CATALOG
    result = load_path(root)
    if result.issues:
        raise CatalogInvalid(result.issues)
    return Catalog(result.items, root, result.bundles)
