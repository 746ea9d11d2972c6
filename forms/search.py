"""Search helpers: pinyin initials of item names, so that `jzz` finds 居住证."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

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
