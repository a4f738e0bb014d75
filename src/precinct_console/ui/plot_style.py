"""The house style of a chart: white, still (no zoom or pan), light grid, readable ticks."""

from __future__ import annotations

import pyqtgraph as pg

from .theme import ui_font


def static_plot() -> pg.PlotWidget:
    """A chart that shows figures; an officer reads it, nobody drags it around."""
    plot = pg.PlotWidget(background="w")
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    plot.showGrid(y=True, alpha=0.25)
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setTickFont(ui_font(8))
        axis.setTextPen(pg.mkPen("#333333"))
        axis.setPen(pg.mkPen("#999999"))
    return plot
