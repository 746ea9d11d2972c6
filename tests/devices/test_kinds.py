"""A kind of device added by one registration: a test-only signature pad on a real pty.

The pad is a byte-exact little device (it answers ``ESC I`` with its model line); its
driver speaks to it through the same serial transport as the reader and printer.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import pytest
from click.testing import CliRunner

from devices import (
    KINDS,
    DeviceAttached,
    DeviceConfig,
    DeviceConfigError,
    DeviceContext,
    DeviceHealth,
    DeviceManager,
    KindRegistry,
    PortSlot,
    bounds,
)
from devices.errors import PortError
from devices.simulators.link import PtyLink
from devices.simulators.wire import Reply
from devices.transport import SerialTransport
from station.cli import main
from tests.devices.helpers import Recorder

pytestmark = pytest.mark.xdist_group("devices_manager")

IDENTIFY = b"\x1bI"
MODEL = b"SIGPAD-7\r"


class PadSimulator:
    """Answers ESC I with its model line; ignores every other byte (as a printer's DLE EOT)."""

    def __init__(self) -> None:
        self.received = b""

    def receive(self, data: bytes) -> list[Reply]:
        self.received += data
        if IDENTIFY in self.received:
            self.received = self.received.split(IDENTIFY, 1)[1]
            return [Reply(0.0, MODEL, "model")]
        return []

    def attach_output(self, send: Callable[[bytes], None] | None) -> None:
        """The pad sends nothing unasked."""


@dataclass(frozen=True)
class PadConfig:
    """签字板 — where the pad is and how fast it talks."""

    kind: ClassVar[str] = "pad"

    port: str | None = None
    baud: int = field(default=19200, metadata=bounds(1200, 115200))
    enabled: bool = True


def identify(port: str, baud: int, timeout: float) -> str | None:
    """The pad's model, or None when nothing on the port answers like a pad."""
    transport = SerialTransport(port, baud)
    try:
        transport.discard_input()
        transport.write(IDENTIFY)
        reply = transport.read(64, timeout)
        return reply.decode("ascii").strip() if reply.startswith(b"SIGPAD") else None
    finally:
        transport.close()


class RunningPad:
    def __init__(self, slot: PortSlot, config: PadConfig) -> None:
        self._slot = slot
        self._config = config
        self.model: str | None = None

    @property
    def part(self) -> RunningPad:
        return self

    def health(self) -> DeviceHealth:
        try:
            self.model = identify(self._slot.path or "", self._config.baud, 0.5)
        except PortError as error:
            return DeviceHealth("pad", "fault", "签字板无法打开", "Signature pad unusable",
                                self._slot.path, error.detail)
        if self.model is None:
            return DeviceHealth("pad", "fault", "签字板无应答", "Signature pad silent", self._slot.path)
        return DeviceHealth("pad", "ok", "签字板就绪", "Signature pad ready", self._slot.path, self.model)

    def stop(self) -> None:
        """Nothing runs between health checks."""


class PadKind:
    name = "pad"
    label_zh = "签字板"
    label_en = "signature pad"
    config_type = PadConfig
    serial = True
    probe_order = 30

    def enabled(self, config: PadConfig) -> bool:
        return config.enabled

    def configured_port(self, config: PadConfig) -> str | None:
        return config.port

    def probe(self, port: str, config: PadConfig, timeout: float) -> str | None:
        try:
            return identify(port, config.baud, timeout)
        except PortError:
            return None

    def start(self, config: PadConfig, slot: PortSlot, context: DeviceContext) -> RunningPad:
        return RunningPad(slot, config)


@pytest.fixture
def pad() -> Iterator[PtyLink]:
    with PtyLink(PadSimulator(), None, name="pad") as link:
        yield link


@pytest.fixture
def kinds() -> KindRegistry:
    registry = KINDS.copy()
    registry.register(PadKind())
    return registry


@pytest.fixture
def registered() -> Iterator[None]:
    """The pad in the default registry, as a station that ships it would register it."""
    KINDS.register(PadKind())
    try:
        yield
    finally:
        KINDS.unregister("pad")


def test_registry_refuses_a_second_kind_of_the_same_name(kinds: KindRegistry) -> None:
    with pytest.raises(ValueError, match="already registered"):
        kinds.register(PadKind())
    assert [kind.name for kind in kinds.serial()] == ["printer", "reader", "pad"]


def test_the_pad_is_configured_from_its_own_table(kinds: KindRegistry) -> None:
    config = DeviceConfig.from_mapping({"pad": {"port": "/dev/ttyUSB3", "baud": 9600}}, kinds)
    assert config.get(PadConfig) == PadConfig("/dev/ttyUSB3", 9600)
    assert config.to_mapping() == {"pad": {"port": "/dev/ttyUSB3", "baud": 9600}}
    assert DeviceConfig.from_mapping({}, kinds).get(PadConfig).baud == 19200
    with pytest.raises(DeviceConfigError) as caught:
        DeviceConfig.from_mapping({"pad": {"baud": 230400}}, kinds)
    assert caught.value.key == "pad.baud" and "1200..115200" in caught.value.message_en
    with pytest.raises(DeviceConfigError) as unknown:
        DeviceConfig.from_mapping({"pad": {"baud": 9600}})  # not registered by default
    assert unknown.value.key == "pad"


def test_the_pad_is_found_by_probing_and_reported_in_health(
    tmp_path: Path, pad: PtyLink, kinds: KindRegistry
) -> None:
    dev = tmp_path / "dev"
    dev.mkdir()
    config = DeviceConfig.from_mapping(
        {"reader": {"enabled": False}, "printer": {"enabled": False}, "hotplug_interval": 60}, kinds
    )
    recorder = Recorder()
    with DeviceManager(config, recorder, dev=dev, kinds=kinds) as manager:
        before = manager.health().get("pad")
        assert before is not None and before.state == "absent"
        assert (before.message("zh"), before.message("en")) == ("未找到签字板", "No signature pad found")
        os.symlink(pad.port, dev / "ttyUSB0")
        manager.rescan()
        assert [(e.port.path, e.kind) for e in recorder.of(DeviceAttached)] == [
            (str(dev / "ttyUSB0"), "pad")
        ]
        summary = manager.health()
    assert summary.others == (
        DeviceHealth("pad", "ok", "签字板就绪", "Signature pad ready", str(dev / "ttyUSB0"), "SIGPAD-7"),
    )
    assert summary.ok and summary.reader.state == "disabled"


def test_a_disabled_pad_is_reported_disabled(kinds: KindRegistry, tmp_path: Path) -> None:
    config = DeviceConfig.from_mapping(
        {"pad": {"enabled": False}, "reader": {"enabled": False}, "printer": {"enabled": False}},
        kinds,
    )
    with DeviceManager(config, dev=tmp_path, kinds=kinds) as manager:
        assert manager.health().get("pad") == DeviceHealth("pad", "disabled", "未启用", "Not enabled")
        assert manager.running("pad") is None


def test_jiujin_devices_kinds_lists_the_registered_pad(registered: None) -> None:
    result = CliRunner().invoke(main, ["devices", "kinds", "--json"])
    assert result.exit_code == 0, result.output
    rows = {row["name"]: row for row in json.loads(result.output)}
    assert list(rows) == ["reader", "printer", "scanner", "pad"]
    assert rows["pad"]["label_zh"] == "签字板" and rows["pad"]["serial"] is True
    assert rows["pad"]["settings"]["baud"] == {"default": 19200, "type": "int", "low": 1200, "high": 115200}


def test_station_toml_carries_the_registered_pad(registered: None, tmp_path: Path) -> None:
    from station.core.config import StationConfig, load_config, parse_devices

    devices = parse_devices({"pad": {"port": "/dev/ttyUSB5"}, "printer_baud": 115200}, "station.toml")
    config = StationConfig("XH0001", "德加社区", "community", "330106", devices=devices)
    config.save(tmp_path)
    loaded = load_config(tmp_path)
    assert loaded.devices.config.get(PadConfig).port == "/dev/ttyUSB5"
    assert loaded.devices.printer_baud == 115200
