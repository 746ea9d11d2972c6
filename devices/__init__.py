"""ID-card reader and receipt printer drivers, scan inbox, device manager, simulators.

Each kind of device is registered as a :class:`DeviceKind` (``devices.registry``) with
its settings dataclass (``devices.config``), the one schema of station.toml's ``[devices]``.

The names below are the package's public surface (pinned by
``tests/devices/test_public_surface.py``); everything else may change.
"""

from __future__ import annotations

from devices.config import DeviceConfig, PrinterConfig, ReaderConfig, ScannerConfig, bounds
from devices.demo import DemoDevices
from devices.discovery import PortInfo, ProbeResult, discover_ports, probe_kinds, probe_port
from devices.errors import (
    CardAuthError,
    CardDataError,
    CardError,
    CardReadError,
    CardSelectError,
    ChecksumError,
    CommandRejected,
    DeviceConfigError,
    DeviceError,
    FrameError,
    FrameLengthError,
    JobError,
    LayoutError,
    NoCardError,
    NoContentError,
    PortError,
    PrinterError,
    PrinterNotReady,
    PrinterNotResponding,
    ReaderError,
    ReaderStatusError,
    ReaderTimeout,
    SamError,
    ScanInboxError,
    StatusReplyError,
    TruncatedFrameError,
    UnknownCardError,
)
from devices.fixtures import CardFixture, fixture_names, load_fixture
from devices.health import DeviceHealth, HealthSummary
from devices.idcard.card import CARD_DATA_KEYS, IdCard, RawCard, decode_card
from devices.idcard.events import (
    CardPresented,
    CardReadFailed,
    CardRemoved,
    ReaderEvent,
    ReaderFault,
    ReaderReady,
)
from devices.idcard.photo import PhotoDecoder, decode_photo, register_photo_decoder
from devices.idcard.poller import CardPoller, PollSettings
from devices.idcard.reader import CardReader, ReaderTimeouts
from devices.idcard.sam import SamId
from devices.idcard.text_block import CardType
from devices.kind import DeviceContext, DeviceKind, KindRegistry, PortSlot, RunningDevice
from devices.manager import DeviceAttached, DeviceDetached, DeviceEvent, DeviceManager
from devices.printer.driver import JobResult, Outcome, PrinterTimeouts, ReceiptPrinter
from devices.printer.encoder import PrinterProfile, ReceiptEncoder, encode_receipt
from devices.printer.jobs import (
    JobChanged,
    JobState,
    JobStore,
    MemoryJobStore,
    PrinterStatusChanged,
    PrintJob,
    PrintQueue,
    QueueEvent,
)
from devices.printer.layout import (
    Barcode,
    Columns,
    Cut,
    DrawerKick,
    Element,
    Feed,
    Line,
    QRCode,
    ReceiptLayout,
    Rule,
)
from devices.printer.status import Paper, PrinterStatus
from devices.printer.width import COLUMNS, text_width, wrap
from devices.registry import KINDS, register_kind
from devices.scan_inbox import (
    InboxSettings,
    ScanEvent,
    ScanInbox,
    ScanInboxFault,
    ScanOffered,
    ScanRejected,
)

__all__ = [
    "CARD_DATA_KEYS",
    "COLUMNS",
    "KINDS",
    "Barcode",
    "CardAuthError",
    "CardDataError",
    "CardError",
    "CardFixture",
    "CardPoller",
    "CardPresented",
    "CardReadError",
    "CardReadFailed",
    "CardReader",
    "CardRemoved",
    "CardSelectError",
    "CardType",
    "ChecksumError",
    "Columns",
    "CommandRejected",
    "Cut",
    "DemoDevices",
    "DeviceAttached",
    "DeviceConfig",
    "DeviceConfigError",
    "DeviceContext",
    "DeviceDetached",
    "DeviceError",
    "DeviceEvent",
    "DeviceHealth",
    "DeviceKind",
    "DeviceManager",
    "DrawerKick",
    "Element",
    "Feed",
    "FrameError",
    "FrameLengthError",
    "HealthSummary",
    "IdCard",
    "InboxSettings",
    "JobChanged",
    "JobError",
    "JobResult",
    "JobState",
    "JobStore",
    "KindRegistry",
    "LayoutError",
    "Line",
    "MemoryJobStore",
    "NoCardError",
    "NoContentError",
    "Outcome",
    "Paper",
    "PhotoDecoder",
    "PollSettings",
    "PortError",
    "PortInfo",
    "PortSlot",
    "PrintJob",
    "PrintQueue",
    "PrinterConfig",
    "PrinterError",
    "PrinterNotReady",
    "PrinterNotResponding",
    "PrinterProfile",
    "PrinterStatus",
    "PrinterStatusChanged",
    "PrinterTimeouts",
    "ProbeResult",
    "QRCode",
    "QueueEvent",
    "RawCard",
    "ReaderConfig",
    "ReaderError",
    "ReaderEvent",
    "ReaderFault",
    "ReaderReady",
    "ReaderStatusError",
    "ReaderTimeout",
    "ReaderTimeouts",
    "ReceiptEncoder",
    "ReceiptLayout",
    "ReceiptPrinter",
    "Rule",
    "RunningDevice",
    "SamError",
    "SamId",
    "ScanEvent",
    "ScanInbox",
    "ScanInboxError",
    "ScanInboxFault",
    "ScanOffered",
    "ScanRejected",
    "ScannerConfig",
    "StatusReplyError",
    "TruncatedFrameError",
    "UnknownCardError",
    "bounds",
    "decode_card",
    "decode_photo",
    "discover_ports",
    "encode_receipt",
    "fixture_names",
    "load_fixture",
    "probe_kinds",
    "probe_port",
    "register_kind",
    "register_photo_decoder",
    "text_width",
    "wrap",
]
