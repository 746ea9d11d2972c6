"""The font fallback, and the receipt layout's shape and widths against the printer's model."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import devices.printer.layout as printer_layout
import reports.layout as ours
from devices.printer.encoder import PrinterProfile, encode_receipt
from devices.printer.width import text_width
from devices.simulators.printer import PrinterSimulator
from kernel.masking import mask_id, mask_ids_in_text
from reports import FontFallbackWarning, load_cjk_font, notice_pdf, receipt_layout, receipt_pdf
from tests.reports.helpers import (
    ID_NUMBER,
    embedded_fonts,
    no_middle_digits,
    pdf_text,
    receipt_data,
    render_pages,
)


def test_without_a_truetype_font_stsong_light_is_used_with_a_warning(tmp_path: Path) -> None:
    not_a_font = tmp_path / "broken.ttf"
    not_a_font.write_bytes(b"not a font")
    with pytest.warns(FontFallbackWarning):
        font = load_cjk_font([tmp_path / "missing.ttc", not_a_font])
    assert (font.name, font.embedded, font.path) == ("STSong-Light", False, None)
    data = receipt_pdf(receipt_data(), font=font)
    text = pdf_text(data)
    assert "受理回执" in text and "浙江省居住证申领" in text and no_middle_digits(text)
    assert "STSong-Light" in "".join(embedded_fonts(data))
    assert render_pages(data, tmp_path)


def test_a_font_without_chinese_is_passed_over() -> None:
    latin = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    if not latin.is_file():
        pytest.skip("DejaVu Sans is not installed")
    with pytest.warns(FontFallbackWarning):
        assert load_cjk_font([latin]).name == "STSong-Light"


def test_layout_dataclasses_mirror_the_printers() -> None:
    for name in ("Line", "Columns", "Rule", "QRCode", "Feed", "Cut", "ReceiptLayout"):
        mine, theirs = getattr(ours, name), getattr(printer_layout, name)
        assert [(f.name, f.default) for f in dataclasses.fields(mine)] == [
            (f.name, f.default) for f in dataclasses.fields(theirs)], name


@pytest.mark.parametrize("paper", [58, 80])
def test_receipt_layout_fits_the_paper_and_round_trips(paper: int) -> None:
    layout = receipt_layout(receipt_data(), paper)
    converted = printer_layout.ReceiptLayout.from_dict(layout.to_dict())
    assert converted.to_dict() == layout.to_dict()
    printer = PrinterSimulator(paper)
    printer.receive(encode_receipt(converted, PrinterProfile(paper_mm=paper)))
    (receipt,) = printer.model.receipts
    columns = {58: 32, 80: 48}[paper]
    assert all(text_width(line) <= columns for line in receipt.lines)
    assert receipt.qr_payloads == [receipt_data().qr_payload]
    assert "110105********002X" in layout.text() and no_middle_digits(printer.model.render_text())
    assert receipt.cut == "full" and not printer.model.unknown_commands


def test_receipt_layout_rejects_other_paper() -> None:
    with pytest.raises(ValueError):
        receipt_layout(receipt_data(), 76)


def test_masking() -> None:
    assert mask_id(ID_NUMBER) == "110105********002X"
    assert mask_id(mask_id(ID_NUMBER)) == mask_id(ID_NUMBER)
    assert mask_id("12345") == "*****"
    assert mask_ids_in_text(f"号码{ID_NUMBER}有误") == "号码110105********002X有误"
    assert mask_ids_in_text("TS0001-20261126-0001") == "TS0001-20261126-0001"


def test_the_notice_masks_an_id_given_masked_or_not() -> None:
    from tests.reports.helpers import notice

    assert no_middle_digits(pdf_text(notice_pdf(notice())))


def test_the_printed_qr_scans_from_the_simulated_paper() -> None:
    zxingcpp = pytest.importorskip("zxingcpp", reason="QR decoding needs the zxing-cpp wheel")
    import io

    from PIL import Image

    from devices.simulators.render import receipt_png
    from reports import verify_payload
    from tests.reports.helpers import KEY

    layout = printer_layout.ReceiptLayout.from_dict(receipt_layout(receipt_data(), 58).to_dict())
    printer = PrinterSimulator(58)
    printer.receive(encode_receipt(layout, PrinterProfile(paper_mm=58)))
    image = Image.open(io.BytesIO(receipt_png(printer.model.receipts[0], 58)))
    (decoded,) = [r.text for r in zxingcpp.read_barcodes(image)]
    assert verify_payload(decoded, KEY.public_key()).receipt_number == receipt_data().receipt_number


def test_the_configured_font_comes_first(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from reports.fonts import FONT_ENV, candidate_paths

    monkeypatch.setenv(FONT_ENV, str(tmp_path / "mine.ttf"))
    assert candidate_paths()[0] == tmp_path / "mine.ttf"


def test_the_same_input_gives_the_same_bytes() -> None:
    assert receipt_pdf(receipt_data()) == receipt_pdf(receipt_data())
