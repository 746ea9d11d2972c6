"""Bar charts (reportlab graphics) with Chinese labels, as flowables for the reports.

Counts get whole-number ticks; a chart with nothing to show says so ("暂无数据 No data")
instead of drawing bare axes; every string, axis labels included, is set in the report's
embedded CJK font, so no unembedded base font is referenced.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

PALETTE = [colors.HexColor(c) for c in ("#2f6db5", "#e08a2e", "#3c9d5d", "#b5473f", "#7a5bb5")]


NO_DATA = "暂无数据 No data"
#: At most this many value ticks on an axis.
MAX_TICKS = 8


def count_step(top: float) -> int:
    """A whole tick step of 1, 2 or 5 × 10ⁿ that marks 0…`top` in at most `MAX_TICKS` steps."""
    rough = max(top, 1) / MAX_TICKS
    magnitude = 10 ** math.floor(math.log10(rough)) if rough >= 1 else 1
    return next(int(m * magnitude) for m in (1, 2, 5, 10) if m * magnitude >= rough)


def _value_axis(chart: VerticalBarChart | HorizontalBarChart, values: Sequence[float], percent: bool) -> None:
    axis = chart.valueAxis
    if percent:
        axis.valueMin, axis.valueMax, axis.valueStep = 0, 100, 20
        axis.labelTextFormat = "%d%%"
        return
    step = count_step(max(values, default=0))
    axis.valueMin, axis.valueStep = 0, step
    axis.valueMax = step * (math.floor(max(values, default=0) / step) + 1)
    axis.labelTextFormat = "%d"


def _drawing(title: str, font: str, width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    drawing.initialFontName = font
    drawing.add(String(0, height - 12, title, fontName=font, fontSize=10))
    return drawing


def _empty(drawing: Drawing, font: str, width: float, height: float) -> Drawing:
    drawing.add(String(width / 2, height / 2 - 5, NO_DATA, fontName=font, fontSize=10,
                       textAnchor="middle", fillColor=colors.HexColor("#5b6673")))
    return drawing


def _has_data(categories: Sequence[str], values: Sequence[float]) -> bool:
    return bool(categories) and any(v for v in values)


def vertical_bars(title: str, categories: Sequence[str], series: Sequence[Sequence[float]],
                  font: str, width: float, height: float, *, names: Sequence[str] = (),
                  percent: bool = False, label_angle: int = 0) -> Drawing:
    """Columns per category; several series side by side, with a legend when named."""
    drawing = _drawing(title, font, width, height)
    values = [v for s in series for v in s]
    if not _has_data(categories, values):
        return _empty(drawing, font, width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 34, 34 if label_angle == 0 else 52
    chart.width, chart.height = width - 44 - (90 if names else 0), height - chart.y - 26
    chart.data = [list(s) for s in series]
    chart.categoryAxis.categoryNames = list(categories)
    _axes(chart, font, label_angle)
    _value_axis(chart, values, percent)
    chart.barSpacing, chart.groupSpacing = 1, 4
    for index in range(len(series)):
        chart.bars[index].fillColor = PALETTE[index % len(PALETTE)]
        chart.bars[index].strokeColor = None
    drawing.add(chart)
    if names:
        drawing.add(_legend(names, font, width - 86, height - 30))
    return drawing


def horizontal_bars(title: str, categories: Sequence[str], values: Sequence[float], font: str,
                    width: float, height: float) -> Drawing:
    """One bar per category, longest first as given."""
    drawing = _drawing(title, font, width, height)
    if not _has_data(categories, values):
        return _empty(drawing, font, width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 150, 16
    chart.width, chart.height = width - 170, height - 40
    chart.data = [list(reversed(values))]
    chart.categoryAxis.categoryNames = list(reversed(categories))
    _axes(chart, font, 0)
    _value_axis(chart, values, False)
    chart.bars[0].fillColor, chart.bars[0].strokeColor = PALETTE[0], None
    drawing.add(chart)
    return drawing


def _axes(chart: VerticalBarChart | HorizontalBarChart, font: str, label_angle: int) -> None:
    labels = chart.categoryAxis.labels
    labels.fontName, labels.fontSize = font, 7
    if label_angle:
        labels.angle, labels.boxAnchor, labels.dy = label_angle, "ne", -2
    chart.valueAxis.labels.fontName = font
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = colors.HexColor("#dde2e7")
    chart.valueAxis.forceZero = True


def _legend(names: Sequence[str], font: str, x: float, y: float) -> Legend:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.fontName, legend.fontSize = font, 7
    legend.alignment = "right"
    legend.dx = legend.dy = 7
    legend.columnMaximum = len(names)
    legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], name) for i, name in enumerate(names)]
    return legend
