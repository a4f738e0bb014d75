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
        # What the plot shows, to redraw only what changed (see "drawing").
        self._items: list[pg.GraphicsObject] = []  # the bars, or one curve per series
        self._shape: tuple[object, ...] | None = None  # kind, labels, series, colours
        self._data: tuple[object, ...] | None = None  # the values drawn
        self._peak: tuple[str, float] | None = None  # the value axis and the figure its ticks fit

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
    # A redraw with new figures for the same chart (the same labels, series and colours) updates
    # the plot items in place; nothing at all is done for the same figures. Clearing the plot
    # and setting the axis ticks again made pyqtgraph rebuild every item and re-render both axes
    # of all six charts on each refresh: 120-290 ms of the GUI thread with a month shown.
    def _clear(self) -> None:
        self.plot.clear()
        self.legend.set_entries([])
        self._items = []
        self._peak = None

    def _prepare(self, shape: tuple[object, ...], data: tuple[object, ...]) -> str:
        """'same' when the chart shows this already, 'update' when its items can take the new
        values, 'new' when it has been cleared for a new drawing (other labels or series)."""
        if shape == self._shape and data == self._data:
            return "same"
        reuse = shape == self._shape and bool(self._items)
        if not reuse:
            self._clear()
        self._shape, self._data = shape, data
        return "update" if reuse else "new"

    def _value_axis(self, axis: str, peak: float, headroom: float) -> None:
        """The value axis's range and whole-number ticks, set again only when the tallest bar
        changed (each sets pyqtgraph re-rendering the axis)."""
        if self._peak == (axis, peak):
            return
        self._peak = (axis, peak)
        _whole_ticks(self.plot.getAxis(axis), peak)
        top = max(peak * headroom, 1)
        if axis == "left":
            self.plot.setYRange(0, top, padding=0)
        else:
            self.plot.setXRange(0, top, padding=0)

    def bars(self, labels: Sequence[str], values: Sequence[float], *, colour: QColor = INFO,
             every: int = 1) -> None:
        values = list(values)
        how = self._prepare(("bars", tuple(labels), every, colour.name()), tuple(values))
        if how == "same":
            return
        peak = max(values, default=0)
        if how == "update":
            self._items[0].setOpts(height=values)
        else:
            xs = list(range(len(values)))
            item = pg.BarGraphItem(x=xs, height=values, width=0.7, brush=colour, pen=None)
            self._items = [item]
            self.plot.addItem(item)
            self.plot.getAxis("bottom").setTicks([[(i, labels[i]) for i in xs if i % every == 0]])
            self.plot.getAxis("left").setTicks(None)
            self.plot.setXRange(-0.6, max(len(values) - 0.4, 0.4), padding=0)
        self._value_axis("left", peak, 1.15)

    def hbars(self, labels: Sequence[str], values: Sequence[float], *, colour: QColor = INFO) -> None:
        """Horizontal bars, largest on top (categories, officers)."""
        values = list(values)
        how = self._prepare(("hbars", tuple(labels), colour.name()), tuple(values))
        if how == "same":
            return
        n = len(values)
        peak = max(values, default=0)
        if how == "update":
            self._items[0].setOpts(width=values)
        else:
            ys = [n - 1 - i for i in range(n)]
            item = pg.BarGraphItem(x0=[0] * n, y=ys, width=values, height=0.7, brush=colour, pen=None)
            self._items = [item]
            self.plot.addItem(item)
            self.plot.getAxis("left").setTicks([[(y, labels[i]) for i, y in enumerate(ys)]])
            self.plot.getAxis("bottom").setTicks(None)
            self.plot.setYRange(-0.6, max(n - 0.4, 0.4), padding=0)
            self.plot.setMinimumHeight(max(MIN_PLOT_HEIGHT, HBAR_ROW_PX * n + HBAR_AXIS_PX))
        self._value_axis("bottom", peak, 1.1)

    def lines(self, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None]]],
              *, percent: bool = True) -> None:
        named = list(zip(series, SERIES_COLOURS, strict=False))
        shape = ("lines", tuple(labels), tuple(name for (name, _v), _c in named), percent)
        how = self._prepare(shape, tuple(tuple(values) for (_n, values), _c in named))
        if how == "same":
            return
        xs = list(range(len(labels)))

        def points(values: Sequence[float | None]) -> tuple[list[int], list[float]]:
            pts = [(x, v * 100 if percent else v) for x, v in zip(xs, values, strict=True) if v is not None]
            return [p[0] for p in pts], [p[1] for p in pts]

        if how == "update":
            for item, ((_name, values), _colour) in zip(self._items, named, strict=True):
                item.setData(*points(values))  # type: ignore[attr-defined]
            return
        self.legend.set_entries([(name, colour, "line") for (name, _v), colour in named])
        for (name, values), colour in named:
            self._items.append(self.plot.plot(*points(values), name=name, pen=pg.mkPen(colour, width=2),
                                              symbol="o", symbolSize=6, symbolBrush=colour, symbolPen=None))
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
