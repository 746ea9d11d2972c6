"""补正: the form of an application the hub sent back, with the hub's request, resubmitted."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from station.core.amendments import amend, save_amendment
from station.core.counter import CounterDraft, FormIncomplete
from station.ui.i18n import N_, _, bilingual
from station.ui.messages import ActionDone, ApplicationRefused, DraftSaved
from station.ui.screens.counter.form import FormScreen
from station.ui.widgets.counter.fields import FormView


class AmendScreen(FormScreen):
    """补正."""

    BINDINGS = [
        Binding("f5", "review", N_("提交补正"), id="review", tooltip=N_("检查后提交补正内容")),
        Binding("ctrl+s", "review", N_("提交补正"), id="save", show=False),
        Binding("f8", "noop", "", id="discard", show=False),
    ]

    def __init__(self, draft: CounterDraft, locked: set[str], request: str) -> None:
        super().__init__(draft)
        self.locked = locked
        self.request = request

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield Static(_("市级中心的补正要求：{text}").format(text=self.request or _("（未说明）")),
                     id="amend-request", markup=False)

    def heading(self) -> str:
        return _("补正 · ") + super().heading()

    def identity_source(self) -> str:
        """An application accepted with the card keeps saying so while it is amended."""
        return _("受理时读卡") if self.locked else super().identity_source()

    @work(thread=True, exclusive=True, exit_on_error=False, group="autosave", description="save amendment")
    def save_draft(self) -> None:
        """Keep the amendment in progress (the application stays as the hub last saw it)."""
        save_amendment(self.services.counter, self.session, self.draft)
        self.post_message(DraftSaved(self.draft.app_id))

    def before_lock(self) -> None:
        """Idle lock or ctrl+l: save now, while the session is still open."""
        save_amendment(self.services.counter, self.session, self.draft)
        self.dirty = False

    def action_noop(self) -> None:
        pass

    def action_review(self) -> None:
        self.query_one(FormView).show_all_errors = True
        self.reevaluate()
        self.submit_amendment()

    @work(thread=True, exclusive=True, exit_on_error=False, group="submit", description="amend")
    def submit_amendment(self) -> None:
        """Send the amended content (the outbox carries it to the hub)."""
        try:
            amend(self.services.counter, self.session, self.draft, self.locked)
        except FormIncomplete as exc:
            self.post_message(ApplicationRefused(_("还有填写需要完善"), exc.errors))
            return
        self.post_message(ActionDone(_("补正已提交，将随下次同步送达市级中心")))

    @on(ApplicationRefused)
    def refused(self, message: ApplicationRefused) -> None:
        self.notify("\n".join(bilingual(t) for t in message.errors.values()), title=message.message,
                    severity="warning")

    @on(ActionDone)
    def amended(self, message: ActionDone) -> None:
        self.notify(message.message)
        self.app.pop_screen()
