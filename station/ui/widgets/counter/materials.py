"""The materials checklist: what the card and shared data already satisfy, what is missing."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from forms import Evaluation, MaterialStatus
from station.ui.i18n import N_, _, language

STATUS_TEXT = {
    "provided": N_("已收"), "satisfied_by_card": N_("身份证已核验"),
    "satisfied_by_shared_data": N_("数据共享获取"), "missing": N_("缺"),
    "missing_rongque": N_("缺（可容缺）"),
}
STATUS_STYLE = {"missing": "bold", "missing_rongque": "italic"}


def status_text(status: MaterialStatus) -> str:
    if status.status == "provided" and status.detail == "onsite":
        return _("窗口现场生成")
    return stored_status_text(status.status)


def stored_status_text(status: str) -> str:
    """A material status as stored with an application, in words."""
    return _(STATUS_TEXT[status]) if status in STATUS_TEXT else status


@dataclass
class MaterialToggled(Message):
    """The operator marked (or unmarked) a material as handed over on paper."""

    material_id: str


class MaterialsChecklist(DataTable[Text]):
    """Rows of materials; space marks the selected one as handed over on paper."""

    BINDINGS = [Binding("space", "toggle_received", N_("纸质已收"), id="received")]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self.material_ids: list[str] = []
        self.shown: dict[str, str] = {}

    def on_mount(self) -> None:
        self.add_columns(_("状态"), _("材料"))

    def apply(self, evaluation: Evaluation) -> None:
        """Show the statuses the engine decided, keeping the cursor where it was."""
        ids = [s.material.id for s in evaluation.materials]
        if ids != self.material_ids:
            row = self.cursor_row
            self.clear()
            self.material_ids, self.shown = ids, {}
            for status in evaluation.materials:
                self.add_row(*self._cells(status), key=status.material.id)
                self.shown[status.material.id] = status_text(status)
            if self.row_count:
                self.move_cursor(row=min(row, self.row_count - 1))
            return
        for status in evaluation.materials:
            text = status_text(status)
            if self.shown.get(status.material.id) != text:
                self.shown[status.material.id] = text
                self.update_cell(status.material.id, self.ordered_columns[0].key,
                                 self._cells(status)[0])

    def _cells(self, status: MaterialStatus) -> tuple[Text, Text]:
        name = status.material.name.get(language())
        if status.material.necessity == "optional":
            name += _("（可选）")
        style = STATUS_STYLE.get(status.status, "")
        return Text(status_text(status), style=style), Text(name)

    def selected_material(self) -> str | None:
        if not self.material_ids or self.cursor_row >= len(self.material_ids):
            return None
        return self.material_ids[self.cursor_row]

    def action_toggle_received(self) -> None:
        material = self.selected_material()
        if material is not None:
            self.post_message(MaterialToggled(material))
