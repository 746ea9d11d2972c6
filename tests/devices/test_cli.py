"""`jiujin devices …` against simulators: subprocesses serving ptys, the real CLI reading them."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from devices.demo import DemoDevices
from devices.simulators.reader import CardTiming
from station.cli import main

pytestmark = [pytest.mark.xdist_group("devices_cli"), pytest.mark.timeout(60)]


def _spawn(*args: str) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "station.cli", "devices", "simulate", *args],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[2],
    )
    assert process.stdout is not None
    port = process.stdout.readline().strip()
    assert port.startswith("/dev/"), process.stderr.read() if process.stderr else ""
    return process, port


def _stop(process: subprocess.Popen[str]) -> str:
    process.send_signal(signal.SIGTERM)
    out, _ = process.communicate(timeout=10)  # also closes stdin
    assert process.returncode == 0
    return out


@pytest.fixture
def demo() -> Iterator[DemoDevices]:
    with DemoDevices(reader_baud=921600, timing=CardTiming.instant()) as demo:
        yield demo


def test_simulated_reader_process_and_read_card(tmp_path: Path) -> None:
    process, port = _spawn("reader", "--card", "resident_zhangsan", "--baud", "0")
    try:
        result = CliRunner().invoke(main, ["devices", "read-card", "--port", port, "--json"])
        assert result.exit_code == 0, result.output
        data = json.loads(result.stdout)
        assert data["name"] == "张三" and data["id_number"] == "110101********0011"
        assert "文三路" not in data["address"] and data["valid_to"] == "2035-03-10"
    finally:
        _stop(process)


def test_simulated_reader_takes_cards_from_stdin() -> None:
    process, port = _spawn("reader", "--baud", "0")
    assert process.stdin is not None and process.stderr is not None
    try:
        process.stdin.write("present foreigner_old_smith\n")
        process.stdin.flush()
        assert process.stderr.readline().startswith("card: foreigner_old_smith")
        args = ["devices", "read-card", "--port", port, "--json", "--full"]
        result = CliRunner().invoke(main, args)
        assert json.loads(result.stdout)["id_number"] == "CAN330075010512"
        process.stdin.write("remove\n")
        process.stdin.flush()
        assert process.stderr.readline().startswith("card removed")
    finally:
        _stop(process)


def test_read_card_full_and_text(demo: DemoDevices) -> None:
    demo.present_card("resident_wangwu_longterm")
    args = ["devices", "read-card", "--port", demo.reader_port, "--baud", "921600", "--full"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "证件号码: 330106194501010011" in result.stdout and "有效期至: 长期" in result.stdout
    assert "正在读卡，请勿移开身份证" in result.stderr  # said once the card is found, as the read begins
    demo.remove_card()
    demo.present_card("resident_wangwu_longterm")
    english = CliRunner().invoke(main, ["--lang", "en", *args])
    assert "Valid to: 长期" in english.stdout


def test_read_card_without_a_card_fails_politely(demo: DemoDevices) -> None:
    args = ["--lang", "en", "devices", "read-card", "--port", demo.reader_port, "--baud", "921600",
            "--wait", "0.3"]  # fmt: skip
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1
    assert "No ID card found" in result.output and "Traceback" not in result.output


def test_read_card_on_a_missing_port() -> None:
    result = CliRunner().invoke(main, ["devices", "read-card", "--port", "/dev/nope-jiujin"])
    assert result.exit_code == 1 and "无法打开设备端口" in result.output


def test_simulated_printer_process_and_print_test(tmp_path: Path) -> None:
    process, port = _spawn("printer", "--paper", "58", "--png-dir", str(tmp_path))
    try:
        result = CliRunner().invoke(
            main, ["devices", "print-test", "--port", port, "--baud", "115200", "--paper", "58"]
        )
        assert result.exit_code == 0, result.output
        assert "已打印" in result.stdout
    finally:
        out = _stop(process)
    png = tmp_path / "receipt-0001.png"
    assert "打  印  测  试" in out and "[QR https://jiujin.example/print-test]" in out
    assert png.exists() and png.read_bytes().startswith(b"\x89PNG")


def test_print_test_reports_paper_out(demo: DemoDevices) -> None:
    demo.printer_simulator.set_paper("out")
    result = CliRunner().invoke(
        main,
        ["--lang", "en", "devices", "print-test", "--port", demo.printer_port, "--baud", "115200"],
    )
    assert result.exit_code == 1
    assert "printer not ready, nothing sent: Out of paper" in result.output


def test_list_finds_nothing_here_or_lists_json() -> None:
    result = CliRunner().invoke(main, ["devices", "list", "--json", "--no-probe"])
    assert result.exit_code == 0
    assert isinstance(json.loads(result.stdout), list)
