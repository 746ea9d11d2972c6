"""The printer simulator parses ESC/POS into a model, answers status, renders text and PNG."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageOps

from devices.printer import commands as cmd
from devices.printer.encoder import PrinterProfile, encode_receipt
from devices.printer.layout import Barcode, Columns, Cut, Feed, Line, QRCode, ReceiptLayout, Rule
from devices.printer.width import COLUMNS
from devices.simulators.escpos_parser import EscPosParser
from devices.simulators.printer import PrinterSimulator
from devices.simulators.printer_model import PrintedImage, Style
from devices.simulators.render import receipt_png, render_receipt

LAYOUT = ReceiptLayout(
    (
        Line("杭州市西湖区便民服务中心", "center", bold=True, size=2),
        Rule(),
        Columns("受理编号", "330106-20250601-0001"),
        Line("申请人：张三", underline=True),
        Line("€ ￥12.50 䶮", align="right"),
        QRCode("https://hub.example/r/330106-20250601-0001", 5, "Q"),
        Barcode("330106202506010001"),
        Feed(2),
        Cut(),
    ),
    "受理回执",
)


def _print(data: bytes, paper_mm: int = 80) -> PrinterSimulator:
    sim = PrinterSimulator(paper_mm)
    sim.receive(data)
    return sim


def test_encoded_receipt_round_trips_into_the_model() -> None:
    sim = _print(encode_receipt(LAYOUT))
    (receipt,) = sim.model.receipts
    title, rule, row, applicant, money, *blank = receipt.lines
    assert title == "杭州市西湖区便民服务中心"
    assert rule == "-" * 48
    assert row.startswith("受理编号") and row.endswith("330106-20250601-0001")
    assert applicant == "申请人：张三" and money == "€ ￥12.50 䶮"
    assert blank == ["", "", ""]
    styles = [i.style for i in receipt.items if hasattr(i, "style")]
    assert styles[0] == Style("center", True, 0, 2, 2)
    assert styles[3] == Style("left", False, 1, 1, 1)
    assert styles[4].align == "right"
    assert receipt.qr_payloads == ["https://hub.example/r/330106-20250601-0001"]
    assert receipt.items[5].error_correction == "Q" and receipt.items[5].module_size == 5
    assert receipt.barcodes == ["330106202506010001"]
    assert receipt.cut == "full" and not sim.model.unknown_commands


def test_text_rendering() -> None:
    text = _print(encode_receipt(LAYOUT, PrinterProfile(paper_mm=58)), 58).model.render_text()
    lines = text.splitlines()
    assert lines[:3] == ["杭  州  市  西  湖  区  便  民", "        服  务  中  心", "-" * 32]
    assert "[QR https://hub.example/r/330106-20250601-0001]" in text
    assert lines[-1].startswith("✂")


def test_png_rendering() -> None:
    sim = _print(encode_receipt(LAYOUT))
    image = Image.open(io.BytesIO(receipt_png(sim.model.receipts[0])))
    assert image.format == "PNG" and image.width == 576 and image.height > 300
    small = render_receipt(
        _print(encode_receipt(LAYOUT, PrinterProfile(58)), 58).model.receipts[0], 58
    )
    assert small.width == 384 and small.convert("L").getextrema() == (0, 255)


def test_the_printed_qr_code_reads_back_as_its_payload() -> None:
    """The preview draws the symbol the printer would print: a phone reads it (with the white
    paper around it as its quiet zone)."""
    zxingcpp = pytest.importorskip("zxingcpp", reason="QR decoding needs the zxing-cpp wheel")
    layout = ReceiptLayout((QRCode("https://hub.example/r/330106-20250601-0001", 5, "Q"), Cut()))
    image = ImageOps.expand(render_receipt(_print(encode_receipt(layout)).model.receipts[0]).convert("L"),
                            border=40, fill=255)
    texts = [r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert texts == ["https://hub.example/r/330106-20250601-0001"]


def test_raster_fallback_prints_an_image() -> None:
    profile = PrinterProfile(paper_mm=58, charset="gb2312", fallback="raster")
    sim = _print(encode_receipt(ReceiptLayout((Line("王䶮"), Cut())), profile), 58)
    (image,) = sim.model.receipts[0].items
    assert isinstance(image, PrintedImage) and (image.width, image.height) == (384, 24)
    assert render_receipt(sim.model.receipts[0], 58).height >= 24


def test_status_is_answered_even_when_stopped() -> None:
    sim = PrinterSimulator()
    assert [r.data for r in sim.receive(cmd.status_request(1) + cmd.status_request(4))] == [
        b"\x12",
        b"\x12",
    ]
    sim.set_paper("near_end")
    assert sim.receive(cmd.status_request(4))[0].data == b"\x1e"
    assert sim.receive(cmd.paper_sensor_request())[0].data == b"\x03"
    sim.set_paper("out")
    replies = sim.receive(b"abc\n" + cmd.paper_sensor_request() + cmd.status_request(4))
    assert [r.data for r in replies] == [b"\x72"], "no queued reply while stopped"
    assert [r.data for r in sim.receive(cmd.status_request(1))] == [b"\x1a"]
    sim.set_paper("ok")
    sim.open_cover()
    assert sim.receive(cmd.status_request(2))[0].data == b"\x16"


def test_automatic_status_back() -> None:
    sim = PrinterSimulator()
    sent: list[bytes] = []
    sim.attach_output(sent.append)
    assert sim.receive(cmd.automatic_status_back(0x0F))[0].data == b"\x10\x00\x00\x00"
    sim.set_paper("out")
    sim.open_cover()
    assert sent == [b"\x18\x00\x0c\x00", b"\x38\x00\x0c\x00"]


def test_chinese_mode_off_reads_single_bytes() -> None:
    sim = _print(
        cmd.chinese_mode(False)
        + b"\x82\x41\n"
        + cmd.chinese_mode(True)
        + "中".encode("gb18030")
        + b"\n"
    )
    assert sim.model.current.lines == ["éA", "中"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 400), max_size=10))
def test_any_split_of_the_stream_gives_the_same_model(cuts: list[int]) -> None:
    data = encode_receipt(LAYOUT)
    whole = _print(data).model.render_text()
    sim = PrinterSimulator()
    start = 0
    for point in [*sorted({min(c, len(data)) for c in cuts}), len(data)]:
        sim.receive(data[start:point])
        start = point
    assert sim.model.render_text() == whole


@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_break_the_parser(data: bytes) -> None:
    parser = EscPosParser()
    parser.feed(data)
    PrinterSimulator().receive(data)


@pytest.mark.parametrize("paper", [58, 80])
def test_a_name_with_a_middle_dot_stays_on_the_paper(paper: int) -> None:
    """买买提·艾力 prints twelve columns (`·` is two GB18030 bytes, full width); measured as eleven,
    申请人 and the name shared one row one column wider than the paper. The simulator counts
    the columns from the bytes it received, not with the encoder's measure."""
    columns = COLUMNS[paper]
    name = "买买提·艾力"
    left = "申请人" + "x" * (columns - 6 - 11 - 1)
    layout = ReceiptLayout((Columns(left, name), Cut()))
    (receipt,) = _print(encode_receipt(layout, PrinterProfile(paper_mm=paper)), paper).model.receipts
    assert receipt.overflowing(columns) == []
    assert any(line.strip() == name for line in receipt.lines)
