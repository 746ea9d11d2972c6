"""Discovery with a probe, hot-plug, the health summary, and the demo devices."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from devices.demo import DemoDevices
from devices.discovery import discover_ports, probe_port
from devices.idcard.events import CardPresented, ReaderFault, ReaderReady
from devices.manager import DeviceAttached, DeviceConfig, DeviceDetached, DeviceManager
from devices.printer.jobs import JobState
from devices.printer.layout import Cut, Line, QRCode, ReceiptLayout
from devices.scan_inbox import ScanOffered
from devices.simulators.link import PtyLink
from devices.simulators.printer import PrinterSimulator
from devices.simulators.reader import CardTiming
from tests.devices.helpers import Recorder

pytestmark = pytest.mark.xdist_group("devices_manager")

LAYOUT = ReceiptLayout((Line("受理回执", "center", True, 2), QRCode("R-1"), Cut()), "回执")


@pytest.fixture
def demo() -> DemoDevices:
    with DemoDevices(reader_baud=921600, timing=CardTiming.instant()) as demo:
        yield demo


def _dev(tmp_path: Path, links: dict[str, str]) -> Path:
    dev = tmp_path / "dev"
    (dev / "serial" / "by-id").mkdir(parents=True)
    for name, target in links.items():
        os.symlink(target, dev / name)
    return dev


def test_discovery_prefers_stable_names_and_dedups(tmp_path: Path, demo: DemoDevices) -> None:
    dev = _dev(
        tmp_path,
        {
            "serial/by-id/usb-Synjones_SAM-if00": demo.reader_port,
            "ttyUSB0": demo.reader_port,
            "ttyACM0": demo.printer_port,
        },
    )
    ports = discover_ports(dev)
    assert [(p.path.split("/")[-1], p.stable) for p in ports] == [
        ("usb-Synjones_SAM-if00", True),
        ("ttyACM0", False),
    ]
    assert ports[0].device == os.path.realpath(demo.reader_port)


def test_probe_tells_reader_from_printer(demo: DemoDevices, tmp_path: Path) -> None:
    reader = probe_port(demo.reader_port, printer_bauds=(115200,), reader_baud=921600)
    assert reader.kind == "reader" and reader.detail == "05.01-20110101-0012345678-0987654321"
    printer = probe_port(demo.printer_port, printer_bauds=(115200,))
    assert printer.kind == "printer"
    assert demo.printer_simulator.received == b"\x10\x04\x01", "the printer saw only DLE EOT"
    with PtyLink(PrinterSimulator()) as silent:
        silent.responder.power_off()  # type: ignore[attr-defined]
        assert probe_port(silent.port, (9600,), timeout=0.1).kind is None


def test_manager_finds_devices_reads_cards_and_prints(tmp_path: Path, demo: DemoDevices) -> None:
    dev = _dev(tmp_path, {"ttyUSB0": demo.reader_port, "ttyUSB1": demo.printer_port})
    scans = tmp_path / "scans"
    scans.mkdir()
    config = DeviceConfig.from_mapping(
        {"reader": {"baud": 921600}, "printer": {"baud": 115200, "paper_mm": 58},
         "scan_folder": str(scans), "hotplug_interval": 60}
    )  # fmt: skip
    recorder = Recorder()
    with DeviceManager(config, recorder, dev=dev) as manager:
        recorder.wait_count(ReaderReady)
        demo.present_card("hmt_permit_chen")
        (presented,) = recorder.wait_count(CardPresented)
        assert presented.card.name == "陈美玲"
        job_id = manager.print_receipt(LAYOUT)
        assert manager.print_queue is not None
        manager.print_queue.wait_for(job_id, JobState.PRINTED)
        (scans / "id.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
        recorder.wait_count(ScanOffered, timeout=10)
        summary = manager.health()
    assert summary.ok, summary
    assert summary.reader.port == str(dev / "ttyUSB0") and summary.printer.port == str(
        dev / "ttyUSB1"
    )
    assert demo.printer_model.receipts[-1].qr_payloads == ["R-1"]


def test_hot_plug_and_health(tmp_path: Path, demo: DemoDevices) -> None:
    dev = _dev(tmp_path, {})
    recorder = Recorder()
    config = DeviceConfig.from_mapping(
        {"reader": {"baud": 921600}, "printer": {"baud": 115200}, "hotplug_interval": 60}
    )
    with DeviceManager(config, recorder, dev=dev) as manager:
        recorder.wait_count(ReaderFault)
        before = manager.health()
        assert before.reader.state == "absent" and before.printer.state == "absent"
        assert before.reader.message("en") == "No card reader found"
        os.symlink(demo.reader_port, dev / "ttyUSB0")
        os.symlink(demo.printer_port, dev / "ttyACM0")
        manager.rescan()
        attached = {e.port.path.rsplit("/", 1)[-1]: e.kind for e in recorder.of(DeviceAttached)}
        assert attached == {"ttyUSB0": "reader", "ttyACM0": "printer"}
        recorder.wait_count(ReaderReady)
        assert manager.health().reader.state == "ok"
        demo.printer_simulator.set_paper("out")
        job_id = manager.print_receipt(LAYOUT)
        assert manager.print_queue is not None
        manager.print_queue.wait_for(job_id, JobState.HELD)
        held = manager.health()
        assert held.printer.state == "fault" and held.held_jobs == 1 and not held.ok
        assert held.printer.message("zh") == "打印纸用完：请装入新纸卷"
        demo.printer_simulator.set_paper("ok")
        manager.print_queue.wait_for(job_id, JobState.PRINTED)
        (dev / "ttyUSB0").unlink()
        manager.rescan()
        assert [e.port.path for e in recorder.of(DeviceDetached)] == [str(dev / "ttyUSB0")]


def test_demo_devices(demo: DemoDevices) -> None:
    from devices.idcard.reader import CardReader

    assert len(demo.fixtures) >= 8
    fixture = demo.present_card(0)
    with CardReader.open(demo.reader_port, 921600) as reader:
        assert reader.read_card().text_block == fixture.text_block()
        demo.remove_card()
        demo.present_card("resident_zhangsan")
        assert reader.read_card().name == "张三"
    assert demo.config().printer.port == demo.printer_port
