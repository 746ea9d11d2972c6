"""New application, step one: who applies (card, typed ID number, or a business) and for what."""

from __future__ import annotations

from typing import Any

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from forms import Item
from forms.models import OneThing
from station.core.applications import Applicant
from station.core.counter import (
    Identity,
    business_applicant,
    card_expired,
    identity_from_card,
    typed_identity,
)
from station.core.errors import ValidationFailed
from station.core.identity import mask_id
from station.ui.base import StationScreen
from station.ui.i18n import N_, _, error_text, language
from station.ui.labels import CARD_READING
from station.ui.messages import (
    CardReading,
    CardTapped,
    CardUnreadable,
    CaseOpened,
    DraftOpened,
    ServicesFound,
)
from station.ui.widgets.status.key_footer import KeyFooter
from station.ui.widgets.status.status_bar import StatusBar
from station.ui.widgets.status.title_bar import TitleBar

FREQUENT = "frequent:"  # the option id prefix of a 常办事项 line (its item is also listed below)
BUNDLE = "bundle:"  # the option id prefix of a 一件事 line


def bundle_matches(bundle: OneThing, query: str) -> bool:
    """A 一件事 is listed for an empty search, or one its code or names contain (一件事 too)."""
    words = query.strip().lower()
    return not words or any(words in text.lower() for text in (
        bundle.code, bundle.name.zh, bundle.name.en, "一件事", "yjs"))


def service_label(item: Item) -> str:
    """One line of the catalog browser: code, name, and 一证通办 when the card is enough."""
    tag = _("［一证通办］") if item.card_only else ""
    return f"{item.code}  {item.name.get(language())} {tag}"


