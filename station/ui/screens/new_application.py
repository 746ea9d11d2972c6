"""New application: the service, the applicant and a few fields; submit gives a receipt."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.validation import Function
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static

from station.core.applications import Applicant, DraftInput
from station.core.errors import JiujinError, ValidationFailed
from station.core.identity import is_valid_id_number
from station.core.seed import ServiceChoice
from station.core.session import Session
from station.ui.messages import ApplicationRefused, ApplicationSubmitted

FIELD_IDS = {"applicant.name": "applicant-name", "applicant.id_number": "id-number",
             "item_code": "service"}


class NewApplicationScreen(Screen[None]):
    """新建申请."""

    BINDINGS = [
        Binding("ctrl+s", "submit", "提交 Submit", id="submit"),
        Binding("escape", "app.pop_screen", "返回 Back", id="back"),
    ]

    def __init__(self, session: Session, services: list[ServiceChoice]) -> None:
        super().__init__()
        self.session = session
        self.services = services

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="form"):
            yield Label("办理事项 Service")
            yield Select([(s.name, s.code) for s in self.services], id="service", prompt="请选择事项")
            yield Label("申请人姓名 Applicant's name")
            yield Input(id="applicant-name")
            yield Label("公民身份号码 Citizen ID number")
            yield Input(id="id-number", max_length=18,
                        validators=[Function(is_valid_id_number, "身份证号码校验位不符或日期无效")])
            yield Label("联系电话 Phone")
            yield Input(id="phone", max_length=13)
            yield Static("", id="form-errors")
            yield Button("提交 Submit (ctrl+s)", id="submit", variant="primary")
        yield Footer()

    @on(Button.Pressed, "#submit")
    def action_submit(self) -> None:
        service = self.query_one("#service", Select).value
        choice = next((s for s in self.services if s.code == service), None)
        name = self.query_one("#applicant-name", Input).value
        id_number = self.query_one("#id-number", Input).value
        phone = self.query_one("#phone", Input).value
        draft = DraftInput(
            item_code=choice.code if choice else "",
            item_name=choice.name if choice else "",
            catalog_version=choice.catalog_version if choice else "",
            applicant=Applicant("person", id_number, name),
            values={"name": name, "id_number": id_number, "phone": phone},
            provenance={"name": "typed", "id_number": "typed", "phone": "typed"},
        )
        self.query_one("#form-errors", Static).update("正在提交…")
        self.submit_draft(draft)

    @work(thread=True, exclusive=True, exit_on_error=False, group="submit", description="submit")
    def submit_draft(self, draft: DraftInput) -> None:
        """Create the draft and submit it: one call each to the core service."""
        applications = self.app.store.applications  # type: ignore[attr-defined]
        try:
            app = applications.create_draft(self.session, draft)
            app = applications.submit(self.session, app.id)
        except ValidationFailed as exc:
            self.post_message(ApplicationRefused(exc.message_zh, exc.errors))
            return
        except JiujinError as exc:
            self.post_message(ApplicationRefused(exc.message_zh, {}))
            return
        self.post_message(ApplicationSubmitted(app.id, app.receipt_number))

    @on(ApplicationRefused)
    def show_errors(self, message: ApplicationRefused) -> None:
        lines = [message.message] + [f"· {text}" for text in message.errors.values()]
        self.query_one("#form-errors", Static).update("\n".join(lines))
        for key in message.errors:
            if key in FIELD_IDS:
                self.query_one(f"#{FIELD_IDS[key]}").add_class("-invalid")

    @on(ApplicationSubmitted)
    def done(self, message: ApplicationSubmitted) -> None:
        self.app.notify(f"已受理，回执号 {message.receipt_number}", title="提交成功 Submitted")
        self.app.pop_screen()
