"""Applications: filters (today, status, service, operator), search, and the way to the detail."""

from __future__ import annotations

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Checkbox, DataTable, Input, Select

from station.core.overview import ApplicationRow, ListFilters, application_rows, operator_names
from station.ui.base import StationScreen
from station.ui.i18n import N_, _, language
from station.ui.messages import ApplicationsLoaded
from station.ui.widgets.applications.rows import STATUS_NAMES, narrow_cells, row_cells
from station.ui.widgets.fitted_table import FittedTable
from station.ui.widgets.status.key_footer import KeyFooter
from station.ui.widgets.status.status_bar import StatusBar
from station.ui.widgets.status.title_bar import TitleBar

#: Below this many columns the list shows four columns (time and operator are on the detail).
NARROW = 100


class ApplicationsScreen(StationScreen):
    """申请列表."""

    BINDINGS = [
        Binding("f4", "focus_search", N_("搜索"), id="search", tooltip=N_("身份证号、姓名或回执号")),
        Binding("f6", "toggle_today", N_("今天/全部"), id="today"),
        Binding("f5", "refresh", N_("刷新"), id="refresh"),
        Binding("escape", "app.pop_screen", N_("返回"), id="back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[ApplicationRow] = []
        self.shown_narrow = False

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Horizontal(id="filters"):
            yield Input(id="search", placeholder=_("搜索：身份证号、姓名或回执号"))
            yield Select([(name.get(language()), status) for status, name in STATUS_NAMES.items()], id="status",
                         prompt=_("全部状态"))
            yield Select([(f"{i.code} {i.name.get(language())}", i.code) for i in self.services.counter.services()],
                         id="service", prompt=_("全部事项"))
            yield Select([(f"{display}（{name}）", name) for name, display in operator_names(self.session)],
                         id="operator", prompt=_("全部人员"))
            yield Checkbox(_("仅今天"), True, id="today-only")
        yield FittedTable(id="applications", wrap=(2, 1))
        yield StatusBar(id="status-bar")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#applications", FittedTable).focus()
        self.load(self.filters())

    @property
    def narrow(self) -> bool:
        """Below `NARROW` columns a row takes several lines instead of being cut."""
        return self.size.width < NARROW

    def on_resize(self, event: events.Resize) -> None:
        if self.rows and self.narrow != self.shown_narrow:
            self.show_rows(ApplicationsLoaded(self.rows))

    def on_screen_resume(self) -> None:
        self.load(self.filters())

    def filters(self) -> ListFilters:
        def chosen(selector: str) -> str:
            value = self.query_one(selector, Select).value
            return "" if value is Select.NULL else str(value)

        return ListFilters(self.query_one("#today-only", Checkbox).value, chosen("#status"),
                           chosen("#service"), chosen("#operator"), self.query_one("#search", Input).value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="list", description="list")
    def load(self, filters: ListFilters) -> None:
        rows = application_rows(self.services.store, self.session, filters)
        self.post_message(ApplicationsLoaded(rows))

    @on(ApplicationsLoaded)
    def show_rows(self, message: ApplicationsLoaded) -> None:
        """Every cell whole: the service (then the status) wraps when the columns do not fit."""
        self.rows = message.rows
        self.shown_narrow = self.narrow
        table = self.query_one("#applications", FittedTable)
        if self.shown_narrow:
            table.wrap = (3, 2)
            table.show([_("回执号"), _("申请人"), _("状态"), _("事项")],
                       [narrow_cells(row, self.listed_service(row)) for row in message.rows])
        else:
            table.wrap = (2, 1)
            table.show([_("回执号"), _("状态"), _("事项"), _("申请人"), _("身份证号"), _("时间"), _("经办")],
                       [row_cells(row, self.listed_service(row)) for row in message.rows])

    @on(Input.Submitted, "#search")
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def filters_changed(self) -> None:
        self.load(self.filters())

    @on(DataTable.RowSelected, "#applications")
    def open_detail(self, event: DataTable.RowSelected) -> None:
        self.app.push_screen(self.new_screen("detail", self.rows[event.cursor_row].id))

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_toggle_today(self) -> None:
        box = self.query_one("#today-only", Checkbox)
        box.value = not box.value

    def action_refresh(self) -> None:
        self.load(self.filters())
