"""A simulated ESC/POS receipt printer: parses the stream into a model, answers status.

It answers DLE EOT at once, even mid-job and while stopped; it answers GS r only in
queue order, after the data before it has printed, which is how the driver proves a job
printed. When the paper runs out or the cover opens, it stops: the rest of the job is
dropped (this model's choice: the driver reprints the whole job) until the paper is
loaded or the cover closed. A paper roll of ``paper_lines`` runs out mid-job.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import replace

from devices.simulators.escpos_parser import EscPosParser, Op
from devices.simulators.printer_model import (
    PrintedBarcode,
    PrintedImage,
    PrintedLine,
    PrintedQR,
    PrinterModel,
    Style,
)
from devices.simulators.wire import Reply

_ALIGN = {0: "left", 1: "center", 2: "right", 0x30: "left", 0x31: "center", 0x32: "right"}
_LEVELS = {0x30: "L", 0x31: "M", 0x32: "Q", 0x33: "H"}
_QR_LINES = 8
_CUT_KINDS = {0: "full", 0x30: "full", 0x41: "full", 0x61: "full", 0x67: "full"}


class PrinterSimulator:
    """The printer's state and its model of the paper; thread-safe."""

    def __init__(
        self, paper_mm: int = 80, paper_lines: int | None = None, paper_sensor: bool = True
    ) -> None:
        self.model = PrinterModel(paper_mm)
        self.paper_sensor = paper_sensor
        self._parser = EscPosParser()
        self._lock = threading.RLock()
        self._style = Style()
        self._line = ""
        self._line_columns = 0  # as the head prints them, counted from the bytes
        self._qr: dict[str, object] = {}
        self._barcode = {"height": 80, "width": 2, "hri": 0}
        self._paper_lines = paper_lines
        self._cover_after: int | None = None
        self._near_end = False
        self._paper_out = False
        self._cover_open = False
        self._asb_mask = 0
        self._output: Callable[[bytes], None] | None = None
        self.powered = True
        self.received = bytearray()

    # --- what a test or the demo does -------------------------------------------------------

    def set_paper(self, state: str, lines: int | None = None) -> None:
        """'ok', 'near_end' or 'out'; ``lines`` left on the roll before it runs out."""
        with self._lock:
            if self._paper_out and state != "out":
                self.model.tear()
            self._paper_out = state == "out"
            self._near_end = state == "near_end"
            self._paper_lines = lines if state != "out" else 0
            self._status_changed()

    def open_cover(self) -> None:
        with self._lock:
            if not self._cover_open and self.model.current.items:
                self.model.interrupt()
            self._cover_open = True
            self._status_changed()

    def close_cover(self) -> None:
        with self._lock:
            if self._cover_open:
                self.model.tear()
            self._cover_open = False
            self._status_changed()

    def open_cover_after(self, lines: int) -> None:
        """The cover will be opened after ``lines`` more lines have printed (mid-job)."""
        with self._lock:
            self._cover_after = lines

    def power_off(self) -> None:
        """Answer nothing and print nothing (switched off, cable pulled)."""
        with self._lock:
            self.powered = False

    def power_on(self) -> None:
        with self._lock:
            self.powered = True
            self._parser = EscPosParser()

    @property
    def stopped(self) -> bool:
        """True while the printer cannot print (paper out or cover open)."""
        return self._paper_out or self._cover_open

    # --- status bytes (reference §2.6) -------------------------------------------------------

    def status_byte(self, n: int) -> int:
        """The DLE EOT n reply for the current state."""
        with self._lock:
            if n == 1:
                return 0x12 | (0x08 if self.stopped else 0)
            if n == 2:
                paper_stop = 0x20 if self._paper_out else 0
                return 0x12 | (0x04 if self._cover_open else 0) | paper_stop
            if n == 3:
                return 0x12
            return 0x12 | (0x60 if self._paper_out else 0) | (0x0C if self._near_end else 0)

    def asb_bytes(self) -> bytes:
        """The 4 automatic-status-back bytes for the current state."""
        first = 0x10 | (0x08 if self.stopped else 0) | (0x20 if self._cover_open else 0)
        third = (0x0C if self._paper_out else 0) | (0x03 if self._near_end else 0)
        return bytes([first, 0, third, 0])

    def _status_changed(self) -> None:
        if self._asb_mask and self._output is not None:
            self._output(self.asb_bytes())

    # --- the wire -------------------------------------------------------------------------

    def attach_output(self, send: Callable[[bytes], None] | None) -> None:
        with self._lock:
            self._output = send

    def receive(self, data: bytes) -> list[Reply]:
        with self._lock:
            if not self.powered:
                return []
            self.received += data
            replies = []
            for op in self._parser.feed(data):
                answer = self._apply(op)
                if answer:
                    replies.append(Reply(0.0, answer, str(op[0])))
            return replies

    def _apply(self, op: Op) -> bytes | None:
        kind = op[0]
        if kind == "status":
            return bytes([self.status_byte(int(op[1]))])  # type: ignore[call-overload]
        if kind == "gs" and op[1] == "a":
            self._asb_mask = int(op[2])  # type: ignore[call-overload]
            return self.asb_bytes() if self._asb_mask else None
        if self.stopped:
            return None
        if kind == "gs" and op[1] == "r":
            return bytes([0x03 if self._near_end else 0x00]) if self.paper_sensor else None
        self._print(op)
        return None

    # --- printing --------------------------------------------------------------------------

    def _print(self, op: Op) -> None:
        kind = op[0]
        if kind == "text":
            self._line += str(op[1])
            self._line_columns += int(op[2])  # type: ignore[call-overload]
        elif kind == "lf":
            self._emit_line()
        elif kind in ("esc", "fs", "gs"):
            self._command(str(op[1]), [int(a) for a in op[2:]], str(kind))  # type: ignore[call-overload]
        elif kind == "cut":
            self._cut(int(op[1]))  # type: ignore[call-overload]
        elif kind == "qr":
            self._qr_function(int(op[1]), bytes(op[2]))  # type: ignore[call-overload]
        elif kind == "barcode":
            self._print_barcode(int(op[1]), bytes(op[2]))  # type: ignore[call-overload]
        elif kind == "image":
            self._print_image(*op[1:])  # type: ignore[arg-type]
        elif kind == "unknown":
            self.model.unknown_commands.append(bytes(op[1]))  # type: ignore[call-overload]

    def _command(self, key: str, args: list[int], prefix: str) -> None:
        style = self._style
        if prefix == "esc" and key == "@":
            self._style, self._line, self._line_columns = Style(), "", 0
        elif prefix == "esc" and key == "a":
            self._style = replace(style, align=_ALIGN.get(args[0], "left"))
        elif prefix == "esc" and key == "E":
            self._style = replace(style, bold=bool(args[0] & 1))
        elif prefix == "esc" and key == "-":
            self._style = replace(style, underline=args[0] % 0x30 if args[0] >= 0x30 else args[0])
        elif prefix == "esc" and key == "!":
            self._style = _print_mode(style, args[0])
        elif prefix == "gs" and key == "!":
            self._style = replace(style, width=(args[0] >> 4) + 1, height=(args[0] & 0x0F) + 1)
        elif prefix == "esc" and key == "d":
            self._feed(args[0])
        elif prefix == "esc" and key == "p":
            self.model.drawer_kicks += 1
        elif prefix == "gs" and key in "hwH":
            self._barcode[{"h": "height", "w": "width", "H": "hri"}[key]] = args[0]

    def _emit_line(self) -> None:
        if self._consume(1):
            self.model.add(PrintedLine(self._line, self._style, self._line_columns * self._style.width))
        self._line, self._line_columns = "", 0

    def _feed(self, lines: int) -> None:
        for _ in range(lines):
            if not self._consume(1):
                return
            self.model.add(PrintedLine("", self._style))

    def _cut(self, mode: int) -> None:
        if self._line:
            self._emit_line()
        if not self.stopped:
            self.model.cut(_CUT_KINDS.get(mode, "partial"))

    def _qr_function(self, function: int, data: bytes) -> None:
        if function == 0x41:
            self._qr["model"] = data[0] - 0x30 if data else 2
        elif function == 0x43:
            self._qr["size"] = data[0] if data else 3
        elif function == 0x45:
            self._qr["level"] = _LEVELS.get(data[0], "?") if data else "M"
        elif function == 0x50:
            self._qr["data"] = data[1:]
        elif function == 0x51 and "data" in self._qr and self._consume(_QR_LINES):
            self.model.add(
                PrintedQR(
                    bytes(self._qr["data"]),  # type: ignore[call-overload]
                    int(self._qr.get("size", 3)),  # type: ignore[call-overload]
                    str(self._qr.get("level", "L")),
                    int(self._qr.get("model", 2)),  # type: ignore[call-overload]
                    self._style.align,
                )
            )

    def _print_barcode(self, symbology: int, data: bytes) -> None:
        settings = self._barcode
        if self._consume(max(1, settings["height"] // 24)):
            self.model.add(
                PrintedBarcode(
                    symbology,
                    data,
                    settings["height"],
                    settings["width"],
                    settings["hri"],
                    self._style.align,
                )
            )

    def _print_image(self, width: int, height: int, bits: bytes) -> None:
        if self._consume(max(1, height // 24)):
            self.model.add(PrintedImage(width, height, bits))

    def _consume(self, lines: int) -> bool:
        """Use paper; False (and the printer stops) when the roll runs out."""
        if self.stopped:
            return False
        if self._cover_after is not None:
            if self._cover_after < lines:
                self._cover_after = None
                self.model.interrupt()
                self._cover_open = True
                self._status_changed()
                return False
            self._cover_after -= lines
        if self._paper_lines is None:
            return True
        if self._paper_lines < lines:
            self._paper_lines = 0
            self._paper_out = True
            self.model.interrupt()
            self._status_changed()
            return False
        self._paper_lines -= lines
        return True


def _print_mode(style: Style, n: int) -> Style:
    """ESC ! n: bit3 emphasised, bit4 double height, bit5 double width, bit7 underline."""
    return replace(
        style,
        bold=bool(n & 0x08),
        height=2 if n & 0x10 else 1,
        width=2 if n & 0x20 else 1,
        underline=1 if n & 0x80 else 0,
    )
