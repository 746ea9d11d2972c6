"""Bilingual text: every string a person reads exists in Chinese and English."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Text:
    """A Chinese text with its English twin."""

    zh: str
    en: str

    def get(self, lang: str = "zh") -> str:
        """The text in `lang` ("zh" or "en"); Chinese for anything else."""
        return self.en if lang == "en" else self.zh

    def format(self, **params: object) -> Text:
        """Both languages with `{name}` placeholders filled."""
        return Text(self.zh.format(**params), self.en.format(**params))

    def to_json(self) -> dict[str, str]:
        """The text as `{"zh": ..., "en": ...}`."""
        return {"zh": self.zh, "en": self.en}

    def __str__(self) -> str:
        return self.zh


#: Full-width ASCII (U+FF01–U+FF5E) sits 0xFEE0 above its half-width twin; U+3000 is the
#: ideographic space. A Chinese keyboard in full-width mode types these.
_HALFWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)} | {0x3000: 0x20}
#: Hyphens and dashes people type between groups of an identifier.
DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63"


def halfwidth(text: str) -> str:
    """Full-width digits, letters and punctuation (and the ideographic space) as half-width."""
    return text.translate(_HALFWIDTH)


def compact_identifier(text: str) -> str:
    """An identifier as typed, half-width, without spaces or dashes, upper case."""
    value = halfwidth(text)
    return "".join(char for char in value if not char.isspace() and char not in DASHES).upper()
