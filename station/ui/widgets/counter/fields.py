"""The form, rendered from the catalog: one widget per field, values out, evaluation in.

Widgets translate: `FormView.to_values()` gives the raw values as entered and
`FormView.apply(evaluation)` shows what the forms engine decided (visibility, computed
values, field errors). Nothing here decides whether a value is valid.
"""

from __future__ import annotations

from typing import Any

from rich.cells import cell_len
from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Size
from textual.message import Message
from textual.reactive import Reactive
from textual.widget import Widget
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    OptionList,
    Select,
    SelectionList,
    Static,
)
from textual.widgets.option_list import Option

from forms import Evaluation, Field, hangzhou_divisions
from forms.search import find_divisions
from forms.serialize import jsonable
from station.ui.i18n import N_, _, language

PLACEHOLDERS = {"date": N_("年-月-日，如 2026-01-31"), "phone": N_("手机或固定电话"),
                "money": N_("金额（元）"), "id_number": N_("18 位身份证号"),
                "credit_code": N_("18 位统一社会信用代码")}
DIVISION_PLACEHOLDERS = {"hangzhou-county": N_("区县名称或拼音，如 西湖区、xhq"),
                         "hangzhou-town": N_("乡镇（街道）名称或拼音，如 北山、bsj"),
                         "hangzhou": N_("区县或乡镇（街道）名称或拼音")}


class FieldChanged(Message):
    """The operator changed a field's value."""

    def __init__(self, field_id: str) -> None:
        super().__init__()
        self.field_id = field_id


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(jsonable(value))


class FieldInput(Input):
    """A one-line input whose size never depends on its text, so typing repaints it alone.

    Textual's Input keeps its text width as a layout-refreshing virtual size; in a long form
    that relayouts the whole screen on every keystroke (tens of milliseconds for 60 fields).
    Its height and width here come from the stylesheet, so the layout cannot change.
    """

    virtual_size: Reactive[Size] = Reactive(Size(0, 0), layout=False)


def control_for(field: Field, widget_id: str) -> Widget:
    """The input control of one plain field (compact: one line each)."""
    tooltip = field.help.get(language()) if field.help is not None else None
    control: Widget
    if field.type == "choice":
        options = [(c.label.get(language()), c.value) for c in field.choices]
        control = Select(options, id=widget_id, prompt=_("请选择"), allow_blank=True, compact=True)
    elif field.type == "multi_choice":
        control = SelectionList[str](*[(c.label.get(language()), c.value) for c in field.choices],
                                     id=widget_id)
    elif field.type == "boolean":
        control = Checkbox("", id=widget_id, compact=True)
    else:
        hint = (DIVISION_PLACEHOLDERS.get(field.scope, "") if field.type == "division"
                else PLACEHOLDERS.get(field.type, ""))
        placeholder = tooltip or (_(hint) if hint else "")
        # The focus coming back (after the review, a dialog, a lock) never selects the value,
        # so the next key typed cannot replace what was entered.
        control = FieldInput(id=widget_id, placeholder=placeholder,
                             max_length=field.max_length or 0, compact=True, select_on_focus=False)
    control.tooltip = tooltip
    return control


def control_value(control: Widget) -> Any:
    """The raw value a control holds (None when blank)."""
    if isinstance(control, Select):
        return None if control.value is Select.NULL else control.value
    if isinstance(control, SelectionList):
        return list(control.selected) or None
    if isinstance(control, Checkbox):
        return control.value
    if isinstance(control, Input):
        return control.value.strip() or None
    return None


def set_control(control: Widget, value: Any) -> None:
    """Show `value` in the control without posting a change of our own."""
    with control.prevent(Input.Changed, Select.Changed, Checkbox.Changed,
                         SelectionList.SelectedChanged):
        if isinstance(control, Select):
            control.value = value if value is not None else Select.NULL
        elif isinstance(control, SelectionList):
            control.deselect_all()
            for choice in value or []:
                control.select(choice)
        elif isinstance(control, Checkbox):
            control.value = bool(value)
        elif isinstance(control, Input):
            control.value = _text(value)


