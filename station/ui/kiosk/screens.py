"""The kiosk's screens: place the card, choose a service, confirm, take the receipt."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Vertical, VerticalScroll
from textual.widgets import Button, Input, OptionList, Static
from textual.widgets.option_list import Option

from forms import Field, Item
from kernel.ratings import Rating, RatingRejected
from station.core import kiosk, ratings
from station.core.counter import FormIncomplete
from station.core.identity import mask_id
from station.core.issuing import CounterResult
from station.ui.base import StationScreen
from station.ui.i18n import N_, _, language, set_language
from station.ui.labels import CARD_READING, TO_CONFIRM_CITIZEN, mark
from station.ui.messages import (
    ApplicationRefused,
    ApplicationSubmitted,
    CardReading,
    CardTapped,
    CardUnreadable,
    RatingRecorded,
    RatingRefused,
)
from station.ui.widgets.counter.fields import FieldWidget
from station.ui.widgets.rating.panel import RatingPanel, level_name

LANGUAGE_BUTTONS = {"zh": "English", "en": "中文"}  # each names the other language in itself


class KioskStartScreen(StationScreen):
    """请将身份证放在读卡区 — in Chinese or English, as the citizen chooses."""

    BINDINGS = [Binding("f9", "demo_card", N_("演示读卡"), id="demo-card", show=False)]

    def compose(self) -> ComposeResult:
        with Center(id="kiosk-start"), Vertical(classes="kiosk-box"):
            yield Static(self.services.store.config.name, classes="kiosk-station", markup=False)
            yield Static(_("请将身份证放在读卡区"), classes="kiosk-prompt")
            yield Static(_("Please place your ID card on the reader") if language() == "zh" else "",
                         classes="kiosk-subprompt")
            yield Static("", id="kiosk-message", markup=False)
            with Center():
                yield Button(LANGUAGE_BUTTONS[language()], id="kiosk-language")
            if self.services.demo is not None:
                yield Static(_("演示：按 F9 把一张模拟身份证放到读卡器上"), classes="kiosk-hint",
                             id="kiosk-demo-hint")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action != "demo_card" or self.services.demo is not None

    @on(Button.Pressed, "#kiosk-language")
    async def switch_language(self) -> None:
        """The citizen reads the kiosk in the other language until the session ends."""
        set_language("en" if language() == "zh" else "zh")
        await self.recompose()
        self.query_one("#kiosk-language", Button).focus()

    def action_demo_card(self) -> None:
        """Demo only: choose one of the simulator's cards and place it on the reader."""
        demo = self.services.demo
        if demo is not None:
            self.app.push_screen(self.app.ROUTES.build("demo_card", demo.cards()), self.present_demo_card)

    def present_demo_card(self, name: str | None) -> None:
        if name and self.services.demo is not None:
            self.services.demo.present_card(name)

    @on(CardReading)
    def card_reading(self) -> None:
        self.query_one("#kiosk-message", Static).update(_(CARD_READING))

    @on(CardTapped)
    def card_tapped(self, message: CardTapped) -> None:
        self.query_one("#kiosk-message", Static).update("")  # not there when the citizen comes back
        self.app.push_screen(KioskServicesScreen(message.card))

    @on(CardUnreadable)
    def unreadable(self, message: CardUnreadable) -> None:
        self.query_one("#kiosk-message", Static).update(message.message)


