"""The kinds of device Jiujin knows out of the box, in one :class:`KindRegistry`.

Adding a kind is one line here (or ``KINDS.register(...)`` from the code that brings it).
"""

from __future__ import annotations

from devices.idcard.kind import ReaderKind
from devices.kind import DEFAULT_KINDS, DeviceKind, KindRegistry
from devices.printer.kind import PrinterKind
from devices.scan_kind import ScannerKind

READER: DeviceKind = ReaderKind()
PRINTER: DeviceKind = PrinterKind()
SCANNER: DeviceKind = ScannerKind()

#: The registry the manager, ``DeviceConfig.from_mapping`` and ``jiujin devices`` use by default.
KINDS: KindRegistry = DEFAULT_KINDS
for _kind in (READER, PRINTER, SCANNER):
    KINDS.register(_kind)


def register_kind(kind: DeviceKind) -> DeviceKind:
    """Add a kind to the default registry; returns it."""
    return KINDS.register(kind)
