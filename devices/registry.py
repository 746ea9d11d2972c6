"""The kinds of device Jiujin knows out of the box, in one :class:`KindRegistry`.

Adding a kind is one line here (or ``KINDS.register(...)`` from the code that brings it).
"""

from __future__ import annotations

from devices.config import SCHEMAS
from devices.idcard.kind import ReaderKind
from devices.kind import DeviceKind, KindRegistry
from devices.printer.kind import PrinterKind
from devices.scan_kind import ScannerKind

READER: DeviceKind = ReaderKind()
PRINTER: DeviceKind = PrinterKind()
SCANNER: DeviceKind = ScannerKind()

#: The registry the manager, ``DeviceConfig.from_mapping`` and ``jiujin devices`` use by default.
class _DefaultRegistry(KindRegistry):
    """The default registry, which also makes each kind's settings readable in `[devices]`."""

    def register(self, kind: DeviceKind) -> DeviceKind:
        super().register(kind)
        SCHEMAS[kind.name] = kind.config_type
        return kind

    def unregister(self, name: str) -> None:
        super().unregister(name)
        if name not in ("reader", "printer", "scanner"):
            SCHEMAS.pop(name, None)


KINDS: KindRegistry = _DefaultRegistry((READER, PRINTER, SCANNER))


def register_kind(kind: DeviceKind) -> DeviceKind:
    """Add a kind to the default registry (and its settings to `[devices]`); returns it."""
    return KINDS.register(kind)
