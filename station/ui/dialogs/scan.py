"""Attach a scan from the document camera's inbox to a material, with a preview."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import OptionList, Select, Static
from textual.widgets.option_list import Option

from devices import ScanOffered
from station.core.counter import CounterDraft
from station.core.station_devices import attach_offered_scan
from station.ui.dialogs.base import StationDialog
from station.ui.i18n import N_, _, language
from station.ui.messages import ActionDone, ScanArrived
from station.ui.widgets.counter.scan_preview import ScanPreview


class AttachScanDialog(StationDialog[str | None]):
    """附加扫描件."""

    BINDINGS = [
        Binding("ctrl+s", "attach", N_("附加"), id="attach"),
        Binding("escape", "cancel", N_("取消"), id="cancel"),
    ]

    def __init__(self, draft: CounterDraft, scans: list[ScanArrived], material: str | None) -> None:
        super().__init__()
        self.draft = draft
        self.scans = scans
        self.material = material
        self.attached: str | None = None

    def compose(self) -> ComposeResult:
        materials = [(m.name.get(language()), m.id) for m in self.draft.item.materials]
        with Vertical(classes="dialog", id="scan-dialog"):
            yield Static(_("选择扫描件和对应的材料，ctrl+s 附加"), classes="section-title")
            with Horizontal():
                yield OptionList(*[Option(Path(s.path).name, id=s.sha256) for s in self.scans],
                                 id="scans")
                yield ScanPreview("", id="scan-preview")
            yield Select(materials, id="scan-material", prompt=_("对应材料"),
                         value=self.material or Select.NULL)
            yield Static("", id="scan-error", markup=False)

    def on_mount(self) -> None:
        self.query_one("#scans", OptionList).highlighted = 0
        self.query_one("#scans", OptionList).focus()

    @on(OptionList.OptionHighlighted, "#scans")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        scan = self.scans[event.option_index]
        try:
            content: bytes | None = Path(scan.path).read_bytes()
        except OSError:
            content = None
        self.query_one(ScanPreview).show(content, scan.media_type)

    def action_attach(self) -> None:
        index = self.query_one("#scans", OptionList).highlighted
        material = self.query_one("#scan-material", Select).value
        if index is None or material is Select.NULL:
            self.query_one("#scan-error", Static).update(_("请选择扫描件和对应的材料"))
            return
        scan = self.scans[index]
        self.attach(ScanOffered(Path(scan.path), scan.sha256, scan.media_type, scan.size), str(material))

    @work(thread=True, exclusive=True, exit_on_error=False, group="scan", description="attach a scan")
    def attach(self, offer: ScanOffered, material: str) -> None:
        """Store the scan in the encrypted store and take it out of the inbox."""
        devices, counter = self.services.devices, self.services.counter
        self.attached = attach_offered_scan(counter, devices, self.session, self.draft, material, offer)
        self.post_message(ActionDone(_("扫描件已附加")))

    @on(ActionDone)
    def done(self) -> None:
        self.dismiss(self.attached)

    def action_cancel(self) -> None:
        self.dismiss(None)
