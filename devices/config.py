"""Device settings: one typed dataclass per kind of device, with its defaults and bounds.

This is the one schema of the ``[devices]`` table of ``station.toml``: one sub-table per
kind, named by the kind, plus the manager's own ``hotplug_interval``::

    [devices]
    hotplug_interval = 2.0

    [devices.reader]        # port omitted: found by probing
    baud = 115200

    [devices.printer]
    port = "/dev/serial/by-id/usb-Printer_POS80-if00"
    paper_mm = 58           # 58 or 80
    charset = "gb18030"     # or "gbk", "gb2312": what the printer's font covers
    fallback = "substitute" # or "raster": print such lines as images
    proof = true            # false for printers that do not answer GS r

    [devices.scanner]
    folder = "/home/counter/Scans"

A setting is a dataclass field; :func:`bounds` records its limits as field metadata, and a
``Literal`` type its choices; :func:`load_settings` checks a table against them and :func:`dump_settings`
writes back only what differs from the defaults, so a file follows the schema's defaults.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal, TypeVar

from devices.errors import DeviceConfigError
from devices.printer.charsets import Charset, Fallback

if TYPE_CHECKING:  # the encoder loads when a receipt is laid out, not when station.toml is read
    from devices.printer.encoder import PrinterProfile

S = TypeVar("S")

#: Serial rates the drivers accept (the SAM module and the printers stay well inside).
BAUD_RANGE = (1200, 921600)
#: The reader's UART default (idcard-sam-protocol.md §1.1) and the ESC/POS serial default
#: (escpos.md §2.1); the drivers open at these when told nothing else.
READER_BAUD = 115200
PRINTER_BAUD = 9600


@dataclass(frozen=True)
class PollSettings:
    """How often to poll, how patient to be, and what to read."""

    interval: float = 0.3
    fault_interval: float = 1.0
    removal_polls: int = 2
    faults_before_report: int = 2
    read_attempts: int = 3
    fingerprint: bool = False
    new_address: bool = False


def bounds(
    low: float | None = None, high: float | None = None, choices: tuple[object, ...] | None = None
) -> dict[str, Any]:
    """A setting's limits, as dataclass field metadata: ``field(default=9600, metadata=bounds(1200, 921600))``.

    A ``Literal`` type needs no choices here: its values are the choices.
    """
    return {"low": low, "high": high, "choices": choices}


@dataclass(frozen=True)
class ReaderConfig:
    """The ID-card reader (GA 467 SAM): port (None = find it by probing), baud and what to read
    (``fingerprint`` adds 0x30/10, ``new_address`` the 0x30/03 appended address).

    The baud default is 115200, the SAM module's UART default in the protocol reference
    (``idcard-sam-protocol.md`` §1.1: CVR-100D and the other samples open at 115200).
    """

    kind: ClassVar[str] = "reader"

    port: str | None = None
    baud: int = field(default=READER_BAUD, metadata=bounds(BAUD_RANGE[0], BAUD_RANGE[1]))
    enabled: bool = True
    fingerprint: bool = False
    new_address: bool = False


@dataclass(frozen=True)
class PrinterConfig:
    """The ESC/POS receipt printer: port (None = find it), baud, paper width and font.

    The baud default is 9600, the serial default of the ESC/POS reference (``escpos.md``
    §2.1: 9600 8N1, python-escpos ``Serial()``); a printer switched faster says so here.
    """

    kind: ClassVar[str] = "printer"

    port: str | None = None
    baud: int = field(default=PRINTER_BAUD, metadata=bounds(BAUD_RANGE[0], BAUD_RANGE[1]))
    enabled: bool = True
    paper_mm: Literal[58, 80] = 80
    charset: Charset = "gb18030"
    fallback: Fallback = "substitute"
    proof: bool = True

    @property
    def profile(self) -> PrinterProfile:
        from devices.printer.encoder import PrinterProfile

        return PrinterProfile(self.paper_mm, charset=self.charset, fallback=self.fallback)


@dataclass(frozen=True)
class ScannerConfig:
    """The document camera's scan folder (高拍仪文件夹); None = no document camera."""

    kind: ClassVar[str] = "scanner"

    folder: Path | None = None

    @property
    def enabled(self) -> bool:
        return self.folder is not None


