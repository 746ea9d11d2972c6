"""Translation: Chinese message ids, English from a gettext catalog.

The UI's strings are written in Simplified Chinese (the default language) and marked
with `_()`; `N_()` marks strings translated later, such as binding descriptions. The
English catalog's source is `catalogs/en/LC_MESSAGES/jiujin.po` (extraction: see
`babel.cfg`). A compiled `locale/<lang>/LC_MESSAGES/jiujin.mo` is used when the build made
one; otherwise the `.po` is compiled in memory with Babel, so a checkout works as it is.
"""

from __future__ import annotations

import gettext
import io
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from station.core.errors import JiujinError

LOCALE_DIR = Path(__file__).parent / "locale"
CATALOG_DIR = Path(__file__).parent / "catalogs"
DOMAIN = "jiujin"
LANGUAGES = ("zh", "en")

_current: gettext.NullTranslations = gettext.NullTranslations()
_language = "zh"


def set_language(lang: str) -> None:
    """Speak `lang` ("zh" or "en") from now on; Chinese when the catalog is missing."""
    global _current, _language
    _language = lang if lang in LANGUAGES else "zh"
    _current = _translations(_language)


def _translations(lang: str) -> gettext.NullTranslations:
    if lang == "zh":
        return gettext.NullTranslations()
    compiled = LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.mo"
    if compiled.exists():
        with compiled.open("rb") as mo:
            return gettext.GNUTranslations(mo)
    source = CATALOG_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not source.exists():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with source.open("rb") as po:
        catalog = read_po(po, locale=lang, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


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


def error_text(error: JiujinError) -> str:
    """A core error for the screen, in the current language: each field's message, or the
    error's own message."""
    errors = getattr(error, "errors", None)
    if errors:
        return "；".join(bilingual(text) for text in errors.values())
    return error.message(language())
