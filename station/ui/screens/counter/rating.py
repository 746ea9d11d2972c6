"""好差评 at the counter: a screen the clerk turns towards the citizen after 受理, where the
citizen rates the service once; the rating goes to the hub with the next sync."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical
from textual.widgets import Static

from kernel.ratings import Rating, RatingRejected
from station.core import ratings
from station.ui.base import StationScreen
from station.ui.i18n import N_, _, language
from station.ui.messages import RatingRecorded, RatingRefused
from station.ui.widgets.rating.panel import RatingPanel, level_name


class RatingScreen(StationScreen):
    """请您评价."""

    BINDINGS = [Binding("escape", "app.pop_screen", N_("返回"), id="back", tooltip=N_("不评价，回到办理结果"))]

    def __init__(self, application_id: str, receipt_number: str) -> None:
        super().__init__()
        self.application_id = application_id
        self.receipt_number = receipt_number

    def compose(self) -> ComposeResult:
        with Center(id="rating-screen"), Vertical(classes="rating-box"):
            yield Static(self.services.store.config.name, classes="rating-station", markup=False)
            yield Static(_("回执号 {number}").format(number=self.receipt_number), classes="rating-line", markup=False)
            yield RatingPanel("counter", id="rating-panel")
            yield Static("", id="rating-done", markup=False)

    def on_mount(self) -> None:
        self.query_one("#rating-levels").focus()

    @on(RatingPanel.Chosen)
    def chosen(self, message: RatingPanel.Chosen) -> None:
        self.record(message.rating)

    @work(thread=True, exclusive=True, exit_on_error=False, group="rating", description="record rating")
    def record(self, rating: Rating) -> None:
        """Store the rating and queue it for the hub."""
        store = self.services.store
        try:
            ratings.rate(self.session, store.clock, store.config.code, self.application_id, rating)
        except RatingRejected as error:
            self.post_message(RatingRefused(error.message(language())))
            return
        self.post_message(RatingRecorded(self.application_id, rating.level))

    @on(RatingRecorded)
    def recorded(self, message: RatingRecorded) -> None:
        self.query_one(RatingPanel).display = False
        self.query_one("#rating-done", Static).update(
            _("感谢您的评价：{level}。请将屏幕转回工作人员（Esc 返回）").format(level=level_name(message.level)))

    @on(RatingRefused)
    def refused(self, message: RatingRefused) -> None:
        self.query_one(RatingPanel).show_error(message.message)
