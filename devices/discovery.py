"""Find serial devices and tell readers from printers by asking them (a probe).

Ports come from ``/dev/serial/by-id`` (stable names, preferred), ``ttyUSB*`` and
``ttyACM*``. The probe asks for printer status first (DLE EOT 1, which a reader ignores
as line noise), then for the reader's SAM status, so a printer never receives the
reader's frame as text to print.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from devices.errors import DeviceError, PortError, ReaderStatusError
from devices.idcard.reader import CardReader, ReaderTimeouts
from devices.printer.driver import PrinterTimeouts, ReceiptPrinter

DeviceKind = Literal["reader", "printer"]


@dataclass(frozen=True)
class PortInfo:
    """A serial port: the path to open and the device node it points to."""

    path: str
    device: str
    stable: bool


@dataclass(frozen=True)
class ProbeResult:
    """What answered on a port: a reader (with its SAM ID), a printer, or nothing."""

    port: str
    kind: DeviceKind | None
    detail: str = ""
    baud: int | None = None


def discover_ports(dev: Path = Path("/dev")) -> list[PortInfo]:
    """Serial ports, one per device node, by-id names first."""
    found: dict[str, PortInfo] = {}
    by_id = dev / "serial" / "by-id"
    if by_id.is_dir():
        for link in sorted(by_id.iterdir()):
            device = os.path.realpath(link)
            found.setdefault(device, PortInfo(str(link), device, stable=True))
    for pattern in ("ttyUSB*", "ttyACM*"):
        for node in sorted(dev.glob(pattern)):
            device = os.path.realpath(node)
            found.setdefault(device, PortInfo(str(node), device, stable=False))
    return list(found.values())


def probe_port(
    port: str,
    printer_bauds: tuple[int, ...] = (9600, 115200),
    reader_baud: int = 115200,
    timeout: float = 0.3,
) -> ProbeResult:
    """Ask the device on ``port`` what it is; never raises for a silent or odd device."""
    for baud in printer_bauds:
        if _is_printer(port, baud, timeout):
            return ProbeResult(port, "printer", "DLE EOT", baud)
    sam = _reader_sam(port, reader_baud, timeout)
    if sam is not None:
        return ProbeResult(port, "reader", sam, reader_baud)
    return ProbeResult(port, None)


def _is_printer(port: str, baud: int, timeout: float) -> bool:
    try:
        with ReceiptPrinter.open(port, baud, timeouts=PrinterTimeouts(status=timeout)) as printer:
            return printer.query(1) is not None
    except DeviceError:
        return False


def _reader_sam(port: str, baud: int, timeout: float) -> str | None:
    """The SAM ID shown by a reader on the port; "SAM error" text when its SAM fails."""
    try:
        with CardReader.open(port, baud, timeouts=ReaderTimeouts(control=timeout)) as reader:
            try:
                reader.sam_status()
                return reader.sam_id().display
            except ReaderStatusError as error:
                return f"SAM {error.code:02X}"
    except (PortError, DeviceError):
        return None
