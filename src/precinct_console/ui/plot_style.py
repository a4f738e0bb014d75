"""The house style of a chart: white, still (no zoom or pan), light grid, readable ticks, legend above."""

from __future__ import annotations

import html
from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel, QWidget

from .theme import ui_font


def static_plot() -> pg.PlotWidget:
    """A chart that shows figures; an officer reads it, nobody drags it around."""
    plot = pg.PlotWidget(background="w")
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    # Nothing to do there by key: Tab stopped on it with nothing to show where the focus was.
    plot.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    plot.showGrid(y=True, alpha=0.25)
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setTickFont(ui_font(8))
        axis.setTextPen(pg.mkPen("#333333"))
        axis.setPen(pg.mkPen("#999999"))
    return plot


# How a series is drawn, as the legend shows it: a bar or a line.
LEGEND_MARKS = {"bar": "■", "line": "━"}


class ChartLegend(QLabel):
    """The series of a chart, named in one line above it.

    Not pyqtgraph's legend: that one floats inside the plot and, on a chart the size of a docked
    panel, covers the bars or points near the top (the daily 1-3-5 lines at 100%, the replay's
    bars), whatever headroom the y range leaves, since the legend is sized in pixels."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFont(ui_font(8))
        self.setTextFormat(Qt.TextFormat.RichText)
        # One line, no word wrap: a wrapping label asks its layout for height-for-width, and in
        # the statistics panel's scrolled grid that stretched the first row of charts to twice
        # their height.
        self._entries: list[tuple[str, QColor, str]] = []

    def set_entries(self, entries: Sequence[tuple[str, QColor, str]]) -> None:
        """(name, colour, mark) per series, mark one of LEGEND_MARKS."""
        self._entries = [(name, QColor(colour), mark) for name, colour, mark in entries]
        self.setText("&nbsp;&nbsp;&nbsp;".join(
            f'<span style="color:{colour.name()}">{LEGEND_MARKS[mark]}</span>&nbsp;{html.escape(name)}'
            for name, colour, mark in self._entries))

    def names(self) -> list[str]:
        return [name for name, _c, _m in self._entries]
