"""The station's configuration (`station.toml`) and its data folder.

The configuration is read and validated once at start; an error names the file, the key
and why. The data folder comes from platformdirs unless `--data-dir` or
`JIUJIN_DATA_DIR` says otherwise.
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import tzinfo
from pathlib import Path
from typing import Any, cast
from urllib.parse import urlsplit

import platformdirs
import tomli_w

from devices import DeviceConfig, DeviceConfigError
from station.core.atomic import atomic_write_bytes
from station.core.clock import DEFAULT_TIME_ZONE, time_zone
from station.core.errors import ConfigError

POINT_TYPES = ("village", "community", "police", "bank")
STATION_CODE = re.compile(r"^[A-Z0-9]{4,16}$")
DISTRICT_CODE = re.compile(r"^33\d{4}$")
FINGERPRINT = re.compile(r"^([0-9a-f]{64})?$")
#: A TLS public-key pin: "sha256/" and the base64 SHA-256 of the certificate's public key (SPKI).
TLS_PIN = re.compile(r"^(sha256/[A-Za-z0-9+/]{43}=)?$")
CONFIG_NAME = "station.toml"


def resolve_data_dir(option: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: the option, else JIUJIN_DATA_DIR, else the platform's user folder."""
    chosen = option or os.environ.get("JIUJIN_DATA_DIR")
    if chosen:
        return Path(chosen).expanduser().resolve()
    return Path(platformdirs.user_data_dir("jiujin", appauthor=False))


#: The flat ``[devices]`` keys station.toml had before the devices package owned the
#: table, and where each lives now; old files still load, and save in the new form.
FLAT_DEVICE_KEYS = {
    "reader_port": ("reader", "port"),
    "reader_baud": ("reader", "baud"),
    "printer_port": ("printer", "port"),
    "printer_baud": ("printer", "baud"),
    "paper_width_mm": ("printer", "paper_mm"),
    "scan_inbox": ("scanner", "folder"),
}


@dataclass(frozen=True, init=False)
class DeviceSettings:
    """This counter's ``[devices]`` settings: a :class:`devices.DeviceConfig` (the devices
    package owns their schema and defaults), seen through the flat names the admin
    screen's form edits. A flat value left as None keeps what ``config`` has."""

    config: DeviceConfig

    def __init__(self, reader_port: str | None = None, reader_baud: int | None = None,
                 printer_port: str | None = None, printer_baud: int | None = None,
                 paper_width_mm: int | None = None, scan_inbox: str | None = None,
                 *, config: DeviceConfig | None = None) -> None:
        base = config if config is not None else DeviceConfig()
        reader, printer, scanner = base.reader, base.printer, base.scanner
        if reader_port is not None:
            reader = replace(reader, port=reader_port or None)
        if reader_baud is not None:
            reader = replace(reader, baud=reader_baud)
        if printer_port is not None:
            printer = replace(printer, port=printer_port or None)
        if printer_baud is not None:
            printer = replace(printer, baud=printer_baud)
        if paper_width_mm is not None:
            printer = replace(printer, paper_mm=cast(Any, paper_width_mm))  # checked on save
        if scan_inbox is not None:
            scanner = replace(scanner, folder=Path(scan_inbox) if scan_inbox else None)
        merged = base.with_kind(reader).with_kind(printer).with_kind(scanner)
        object.__setattr__(self, "config", merged)

    def onto(self, base: DeviceConfig) -> DeviceSettings:
        """These flat values over ``base``'s other settings (what the admin form changes)."""
        return DeviceSettings(self.reader_port, self.reader_baud, self.printer_port,
                              self.printer_baud, self.paper_width_mm, self.scan_inbox, config=base)

    @property
    def reader_port(self) -> str:
        return self.config.reader.port or ""

    @property
    def reader_baud(self) -> int:
        return self.config.reader.baud

    @property
    def printer_port(self) -> str:
        return self.config.printer.port or ""

    @property
    def printer_baud(self) -> int:
        return self.config.printer.baud

    @property
    def paper_width_mm(self) -> int:
        return self.config.printer.paper_mm

    @property
    def scan_inbox(self) -> str:
        folder = self.config.scan_folder
        return str(folder) if folder is not None else ""


