"""Search helpers: pinyin initials of item names, so that `jzz` finds 居住证, and of Hangzhou's
division names, so that `bsj` or `beishan` finds 北山街道."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from forms.divisions import HANGZHOU, Division, hangzhou_divisions

if TYPE_CHECKING:
    from forms.models import Item


@lru_cache(maxsize=4096)
def pinyin_initials(text: str) -> str:
    """Lowercase pinyin initials of the Chinese characters in `text` (others kept as is)."""
    from pypinyin import Style, lazy_pinyin  # slow to import: only when searching

    return "".join(part[:1] for part in lazy_pinyin(text, style=Style.FIRST_LETTER)).lower()


@lru_cache(maxsize=4096)
def pinyin_full(text: str) -> str:
    """Lowercase full pinyin of `text` without tones or spaces."""
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(text)).lower()


def matches(item: Item, query: str) -> bool:
    """True when `query` is in the item's name, code, keywords or their pinyin."""
    needle = query.strip().lower()
    if not needle:
        return True
    haystacks = [item.name.zh, item.name.en.lower(), item.code.lower(), *item.keywords]
    if any(needle in h for h in haystacks):
        return True
    if needle.isascii():
        names = [item.name.zh, *item.keywords]
        return any(needle in pinyin_initials(n) or needle in pinyin_full(n) for n in names)
    return False


@lru_cache(maxsize=1)
def _division_index() -> tuple[tuple[Division, str, str], ...]:
    """Every current Hangzhou county and town with the pinyin of its name, computed once."""
    table = hangzhou_divisions()
    return tuple((d, pinyin_initials(d.name), pinyin_full(d.name)) for d in table.divisions.values()
                 if not d.retired and d.code != HANGZHOU)


def find_divisions(query: str, level: str = "any", limit: int = 8) -> list[Division]:
    """Current Hangzhou divisions of `level` (county, town or any) whose name, pinyin, pinyin
    initials or code matches `query`; names that start with it first. Retired codes (the 2021
    changes) are never offered."""
    needle = query.strip().lower()
    if not needle:
        return []
    found: list[tuple[int, str, Division]] = []
    for division, initials, full in _division_index():
        if level != "any" and (level == "county") != (len(division.code) == 6):
            continue
        if division.name.startswith(needle) or initials.startswith(needle) or full.startswith(needle):
            found.append((0, division.code, division))
        elif needle in division.name or (needle.isascii() and (needle in initials or needle in full)):
            found.append((1, division.code, division))
        elif needle.isdigit() and division.code.startswith(needle):
            found.append((2, division.code, division))
    return [division for _rank, _code, division in sorted(found, key=lambda f: f[:2])][:limit]