class KioskServicesScreen(StationScreen):
    """选择事项: the services used here most first, then all by department; typing finds one."""

    BINDINGS = [
        Binding("escape", "app.pop_screen", N_("返回"), id="back"),
        Binding("up", "move(-1)", show=False, priority=True),
        Binding("down", "move(1)", show=False, priority=True),
        Binding("pageup", "move(-8)", show=False, priority=True),
        Binding("pagedown", "move(8)", show=False, priority=True),
    ]

    def __init__(self, card: dict[str, Any]) -> None:
        super().__init__()
        self.card = card
        self.menu = kiosk.KioskMenu((), (), ())

    @property
    def items(self) -> list[Item]:
        """Every service this kiosk offers, most used here first."""
        return list(self.menu.items)

    def compose(self) -> ComposeResult:
        with Vertical(classes="kiosk-page"):
            yield Static(_("{name}，您好！请选择要办理的事项").format(name=self.card["name"]),
                         classes="kiosk-title", markup=False)
            yield Input(placeholder=_("输入事项名称或拼音首字母查找"), id="kiosk-search")
            yield OptionList(id="kiosk-services")
            yield Static(_("输入文字查找，↑↓ 选择，回车确认；Esc 返回"), classes="kiosk-hint")

    def on_mount(self) -> None:
        self.menu = kiosk.kiosk_menu(self.services.counter)
        self.show("")
        self.query_one("#kiosk-search", Input).focus()

    def show(self, query: str) -> None:
        """List the services for `query`: the whole menu when empty, else the ones it finds."""
        lang = language()
        options: list[Option] = []
        if not query.strip():
            if self.menu.frequent:
                options.append(Option(_("— 常办事项 —"), disabled=True))
                options += [Option(i.name.get(lang), id=f"frequent:{i.code}") for i in self.menu.frequent]
            for name, items in self.menu.sections:
                options.append(Option(f"— {name.get(lang)} —", disabled=True))
                options += [Option(i.name.get(lang), id=i.code) for i in items]
        else:
            found = self.menu.find(query)
            options += [Option(i.name.get(lang), id=i.code) for i in found]
            if not found:
                options.append(Option(_("没有找到该事项，请换个词，或到窗口咨询"), disabled=True))
        services = self.query_one("#kiosk-services", OptionList)
        services.clear_options()
        services.add_options(options)
        services.highlighted = next((n for n, o in enumerate(options) if not o.disabled), None)

    def highlight(self, code: str) -> None:
        """Move the highlight to `code`'s line (where the citizen would move it with ↑↓)."""
        services = self.query_one("#kiosk-services", OptionList)
        services.highlighted = next(n for n in range(services.option_count)
                                    if services.get_option_at_index(n).id in (code, f"frequent:{code}"))

    @on(Input.Changed, "#kiosk-search")
    def searched(self, event: Input.Changed) -> None:
        self.show(event.value)

    def action_move(self, step: int) -> None:
        services = self.query_one("#kiosk-services", OptionList)
        for _n in range(abs(step)):
            services.action_cursor_down() if step > 0 else services.action_cursor_up()

    @on(Input.Submitted, "#kiosk-search")
    def confirmed(self) -> None:
        services = self.query_one("#kiosk-services", OptionList)
        if services.highlighted is not None:
            self.open(services.get_option_at_index(services.highlighted))

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.open(event.option)

    def open(self, option: Option) -> None:
        if option.disabled or option.id is None:
            return
        item = self.menu.get(option.id.removeprefix("frequent:"))
        fields = kiosk.questions(self.services.counter, self.session, item, self.card)
        self.app.push_screen(KioskConfirmScreen(self.card, item, fields))


class KioskConfirmScreen(StationScreen):
    """核对信息并提交."""

    BINDINGS = [
        Binding("f5", "submit", N_("确认提交"), id="submit"),
        Binding("escape", "app.pop_screen", N_("返回"), id="back"),
    ]

    def __init__(self, card: dict[str, Any], item: Item, fields: list[Field]) -> None:
        super().__init__()
        self.card = card
        self.item = item
        self.fields = fields
        self.submitting = False

    def compose(self) -> ComposeResult:
        lang = language()
        with VerticalScroll(classes="kiosk-page"):
            yield Static(self.item.name.get(lang), classes="kiosk-title", markup=False)
            yield Static(_("姓名：{name}    证件号码：{number}").format(
                name=self.card["name"], number=mask_id(str(self.card["id_number"]))),
                classes="kiosk-line", markup=False)
            limit = self.item.promised_limit
            yield Static(_("办结时限：{limit}").format(limit=limit.text().get(lang)) + mark(limit.source),
                         classes="kiosk-line", markup=False)
            if not limit.source.verified:
                yield Static(_(TO_CONFIRM_CITIZEN), classes="kiosk-line", id="kiosk-to-confirm", markup=False)
            if self.fields:
                yield Static(_("请补充以下信息："), classes="kiosk-line")
            for field in self.fields:
                yield FieldWidget(field)
            yield Button(_("确认提交"), id="kiosk-submit", variant="success")
            yield Static("", id="kiosk-error", markup=False)

    def on_mount(self) -> None:
        controls = [w.control for w in self.query(FieldWidget).results(FieldWidget) if w.control]
        (controls[0] if controls else self.query_one("#kiosk-submit", Button)).focus()

    def answers(self) -> dict[str, Any]:
        return {w.field.id: w.value() for w in self.query(FieldWidget).results(FieldWidget)}

    @on(Button.Pressed, "#kiosk-submit")
    def action_submit(self) -> None:
        if not self.submitting:
            self.submitting = True
            self.query_one("#kiosk-error", Static).update(_("正在办理，请稍候…"))
            self.submit(self.answers())

    @work(thread=True, exclusive=True, exit_on_error=False, group="submit", description="kiosk submit")
    def submit(self, answers: dict[str, Any]) -> None:
        """File the application and print the receipt through the kiosk rules."""
        devices = self.services.devices
        try:
            result = kiosk.submit(self.services.counter, self.session, self.card, self.item, answers,
                                  devices if self.services.has_devices else None, self.services.a4)
        except FormIncomplete as error:
            self.post_message(ApplicationRefused(_("请检查填写的内容"), error.errors))
            return
        finally:
            self.submitting = False
        self.post_message(ApplicationSubmitted(result))

    @on(ApplicationRefused)
    def refused(self, message: ApplicationRefused) -> None:
        for widget in self.query(FieldWidget).results(FieldWidget):
            text = message.errors.get(widget.field.id, "")
            widget.show_error(text.partition(" / ")[2 if language() == "en" else 0])
        self.query_one("#kiosk-error", Static).update(message.message)

    @on(ApplicationSubmitted)
    def submitted(self, message: ApplicationSubmitted) -> None:
        self.app.push_screen(KioskDoneScreen(message.result))


