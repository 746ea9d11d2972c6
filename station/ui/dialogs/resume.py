"""Drafts left open (a crash, a power cut, a lock): offered to continue after login."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from station.core.overview import ApplicationRow
from station.ui.dialogs.base import StationDialog
from station.ui.i18n import N_, _


class ResumeDraftsDialog(StationDialog[str | None]):
    """继续未完成的草稿."""

    BINDINGS = [Binding("escape", "later", N_("稍后"), id="later")]

    def __init__(self, drafts: list[ApplicationRow]) -> None:
        super().__init__()
        self.drafts = drafts

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="resume"):
            yield Static(_("有 {count} 份未完成的申请草稿，内容已自动保存。继续办理哪一份？").format(
                count=len(self.drafts)), classes="dialog-text")
            yield OptionList(*[Option(f"{d.item_name} · {d.applicant_name} {d.masked_id} · {d.updated_at}",
                                      id=d.id) for d in self.drafts], id="drafts")
            yield Static(_("回车继续 · Esc 稍后（首页也列出草稿）"), classes="dialog-hint")

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_later(self) -> None:
        self.dismiss(None)
