"""Small pyqtgraph chart widgets with Chinese labels: vertical bars, horizontal bars, lines."""

from __future__ import annotations

from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..plot_style import ChartLegend, static_plot
from ..theme import BREACH, INFO, NEAR, OK

SERIES_COLOURS = [INFO, NEAR, OK, BREACH]
# The line charts sit in a third of the panel: about this many "11-01" labels fit side by side.
MAX_LINE_LABELS = 8
# Plot heights that keep labels apart: every horizontal bar has its label on the left axis, and
# pyqtgraph draws them all, one on top of the other when a row is thinner than the text.
MIN_PLOT_HEIGHT = 130
HBAR_ROW_PX = 17
HBAR_AXIS_PX = 30


def label_step(count: int, most: int = MAX_LINE_LABELS) -> int:
    """Label every n-th point so that at most `most` labels show (a month's days: every 4th)."""
    return max(1, -(-count // most))


class ChartBox(QGroupBox):
    """A titled chart with a button that saves it as PNG."""

    saved = Signal(str)
    failed = Signal(str)  # the path that could not be written (no folder, no rights, disk full)

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(title, parent)
        self.plot = static_plot()
        self.plot.setMinimumHeight(MIN_PLOT_HEIGHT)
        self.legend = ChartLegend()  # the line chart's series; empty on the bar charts
        save = QToolButton()
        save.setText(self.tr("PNG…"))
        save.setToolTip(self.tr("Save this chart as a PNG image"))
        save.clicked.connect(self._ask_save)
        top = QHBoxLayout()
        top.addWidget(self.legend, 1)
        top.addWidget(save)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.plot, 1)

    def save_png(self, path: str) -> bool:
        """The chart with its title, as shown (what a chief pastes into a report)."""
        ok = self.grab().save(path, "PNG")
        (self.saved if ok else self.failed).emit(path)
        return ok

    def _ask_save(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save chart"), f"{self.title()}.png",
                                              self.tr("PNG image (*.png)"))
        if path:
            self.save_png(path if path.lower().endswith(".png") else path + ".png")

    # drawing ---------------------------------------------------------------------------------
    def _clear(self) -> None:
        self.plot.clear()
        self.legend.set_entries([])

    def bars(self, labels: Sequence[str], values: Sequence[float], *, colour: QColor = INFO,
             every: int = 1) -> None:
        self._clear()
        xs = list(range(len(values)))
        self.plot.addItem(pg.BarGraphItem(x=xs, height=list(values), width=0.7, brush=colour, pen=None))
        self.plot.getAxis("bottom").setTicks([[(i, labels[i]) for i in xs if i % every == 0]])
        self.plot.getAxis("left").setTicks(None)
        _whole_ticks(self.plot.getAxis("left"), max(values, default=0))
        self.plot.setXRange(-0.6, max(len(values) - 0.4, 0.4), padding=0)
        self.plot.setYRange(0, max(max(values, default=0) * 1.15, 1), padding=0)

    def hbars(self, labels: Sequence[str], values: Sequence[float], *, colour: QColor = INFO) -> None:
        """Horizontal bars, largest on top (categories, officers)."""
        self._clear()
        n = len(values)
        ys = [n - 1 - i for i in range(n)]
        self.plot.addItem(pg.BarGraphItem(x0=[0] * n, y=ys, width=list(values), height=0.7,
                                          brush=colour, pen=None))
        self.plot.getAxis("left").setTicks([[(y, labels[i]) for i, y in enumerate(ys)]])
        self.plot.getAxis("bottom").setTicks(None)
        _whole_ticks(self.plot.getAxis("bottom"), max(values, default=0))
        self.plot.setYRange(-0.6, max(n - 0.4, 0.4), padding=0)
        self.plot.setXRange(0, max(max(values, default=0) * 1.1, 1), padding=0)
        self.plot.setMinimumHeight(max(MIN_PLOT_HEIGHT, HBAR_ROW_PX * n + HBAR_AXIS_PX))

    def lines(self, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]],
              *, percent: bool = True) -> None:
        self._clear()
        xs = list(range(len(labels)))
        named = list(zip(series, SERIES_COLOURS, strict=False))
        self.legend.set_entries([(name, colour, "line") for (name, _v), colour in named])
        for (name, values), colour in named:
            pts = [(x, v * 100 if percent else v) for x, v in zip(xs, values, strict=True) if v is not None]
            self.plot.plot([p[0] for p in pts], [p[1] for p in pts], name=name,
                           pen=pg.mkPen(colour, width=2), symbol="o", symbolSize=6,
                           symbolBrush=colour, symbolPen=None)
        # Thinned as bars() is: a month of day labels would otherwise run into one another.
        every = label_step(len(labels))
        self.plot.getAxis("bottom").setTicks([[(i, labels[i]) for i in xs if i % every == 0]])
        if percent:
            self.plot.setYRange(0, 105, padding=0)
        # Room left of the first point for half its label, or pyqtgraph drops the label.
        self.plot.setXRange(-0.3 * max(every, 2), max(len(labels) - 0.7, 0.3), padding=0)


def _whole_ticks(axis: pg.AxisItem, peak: float) -> None:
    """Counts are whole numbers: no 0.5 ticks on a small chart."""
    step = 1
    for candidate in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000):
        step = candidate
        if peak / candidate <= 6:
            break
    axis.setTickSpacing(step, step)
