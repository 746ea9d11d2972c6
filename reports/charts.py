"""Bar charts (reportlab graphics) with Chinese labels, as flowables for the reports."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors

PALETTE = [colors.HexColor(c) for c in ("#2f6db5", "#e08a2e", "#3c9d5d", "#b5473f", "#7a5bb5")]


def _nice_max(values: Sequence[float], percent: bool) -> float:
    if percent:
        return 100.0
    top = max(values, default=0) or 1
    step = 10 ** (len(str(int(top))) - 1)
    return float((int(top / step) + 1) * step)


def vertical_bars(title: str, categories: Sequence[str], series: Sequence[Sequence[float]],
                  font: str, width: float, height: float, *, names: Sequence[str] = (),
                  percent: bool = False, label_angle: int = 0) -> Drawing:
    """Columns per category; several series side by side, with a legend when named."""
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 12, title, fontName=font, fontSize=10))
    chart = VerticalBarChart()
    chart.x, chart.y = 34, 34 if label_angle == 0 else 52
    chart.width, chart.height = width - 44 - (90 if names else 0), height - chart.y - 26
    chart.data = [list(s) for s in series]
    chart.categoryAxis.categoryNames = list(categories)
    _axes(chart, font, label_angle)
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, _nice_max(
        [v for s in series for v in s], percent)
    if percent:
        chart.valueAxis.labelTextFormat = "%d%%"
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
    drawing = Drawing(width, height)
    drawing.add(String(0, height - 12, title, fontName=font, fontSize=10))
    chart = HorizontalBarChart()
    chart.x, chart.y = 150, 16
    chart.width, chart.height = width - 170, height - 40
    chart.data = [list(reversed(values))]
    chart.categoryAxis.categoryNames = list(reversed(categories))
    _axes(chart, font, 0)
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, _nice_max(values, False)
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
