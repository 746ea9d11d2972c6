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
