"""一件事 at the counter: one notice of everything the items of a bundle still need.

Each item is evaluated on its own (forms.evaluate); the bundle's notice lists every
missing material or unmet condition once, named with the item it is for, and a material
several items need (the same name) once for all of them.
"""

from __future__ import annotations

from collections.abc import Iterable

from forms.materials import notice_for_material
from forms.results import ACCEPT, Evaluation, NoticeEntry
from forms.text import Text


def bundle_notice(evaluations: Iterable[Evaluation]) -> tuple[NoticeEntry, ...]:
    """Everything the bundle's items still need (one-time notice and 容缺 alike), once."""
    found: dict[str, NoticeEntry] = {}
    for evaluation in evaluations:
        outcome, item = evaluation.outcome, evaluation.item
        entries = outcome.notice or tuple(notice_for_material(s.material, s.detail)
                                          for s in outcome.rongque)
        for entry in entries:
            key = entry.what.zh
            if key in found:
                kept = found[key]
                found[key] = NoticeEntry(kept.kind, kept.id, _also(kept.what, item.name), kept.why,
                                         kept.where, kept.basis, kept.verified and entry.verified)
            else:
                what = Text(f"{entry.what.zh}（{item.name.zh}）", f"{entry.what.en} ({item.name.en})")
                found[key] = NoticeEntry(entry.kind, f"{item.code}:{entry.id}", what, entry.why,
                                         entry.where, entry.basis, entry.verified)
    return tuple(found.values())


def bundle_ready(evaluations: Iterable[Evaluation]) -> bool:
    """True when every item of the bundle can be accepted now, nothing missing."""
    return all(e.outcome.kind == ACCEPT and not e.errors for e in evaluations)


def _also(what: Text, name: Text) -> Text:
    return Text(f"{what.zh[:-1]}、{name.zh}）", f"{what.en[:-1]}, {name.en})")
