"""Translation: Chinese message ids, English from the gettext catalog in `station/ui/locale`.

The UI's strings are written in Simplified Chinese (the default language) and marked
with `_()`; `N_()` marks strings translated later, such as binding descriptions. English
comes from `locale/en/LC_MESSAGES/jiujin.mo`, compiled by Babel (`make translations`).
"""

from __future__ import annotations

import gettext
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "jiujin"
LANGUAGES = ("zh", "en")

_current: gettext.NullTranslations = gettext.NullTranslations()
_language = "zh"


def set_language(lang: str) -> None:
    """Speak `lang` ("zh" or "en") from now on; Chinese when the catalog is missing."""
    global _current, _language
    _language = lang if lang in LANGUAGES else "zh"
    if _language == "zh":
        _current = gettext.NullTranslations()
        return
    _current = gettext.translation(DOMAIN, LOCALE_DIR, languages=[_language], fallback=True)


def language() -> str:
    """The language the UI speaks now."""
    return _language


def _(message: str) -> str:
    """`message` in the current language."""
    return _current.gettext(message)


def N_(message: str) -> str:
    """Mark `message` for extraction; it is translated where it is shown."""
    return message


def ngettext(singular: str, plural: str, count: int) -> str:
    """A message with a count, in the current language."""
    return _current.ngettext(singular, plural, count)


def bilingual(text: str) -> str:
    """The current language's half of a core message written as "中文 / English"."""
    zh, _sep, en = text.partition(" / ")
    return en if _language == "en" and en else zh
