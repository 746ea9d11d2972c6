"""The title line: Jiujin and this station, drawn once (no watchers to outlive the screen)."""

from __future__ import annotations

from textual.widgets import Static


class TitleBar(Static):
    """就近 Jiujin — the station's name and code."""

    def __init__(self) -> None:
        super().__init__("", markup=False, id="title-bar")

    def on_mount(self) -> None:
        self.update(f"{self.app.title} — {self.app.sub_title}")