#: kind name -> its settings class, for reading `[devices]` without loading any driver; the
#: built-in kinds, plus those added with `devices.registry.register_kind`.
SCHEMAS: dict[str, type[Any]] = {"reader": ReaderConfig, "printer": PrinterConfig, "scanner": ScannerConfig}


@dataclass(frozen=True)
class DeviceConfig:
    """Every kind's settings (a kind left out runs on its defaults) and the manager's own."""

    kinds: Mapping[str, Any] = field(default_factory=dict)
    hotplug_interval: float = field(default=2.0, metadata=bounds(0.1, 3600.0))
    poll: PollSettings = field(default_factory=PollSettings)

    def __post_init__(self) -> None:
        # Keep only what differs from the defaults, so equal settings compare equal.
        kept = {name: item for name, item in self.kinds.items() if item != type(item)()}
        object.__setattr__(self, "kinds", kept)

    @classmethod
    def of(cls, *settings: Any, scan_folder: Path | None = None,
           hotplug_interval: float = 2.0) -> DeviceConfig:
        """From kinds' settings objects, e.g. ``DeviceConfig.of(ReaderConfig(port), ...)``."""
        kinds = {type(item).kind: item for item in settings}
        if scan_folder is not None:
            kinds[ScannerConfig.kind] = ScannerConfig(scan_folder)
        return cls(kinds, hotplug_interval)

    def get(self, config_type: type[S]) -> S:
        """The settings of one kind, by its settings class (defaults when not given)."""
        found = self.kinds.get(config_type.kind)  # type: ignore[attr-defined]
        return found if isinstance(found, config_type) else config_type()

    def with_kind(self, settings: Any) -> DeviceConfig:
        """A copy with one kind's settings replaced."""
        return DeviceConfig({**self.kinds, type(settings).kind: settings},
                            self.hotplug_interval, self.poll)

    @property
    def reader(self) -> ReaderConfig:
        return self.get(ReaderConfig)

    @property
    def printer(self) -> PrinterConfig:
        return self.get(PrinterConfig)

    @property
    def scanner(self) -> ScannerConfig:
        return self.get(ScannerConfig)

    @property
    def scan_folder(self) -> Path | None:
        return self.scanner.folder

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], kinds: Iterable[Any] | None = None) -> DeviceConfig:
        """From a ``[devices]`` table, checked against each registered kind's schema.

        ``scan_folder`` at the top is read as ``scanner.folder``. Raises
        :class:`~devices.errors.DeviceConfigError` naming the key (``printer.baud``).
        """
        schemas = {kind.name: kind.config_type for kind in kinds} if kinds is not None else SCHEMAS
        table = dict(data)
        if "scan_folder" in table:
            scanner = dict(table.get("scanner", {}))
            scanner.setdefault("folder", table.pop("scan_folder"))
            table["scanner"] = scanner
        loaded: dict[str, Any] = {}
        interval = cls.hotplug_interval
        for key, value in table.items():
            schema = schemas.get(key)
            if key == "hotplug_interval":
                interval = _checked(_field(cls, key), value, key)
            elif schema is None:
                raise DeviceConfigError(key, "未知的设备或设置项", "unknown device kind or setting")
            elif not isinstance(value, Mapping):
                raise DeviceConfigError(key, "应为一个表", "expected a table")
            else:
                loaded[key] = load_settings(schema, value, key)
        return cls(loaded, interval)

    def to_mapping(self) -> dict[str, Any]:
        """The ``[devices]`` table: only what differs from the defaults."""
        table: dict[str, Any] = {}
        if self.hotplug_interval != DeviceConfig.hotplug_interval:
            table["hotplug_interval"] = self.hotplug_interval
        for name, settings in sorted(self.kinds.items()):
            dumped = dump_settings(settings)
            if dumped:
                table[name] = dumped
        return table