class KioskDoneScreen(StationScreen):
    """办理完成 — and, for an accepted case, the citizen's 好差评."""

    BINDINGS = [Binding("escape", "finish", N_("完成"), id="finish")]

    def __init__(self, result: CounterResult) -> None:
        super().__init__()
        self.result = result

    def compose(self) -> ComposeResult:
        submission = self.result.submission
        with VerticalScroll(classes="kiosk-page"):
            printing = self.printing()
            if submission.accepted:
                yield Static(_("已受理，请取走回执") if printing else _("已受理"), classes="kiosk-prompt")
                yield Static(_("回执号 {number}    承诺办结 {due}").format(
                    number=submission.receipt_number, due=submission.due_date), classes="kiosk-line")
            elif printing:
                yield Static(_("本事项需要补充材料，请取走告知书，或到人工窗口办理"), classes="kiosk-prompt")
            else:
                yield Static(_("本事项需要补充材料，请到人工窗口办理"), classes="kiosk-prompt")
            if not printing:
                yield Static(_("打印机暂时无法打印，请到人工窗口领取回执") if submission.accepted
                             else _("打印机暂时无法打印，请到人工窗口领取告知书"), classes="kiosk-line")
            if submission.accepted:
                yield RatingPanel("kiosk", id="rating-panel")
                yield Static("", id="rating-done", markup=False)
            yield Static(_("按 Esc 结束，并请取回身份证"), classes="kiosk-hint")

    def on_mount(self) -> None:
        if self.result.submission.accepted:
            self.query_one("#rating-levels").focus()

    @on(RatingPanel.Chosen)
    def chosen(self, message: RatingPanel.Chosen) -> None:
        self.record(message.rating)

    @work(thread=True, exclusive=True, exit_on_error=False, group="rating", description="kiosk rating")
    def record(self, rating: Rating) -> None:
        """Store the citizen's rating of the case just accepted and queue it for the hub."""
        store, application_id = self.services.store, self.result.submission.application_id
        try:
            ratings.rate(self.session, store.clock, store.config.code, application_id, rating)
        except RatingRejected as error:
            self.post_message(RatingRefused(error.message(language())))
            return
        self.post_message(RatingRecorded(application_id, rating.level))

    @on(RatingRecorded)
    def recorded(self, message: RatingRecorded) -> None:
        self.query_one(RatingPanel).display = False
        self.query_one("#rating-done", Static).update(
            _("感谢您的评价：{level}").format(level=level_name(message.level)))

    @on(RatingRefused)
    def refused(self, message: RatingRefused) -> None:
        self.query_one(RatingPanel).show_error(message.message)

    def printing(self) -> bool:
        """True when the document went to the receipt printer without an error."""
        issued = self.result.issued
        return (self.result.print_error is None and issued is not None
                and issued.output == "receipt_printer")

    def action_finish(self) -> None:
        self.app.restart()