class FieldWidget(Vertical):
    """One field: label, control, help, and the engine's error for it."""

    def __init__(self, field: Field) -> None:
        super().__init__(classes="field", id=f"field-{field.id}")
        self.field = field
        self.error_text = ""
        self._control: Widget | None = None
        self.shown_value: str | None = None
        self.locked_text: str | None = None  # the text shown in place of the input, if any
        self.attachments = -1
        self.required = field.required

    def on_mount(self) -> None:
        self.query_one(".field-error", Static).display = False
        self.query_one(".locked-value", Static).display = False

    def label_text(self) -> str:
        return self.field.label.get(language()) + (" *" if self.required else "")

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field-row"):
            yield Label(self.label_text(), classes="field-label", markup=False)
            yield from self.controls()
            yield Static("", classes="locked-value", markup=False)
        yield Static("", classes="field-error", markup=False)

    def controls(self) -> ComposeResult:
        if self.field.type == "attachment":
            yield Static(_("尚未附扫描件（F3 附加）"), classes="attachment-state", markup=False)
        else:
            yield control_for(self.field, f"input-{self.field.id}")

    @property
    def control(self) -> Widget | None:
        if self._control is None or not self._control.is_attached:
            found = self.query(f"#input-{self.field.id}")
            self._control = found.first() if found else None
        return self._control

    def value(self) -> Any:
        control = self.control
        return control_value(control) if control is not None else None

    def load(self, value: Any) -> None:
        if self.control is not None:
            set_control(self.control, value)

    def show_required(self, required: bool) -> None:
        """Mark the label with * while the field must be filled (a ``required_if`` that holds)."""
        if required != self.required:
            self.required = required
            self.query_one(".field-label", Label).update(self.label_text())

    def show_error(self, text: str) -> None:
        if text != self.error_text:
            self.error_text = text
            error = self.query_one(".field-error", Static)
            error.update(text)
            error.display = bool(text)
            self.set_class(bool(text), "-invalid")

    def show_value(self, value: Any, locked: bool) -> None:
        """A computed or card-given value: shown, not editable (changes only are drawn)."""
        control, text = self.control, _text(value)
        if isinstance(control, Input) and text != self.shown_value:
            self.shown_value = text
            set_control(control, value)
        if control is not None and control.disabled != locked:
            control.disabled = locked
        if isinstance(control, Input):
            self.show_locked(text if locked else None)

    def show_locked(self, text: str | None) -> None:
        """A locked value is shown as text that wraps, whole however long (an address from the
        card), in place of its input; `None` gives the input back."""
        if text != self.locked_text:
            shown = self.query_one(".locked-value", Static)
            if text is not None:
                # Laying out the screen again is most of a keystroke's time in a long form: a
                # computed value that stays on one line keeps its size and is only redrawn.
                width = shown.content_size.width
                one_line = (shown.display and self.locked_text is not None
                            and cell_len(self.locked_text) <= width and cell_len(text) <= width)
                shown.update(text, layout=not one_line)
            self.locked_text = text
            shown.display = text is not None
        if self.control is not None and self.control.display != (text is None):
            self.control.display = text is None

    def show_attachments(self, count: int) -> None:
        if count == self.attachments:
            return
        self.attachments = count
        for state in self.query(".attachment-state").results(Static):
            state.update(_("已附 {count} 份扫描件").format(count=count) if count
                         else _("尚未附扫描件（F3 附加）"))


