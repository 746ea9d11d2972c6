"""The CJK font of every PDF: WenQuanYi Micro Hei, embedded and subset, or STSong-Light.

The TrueType font is looked up in order: the `JIUJIN_CJK_FONT` environment variable (a
.ttf or .ttc path), fontconfig (`fc-match`), then the Debian path of `fonts-wqy-microhei`;
a candidate counts only when it has glyphs for Chinese. reportlab embeds a TrueType font
as subsets holding only the glyphs used. When no candidate is usable, reportlab's
STSong-Light CID font is used and a `FontFallbackWarning` raised: the text stays
extractable, but the font is not embedded, so the viewer must supply a Song face.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from reports.errors import FontFallbackWarning

log = logging.getLogger(__name__)

FONT_ENV = "JIUJIN_CJK_FONT"
FAMILY = "WenQuanYi Micro Hei"
DEBIAN_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
FALLBACK_NAME = "STSong-Light"
_PROBE = ("中", "受", "办", "号")


@dataclass(frozen=True)
class CjkFont:
    """The font documents are set in: reportlab's name for it, its file, and whether embedded."""

    name: str
    path: Path | None
    embedded: bool


def candidate_paths() -> list[Path]:
    """Where to look for the TrueType font, in order of preference."""
    found: list[Path] = []
    configured = os.environ.get(FONT_ENV)
    if configured:
        found.append(Path(configured).expanduser())
    matched = _fontconfig_match(FAMILY)
    if matched is not None:
        found.append(matched)
    found.append(DEBIAN_PATH)
    return list(dict.fromkeys(found))


def _fontconfig_match(family: str) -> Path | None:
    """The file fontconfig picks for `family`, or None without fontconfig."""
    if shutil.which("fc-match") is None:
        return None
    try:
        out = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True,
                             text=True, timeout=10, check=False).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(out) if out else None


def load_cjk_font(candidates: Iterable[Path]) -> CjkFont:
    """Register the first usable candidate, else the STSong-Light fallback (with a warning)."""
    for path in candidates:
        font = _register_truetype(path)
        if font is not None:
            return font
    warnings.warn(
        "未找到可嵌入的中文字体（请安装 fonts-wqy-microhei），改用 STSong-Light（不嵌入）/ "
        "no embeddable CJK font found (install fonts-wqy-microhei); using STSong-Light, not embedded",
        FontFallbackWarning, stacklevel=2)
    log.warning("CJK font fallback: STSong-Light")
    if FALLBACK_NAME not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FALLBACK_NAME))
    return CjkFont(FALLBACK_NAME, None, embedded=False)


def _register_truetype(path: Path) -> CjkFont | None:
    if not path.is_file():
        return None
    name = "JiujinCJK-" + path.stem
    if name in pdfmetrics.getRegisteredFontNames():
        return CjkFont(name, path, embedded=True)
    try:
        font = TTFont(name, str(path), subfontIndex=0)
    except (TTFError, OSError, ValueError) as exc:
        log.info("font %s unusable: %s", path, exc)
        return None
    if not all(ord(char) in font.face.charToGlyph for char in _PROBE):
        log.info("font %s has no Chinese glyphs", path)
        return None
    pdfmetrics.registerFont(font)
    return CjkFont(name, path, embedded=True)


@cache
def cjk_font() -> CjkFont:
    """The font for this process, found once."""
    return load_cjk_font(candidate_paths())
