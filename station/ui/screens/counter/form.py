"""New application, step two: the form from the catalog beside the materials checklist.

A form opened before anyone's identity is known (the service chosen first) waits for the
card: it is built at once, read-only, and the tap creates the draft and fills it in.
"""

from __future__ import annotations

import time
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Static

from forms import Evaluation
from forms.serialize import jsonable
from station.core.counter import CounterDraft, card_expired, identity_from_card, locked_fields
from station.core.identity import mask_id
from station.ui.base import StationScreen
from station.ui.i18n import N_, _, language
from station.ui.labels import CARD_READING
from station.ui.messages import (
    CardReading,
    CardTapped,
    CardUnreadable,
    DraftDiscarded,
    DraftOpened,
    DraftSaved,
    ScanArrived,
)
from station.ui.widgets.counter.fields import FieldChanged, FormView
from station.ui.widgets.counter.materials import MaterialsChecklist, MaterialToggled
from station.ui.widgets.counter.outcome import outcome_text
from station.ui.widgets.status.key_footer import KeyFooter
from station.ui.widgets.status.status_bar import StatusBar
from station.ui.widgets.status.title_bar import TitleBar

AUTOSAVE_SECONDS = 0.8
#: While the operator types, computed values are redrawn once typing pauses this long, not at
#: each key: redrawing one that is scrolled out of sight makes Textual map every widget of the
#: form again, which in a 60-field form took about half of a keystroke's frame.
VALUES_SETTLE_SECONDS = 0.15
NEEDS_A_DRAFT = frozenset({"review", "attach_scan", "focus_materials", "save", "discard"})


