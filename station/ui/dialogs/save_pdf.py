"""Save a held A4 document to a folder (a USB stick to print it elsewhere)."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Button, Input, Static

from station.core.print_jobs import HeldDocuments, PrintOutputError
from station.ui.dialogs.base import StationDialog
from station.ui.i18n import N_, _, language
from station.ui.messages import ActionDone


class SavePdfDialog(StationDialog[str]):
    """保存 PDF: dismisses with the saved file's path, or "" when cancelled."""

    BINDINGS = [Binding("escape", "cancel", N_("取消"), id="cancel")]

    def __init__(self, held: HeldDocuments, name: str) -> None:
        super().__init__()
        self.held = held
        self.document_name = name

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="save-pdf"):
            yield Static(_("把 A4 文件保存到文件夹（例如 U 盘）"), classes="section-title")
            yield Input(id="save-folder", placeholder=_("文件夹，例如 /media/usb"))
            yield Button(_("保存"), id="save", variant="primary")
            yield Static("", id="save-error", markup=False)

    @on(Button.Pressed, "#save")
    @on(Input.Submitted, "#save-folder")
    def save_pressed(self) -> None:
        text = self.query_one("#save-folder", Input).value.strip()
        if text:
            self.save(Path(text).expanduser())

    @work(thread=True, exclusive=True, exit_on_error=False, group="save-pdf", description="save pdf")
    def save(self, folder: Path) -> None:
        try:
            path = self.held.save(folder, self.document_name)
        except PrintOutputError as error:
            self.post_message(ActionDone(error.message(language()), ok=False))
            return
        self.post_message(ActionDone(str(path)))

    @on(ActionDone)
    def done(self, message: ActionDone) -> None:
        if message.ok:
            self.dismiss(message.message)
        else:
            self.query_one("#save-error", Static).update(message.message)

    def action_cancel(self) -> None:
        self.dismiss("")
