"""Reports that look finished: whole-number ticks for counts, "暂无数据" for an empty chart,
"第 x 页 / 共 y 页" footers, and no font that is not embedded."""

from __future__ import annotations

from datetime import datetime

import pytest
from reportlab.graphics.charts.barcharts import BarChart

from reports import CityFigures, CityRow, city_pdf, pdf
from reports.charts import NO_DATA, count_step, horizontal_bars, vertical_bars
from station.core.clock import CST
from tests.reports.helpers import embedded_fonts, pdf_text

FONT = pdf.document_styles().font.name


def _chart(drawing: object) -> BarChart:
    (chart,) = [c for c in drawing.contents if isinstance(c, BarChart)]  # type: ignore[attr-defined]
    return chart


@pytest.mark.parametrize(("top", "step"), [(0, 1), (3, 1), (8, 1), (9, 2), (17, 5), (100, 20), (999, 200)])
def test_count_axes_step_by_whole_numbers(top: int, step: int) -> None:
    assert count_step(top) == step


def test_a_chart_of_counts_has_whole_ticks_only() -> None:
    chart = _chart(vertical_bars("按小时受理件数", [f"{h:02d}" for h in range(24)], [[0] * 9 + [1, 2, 1] + [0] * 12],
                                 FONT, 400, 150))
    chart.valueAxis.configure(chart.data)
    ticks = chart.valueAxis._tickValues
    assert ticks == [0, 1, 2, 3] and chart.valueAxis.labelTextFormat == "%d"


def test_an_empty_chart_says_there_is_no_data() -> None:
    for drawing in (vertical_bars("空", [], [[]], FONT, 300, 100), horizontal_bars("空", ["a"], [0], FONT, 300, 100)):
        texts = [getattr(item, "text", "") for item in drawing.contents]
        assert NO_DATA in texts
        assert not [c for c in drawing.contents if isinstance(c, BarChart)]


def _figures(rows: int) -> CityFigures:
    row = CityRow("330106", "西湖区", 5, 3, 4, 2, 1, 1)
    districts = tuple(CityRow(f"33{i:04d}", f"区{i}", 5, 3, 4, 2, 1, 1) for i in range(rows))
    return CityFigures(datetime(2026, 12, 4, 9, tzinfo=CST), None, None, districts, (row,), row)


def test_every_page_says_which_of_how_many_it_is() -> None:
    text = pdf_text(city_pdf(_figures(60)))
    total = text.count("第 1 页")
    assert total == 1
    pages = text.split("共 ")[1].split(" 页")[0]
    assert int(pages) > 1
    assert f"第 {pages} 页 / 共 {pages} 页" in text


def test_reports_reference_only_embedded_fonts() -> None:
    fonts = embedded_fonts(city_pdf(_figures(3)))
    assert fonts and all(size > 0 for size in fonts.values()), fonts
    assert not any("Helvetica" in name for name in fonts)
