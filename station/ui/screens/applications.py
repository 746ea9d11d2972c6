"""Today's applications, newest first, ID numbers masked."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header

from station.core.clock import local_day
from station.core.identity import mask_id
from station.core.session import Session
from station.ui.messages import ApplicationsLoaded
from station.ui.screens.home import STATUS_NAMES


class ApplicationsScreen(Screen[None]):
    """申请列表."""

    BINDINGS = [Binding("escape", "app.pop_screen", "返回 Back", id="back")]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session

    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(id="applications", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("回执号", "状态", "事项", "申请人", "身份证号")
        self.load()

    @work(thread=True, exclusive=True, exit_on_error=False, group="list", description="list")
    def load(self) -> None:
        store = self.app.store  # type: ignore[attr-defined]
        rows = store.applications.list(self.session, day=local_day(store.clock()))
        self.post_message(ApplicationsLoaded([
            (row.receipt_number or "（草稿）", STATUS_NAMES.get(row.status, row.status),
             row.item_name, row.applicant_name, mask_id(row.applicant_id))
            for row in rows
        ]))

    @on(ApplicationsLoaded)
    def show_rows(self, message: ApplicationsLoaded) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for row in message.rows:
            table.add_row(*row)