class DivisionField(FieldWidget):
    """A division chosen by name: typing a name, its pinyin or pinyin initials (`bsj`, `beishan`)
    lists the matching current divisions with their district; ↓ and Enter pick one, and the
    field holds its code, with the name shown beside it. A code typed in full is taken as it is."""

    LEVELS = {"hangzhou-county": "county", "hangzhou-town": "town"}
    CHOICES = 8

    def compose(self) -> ComposeResult:
        yield from super().compose()
        yield OptionList(classes="division-choices")

    def controls(self) -> ComposeResult:
        yield from super().controls()
        yield Static("", classes="division-name", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(".division-choices", OptionList).display = False

    @property
    def level(self) -> str:
        return self.LEVELS.get(self.field.scope or "", "any")

    @on(Input.Changed)
    def show_name(self, event: Input.Changed) -> None:
        typed = event.value.strip()
        division = hangzhou_divisions().get(typed)
        self.query_one(".division-name", Static).update(division_label(typed) if division else "")
        choices = self.query_one(".division-choices", OptionList)
        found = [] if division is not None or not typed else find_divisions(typed, self.level, self.CHOICES)
        choices.clear_options()
        choices.add_options([Option(f"{division_label(d.code)}  {d.code}", id=d.code) for d in found])
        choices.display = bool(found)
        if found:
            choices.highlighted = 0

    def on_key(self, event: events.Key) -> None:
        """↓ from the field goes into the list of matches; ↑ from its top comes back."""
        choices = self.query_one(".division-choices", OptionList)
        if event.key == "down" and choices.display and self.control is not None and self.control.has_focus:
            choices.focus()
            event.stop()
        elif event.key == "up" and choices.has_focus and choices.highlighted in (0, None):
            if self.control is not None:
                self.control.focus()
            event.stop()

    @on(Input.Submitted)
    def pick_first(self, event: Input.Submitted) -> None:
        """Enter in the field picks the best match (the top of the list)."""
        choices = self.query_one(".division-choices", OptionList)
        if choices.display and choices.option_count:
            event.stop()
            self.pick(str(choices.get_option_at_index(choices.highlighted or 0).id))

    @on(OptionList.OptionSelected, ".division-choices")
    def picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.pick(str(event.option.id))

    def pick(self, code: str) -> None:
        """Hold `code` (the change goes to the form as if it were typed) and hide the list."""
        control = self.control
        if isinstance(control, Input):
            control.value = code
            control.cursor_position = len(code)
            control.focus()
        self.query_one(".division-choices", OptionList).display = False


def division_label(code: str) -> str:
    """A division's name, a town's with its district: 北山街道（西湖区）."""
    table = hangzhou_divisions()
    division = table.get(code)
    if division is None:
        return code
    parent = table.get(division.parent or "") if len(code) == 9 else None
    return f"{division.name}（{parent.name}）" if parent is not None else division.name


class GroupField(FieldWidget):
    """A repeat group (e.g. household members): rows of sub-fields, added and removed."""

    def controls(self) -> ComposeResult:
        with Vertical(classes="group-box"):
            yield Vertical(classes="group-rows")
            with Horizontal(classes="group-buttons"):
                yield Button(_("添加一行"), classes="add-row", compact=True)
                yield Button(_("删除末行"), classes="remove-row", compact=True)

    def rows(self) -> list[Horizontal]:
        return list(self.query(".group-row").results(Horizontal))

    def add_row(self, values: dict[str, Any] | None = None) -> None:
        index = len(self.rows())
        controls = [control_for(sub, f"input-{self.field.id}-{index}-{sub.id}") for sub in self.field.fields]
        for sub, control in zip(self.field.fields, controls, strict=True):
            if isinstance(control, Input):
                control.placeholder = sub.label.get(language())
        row = Horizontal(*controls, classes="group-row")
        self.query_one(".group-rows", Vertical).mount(row)
        if values:
            self.call_after_refresh(self._fill, controls, values)

    def _fill(self, controls: list[Widget], values: dict[str, Any]) -> None:
        for sub, control in zip(self.field.fields, controls, strict=True):
            set_control(control, values.get(sub.id))

    @on(Button.Pressed, ".add-row")
    def added(self, event: Button.Pressed) -> None:
        event.stop()
        self.add_row()
        self.post_message(FieldChanged(self.field.id))

    @on(Button.Pressed, ".remove-row")
    def removed(self, event: Button.Pressed) -> None:
        event.stop()
        rows = self.rows()
        if rows:
            rows[-1].remove()
            self.call_after_refresh(self.post_message, FieldChanged(self.field.id))

    def value(self) -> Any:
        rows = []
        for row in self.rows():
            controls = list(row.children)
            rows.append({sub.id: control_value(c) for sub, c in zip(self.field.fields, controls, strict=False)})
        return rows or None

    def load(self, value: Any) -> None:
        for row_values in value or []:
            self.add_row(row_values if isinstance(row_values, dict) else {})


def field_widget(field: Field) -> FieldWidget:
    if field.type == "group":
        return GroupField(field)
    if field.type == "division":
        return DivisionField(field)
    return FieldWidget(field)


class FormView(VerticalScroll):
    """Every field of an item, in catalog order."""

    def __init__(self, fields: tuple[Field, ...], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.fields = fields
        self.touched: set[str] = set()
        self.show_all_errors = False
        self._widgets: list[FieldWidget] | None = None

    def compose(self) -> ComposeResult:
        for field in self.fields:
            yield field_widget(field)

    def widgets(self) -> list[FieldWidget]:
        if self._widgets is None or len(self._widgets) != len(self.fields):
            self._widgets = list(self.query(FieldWidget).results(FieldWidget))
        return self._widgets

    def to_values(self) -> dict[str, Any]:
        """The raw values as entered (computed and attachment fields left to the engine)."""
        values = {w.field.id: w.value() for w in self.widgets()
                  if w.field.compute is None and w.field.type != "attachment"}
        return {k: v for k, v in values.items() if v is not None}

    def load(self, values: dict[str, Any], shown: dict[str, Any]) -> None:
        """Fill the controls: what was entered, else what the engine prefilled."""
        for widget in self.widgets():
            value = values.get(widget.field.id)
            widget.load(value if value is not None else shown.get(widget.field.id))

    def apply(self, evaluation: Evaluation, card_given: set[str], scans: dict[str, int],
              values: bool = True) -> None:
        """Show the engine's verdict: visibility, computed and card values (unless `values` is
        False), errors.

        Only what changed is touched: a long form must redraw within a frame per keystroke.
        """
        errors: dict[str, list[str]] = {}
        for error in evaluation.errors:
            field_id = error.path.split("[")[0].split(".")[0]
            errors.setdefault(field_id, []).append(error.message.get(language()))
        for widget in self.widgets():
            field = widget.field
            visible = field.id in evaluation.visible
            if widget.display != visible:
                widget.display = visible
            widget.show_required(field.required or field.id in evaluation.required)
            if field.type == "attachment":
                widget.show_attachments(scans.get(field.material or "", 0))
            shown = self.show_all_errors or field.id in self.touched
            widget.show_error("；".join(errors.get(field.id, ())) if shown else "")
        if values:
            self.show_values(evaluation, card_given)

    def show_values(self, evaluation: Evaluation, card_given: set[str]) -> None:
        """The computed and card values of the verdict, each in place of its input."""
        for widget in self.widgets():
            field = widget.field
            if field.compute is not None or field.id in card_given:
                widget.show_value(evaluation.values.get(field.id), locked=True)

    @on(Input.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    @on(SelectionList.SelectedChanged)
    def changed(self, event: Message) -> None:
        control = getattr(event, "control", None)
        if control is None:
            return
        widget = next((a for a in control.ancestors_with_self if isinstance(a, FieldWidget)), None)
        if widget is not None:
            self.touched.add(widget.field.id)
            self.post_message(FieldChanged(widget.field.id))
