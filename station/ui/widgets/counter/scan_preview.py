"""A scan shown in the terminal: two image rows per text row with half blocks (▀)."""

from __future__ import annotations

import io

from rich.style import Style
from rich.text import Text
from textual.widgets import Static

from station.ui.i18n import _


def half_blocks(image_bytes: bytes, columns: int, rows: int) -> Text:
    """A thumbnail of a JPEG or PNG as coloured half blocks."""
    from PIL import Image

    with Image.open(io.BytesIO(image_bytes)) as image:
        picture = image.convert("RGB")
        picture.thumbnail((columns, rows * 2))
    width, height = picture.size
    pixels = picture.load()
    assert pixels is not None
    text = Text()
    for y in range(0, height - 1, 2):
        for x in range(width):
            top, bottom = pixels[x, y], pixels[x, y + 1]
            text.append("▀", Style(color=f"rgb{top}", bgcolor=f"rgb{bottom}"))
        text.append("\n")
    return text


class ScanPreview(Static):
    """The selected scan, or what it is when it cannot be drawn (a PDF)."""

    def show(self, content: bytes | None, media_type: str) -> None:
        if content is None:
            self.update(_("（无预览）"))
        elif media_type.startswith("image/"):
            try:
                self.update(half_blocks(content, 48, 14))
            except (OSError, ValueError):
                self.update(_("图像无法显示"))
        else:
            self.update(_("PDF 文件，{size} KB").format(size=max(1, len(content) // 1024)))
