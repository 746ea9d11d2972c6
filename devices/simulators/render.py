"""Render a simulated receipt to an image (PNG), for the UI's print preview and for tests.

Text uses WenQuanYi Micro Hei at the printer's 24-dot line height. QR codes are drawn
from their payload (segno), or as a labelled box when no QR symbol holds the payload;
barcodes are drawn as a labelled placeholder (the payload is in the model either way).
"""

from __future__ import annotations

import io

from PIL import Image, ImageDraw

from devices.printer.raster import LINE_DOTS, font
from devices.printer.width import COLUMNS, DOTS
from devices.simulators.printer_model import (
    Printed,
    PrintedBarcode,
    PrintedImage,
    PrintedLine,
    PrintedQR,
    Receipt,
    glyph_columns,
)

MARGIN = 8


def render_receipt(receipt: Receipt, paper_mm: int = 80) -> Image.Image:
    """The receipt as a white 1-bit image, as wide as the paper's printable dots."""
    width = DOTS.get(paper_mm, 576)
    tiles = [_tile(item, width) for item in receipt.items]
    if receipt.cut:
        tiles.append(_cut_mark(width))
    height = sum(t.height for t in tiles) + 2 * MARGIN
    page = Image.new("1", (width, max(height, LINE_DOTS)), 1)
    y = MARGIN
    for tile in tiles:
        page.paste(tile, (0, y))
        y += tile.height
    return page


def receipt_png(receipt: Receipt, paper_mm: int = 80) -> bytes:
    """PNG bytes of :func:`render_receipt`."""
    buffer = io.BytesIO()
    render_receipt(receipt, paper_mm).save(buffer, format="PNG")
    return buffer.getvalue()


def _tile(item: Printed, width: int) -> Image.Image:
    if isinstance(item, PrintedLine):
        return _text_tile(item, width)
    if isinstance(item, PrintedQR):
        return _placed(_qr_image(item), width, item.align)
    if isinstance(item, PrintedBarcode):
        return _placed(_barcode_image(item), width, item.align)
    return _raster_tile(item, width)


def _text_tile(line: PrintedLine, width: int) -> Image.Image:
    """Text on the printer's grid: 12 dots a column, wide characters two columns."""
    style = line.style
    cell = width // COLUMNS.get(_paper_for(width), 48)
    face = font(LINE_DOTS - 2)
    natural = max(1, sum(glyph_columns(c) for c in line.text) * cell)
    text = Image.new("1", (natural, LINE_DOTS), 1)
    draw = ImageDraw.Draw(text)
    x = 0
    for char in line.text:
        draw.text((x, 0), char, font=face, fill=0, stroke_width=1 if style.bold else 0)
        x += glyph_columns(char) * cell
    if style.underline:
        draw.line([(0, LINE_DOTS - 2), (natural, LINE_DOTS - 2)], fill=0, width=style.underline)
    scaled = text.resize((natural * style.width, LINE_DOTS * style.height))
    return _placed(scaled, width, style.align)


def _paper_for(width: int) -> int:
    return next((mm for mm, dots in DOTS.items() if dots == width), 80)


def _qr_image(qr: PrintedQR) -> Image.Image:
    matrix = _qr_matrix(qr.payload.decode("utf-8", errors="replace"), qr.error_correction)
    if matrix is None:
        return _labelled_box(f"QR {qr.text}", 25 * qr.module_size)
    size = len(matrix) * qr.module_size
    image = Image.new("1", (size, size), 1)
    draw = ImageDraw.Draw(image)
    for row, cells in enumerate(matrix):
        for col, dark in enumerate(cells):
            if dark:
                x, y = col * qr.module_size, row * qr.module_size
                draw.rectangle([x, y, x + qr.module_size - 1, y + qr.module_size - 1], fill=0)
    return image


def _qr_matrix(text: str, level: str) -> list[list[bool]] | None:
    """The symbol the printer would print (segno, as the receipt PDF); None for a text no QR
    symbol holds, which the picture shows as a labelled box."""
    import segno

    try:
        code = segno.make_qr(text, error=level if level in ("L", "M", "Q", "H") else "M", boost_error=False)
    except segno.DataOverflowError:
        return None
    return [[bool(module) for module in row] for row in code.matrix]


def _barcode_image(code: PrintedBarcode) -> Image.Image:
    bars = Image.new("1", (max(64, len(code.data) * 11 * code.module_width), code.height), 1)
    draw = ImageDraw.Draw(bars)
    x = 0
    for index, byte in enumerate(code.data * 3):
        step = (byte % 3 + 1) * code.module_width
        if index % 2 == 0:
            draw.rectangle([x, 0, x + step - 1, code.height], fill=0)
        x += step
        if x >= bars.width:
            break
    label = _labelled_box(code.text, LINE_DOTS, border=False, width=bars.width)
    tile = Image.new("1", (bars.width, bars.height + label.height), 1)
    tile.paste(bars, (0, 0))
    tile.paste(label, (0, bars.height))
    return tile


def _raster_tile(image: PrintedImage, width: int) -> Image.Image:
    raw = Image.frombytes("1", (image.width, image.height), image.bits)
    inverted = raw.point(lambda p: 0 if p else 255, mode="1")
    tile = Image.new("1", (width, image.height), 1)
    tile.paste(inverted.crop((0, 0, min(width, image.width), image.height)), (0, 0))
    return tile


def _labelled_box(text: str, height: int, *, border: bool = True, width: int = 0) -> Image.Image:
    face = font(LINE_DOTS - 4)
    probe = ImageDraw.Draw(Image.new("1", (1, 1)))
    box_width = max(width, int(probe.textlength(text, font=face)) + 8, height)
    box = Image.new("1", (box_width, height), 1)
    draw = ImageDraw.Draw(box)
    if border:
        draw.rectangle([0, 0, box_width - 1, height - 1], outline=0)
    draw.text((4, max(0, (height - LINE_DOTS) // 2)), text, font=face, fill=0)
    return box


def _placed(image: Image.Image, width: int, align: str) -> Image.Image:
    if image.width > width:
        image = image.crop((0, 0, width, image.height))
    tile = Image.new("1", (width, image.height), 1)
    x = {"center": (width - image.width) // 2, "right": width - image.width}.get(align, 0)
    tile.paste(image, (x, 0))
    return tile


def _cut_mark(width: int) -> Image.Image:
    tile = Image.new("1", (width, LINE_DOTS), 1)
    draw = ImageDraw.Draw(tile)
    for x in range(0, width, 12):
        draw.line([(x, LINE_DOTS // 2), (x + 6, LINE_DOTS // 2)], fill=0)
    return tile
