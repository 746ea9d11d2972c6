"""Simulated reader and printer on pseudo-terminals, for ``jiujin demo`` and UI tests.

with DemoDevices() as demo:
    manager = DeviceManager(demo.config(), on_event)   # real drivers, real serial ports
    demo.present_card(0)                               # "tap" the first fixture card
    ...
    demo.printer_model.receipts[-1].render_text()      # what came out of the printer
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from devices.config import DeviceConfig, PrinterConfig, ReaderConfig
from devices.fixtures import CardFixture, all_fixtures, load_fixture
from devices.simulators.link import PtyLink
from devices.simulators.printer import PrinterSimulator
from devices.simulators.printer_model import PrinterModel
from devices.simulators.reader import CardTiming, ReaderSimulator


class DemoDevices:
    """Both simulators served on ptys; a context manager that stops them on exit.

    The bauds default to the settings schema's (reader 115200, printer 9600). With no
    ``printer_baud`` the simulated printer is unpaced, so demo receipts come out at once.
    """

    def __init__(
        self,
        paper_mm: Literal[58, 80] = 80,
        reader_baud: int = ReaderConfig.baud,
        printer_baud: int | None = None,
        timing: CardTiming | None = None,
    ) -> None:
        self.paper_mm = paper_mm
        self.fixtures: list[CardFixture] = all_fixtures()
        self.reader_simulator = ReaderSimulator(timing or CardTiming())
        self.printer_simulator = PrinterSimulator(paper_mm)
        self._reader_link = PtyLink(self.reader_simulator, reader_baud, name="demo-reader")
        self._printer_link = PtyLink(self.printer_simulator, printer_baud, name="demo-printer")
        self._reader_baud = reader_baud
        self._printer_baud = printer_baud or PrinterConfig.baud
        self._started = False

    def cards(self) -> list[CardFixture]:
        """The simulator's cards as a demo offers them: residents first, 张三 at the top."""
        return sorted(self.fixtures,
                      key=lambda f: (f.card_type != "resident", f.name != "resident_zhangsan", f.name))

    def start(self) -> DemoDevices:
        self._reader_link.start()
        self._printer_link.start()
        self._started = True
        return self

    def stop(self) -> None:
        if self._started:
            self._reader_link.stop()
            self._printer_link.stop()
            self._started = False

    def __enter__(self) -> DemoDevices:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def reader_port(self) -> str:
        return self._reader_link.port

    @property
    def printer_port(self) -> str:
        return self._printer_link.port

    @property
    def printer_model(self) -> PrinterModel:
        """What the simulated printer has printed (for previews and tests)."""
        return self.printer_simulator.model

    def present_card(self, card: CardFixture | str | int | Path) -> CardFixture:
        """Place a fixture card on the reader: by fixture, name, index or file path."""
        fixture = self._fixture(card)
        self.reader_simulator.present(fixture)
        return fixture

    def remove_card(self) -> None:
        self.reader_simulator.remove()

    def config(self, scan_folder: Path | None = None) -> DeviceConfig:
        """A :class:`DeviceConfig` pointing the drivers at these simulators."""
        return DeviceConfig.of(
            ReaderConfig(self.reader_port, self._reader_baud),
            PrinterConfig(self.printer_port, self._printer_baud, paper_mm=self.paper_mm),
            scan_folder=scan_folder,
        )

    def _fixture(self, card: CardFixture | str | int | Path) -> CardFixture:
        if isinstance(card, CardFixture):
            return card
        if isinstance(card, int):
            return self.fixtures[card]
        return load_fixture(card)