def load_settings(config_type: type[S], table: Mapping[str, Any], where: str = "") -> S:
    """Check a table against a settings dataclass: known keys, types, bounds, choices."""
    known = {f.name: f for f in fields(config_type)}  # type: ignore[arg-type]
    values: dict[str, Any] = {}
    for key, value in table.items():
        name = f"{where}.{key}" if where else key
        if key not in known:
            raise DeviceConfigError(name, "未知的设置项", "unknown setting")
        values[key] = _checked(known[key], value, name, owner=config_type)
    return config_type(**values)


def dump_settings(settings: Any) -> dict[str, Any]:
    """The TOML form of a settings object: the fields that differ from their defaults."""
    dumped: dict[str, Any] = {}
    for item in fields(settings):
        value = getattr(settings, item.name)
        if value is None or value == _default(item):
            continue
        dumped[item.name] = str(value) if isinstance(value, Path) else value
    return dumped


def defaults(config_type: type[Any]) -> dict[str, Any]:
    """Each setting's default, bounds or choices, for listing a kind's schema."""
    rows: dict[str, Any] = {}
    for item in fields(config_type):
        hint = _hints(config_type)[item.name]
        rows[item.name] = {"default": _plain(_default(item)), "type": _type_name(hint),
                           **{k: v for k, v in _limits(item, hint).items() if v is not None}}
    return rows


def _field(owner: type[Any], name: str) -> Any:
    return {f.name: f for f in fields(owner)}[name]


def _default(item: Any) -> Any:
    if item.default is not MISSING:
        return item.default
    return item.default_factory()


def _hints(owner: type[Any]) -> dict[str, Any]:
    return typing.get_type_hints(owner)


def _limits(item: Any, hint: Any) -> dict[str, Any]:
    choices = item.metadata.get("choices")
    if choices is None and typing.get_origin(hint) is Literal:
        choices = typing.get_args(hint)
    return {"low": item.metadata.get("low"), "high": item.metadata.get("high"),
            "choices": list(choices) if choices else None}


def _checked(item: Any, value: object, name: str, owner: type[Any] = DeviceConfig) -> Any:
    """The value converted to the field's type, or DeviceConfigError naming the key."""
    hint = _hints(owner)[item.name]
    converted = _convert(hint, value, name)
    limits = _limits(item, hint)
    if limits["choices"] is not None and converted not in limits["choices"]:
        listed = ", ".join(map(str, limits["choices"]))
        raise DeviceConfigError(name, f"应为以下之一：{listed}", f"expected one of: {listed}")
    low, high = limits["low"], limits["high"]
    if low is not None and high is not None and not low <= converted <= high:
        raise DeviceConfigError(name, f"应在 {low:g}–{high:g} 之间", f"expected a value in {low:g}..{high:g}")
    return converted


def _convert(hint: Any, value: object, name: str) -> Any:
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (typing.Union, types.UnionType) and type(None) in args:
        if value in (None, ""):
            return None  # an empty port or folder means "find it" or "none"
        (inner,) = [a for a in args if a is not type(None)]
        return _convert(inner, value, name)
    if typing.get_origin(hint) is Literal:
        return value
    if hint is bool and isinstance(value, bool):
        return value
    if hint is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if hint is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if hint in (str, Path) and isinstance(value, str):
        return hint(value)
    zh, en = _TYPE_WORDS.get(hint, ("其他类型", _type_name(hint)))
    raise DeviceConfigError(name, f"应为{zh}", f"expected {en}")


_TYPE_WORDS: dict[Any, tuple[str, str]] = {
    bool: ("true 或 false", "true or false"),
    int: ("整数", "an integer"),
    float: ("数字", "a number"),
    str: ("文本", "text"),
    Path: ("文件夹路径", "a folder path"),
}


def _type_name(hint: Any) -> str:
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        return " | ".join(_type_name(a) for a in typing.get_args(hint))
    if typing.get_origin(hint) is Literal:
        return "choice"
    if hint is type(None):
        return "none"
    return getattr(hint, "__name__", str(hint))


def _plain(value: Any) -> Any:
    return str(value) if isinstance(value, Path) else value
