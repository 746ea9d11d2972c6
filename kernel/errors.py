"""The one bilingual error base; every package's error tree hangs below it.

    JiujinError                      message_zh / message_en; never personal data or secrets
    ├── station.core.errors          ConfigError, StoreError, AuthError, … (the station core)
    ├── forms.errors.FormsError      catalog, expressions, identifiers, calendar, bundles
    ├── devices.errors.DeviceError   ID-card reader, receipt printer, scan inbox
    ├── sync.errors.SyncError        sealing, transports, acknowledgements, the hub
    └── reports.errors.ReportsError  documents, hub report data, receipt QR codes

A person reads `error.message(lang)`: Chinese by default, English with lang="en".
"""

from __future__ import annotations


class JiujinError(Exception):
    """Base of every error Jiujin raises on purpose; carries a Chinese and an English message."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        super().__init__(f"{message_zh} / {message_en}")
        self.message_zh = message_zh
        self.message_en = message_en

    def message(self, lang: str | None = "zh") -> str:
        """The message in `lang`: "en" gives English, anything else Chinese."""
        return self.message_en if lang == "en" else self.message_zh
