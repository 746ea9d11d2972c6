"""The ESC/POS encoder byte-exact against reference §2.2–§2.5, widths and fallbacks."""

from __future__ import annotations

import pytest

from devices.errors import LayoutError
from devices.printer import commands as cmd
from devices.printer.encoder import PrinterProfile, ReceiptEncoder, encode_receipt
from devices.printer.layout import (
    Barcode,
    Columns,
    Cut,
    DrawerKick,
    Feed,
    Line,
    QRCode,
    ReceiptLayout,
    Rule,
)
from devices.printer.width import spread, text_width, wrap

H = bytes.fromhex


def test_recommended_chinese_line_pattern() -> None:
    """§2.3: 1B 40 → 1C 26 → 1B 61 01 → 1D 21 11 → GB18030 → 0A → 1D 21 00."""
    layout = ReceiptLayout((Line("中文", align="center", size=2),))
    assert encode_receipt(layout) == H("1B40 1C26 1B6101 1D2111 D6D0CEC4 0A 1D2100")


def test_qr_worked_example() -> None:
    """§2.4: model 2, size 6, level M, data "ABC", centred."""
    expected = H(
        "1B6101 1D286B0400314132 00 1D286B03003143 06 1D286B03003145 31"
        " 1D286B0600315030 414243 1D286B0300315130"
    )
    assert ReceiptEncoder().element(QRCode("ABC", 6, "M")) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("中文", "D6D0CEC4"), ("￥", "A3A4"), ("，", "A3AC"), ("€", "A2E3"), ("䶮", "FE9F"),
     ("\u9fa6", "82358F33"), ("\U00020000", "95328236")],
)  # fmt: skip
def test_gb18030_text(text: str, expected: str) -> None:
    body = ReceiptEncoder().element(Line(text))
    assert body == H(expected) + b"\n"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (cmd.initialise(), "1B40"),
        (cmd.chinese_mode(True), "1C26"),
        (cmd.chinese_mode(False), "1C2E"),
        (cmd.align("right"), "1B6102"),
        (cmd.bold(True), "1B4501"),
        (cmd.underline(2), "1B2D02"),
        (cmd.character_size(2, 1), "1D2110"),
        (cmd.character_size(1, 2), "1D2101"),
        (cmd.feed_lines(3), "1B6403"),
        (cmd.cut(), "1D5600"),
        (cmd.cut(partial=True), "1D5601"),
        (cmd.cut(False, 0), "1D564100"),
        (cmd.cut(True, 0), "1D564200"),
        (cmd.drawer_kick(), "1B70003232"),
        (cmd.drawer_kick(5, 120, 240), "1B70013C78"),
        (cmd.status_request(4), "100404"),
        (cmd.paper_sensor_request(), "1D7201"),
        (cmd.automatic_status_back(0x0F), "1D610F"),
    ],
)
def test_command_bytes(data: bytes, expected: str) -> None:
    assert data == H(expected)


def test_code128_barcode() -> None:
    body = ReceiptEncoder().element(Barcode("No.123", height=50, module_width=3, hri="below"))
    assert body == H("1B6101 1D6832 1D7703 1D4802 1D6B4908") + b"{BNo.123" + b"\n"


def test_styles_are_set_and_reset_around_the_line() -> None:
    body = ReceiptEncoder().element(Line("AB", bold=True, underline=True))
    assert body == H("1B4501 1B2D01") + b"AB\n" + H("1B4500 1B2D00")


def test_alignment_is_only_sent_when_it_changes() -> None:
    encoder = ReceiptEncoder()
    assert encoder.element(Line("a")) == b"a\n"
    assert encoder.element(Line("b", align="right")) == H("1B6102") + b"b\n"
    assert encoder.element(Line("c", align="right")) == b"c\n"


def test_whole_receipt_starts_with_init_and_chinese_mode() -> None:
    layout = ReceiptLayout((Line("x"), Feed(2), DrawerKick(), Cut(feed=3)))
    assert encode_receipt(layout) == H("1B40 1C26") + b"x\n" + H("1B6402 1B70003232 1D564103")


def test_non_chinese_profile_leaves_chinese_mode() -> None:
    data = encode_receipt(ReceiptLayout((Line("ok 中"),)), PrinterProfile(chinese=False))
    assert data == H("1B40 1C2E") + b"ok ??\n"