@dataclass(frozen=True)
class StationConfig:
    """The typed contents of station.toml."""

    code: str
    name: str
    point_type: str
    district: str
    hub_url: str = ""
    hub_key_fingerprint: str = ""
    #: Where citizens reach the hub's pages (the receipt's QR link); the hub URL when empty.
    public_url: str = ""
    #: Reach a plain http:// hub outside this machine all the same (the credential travels in clear).
    hub_allow_insecure: bool = False
    #: The hub's TLS public key as "sha256/<base64>"; "" trusts any certificate the system trusts.
    hub_tls_pin: str = ""
    retention_days: int = 180
    idle_lock_minutes: int = 5
    devices: DeviceSettings = field(default_factory=DeviceSettings)
    time_zone: str = DEFAULT_TIME_ZONE

    @property
    def zone(self) -> tzinfo:
        """The station's time zone, in which every time is shown."""
        return time_zone(self.time_zone)

    def to_toml(self) -> bytes:
        """The file form of this configuration."""
        document: dict[str, dict[str, Any]] = {
            "station": {
                "code": self.code,
                "name": self.name,
                "point_type": self.point_type,
                "district": self.district,
                "retention_days": self.retention_days,
                "idle_lock_minutes": self.idle_lock_minutes,
                "time_zone": self.time_zone,
            },
            "hub": {"url": self.hub_url, "key_fingerprint": self.hub_key_fingerprint,
                    **({"public_url": self.public_url} if self.public_url else {})},
            "devices": self.devices.config.to_mapping(),
        }
        if self.hub_allow_insecure:
            document["hub"]["allow_insecure"] = True
        if self.hub_tls_pin:
            document["hub"]["tls_pin"] = self.hub_tls_pin
        return tomli_w.dumps(document).encode()

    @property
    def citizens_url(self) -> str:
        """The base of the link in the receipt's QR code; empty when the station knows no hub."""
        return self.public_url or self.hub_url

    def save(self, data_dir: Path) -> None:
        """Write station.toml atomically into data_dir."""
        atomic_write_bytes(data_dir / CONFIG_NAME, self.to_toml())


def plain_http_outside_loopback(url: str) -> bool:
    """Whether `url` reaches a hub over plain http:// on another machine (the station's
    credential and sealed data would cross the network without TLS)."""
    parts = urlsplit(url)
    if parts.scheme != "http":
        return False
    host = parts.hostname or ""
    if host == "localhost":
        return False
    try:
        return not ipaddress.ip_address(host).is_loopback
    except ValueError:
        return True


def load_config(data_dir: Path) -> StationConfig:
    """Read and validate data_dir/station.toml."""
    path = data_dir / CONFIG_NAME
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(str(path), "-", "文件不存在", "file not found") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(str(path), "-", f"不是有效的 TOML：{exc}", f"not valid TOML: {exc}") from None
    return parse_config(document, str(path))


def parse_config(document: dict[str, Any], path: str) -> StationConfig:
    """Validate a parsed station.toml document."""
    reader = _Reader(document, path)
    config = StationConfig(
        code=reader.text("station.code", STATION_CODE, "4–16 位大写字母或数字", "4–16 capital letters or digits"),
        name=reader.text("station.name", re.compile(r"^.{1,60}$"), "1–60 个字符", "1–60 characters"),
        point_type=reader.choice("station.point_type", POINT_TYPES),
        district=reader.text("station.district", DISTRICT_CODE, "浙江省的 6 位区划代码", "a 6-digit Zhejiang division code"),
        retention_days=reader.integer("station.retention_days", 180, 1, 3650),
        idle_lock_minutes=reader.integer("station.idle_lock_minutes", 5, 1, 240),
        hub_url=reader.text("hub.url", re.compile(r"^(https?://\S+)?$"), "http(s) 地址", "an http(s) URL", default=""),
        public_url=reader.text("hub.public_url", re.compile(r"^(https?://[^\s?#]+)?$"), "http(s) 地址",
                               "an http(s) URL", default=""),
        hub_key_fingerprint=reader.text("hub.key_fingerprint", FINGERPRINT, "64 位十六进制小写", "64 lowercase hex digits", default=""),
        hub_allow_insecure=reader.boolean("hub.allow_insecure", False),
        hub_tls_pin=reader.text("hub.tls_pin", TLS_PIN, "sha256/ 加公钥 SHA-256 的 base64（44 个字符）",
                                "sha256/ and the base64 SHA-256 of the public key (44 characters)", default=""),
        devices=parse_devices(document.get("devices", {}), path),
        time_zone=reader.zone("station.time_zone", DEFAULT_TIME_ZONE),
    )
    return config