class IdNumberInput(Input):
    """The typed ID number. An ID number starts with a digit: a letter or a Chinese character
    typed into the empty field is a service being searched for, so it goes to the search."""

    def __init__(self, search: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.search = search  # the selector of the search field on the same screen

    async def _on_key(self, event: events.Key) -> None:
        if not self.value and event.character and event.is_printable and not event.character.isdigit():
            event.stop()
            event.prevent_default()  # not Input's own handler: the character is not a number
            search = self.screen.query_one(self.search, Input)
            search.focus()
            search.insert_text_at_cursor(event.character)
            return
        await super()._on_key(event)


class StartScreen(StationScreen):
    """新建申请：申请人与事项."""

    BINDINGS = [
        Binding("f2", "guide", N_("办事指南"), id="guide", tooltip=N_("所选事项的条件、材料、时限、收费")),
        Binding("f4", "focus_search", N_("搜索事项"), id="search"),
        Binding("down", "focus_services", N_("到事项列表"), id="to-list", show=False),
        Binding("escape", "app.pop_screen", N_("返回"), id="back"),
    ]

    def __init__(self, card: dict[str, Any] | None = None, business: bool = False,
                 reading: bool = False) -> None:
        """`reading`: opened as a card placed on the reader is being read; it shows once read."""
        super().__init__()
        self.card = card
        self.business = business
        self.reading = reading
        self.items: list[Item] = []
        self.bundles: dict[str, OneThing] = {}
        self.listed_query: str | None = None  # the search the list shows; None while stale
        self.entered_query: str | None = None  # Enter pressed on this search before its results
        self.opening = False

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with Vertical(id="start"):
            with Vertical(id="applicant-panel"):
                yield Static(_("企业申请：统一社会信用代码与法定代表人") if self.business
                             else _("个人申请"), classes="section-title")
                yield Static(_(CARD_READING) if self.reading else _("请将身份证放在读卡器上"), id="card-state",
                             markup=False)
                if self.business:
                    with Horizontal(classes="typed-row"):
                        yield Input(id="credit-code", placeholder=_("统一社会信用代码（18 位）"),
                                    max_length=18)
                        yield Input(id="business-name", placeholder=_("单位名称"))
                with Horizontal(classes="typed-row", id="typed-person"):
                    yield IdNumberInput("#service-search", id="id-number", max_length=18,
                                placeholder=_("无卡时输入法定代表人身份证号") if self.business
                                else _("无卡时输入身份证号"))
                    yield Input(id="person-name", placeholder=_("姓名"))
                yield Static("", id="applicant-error", markup=False)
            yield Input(id="service-search", placeholder=_("搜索事项：名称、编码或拼音首字母（如 jzz）"),
                        select_on_focus=False)  # typing sent here from elsewhere goes on, not over
            yield OptionList(id="services")
            yield Static("", id="service-hint", markup=False)
        yield StatusBar(id="status-bar")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.call_after_refresh(self.find_services, "")  # the card first, the catalog after
        if self.card is not None:
            self.show_card(self.card)
        else:
            self.query_one("#credit-code" if self.business else "#id-number", Input).focus()

    # -- the applicant ---------------------------------------------------------------------

    @on(CardReading)
    def card_reading(self) -> None:
        self.query_one("#card-state", Static).update(_(CARD_READING))

    @on(CardTapped)
    def card_tapped(self, message: CardTapped) -> None:
        self.card = message.card
        self.show_card(message.card)

    @on(CardUnreadable)
    def card_unreadable(self, message: CardUnreadable) -> None:
        self.query_one("#card-state", Static).update(message.message)

    def show_card(self, card: dict[str, Any]) -> None:
        text = _("已读卡：{name}  {number}").format(name=card["name"], number=mask_id(str(card["id_number"])))
        if card_expired(card, self.services.counter.today()):
            text += "  " + _("（证件已过期，有效期至 {day}）").format(day=card["valid_to"])
        self.query_one("#card-state", Static).update(text)
        self.query_one("#typed-person").display = False
        if not self.business:
            self.query_one("#service-search", Input).focus()
        self.call_after_refresh(self.services.mark, "card.shown")

    def identity(self) -> Identity:
        """The person at the counter, from the card or typed (raises ValidationFailed)."""
        if self.card is not None:
            return identity_from_card(self.card)
        return typed_identity(self.query_one("#id-number", Input).value,
                              self.query_one("#person-name", Input).value)

    # -- the catalog browser -----------------------------------------------------------------

    @on(Input.Changed, "#service-search")
    def search_changed(self, event: Input.Changed) -> None:
        self.listed_query = None  # the list is stale until this query's results arrive
        self.find_services(event.value)

    @work(thread=True, exclusive=True, exit_on_error=False, group="search", description="search")
    def find_services(self, query: str) -> None:
        """Search the catalog (pinyin needs a moment the first time); with no query, the
        station's 常办事项 come first."""
        target = "business" if self.business else "person"
        counter = self.services.counter
        frequent = [] if query.strip() else counter.frequent(target)
        bundles = [] if self.business else [b for b in counter.bundles() if bundle_matches(b, query)]
        self.post_message(ServicesFound(counter.services(target, query), query, frequent, bundles))

    @on(ServicesFound)
    def show_services(self, message: ServicesFound) -> None:
        """Show the results of the query still in the search field; an older query's results
        (a slower search finishing late) are dropped, so Enter never acts on a stale list."""
        if message.query != self.query_one("#service-search", Input).value:
            return
        self.items = items = message.items
        self.bundles = {bundle.code: bundle for bundle in message.bundles}
        self.listed_query = message.query
        options = self.query_one("#services", OptionList)
        options.clear_options()
        if message.frequent:
            options.add_option(Option(_("常办事项"), disabled=True))
            options.add_options([Option(service_label(item), id=FREQUENT + item.code)
                                 for item in message.frequent])
        first_bundle = options.option_count + 1
        if message.bundles:
            options.add_option(Option(_("一件事（多个事项一次申请）"), disabled=True))
            options.add_options([Option(f"{b.code}  {b.name.get(language())}", id=BUNDLE + b.code)
                                 for b in message.bundles])
        if message.frequent or message.bundles:
            options.add_option(Option(_("全部可办事项"), disabled=True))
        first_item = options.option_count
        options.add_options([Option(service_label(item), id=item.code) for item in items])
        # Enter from the search opens a 常办事项 first, else the first match, else a 一件事.
        if message.frequent:
            options.highlighted = 1
        elif items:
            options.highlighted = first_item
        elif message.bundles:
            options.highlighted = first_bundle
        self.query_one("#service-hint", Static).update(
            _("共 {count} 项；↑↓ 选择，回车开始填表，F2 办事指南").format(count=len(items)))
        if message.bundles:
            self.query_one("#service-hint", Static).update(
                _("共 {count} 项、一件事 {bundles} 个；↑↓ 选择，回车开始填表，F2 办事指南").format(
                    count=len(items), bundles=len(message.bundles)))
        if self.entered_query == message.query:
            self.entered_query = None
            self.start_highlighted()

    @on(Input.Submitted, "#service-search")
    def search_submitted(self, event: Input.Submitted) -> None:
        """Enter in the search opens the highlighted service once the list shows this search:
        at once, or when its results arrive if the worker typed and pressed Enter faster than
        the search ran. Typing on after Enter changes the search, and the early Enter lapses."""
        if self.listed_query == event.value:
            self.start_highlighted()
        else:
            self.entered_query = event.value

    @on(Input.Submitted, "#id-number")
    def id_submitted(self) -> None:
        self.query_one("#person-name", Input).focus()

    @on(Input.Submitted, "#person-name")
    def name_submitted(self) -> None:
        self.query_one("#service-search", Input).focus()

    def highlighted_item(self) -> Item | None:
        """The service under the list's cursor, if the list shows the current search."""
        options = self.query_one("#services", OptionList)
        if self.listed_query is None or options.highlighted is None:
            return None
        code = options.get_option_at_index(options.highlighted).id
        if code and code.startswith(BUNDLE):
            return None
        by_code = {item.code: item for item in self.items}
        return by_code.get(code.removeprefix(FREQUENT)) if code else None

    def action_guide(self) -> None:
        item = self.highlighted_item()
        if item is not None:
            self.app.push_screen(self.new_screen("guide", item))

    def action_focus_search(self) -> None:
        self.query_one("#service-search", Input).focus()

    def action_focus_services(self) -> None:
        self.query_one("#services", OptionList).focus()

    def on_key(self, event: events.Key) -> None:
        """Typing while the list has the focus goes on with the search."""
        search = self.query_one("#service-search", Input)
        focused = self.focused
        if event.is_printable and event.character and isinstance(focused, OptionList):
            search.focus()
            search.insert_text_at_cursor(event.character)
            event.stop()
        elif event.key == "backspace" and isinstance(focused, OptionList):
            search.focus()
            search.action_delete_left()
            event.stop()

    @on(OptionList.OptionSelected, "#services")
    def service_selected(self) -> None:
        self.start_highlighted()

    def start_highlighted(self) -> None:
        """Open the highlighted line: a 一件事, or one service."""
        bundle = self.highlighted_bundle()
        if bundle is not None:
            self.start_bundle(bundle)
        else:
            self.start_with(self.highlighted_item())

    def highlighted_bundle(self) -> OneThing | None:
        """The 一件事 under the list's cursor, if that is what it shows."""
        options = self.query_one("#services", OptionList)
        if self.listed_query is None or options.highlighted is None:
            return None
        code = options.get_option_at_index(options.highlighted).id or ""
        return self.bundles.get(code.removeprefix(BUNDLE)) if code.startswith(BUNDLE) else None

    def start_bundle(self, bundle: OneThing) -> None:
        """一件事 needs the person first (card or typed ID number): then one draft per item."""
        error = self.query_one("#applicant-error", Static)
        if self.opening:
            return
        if self.card is None and not self.query_one("#id-number", Input).value.strip():
            error.update(_("一件事须先读卡或输入身份证号"))
            return
        try:
            identity = self.identity()
        except ValidationFailed as exc:
            error.update(error_text(exc))
            return
        error.update(_("正在建立草稿…"))
        self.opening = True
        self.open_case(bundle, identity)

    @work(thread=True, exclusive=True, exit_on_error=False, group="draft", description="open a 一件事")
    def open_case(self, bundle: OneThing, identity: Identity) -> None:
        """Make the case: one draft per item for the same person, in one transaction."""
        try:
            self.post_message(CaseOpened(self.services.counter.start_case(self.session, bundle, identity)))
        finally:
            self.opening = False

    @on(CaseOpened)
    def show_case(self, message: CaseOpened) -> None:
        self.app.switch_screen(self.new_screen("bundle", message.case))

    def start_with(self, item: Item | None) -> None:
        """Check the applicant, then open the draft for `item`. With no card and no ID number
        typed yet, the form opens at once and waits for the card."""
        error = self.query_one("#applicant-error", Static)
        if item is None or self.opening:
            return
        if self.card is None and not self.business and not self.query_one("#id-number", Input).value.strip():
            self.await_card(item)
            return
        try:
            identity = self.identity()
            applicant = (business_applicant(self.query_one("#credit-code", Input).value,
                                            self.query_one("#business-name", Input).value, identity)
                         if self.business else None)
        except ValidationFailed as exc:
            error.update(error_text(exc))
            return
        error.update(_("正在建立草稿…"))
        self.opening = True
        self.open_draft(item, identity, applicant)

    def await_card(self, item: Item) -> None:
        """No card or ID number yet: open the form now; it waits for the card to fill it."""
        from station.core.counter import CounterDraft

        draft = CounterDraft(item, Identity("", ""), Applicant("person", "", ""))
        self.app.switch_screen(self.new_screen("form", draft, fresh=True))

    @work(thread=True, exclusive=True, exit_on_error=False, group="draft", description="open a draft")
    def open_draft(self, item: Item, identity: Identity, applicant: Any) -> None:
        """Create the draft in the store (it autosaves from here on)."""
        self.post_message(DraftOpened(self.services.counter.start(self.session, item, identity, applicant)))

    @on(DraftOpened)
    def show_form(self, message: DraftOpened) -> None:
        self.app.switch_screen(self.new_screen("form", message.draft, fresh=True))

