"""The Debian tools Jiujin and its tests call, as `scripts/install-system-deps.sh` installs
them: fontconfig finding WenQuanYi, poppler rendering both CJK fonts, the test PostgreSQL.

`make check-fresh` runs these, with the other tests that call system tools, in a clean
Debian where that script is the only thing that installed packages.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import psycopg
import pytest

from reports import FontFallbackWarning, load_cjk_font, receipt_pdf
from reports.fonts import DEBIAN_PATH, FAMILY, candidate_paths
from tests.reports.helpers import embedded_fonts, receipt_data, render_pages


def test_fontconfig_finds_wenquanyi_micro_hei() -> None:
    found = subprocess.run(["fc-match", "-f", "%{file}", FAMILY], capture_output=True, text=True,
                           timeout=30, check=True).stdout
    assert Path(found) == DEBIAN_PATH
    font = load_cjk_font(candidate_paths())
    assert font.embedded and font.path == DEBIAN_PATH


@pytest.mark.parametrize("truetype", [True, False], ids=["embedded-wqy", "stsong-light"])
def test_poppler_renders_a_receipt_in_either_font(truetype: bool, tmp_path: Path) -> None:
    if truetype:
        font = load_cjk_font([DEBIAN_PATH])
    else:
        with pytest.warns(FontFallbackWarning):
            font = load_cjk_font([])
    data = receipt_pdf(receipt_data(), font=font)
    fonts = embedded_fonts(data)
    if truetype:
        assert any("WenQuanYi" in name and size > 0 for name, size in fonts.items()), fonts
    else:
        assert "STSong-Light" in "".join(fonts), fonts
    (page, *_) = render_pages(data, tmp_path)
    assert page.convert("L").getextrema()[0] < 64  # dark glyphs, not a blank page


def test_the_test_postgresql_answers() -> None:
    url = os.environ.get("JIUJIN_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("JIUJIN_TEST_POSTGRES_URL is not set (make test starts PostgreSQL)")
    with psycopg.connect(url, autocommit=True) as connection:
        row = connection.execute("SHOW server_version_num").fetchone()
    assert row is not None and int(row[0]) >= 150000