def parse_devices(table: object, path: str) -> DeviceSettings:
    """The ``[devices]`` table through the devices package's schema; flat keys of older files
    are read where they now live, and an error names the key as the file spells it."""
    if not isinstance(table, dict):
        raise ConfigError(path, "devices", "应为一个表", "expected a table")
    nested: dict[str, Any] = {k: dict(v) if isinstance(v, dict) else v
                              for k, v in table.items() if k not in FLAT_DEVICE_KEYS}
    spelled: dict[str, str] = {}
    for flat, (kind, key) in FLAT_DEVICE_KEYS.items():
        sub_table = nested.setdefault(kind, {})
        if flat in table and isinstance(sub_table, dict) and key not in sub_table:
            sub_table[key] = table[flat]
            spelled[f"{kind}.{key}"] = flat
    try:
        return DeviceSettings(config=DeviceConfig.from_mapping(nested))
    except DeviceConfigError as error:
        key = f"devices.{spelled.get(error.key, error.key)}"
        raise ConfigError(path, key, error.reason_zh, error.reason_en) from None


class _Reader:
    """Looks up dotted keys in a TOML document and raises ConfigError naming the key."""

    _MISSING = object()

    def __init__(self, document: dict[str, Any], path: str) -> None:
        self.document = document
        self.path = path

    def _get(self, key: str, default: object) -> object:
        node: object = self.document
        for part in key.split("."):
            if not isinstance(node, dict) or part not in node:
                if default is self._MISSING:
                    raise ConfigError(self.path, key, "缺少此项", "missing")
                return default
            node = node[part]
        return node

    def text(self, key: str, pattern: re.Pattern[str], want_zh: str, want_en: str,
             default: object = _MISSING) -> str:
        value = self._get(key, default)
        if not isinstance(value, str) or not pattern.match(value):
            raise ConfigError(self.path, key, f"应为{want_zh}", f"expected {want_en}")
        return value

    def boolean(self, key: str, default: bool) -> bool:
        value = self._get(key, default)
        if not isinstance(value, bool):
            raise ConfigError(self.path, key, "应为 true 或 false", "expected true or false")
        return value

    def integer(self, key: str, default: int, low: int, high: int) -> int:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ConfigError(self.path, key, f"应为 {low}–{high} 之间的整数", f"expected an integer in {low}..{high}")
        return value

    def zone(self, key: str, default: str) -> str:
        value = self._get(key, default)
        try:
            time_zone(str(value))
        except KeyError:
            raise ConfigError(self.path, key, "应为 IANA 时区名，如 Asia/Shanghai",
                              "expected an IANA time zone name such as Asia/Shanghai") from None
        return str(value)

    def choice(self, key: str, choices: tuple[str, ...]) -> str:
        value = self._get(key, self._MISSING)
        if value not in choices:
            listed = ", ".join(choices)
            raise ConfigError(self.path, key, f"应为以下之一：{listed}", f"expected one of: {listed}")
        assert isinstance(value, str)
        return value

    def choice_int(self, key: str, choices: tuple[int, ...], default: int) -> int:
        value = self._get(key, default)
        if value not in choices:
            listed = ", ".join(map(str, choices))
            raise ConfigError(self.path, key, f"应为以下之一：{listed}", f"expected one of: {listed}")
        assert isinstance(value, int)
        return value
