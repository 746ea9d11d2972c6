"""The materials checklist: what the card and shared data already satisfy, what is missing."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.widgets import DataTable

from forms import Evaluation, MaterialStatus
from kernel.width import text_width
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


#: The narrowest the columns get (both wrap): a status takes at most two fifths of the width.
MIN_STATUS_WIDTH = 6
MIN_NAME_WIDTH = 10


class MaterialsChecklist(DataTable[Text]):
    """Rows of materials; space marks the selected one as handed over on paper."""

    BINDINGS = [Binding("space", "toggle_received", N_("纸质已收"), id="received")]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)  # type: ignore[arg-type]
        self.material_ids: list[str] = []
        self.shown: dict[str, str] = {}
        self.evaluation: Evaluation | None = None
        self.laid_out_for = 0  # the width the columns were sized for

    def on_resize(self, event: events.Resize) -> None:
        if self.evaluation is not None and self.size.width != self.laid_out_for:
            self.material_ids = []
            self.apply(self.evaluation)

    def apply(self, evaluation: Evaluation) -> None:
        """Show the statuses the engine decided, keeping the cursor where it was."""
        self.evaluation = evaluation
        ids = [s.material.id for s in evaluation.materials]
        if ids != self.material_ids:
            row = self.cursor_row
            self.set_columns(evaluation)
            self.material_ids, self.shown = ids, {}
            for status in evaluation.materials:
                self.add_row(*self._cells(status), key=status.material.id, height=None)
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

    def set_columns(self, evaluation: Evaluation) -> None:
        """The status column as wide as its longest status, up to two fifths of the width; the
        material's name takes the rest. Both wrap, so a long name or status is read whole."""
        self.clear(columns=True)
        self.laid_out_for = self.size.width
        if not self.size.width:  # not laid out yet: sized again on the first resize
            self.add_columns(_("状态"), _("材料"))
            return
        longest = max([text_width(_("状态"))] + [text_width(status_text(s)) for s in evaluation.materials])
        room = self.size.width - 2 * 2 * self.cell_padding - 2  # two columns' padding, a scrollbar
        status_width = max(MIN_STATUS_WIDTH, min(longest, room * 2 // 5))
        self.add_column(_("状态"), width=status_width)
        self.add_column(_("材料"), width=max(MIN_NAME_WIDTH, room - status_width))

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
