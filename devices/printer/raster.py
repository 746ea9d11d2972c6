"""Render a line of text as a 1-bit raster image (GS v 0), for characters the font lacks."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from devices.printer import commands as cmd

#: WenQuanYi Micro Hei (Debian fonts-wqy-microhei); Pillow's default font if absent.
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
LINE_DOTS = 24


@lru_cache(maxsize=8)
def font(pixels: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """The CJK font at a pixel size."""
    if CJK_FONT.exists():
        return ImageFont.truetype(str(CJK_FONT), pixels)
    return ImageFont.load_default(pixels)


def line_image(text: str, width: int, size: int = 1, align: str = "left") -> Image.Image:
    """A white image ``width`` dots wide with the text drawn in black."""
    height = LINE_DOTS * size
    image = Image.new("1", (width, height), 1)
    draw = ImageDraw.Draw(image)
    face = font(height - 2 * size)
    text_px = int(draw.textlength(text, font=face))
    x = {"center": (width - text_px) // 2, "right": width - text_px}.get(align, 0)
    draw.text((max(0, x), 0), text, font=face, fill=0)
    return image


def raster_bytes(image: Image.Image) -> bytes:
    """GS v 0 for a 1-bit image (black dots are 1 bits)."""
    width_bytes = (image.width + 7) // 8
    inverted = image.convert("1").point(lambda p: 0 if p else 255, mode="1")
    bits = inverted.tobytes("raw", "1")
    return cmd.raster_image(width_bytes, image.height, bits)


def render_line(text: str, dots: int, size: int = 1, align: str = "left") -> bytes:
    """A text line as a raster image command (the image carries its own alignment)."""
    return raster_bytes(line_image(text, dots, size, align))
