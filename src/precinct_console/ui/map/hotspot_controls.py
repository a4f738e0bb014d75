"""The map's hot-spot layer and its controls: period, category, time of day, density or counts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import numpy as np
from PySide6.QtCore import QT_TRANSLATE_NOOP, QObject, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QPushButton, QWidget

from ...domain.categories import CATEGORIES
from ...services.hotspots import HotspotData, hotspots
from ...services.map_data import AreaShape
from ..context import AppContext
from .canvas import CHOROPLETH, MapCanvas
from .layers import heat_lut

# Marked for the translation tools (HotspotControls context); self.tr() translates them when shown.
PERIODS = [(QT_TRANSLATE_NOOP("HotspotControls", "Last 7 days"), 7),
           (QT_TRANSLATE_NOOP("HotspotControls", "Last 30 days"), 30),
           (QT_TRANSLATE_NOOP("HotspotControls", "Last 90 days"), 90),
           (QT_TRANSLATE_NOOP("HotspotControls", "Last 365 days"), 365)]
HOURS = [(QT_TRANSLATE_NOOP("HotspotControls", "All day"), None),
         (QT_TRANSLATE_NOOP("HotspotControls", "Day 08–20"), (8, 20)),
         (QT_TRANSLATE_NOOP("HotspotControls", "Night 20–08"), (20, 8)),
         (QT_TRANSLATE_NOOP("HotspotControls", "Late night 22–06"), (22, 6))]
HEAT = QColor(189, 0, 38)
LegendEntries = list[tuple[str, QColor, str]]


class HotspotControls(QObject):
    """Loads hot spots off the GUI thread (the newest request wins) and draws them on the canvas."""

    changed = Signal()  # shown, hidden or reloaded: the legend follows

    def __init__(self, app: AppContext, canvas: MapCanvas,
                 finest_shown: Callable[[], tuple[AreaShape, ...]], parent: QObject | None = None):
        super().__init__(parent)
        self.app = app
        self.canvas = canvas
        self.finest_shown = finest_shown
        self.data: HotspotData | None = None
        self.count_labels: list[str] = []
        self._seq = 0
        self.button = QPushButton(self.tr("Hot spots"))
        self.button.setCheckable(True)
        self.button.toggled.connect(self._toggled)
        self.mode = QComboBox()
        self.mode.addItem(self.tr("Density"), "density")
        self.mode.addItem(self.tr("Counts by grid"), "grids")
        self.period = QComboBox()
        for title, days in PERIODS:
            self.period.addItem(self.tr(str(title)), days)
        self.period.setCurrentIndex(1)
        self.category = QComboBox()
        self.category.addItem(self.tr("All categories"), "")
        for c in CATEGORIES:
            if c.level == 1:
                self.category.addItem(f"{c.code} {c.name_zh}", c.code)
        self.hours = QComboBox()
        for title, window in HOURS:
            self.hours.addItem(self.tr(str(title)), window)
        for combo in self.combos:
            combo.currentIndexChanged.connect(self.reload)
            combo.setEnabled(False)

    @property
    def combos(self) -> tuple[QComboBox, ...]:
        return (self.mode, self.period, self.category, self.hours)

    @property
    def widgets(self) -> tuple[QWidget, ...]:
        return (self.button, *self.combos)

    @property
    def shown(self) -> bool:
        return self.button.isChecked() and self.data is not None

    def _toggled(self, on: bool) -> None:
        for combo in self.combos:
            combo.setEnabled(on)
        if on:
            self.reload()
            return
        self.data = None
        c = self.canvas
        c.set_heat(None)
        c.set_choropleth([[]] * 5)
        c.markers["repeats"].set([], [], [])
        c.repeat_labels.set_labels([], [], [])
        self.changed.emit()

    def reload(self) -> None:
        if not self.button.isChecked():
            return
        now = self.app.clock()
        since = now - timedelta(days=int(self.period.currentData()))
        self._seq += 1
        seq = self._seq
        # The end is exclusive: a minute ahead keeps the call taken this second on the map.
        self.app.run(hotspots, self.app.ctx, since, now + timedelta(minutes=1),
                     self.category.currentData() or None, self.hours.currentData(),
                     on_done=lambda data: self._loaded(data) if seq == self._seq else None)

    def _loaded(self, data: HotspotData) -> None:
        self.data = data
        c = self.canvas
        if self.mode.currentData() == "density":
            d = data.density
            c.set_heat(d.values, d.x0, d.y0, d.cell_m)
            c.set_choropleth([[]] * 5)
        else:
            c.set_heat(None)
            c.set_choropleth(self.count_classes(data))
        places = data.repeat_places
        c.markers["repeats"].set(list(range(len(places))), [p.x for p in places], [p.y for p in places],
                                 symbol="o", size=[10 + min(16, 2 * p.count) for p in places],
                                 brush=(189, 0, 38, 160), pen=(255, 255, 255))
        c.repeat_labels.set_labels([p.x for p in places], [p.y for p in places],
                                   [f"{p.count}" for p in places])
        c.tips["repeats"] = {i: f"{p.label}: {p.count} · {p.top_category}" for i, p in enumerate(places)}
        self.changed.emit()

    def count_classes(self, data: HotspotData) -> list[list[np.ndarray]]:
        """The finest shown level's grids in five classes of incident count (quantile breaks)."""
        shapes = [g for g in self.finest_shown() if data.grid_counts.get(g.id)]
        if not shapes:
            self.count_labels = []
            return [[]] * 5
        counts = np.array([data.grid_counts[g.id] for g in shapes], dtype=np.float64)
        breaks = np.unique(np.ceil(np.quantile(counts, [0.2, 0.4, 0.6, 0.8])))
        classes: list[list[np.ndarray]] = [[] for _ in range(5)]
        for g, n in zip(shapes, counts, strict=True):
            classes[min(4, int(np.searchsorted(breaks, n, side="left")))].extend(g.rings)
        # Class k holds counts in (breaks[k-1], breaks[k]]; the legend says so.
        lows = [1, *[int(b) + 1 for b in breaks]]
        highs = [*[int(b) for b in breaks], int(counts.max())]
        self.count_labels = [f"{lo}" if lo == hi else f"{lo}–{hi}"
                             for lo, hi in zip(lows, highs, strict=False) if lo <= hi]
        return classes

    def legend(self) -> tuple[str, LegendEntries]:
        """What the colours mean (only while shown)."""
        assert self.data is not None
        if self.mode.currentData() == "density":
            peak = self.data.density.peak
            lut = heat_lut(HEAT)
            entries: LegendEntries = [
                ("s", QColor(*[int(v) for v in lut[int(f * 255)]]), f"{f * peak:,.0f} /km²")
                for f in (0.25, 0.5, 0.75, 1.0)]
            title = self.tr("Incidents per km² (kernel %1 m)").replace(
                "%1", f"{self.data.density.bandwidth_m:.0f}")
        else:
            entries = [("s", colour, text) for colour, text in zip(CHOROPLETH, self.count_labels, strict=False)]
            title = self.tr("Incidents per grid")
        if self.data.repeat_places:
            entries.append(("o", QColor(189, 0, 38, 160), self.tr("Repeat place (count)")))
        return title, entries