@pytest.mark.parametrize(("paper", "columns"), [(58, 32), (80, 48)])
def test_width_aware_wrapping(paper: int, columns: int) -> None:
    profile = PrinterProfile(paper_mm=paper)
    text = "杭州市西湖区" * 10
    data = ReceiptEncoder(profile).element(Line(text))
    rows = data.decode("gb18030").split("\n")[:-1]
    assert all(text_width(r) <= columns for r in rows)
    assert "".join(rows) == text
    assert text_width(rows[0]) == columns


def test_double_size_wraps_at_half_width() -> None:
    rows = ReceiptEncoder(PrinterProfile(paper_mm=58)).element(Line("一" * 10, size=2))
    assert rows.count(b"\n") == 2  # 16 columns at size 2 hold 8 wide characters


def test_wrap_and_spread() -> None:
    assert wrap("ab cd", 3) == ["ab", "cd"]
    assert wrap("中文中", 5) == ["中文", "中"]
    assert spread("受理编号", "A-1", 12) == ["受理编号 A-1"]
    assert spread("受理编号", "AAAAAAAA", 10) == ["受理编号", "  AAAAAAAA"]
    assert spread("项目", "1", 8, ".") == ["项目...1"]


def test_columns_and_rule_fill_the_width() -> None:
    encoder = ReceiptEncoder(PrinterProfile(paper_mm=58))
    row = encoder.element(Columns("受理编号", "330106-20250601-0001")).decode("gb18030")
    assert text_width(row.rstrip("\n")) == 32 and row.endswith("0001\n")
    assert encoder.element(Rule("=")) == b"=" * 32 + b"\n"
    dashes = encoder.element(Rule("—")).decode("gb18030")
    assert dashes.count("—") == 16 and text_width(dashes.rstrip("\n")) == 32  # "—" is two bytes: full width


def test_unprintable_characters_are_substituted() -> None:
    profile = PrinterProfile(charset="gb2312", substitute="?")
    body = ReceiptEncoder(profile).element(Line("张䶮"))
    assert body == "张".encode("gb18030") + b"??\n"
    control = ReceiptEncoder().element(Line("a\x1b@\x10\x04b"))
    assert control == b"a?@??b\n", "text can never inject commands"


def test_unprintable_line_can_be_rastered() -> None:
    profile = PrinterProfile(paper_mm=58, charset="gbk", fallback="raster")
    body = ReceiptEncoder(profile).element(Line("王𠀀"))
    assert body.startswith(H("1D763000") + (48).to_bytes(2, "little") + (24).to_bytes(2, "little"))
    assert len(body) == 8 + 48 * 24
    assert any(body[8:]), "the line has black dots"


def test_missing_glyphs_are_configurable() -> None:
    profile = PrinterProfile(missing=frozenset("€"))
    assert ReceiptEncoder(profile).element(Line("€1")) == b"??1\n"  # € would print full width: two columns kept


@pytest.mark.parametrize(
    "element",
    [QRCode(""), QRCode("x" * 7090), Barcode("中文"), Barcode("x" * 300), Line("x", size=9)],
)
def test_bad_elements_raise_layout_errors(element: object) -> None:
    with pytest.raises(LayoutError):
        ReceiptEncoder().element(element)  # type: ignore[arg-type]


def test_layout_round_trips_through_a_dict() -> None:
    layout = ReceiptLayout(
        (Line("标题", "center", True, 2), Columns("a", "b"), Rule(), QRCode("q"), Barcode("1"),
         Feed(), Cut(True, 2), DrawerKick(5)),
        title="回执",
    )  # fmt: skip
    assert ReceiptLayout.from_dict(layout.to_dict()) == layout


@pytest.mark.parametrize(("text", "columns"), [
    ("·", 2), ("“”", 4), ("—", 2), ("…", 2), ("①", 2), ("×", 2), ("买买提·艾力", 12), ("AB 12", 5),
    ("中文", 4), ("𠀀", 2),
])
def test_width_is_what_a_chinese_printer_prints(text: str, columns: int) -> None:
    """GB18030 one byte: one column; two or four bytes: a full-width glyph of two columns."""
    assert text_width(text) == columns

