"""The package's public surface is pinned, and devices imports nothing of ours nor Textual."""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path

import devices
from devices import errors

PUBLIC = [
    "Barcode",
    "CARD_DATA_KEYS",
    "COLUMNS",
    "CardAuthError",
    "CardDataError",
    "CardError",
    "CardFixture",
    "CardFound",
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
    "DeviceConfigError",
    "DeviceContext",
    "DeviceKind",
    "KINDS",
    "KindRegistry",
    "PortSlot",
    "RunningDevice",
    "ScannerConfig",
    "bounds",
    "probe_kinds",
    "register_kind",
    "DeviceAttached",
    "DeviceConfig",
    "DeviceDetached",
    "DeviceError",
    "DeviceEvent",
    "DeviceHealth",
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
    "SamError",
    "SamId",
    "ScanEvent",
    "ScanInbox",
    "ScanInboxError",
    "ScanInboxFault",
    "ScanOffered",
    "ScanRejected",
    "StatusReplyError",
    "TruncatedFrameError",
    "UnknownCardError",
    "decode_card",
    "decode_photo",
    "discover_ports",
    "encode_receipt",
    "fixture_names",
    "load_fixture",
    "probe_port",
    "register_photo_decoder",
    "text_width",
    "wrap",
]


def test_public_surface_is_pinned() -> None:
    assert sorted(devices.__all__) == sorted(PUBLIC)
    for name in devices.__all__:
        assert getattr(devices, name) is not None


def test_every_error_is_exported_and_drawn_in_the_tree() -> None:
    tree = errors.__doc__ or ""
    classes = [
        cls for _, cls in inspect.getmembers(errors, inspect.isclass) if issubclass(cls, Exception)
    ]
    for cls in classes:
        assert cls.__name__ in tree, f"{cls.__name__} missing from the errors docstring"
        assert cls.__name__ in devices.__all__
        error = cls.__new__(cls)
        errors.DeviceError.__init__(error, "detail")
        assert error.message_zh and error.message_en


def test_card_data_keys_are_exactly_the_forms_keys() -> None:
    assert devices.CARD_DATA_KEYS == (
        "name", "gender", "nation", "birth_date", "address", "id_number", "issuer",
        "valid_from", "valid_to", "card_type",
    )  # fmt: skip


def test_devices_imports_nothing_of_ours_nor_textual() -> None:
    """Import every devices module in a fresh interpreter and look at what got loaded."""
    script = """
import importlib, json, pkgutil, sys
import devices
for info in pkgutil.walk_packages(devices.__path__, "devices."):
    importlib.import_module(info.name)
roots = {name.split(".")[0] for name in sys.modules}
print(json.dumps(sorted(roots & {"station", "forms", "sync", "reports", "textual"})))
"""
    root = Path(__file__).parents[2]
    output = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=root, check=True
    ).stdout
    assert json.loads(output) == []
