"""What a receipt printer's font covers, named once for its settings and its encoder."""

from __future__ import annotations

from typing import Literal

#: The character sets of Chinese printers' fonts (Epson's FS & Chinese mode, GB18030 models).
Charset = Literal["gb18030", "gbk", "gb2312"]
#: What the encoder does with a character the font lacks: print `?`, or draw it as an image.
Fallback = Literal["substitute", "raster"]
