"""One schema of device settings: the station's station.toml, the manager, the demo and the
command line all take their defaults from devices.config."""

from __future__ import annotations

from pathlib import Path

import pytest

from devices import DemoDevices, DeviceConfig, DeviceConfigError, DeviceManager
from devices.config import PrinterConfig, ReaderConfig, ScannerConfig, dump_settings
from devices.idcard import reader
from devices.printer import driver
from station.cli.devices import list_devices, print_test, read_card
from station.core.config import DeviceSettings, StationConfig, load_config, parse_config
from station.core.errors import ConfigError
from station.core.station_devices import device_config

STATION = '[station]\ncode="XH0001"\nname="德加社区"\npoint_type="community"\ndistrict="330106"\n'


def _load(tmp_path: Path, devices: str) -> StationConfig:
    (tmp_path / "station.toml").write_text(STATION + devices, encoding="utf-8")
    return load_config(tmp_path)


def test_the_true_defaults_come_from_the_protocol_references() -> None:
    assert ReaderConfig().baud == reader.DEFAULT_BAUD == 115200  # idcard-sam-protocol.md §1.1
    assert PrinterConfig().baud == driver.DEFAULT_BAUD == 9600  # escpos.md §2.1
    assert PrinterConfig().paper_mm == 80 and ScannerConfig().folder is None


def test_station_config_and_device_manager_agree_on_defaults(tmp_path: Path) -> None:
    station = _load(tmp_path, "")
    assert station.devices == DeviceSettings()
    assert device_config(station.devices) == DeviceConfig()
    manager = DeviceManager(device_config(station.devices))
    assert manager.config.reader == ReaderConfig() and manager.config.printer == PrinterConfig()
    assert (station.devices.reader_baud, station.devices.printer_baud) == (115200, 9600)
    assert (station.devices.reader_port, station.devices.paper_width_mm, station.devices.scan_inbox) == (
        "", 80, "")


def test_command_line_defaults_are_the_schema_defaults() -> None:
    def default(command: object, name: str) -> object:
        return next(p.default for p in command.params if p.name == name)  # type: ignore[attr-defined]

    assert default(read_card, "baud") == ReaderConfig().baud
    assert default(print_test, "baud") == PrinterConfig().baud
    assert default(print_test, "paper") == str(PrinterConfig().paper_mm)
    assert default(list_devices, "printer_baud") == PrinterConfig().baud


def test_demo_devices_use_the_schema_defaults() -> None:
    with DemoDevices() as demo:
        config = demo.config()
    assert config.reader.baud == ReaderConfig().baud and config.printer.baud == PrinterConfig().baud
    assert (config.reader.port, config.printer.port) == (demo.reader_port, demo.printer_port)


def test_flat_keys_of_older_files_load_and_save_in_the_new_form(tmp_path: Path) -> None:
    flat = ('[devices]\nreader_port = ""\nreader_baud = 115200\nprinter_port = "/dev/ttyACM0"\n'
            'printer_baud = 115200\npaper_width_mm = 58\nscan_inbox = "/srv/scans"\n')
    station = _load(tmp_path, flat)
    config = station.devices.config
    assert config.reader == ReaderConfig()
    assert config.printer == PrinterConfig("/dev/ttyACM0", 115200, paper_mm=58)
    assert config.scan_folder == Path("/srv/scans")
    station.save(tmp_path)
    text = (tmp_path / "station.toml").read_text(encoding="utf-8")
    assert "[devices.printer]" in text and "paper_width_mm" not in text
    assert load_config(tmp_path) == station


def test_nested_tables_are_checked_by_the_devices_schema(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, "[devices.printer]\nbaud = 5\n")
    assert caught.value.key == "devices.printer.baud"
    assert "1200..921600" in caught.value.message_en and "devices.printer.baud" in caught.value.message_zh
    with pytest.raises(ConfigError) as typo:
        _load(tmp_path, "[devices.reader]\nbaudrate = 9600\n")
    assert typo.value.key == "devices.reader.baudrate" and "unknown setting" in typo.value.message_en


def test_admin_form_changes_keep_settings_it_does_not_show() -> None:
    stored = DeviceConfig.from_mapping({"reader": {"fingerprint": True}, "printer": {"charset": "gbk"}})
    form = DeviceSettings("/dev/ttyUSB0", 115200, "", 9600, 58, "")
    merged = form.onto(stored)
    assert merged.config.reader == ReaderConfig("/dev/ttyUSB0", fingerprint=True)
    assert merged.config.printer == PrinterConfig(paper_mm=58, charset="gbk")
    document = {"station": {"code": "XH0001", "name": "x", "point_type": "bank", "district": "330106"},
                "devices": merged.config.to_mapping()}
    assert parse_config(document, "station.toml").devices == merged


@pytest.mark.parametrize(("table", "key", "reason"), [
    ({"reader": {"baud": "fast"}}, "reader.baud", "an integer"),
    ({"reader": {"enabled": 1}}, "reader.enabled", "true or false"),
    ({"printer": {"paper_mm": 76}}, "printer.paper_mm", "one of: 58, 80"),
    ({"printer": {"charset": "big5"}}, "printer.charset", "one of: gb18030, gbk, gb2312"),
    ({"hotplug_interval": 0}, "hotplug_interval", "0.1..3600"),
    ({"camera": {}}, "camera", "unknown device kind"),
    ({"reader": 3}, "reader", "a table"),
])
def test_bad_settings_name_their_key(table: dict[str, object], key: str, reason: str) -> None:
    with pytest.raises(DeviceConfigError) as caught:
        DeviceConfig.from_mapping(table)
    assert caught.value.key == key and reason in caught.value.message_en
    assert key in caught.value.message_zh


def test_only_what_differs_from_the_defaults_is_written() -> None:
    assert dump_settings(PrinterConfig()) == {}
    assert dump_settings(ScannerConfig(Path("/srv/scans"))) == {"folder": "/srv/scans"}
    assert DeviceConfig.of(ReaderConfig(), PrinterConfig(baud=19200)).to_mapping() == {
        "printer": {"baud": 19200}}
    assert DeviceConfig.of(ReaderConfig()) == DeviceConfig()