class FormScreen(StationScreen):
    """填写申请."""

    BINDINGS = [
        Binding("f5", "review", N_("核对提交"), id="review", tooltip=N_("核对全部内容后提交")),
        Binding("f2", "guide", N_("办事指南"), id="guide"),
        Binding("f3", "attach_scan", N_("附加扫描件"), id="scan"),
        Binding("f4", "focus_materials", N_("材料清单"), id="materials"),
        Binding("ctrl+s", "save", N_("保存草稿"), id="save"),
        Binding("f8", "discard", N_("放弃草稿"), id="discard"),
        Binding("escape", "leave", N_("返回"), id="back", tooltip=N_("草稿已自动保存")),
    ]

    def __init__(self, draft: CounterDraft, fresh: bool = False) -> None:
        super().__init__()
        self.draft = draft
        self.fresh = fresh  # opened just now from the service picker, not resumed
        self.opened: tuple[dict[str, Any], set[str]] | None = None  # values and papers as opened
        self.evaluation: Evaluation | None = None
        self.locked = locked_fields(draft)
        self.pending_scans: list[ScanArrived] = []
        self.autosave_timer: Timer | None = None
        self.values_timer: Timer | None = None
        self.dirty = False
        self.outcome_shown = ""
        self.reviewing = False  # the review is open above this form
        self.reading_card = False  # waiting for the card, one placed is being read

    @property
    def awaiting_card(self) -> bool:
        """No draft in the store yet: the form waits for the applicant's card."""
        return not self.draft.app_id

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Static(self.heading(), id="form-head", markup=False)
        with Horizontal(id="form-body"):
            yield FormView(self.draft.item.fields, id="form", disabled=self.awaiting_card)
            with Vertical(id="side"):
                yield Static(_("申请材料（空格：纸质已收）"), classes="section-title")
                yield MaterialsChecklist(id="materials", disabled=self.awaiting_card)
                yield Static("", id="outcome", markup=False)
        yield StatusBar(id="status-bar")
        yield KeyFooter()

    def heading(self) -> str:
        """The service and who applies; while the form waits for the card, what to do (or that
        the card placed is being read)."""
        draft, lang = self.draft, language()
        if self.awaiting_card:
            wait = _(CARD_READING) if self.reading_card else _(
                "请将身份证放在读卡器上（无卡：Esc 返回首页，按 n 后输入身份证号）")
            return f"{draft.item.name.get(lang)}（{draft.item.code}） · {wait}"
        who = f"{draft.identity.name} {mask_id(draft.identity.id_number)}（{self.identity_source()}）"
        if draft.applicant.kind == "business":
            who = _("{business} {code} · 法定代表人 {person}").format(
                business=draft.applicant.name, code=draft.applicant.id_number, person=who)
        return f"{draft.item.name.get(lang)}（{draft.item.code}） · {who}"

    def identity_source(self) -> str:
        """How the person's identity came to the counter: read from the card, or typed."""
        return _("读卡") if self.draft.identity.from_card else _("手工录入")

    def on_mount(self) -> None:
        self.call_after_refresh(self.first_show)

    def first_show(self) -> None:
        """Fill and check the form once every field is mounted (a long form mounts in steps)."""
        evaluation = self.services.counter.evaluate(self.session, self.draft)
        form = self.query_one(FormView)
        form.load(self.draft.values, jsonable(evaluation.values))
        self.show(evaluation)
        if self.awaiting_card:
            return
        self.opened = (form.to_values(), set(self.draft.received))
        self.focus_first_field()
        self.call_after_refresh(self.services.mark, "form.shown")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While the form waits for the card there is no draft to review, save or discard; an
        item of a 一件事 is discarded only with its case."""
        if action == "discard" and self.draft.case_id:
            return False
        return not (self.awaiting_card and action in NEEDS_A_DRAFT)

    def focus_first_field(self) -> None:
        """The first field still to fill (required and blank), else the first editable one."""
        editable = [w for w in self.query_one(FormView).widgets()
                    if w.display and w.control is not None and not w.control.disabled
                    and w.control.focusable]
        blank = [w for w in editable if w.field.required and w.value() is None]
        if blank or editable:
            control = (blank or editable)[0].control
            assert control is not None
            control.focus()

    # -- live evaluation -------------------------------------------------------------------

    @on(FieldChanged)
    def field_changed(self) -> None:
        self.draft.values = self.query_one(FormView).to_values()
        self.reevaluate()

    @on(MaterialToggled)
    def material_toggled(self, message: MaterialToggled) -> None:
        self.draft.received ^= {message.material_id}
        self.reevaluate()

    def reevaluate(self) -> None:
        self.show(self.services.counter.evaluate(self.session, self.draft), values=False)
        self.dirty = True
        if self.autosave_timer is not None:
            self.autosave_timer.stop()
        self.autosave_timer = self.set_timer(AUTOSAVE_SECONDS, self.autosave)
        if self.values_timer is not None:
            self.values_timer.stop()
        self.values_timer = self.set_timer(VALUES_SETTLE_SECONDS, self.show_values)
        self.call_after_refresh(self.report_render_time)

    def show(self, evaluation: Evaluation, values: bool = True) -> None:
        """The engine's verdict on the form and the checklist; computed values too unless
        `values` is False (`show_values` draws them once typing pauses)."""
        self.evaluation = evaluation
        scans: dict[str, int] = {}
        for material in self.draft.scans.values():
            scans[material] = scans.get(material, 0) + 1
        self.query_one(FormView).apply(evaluation, self.locked, scans, values=values)
        self.query_one(MaterialsChecklist).apply(evaluation)
        text = "" if self.awaiting_card else outcome_text(evaluation)  # no verdict before the card
        if text != self.outcome_shown:
            self.outcome_shown = text
            self.query_one("#outcome", Static).update(text)

    def show_values(self) -> None:
        """The computed values of the last evaluation."""
        if self.evaluation is not None:
            self.query_one(FormView).show_values(self.evaluation, self.locked)

    def report_render_time(self) -> None:
        """Keystroke to re-rendered form, for the app's timing hook."""
        started = getattr(self.app, "last_key_at", None)
        if started is not None:
            self.services.time("form.keystroke", time.perf_counter() - started)

    # -- saving ----------------------------------------------------------------------------

    def autosave(self) -> None:
        if self.dirty and not self.awaiting_card:
            self.dirty = False
            self.save_draft()

    @work(thread=True, exclusive=True, exit_on_error=False, group="autosave", description="autosave")
    def save_draft(self) -> None:
        """Write the draft through the application service (it survives a crash from here)."""
        self.services.counter.save(self.session, self.draft)
        self.post_message(DraftSaved(self.draft.app_id))

    def before_lock(self) -> None:
        """Idle lock or ctrl+l: save now, while the session is still open."""
        if not self.awaiting_card:
            self.services.counter.save(self.session, self.draft)
        self.dirty = False

    def action_save(self) -> None:
        self.dirty = False
        self.save_draft()
        self.notify(_("草稿已保存"), timeout=2)

    @property
    def untouched(self) -> bool:
        """A draft opened just now and left as it opened (a wrong pick in the service list)."""
        return (self.fresh and self.opened is not None and not self.draft.scans
                and self.opened == (self.query_one(FormView).to_values(), self.draft.received))

    def action_leave(self) -> None:
        if self.untouched:  # nothing was entered: keep no draft behind
            self.notify(_("未填写任何内容，未保留草稿"), timeout=3)
            self.discard_draft()
            return
        if self.dirty and not self.awaiting_card:
            self.dirty = False
            self.save_draft()
        self.app.pop_screen()

    def action_discard(self) -> None:
        def discard(yes: bool | None) -> None:
            if yes:
                self.discard_draft()

        self.app.push_screen(self.new_screen("confirm", _("放弃这份草稿？已填写的内容将被删除。")), discard)

    @work(thread=True, exclusive=True, exit_on_error=False, group="autosave", description="discard")
    def discard_draft(self) -> None:
        self.services.counter.discard(self.session, self.draft.app_id)
        self.post_message(DraftDiscarded(self.draft.app_id))

    @on(DraftDiscarded)
    def draft_discarded(self) -> None:
        self.app.pop_screen()

    # -- other keys ------------------------------------------------------------------------

    def action_guide(self) -> None:
        self.app.push_screen(self.new_screen("guide", self.draft.item))

    def action_focus_materials(self) -> None:
        self.query_one(MaterialsChecklist).focus()

    def action_review(self) -> None:
        self.query_one(FormView).show_all_errors = True
        self.reevaluate()
        if self.draft.case_id:  # a 一件事 is reviewed and submitted as one, on its own screen
            self.action_leave()
            return
        self.reviewing = True
        self.app.push_screen(self.new_screen("review", self.draft))

    def on_screen_resume(self) -> None:
        """Back from the review to correct: the focus goes to the first field it found wrong,
        not to wherever it was, so what is typed next goes where it is meant to."""
        if self.reviewing:
            self.reviewing = False
            self.call_after_refresh(self.focus_first_problem)  # after the focus is restored

    def focus_first_problem(self) -> None:
        if not self.is_current:  # the review submitted and this form is on its way out
            return
        paths = {error.path for error in self.evaluation.errors} if self.evaluation else set()
        for widget in self.query_one(FormView).widgets():
            control = widget.control
            if (widget.field.id in paths and widget.display and control is not None
                    and not control.disabled and control.focusable):
                control.focus()
                return

    @on(ScanArrived)
    def scan_arrived(self, message: ScanArrived) -> None:
        self.pending_scans.append(message)
        self.notify(_("高拍仪有新扫描件：按 F3 附加到所选材料"), timeout=4)

    def action_attach_scan(self) -> None:
        material = self.query_one(MaterialsChecklist).selected_material()
        if not self.pending_scans:
            self.notify(_("暂无新的扫描件：请先用高拍仪扫描"), severity="warning")
            return
        self.app.push_screen(self.new_screen("scan", self.draft, self.pending_scans, material),
                             self.scan_attached)

    def scan_attached(self, sha256: str | None) -> None:
        if sha256:
            self.pending_scans = [s for s in self.pending_scans if s.sha256 != sha256]
            self.reevaluate()

    @on(CardTapped)
    def card_tapped(self, message: CardTapped) -> None:
        if self.awaiting_card:
            if self.reading_card:  # the read is over: should the draft fail, the form asks for the card again
                self.reading_card = False
                self.query_one("#form-head", Static).update(self.heading())
            if card_expired(message.card, self.services.counter.today()):
                self.notify(_("证件已过期，有效期至 {day}").format(day=message.card["valid_to"]),
                            severity="warning", timeout=8)
            self.open_for_card(message.card)
        elif message.card.get("id_number") != self.draft.identity.id_number:
            self.notify(_("读到另一张身份证：请先完成或保存当前申请"), severity="warning")

    @on(CardReading)
    @on(CardUnreadable)
    def card_reading(self, message: CardReading | CardUnreadable) -> None:
        """While the form waits for the card, its heading says when a card is being read, and
        a card that could not be read is said so (the heading asks for the card again)."""
        if self.awaiting_card:
            self.reading_card = isinstance(message, CardReading)
            self.query_one("#form-head", Static).update(self.heading())
            if isinstance(message, CardUnreadable):
                self.notify(message.message, severity="warning")

    @work(thread=True, exclusive=True, exit_on_error=False, group="draft", description="open a draft")
    def open_for_card(self, card: dict[str, Any]) -> None:
        """Create the draft for the card's holder (it autosaves from here on)."""
        self.post_message(DraftOpened(self.services.counter.start(self.session, self.draft.item,
                                                                  identity_from_card(card))))

    @on(DraftOpened)
    def draft_opened(self, message: DraftOpened) -> None:
        """The card's draft replaces the waiting one: fill the form and let the clerk in."""
        self.draft = message.draft
        self.locked = locked_fields(self.draft)
        self.query_one("#form-head", Static).update(self.heading())
        self.query_one(FormView).disabled = False
        self.query_one(MaterialsChecklist).disabled = False
        self.first_show()
        self.refresh_bindings()
