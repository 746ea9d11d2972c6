"""Find serial devices and tell readers from printers by asking them (a probe).

Ports come from ``/dev/serial/by-id`` (stable names, preferred), ``ttyUSB*`` and
``ttyACM*``. Each serial :class:`~devices.kind.DeviceKind` brings its own probe; they run
in ``probe_order``: printer status first (DLE EOT 1, which a reader ignores as line
noise), then the reader's SAM status, so a printer never receives the reader's frame as
text to print.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from devices.config import PrinterConfig, ReaderConfig
from devices.kind import DeviceKind


@dataclass(frozen=True)
class PortInfo:
    """A serial port: the path to open and the device node it points to."""

    path: str
    device: str
    stable: bool


@dataclass(frozen=True)
class ProbeResult:
    """What answered on a port: the kind's name ("reader", "printer", …) and its detail."""

    port: str
    kind: str | None
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


def probe_kinds(
    port: str, candidates: Iterable[tuple[DeviceKind, Any]], timeout: float = 0.3
) -> ProbeResult:
    """Ask each candidate kind (with its settings), lowest ``probe_order`` first, whether it
    answers on ``port``; the first that does wins. Never raises for a silent or odd device."""
    for kind, config in sorted(candidates, key=lambda pair: pair[0].probe_order):
        detail = kind.probe(port, config, timeout)
        if detail is not None:
            return ProbeResult(port, kind.name, detail, getattr(config, "baud", None))
    return ProbeResult(port, None)


def probe_port(
    port: str,
    printer_bauds: tuple[int, ...] = (PrinterConfig.baud, 115200),
    reader_baud: int = ReaderConfig.baud,
    timeout: float = 0.3,
) -> ProbeResult:
    """Ask the device on ``port`` whether it is a printer (at each baud) or a reader."""
    from devices.registry import PRINTER, READER

    candidates: list[tuple[DeviceKind, Any]] = [
        (PRINTER, PrinterConfig(baud=baud)) for baud in printer_bauds
    ]
    candidates.append((READER, ReaderConfig(baud=reader_baud)))
    return probe_kinds(port, candidates, timeout)
