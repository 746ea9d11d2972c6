"""The station's configuration (`station.toml`) and its data folder.

The configuration is read and validated once at start; an error names the file, the key
and why. The data folder comes from platformdirs unless `--data-dir` or
`JIUJIN_DATA_DIR` says otherwise.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import platformdirs
import tomli_w

from station.core.atomic import atomic_write_bytes
from station.core.errors import ConfigError

POINT_TYPES = ("village", "community", "police", "bank")
STATION_CODE = re.compile(r"^[A-Z0-9]{4,16}$")
DISTRICT_CODE = re.compile(r"^33\d{4}$")
FINGERPRINT = re.compile(r"^([0-9a-f]{64})?$")
CONFIG_NAME = "station.toml"


def resolve_data_dir(option: str | os.PathLike[str] | None = None) -> Path:
    """The data folder: the option, else JIUJIN_DATA_DIR, else the platform's user folder."""
    chosen = option or os.environ.get("JIUJIN_DATA_DIR")
    if chosen:
        return Path(chosen).expanduser().resolve()
    return Path(platformdirs.user_data_dir("jiujin", appauthor=False))


@dataclass(frozen=True)
class DeviceSettings:
    """Serial ports and paper of this counter's devices; empty port means not attached."""

    reader_port: str = ""
    reader_baud: int = 115200
    printer_port: str = ""
    printer_baud: int = 115200
    paper_width_mm: int = 80
    scan_inbox: str = ""


@dataclass(frozen=True)
class StationConfig:
    """The typed contents of station.toml."""

    code: str
    name: str
    point_type: str
    district: str
    hub_url: str = ""
    hub_key_fingerprint: str = ""
    retention_days: int = 180
    idle_lock_minutes: int = 5
    devices: DeviceSettings = field(default_factory=DeviceSettings)

    def to_toml(self) -> bytes:
        """The file form of this configuration."""
        document = {
            "station": {
                "code": self.code,
                "name": self.name,
                "point_type": self.point_type,
                "district": self.district,
                "retention_days": self.retention_days,
                "idle_lock_minutes": self.idle_lock_minutes,
            },
            "hub": {"url": self.hub_url, "key_fingerprint": self.hub_key_fingerprint},
            "devices": asdict(self.devices),
        }
        return tomli_w.dumps(document).encode()

    def save(self, data_dir: Path) -> None:
        """Write station.toml atomically into data_dir."""
        atomic_write_bytes(data_dir / CONFIG_NAME, self.to_toml())


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
        hub_key_fingerprint=reader.text("hub.key_fingerprint", FINGERPRINT, "64 位十六进制小写", "64 lowercase hex digits", default=""),
        devices=DeviceSettings(
            reader_port=reader.text("devices.reader_port", re.compile(r"^\S*$"), "设备路径", "a device path", default=""),
            reader_baud=reader.integer("devices.reader_baud", 115200, 1200, 921600),
            printer_port=reader.text("devices.printer_port", re.compile(r"^\S*$"), "设备路径", "a device path", default=""),
            printer_baud=reader.integer("devices.printer_baud", 115200, 1200, 921600),
            paper_width_mm=reader.choice_int("devices.paper_width_mm", (58, 80), 80),
            scan_inbox=reader.text("devices.scan_inbox", re.compile(r"^.*$"), "目录", "a folder", default=""),
        ),
    )
    return config


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

    def integer(self, key: str, default: int, low: int, high: int) -> int:
        value = self._get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise ConfigError(self.path, key, f"应为 {low}–{high} 之间的整数", f"expected an integer in {low}..{high}")
        return value

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
