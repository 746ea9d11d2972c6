"""好差评 — the five levels, the counter's reasons and a comment, for the citizen to fill in on
the counter's rating screen or on the kiosk; it posts `RatingPanel.Chosen` and decides nothing."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Button, Input, RadioButton, RadioSet, SelectionList, Static

from kernel.ratings import COUNTER_REASONS, LEVELS, MAX_TEXT, Rating
from station.ui.i18n import N_, _

LEVEL_NAMES = {5: N_("非常满意"), 4: N_("满意"), 3: N_("基本满意"), 2: N_("不满意"), 1: N_("非常不满意")}
REASON_NAMES = {"efficiency": N_("服务效率"), "competence": N_("服务水平"), "attitude": N_("服务态度")}


class RatingPanel(Vertical):
    """Levels (非常满意 … 非常不满意), reasons and an optional comment; Submit posts Chosen."""

    @dataclass
    class Chosen(Message):
        """The citizen submitted a rating."""

        rating: Rating

    def __init__(self, channel: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="rating-panel")
        self.channel = channel

    def compose(self) -> ComposeResult:
        yield Static(_("请您为本次服务评价（每件一次）"), classes="rating-title")
        with RadioSet(id="rating-levels"):
            for level in LEVELS:
                yield RadioButton(_(LEVEL_NAMES[level]), id=f"level-{level}")
        yield Static(_("原因（可多选，选填）"), classes="rating-label")
        yield SelectionList[str](*((_(REASON_NAMES[code]), code) for code in COUNTER_REASONS), id="rating-reasons")
        yield Input(placeholder=_("意见建议（选填）"), max_length=MAX_TEXT, id="rating-text")
        yield Button(_("提交评价"), id="rating-submit", variant="primary")
        yield Static("", id="rating-error", markup=False)

    def chosen_level(self) -> int | None:
        pressed = self.query_one("#rating-levels", RadioSet).pressed_button
        return int(str(pressed.id).removeprefix("level-")) if pressed is not None and pressed.id else None

    @on(Button.Pressed, "#rating-submit")
    def submit(self, event: Button.Pressed) -> None:
        event.stop()
        level = self.chosen_level()
        if level is None:
            self.show_error(_("请选择一个评价等级"))
            return
        reasons = tuple(self.query_one("#rating-reasons", SelectionList).selected)
        text = self.query_one("#rating-text", Input).value
        self.post_message(self.Chosen(Rating(level, reasons, " ".join(text.split()), self.channel)))

    def show_error(self, text: str) -> None:
        self.query_one("#rating-error", Static).update(text)


def level_name(level: int) -> str:
    """The level's name in the current language."""
    return _(LEVEL_NAMES[level])
