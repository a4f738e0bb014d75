"""The map canvas: a pyqtgraph view in local metres with every layer batched, scale bar and north arrow."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QPainter, QPainterPath, QPen, QPolygonF

from ..theme import FONT_FAMILIES, MOVE_UP_COLOUR, ORDER_COLOUR
from .layers import LabelLayer, LabelSpace, PathLayer, circles_path, heat_lut, rings_path

GRID_STYLE = {  # level: pen colour, width px, label point size
    1: (QColor(20, 60, 120), 2.6, 12.0),
    2: (QColor(40, 100, 170), 1.4, 10.0),
    3: (QColor(110, 140, 175), 0.8, 8.5),
}
ZONE_PEN = QColor(0, 140, 110)
KEY_ZONE_FILL = QColor(230, 159, 0, 45)
RING_COLOURS = (QColor(213, 94, 0, 200), QColor(230, 159, 0, 170), QColor(0, 114, 178, 140))
CHOROPLETH = [QColor(255, 237, 160, 90), QColor(254, 178, 76, 110), QColor(253, 141, 60, 130),
              QColor(240, 59, 32, 150), QColor(189, 0, 38, 170)]
PICK_PX = 9.0  # how near a click must be to a marker to pick it
PATROL_LINE_COLOUR = QColor(0, 120, 80)  # as the must-patrol points


def _font(size: float, bold: bool = False) -> QFont:
    f = QFont()
    f.setFamilies(FONT_FAMILIES)
    f.setPointSizeF(size)
    f.setBold(bold)
    return f


# pyqtgraph keeps one rendered symbol per (symbol, size, pen object, brush object): a pen or brush
# made anew for each call misses it, and every marker was painted again on every refresh (600
# open incidents: some 100 ms of the GUI thread per change in a surge). Equal styles share one.
_STYLES: dict[tuple[str, object], QPen | QBrush] = {}
_MAX_STYLES = 1024  # palettes are small; a caller making colours up as it goes must not grow it


def _style_key(value: object) -> object:
    if isinstance(value, QColor):
        return ("rgba", value.rgba())
    if isinstance(value, dict):
        return tuple(sorted((k, _style_key(v)) for k, v in value.items()))
    if isinstance(value, (tuple, list)):
        return tuple(_style_key(v) for v in value)
    hash(value)  # unhashable: no sharing
    return value


def shared_style(kind: str, value: object) -> object:
    """The one QPen ('pen') or QBrush ('brush') for this spec (a colour, a dict of mkPen
    arguments, None...); a QPen or QBrush given is used as it is."""
    if isinstance(value, (QPen, QBrush)):
        return value
    try:
        key = (kind, _style_key(value))
    except TypeError:
        return value
    made = _STYLES.get(key)
    if made is None:
        make = pg.mkPen if kind == "pen" else pg.mkBrush
        made = make(**value) if isinstance(value, dict) else make(value)
        if len(_STYLES) >= _MAX_STYLES:
            _STYLES.clear()
        _STYLES[key] = made
    return made


@dataclass
class Markers:
    """One marker layer: a scatter item plus what a click on it selects."""

    entity: str
    item: pg.ScatterPlotItem
    ids: np.ndarray
    xs: np.ndarray
    ys: np.ndarray

    def set(self, ids: Sequence[int] | np.ndarray, xs: Sequence[float] | np.ndarray,
            ys: Sequence[float] | np.ndarray, **spots: object) -> None:
        self.ids = np.asarray(ids, dtype=np.int64)
        self.xs = np.asarray(xs, dtype=np.float64)
        self.ys = np.asarray(ys, dtype=np.float64)
        for kind in ("pen", "brush"):
            if kind in spots:
                value = spots[kind]
                spots[kind] = ([shared_style(kind, v) for v in value] if isinstance(value, list)
                               else shared_style(kind, value))
        self.item.setData(x=self.xs, y=self.ys, data=self.ids, **spots)


class MapCanvas(pg.PlotWidget):
    """Pan with the left button, zoom with the wheel; a click picks a marker, else a grid."""

    clicked = Signal(float, float)  # map metres, when no marker was near
    marker_clicked = Signal(str, int)
    double_clicked = Signal(float, float)  # map metres: zoom to the grid there
    context_requested = Signal(float, float, QPointF)  # map metres, and the screen point for a menu

    def __init__(self, parent: object = None):
        super().__init__(parent=parent, background=QColor(246, 244, 238))
        pi = self.getPlotItem()
        pi.hideAxis("left")
        pi.hideAxis("bottom")
        pi.setMenuEnabled(False)
        pi.hideButtons()
        self.vb: pg.ViewBox = pi.getViewBox()
        self.vb.setAspectLocked(True)
        self.vb.setDefaultPadding(0.02)
        self.setAntialiasing(True)
        # Heat map and base image pixels blend instead of showing as blocks.
        self.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)

        self.base = pg.ImageItem()
        self.base.setZValue(-20)
        self.heat = pg.ImageItem(axisOrder="row-major")
        self.heat.setZValue(-10)
        self.heat.setLookupTable(heat_lut(QColor(189, 0, 38)))
        self.choropleth = [PathLayer(QPen(Qt.PenStyle.NoPen), QBrush(c)) for c in CHOROPLETH]
        self.key_zones = PathLayer(QPen(QColor(230, 159, 0), 1.2, Qt.PenStyle.DashLine), QBrush(KEY_ZONE_FILL))
        self.zones = PathLayer(QPen(ZONE_PEN, 1.6, Qt.PenStyle.DashDotLine))
        # Patrol lines (巡逻线路): open routes, drawn over the zones in the must-patrol colour.
        self.patrol_lines = PathLayer(QPen(PATROL_LINE_COLOUR, 2.6, Qt.PenStyle.DashLine))
        self.levels = {lv: PathLayer(QPen(c, w)) for lv, (c, w, _s) in GRID_STYLE.items()}
        self.rings = [PathLayer(QPen(c, 1.1, Qt.PenStyle.DotLine)) for c in RING_COLOURS]
        self.reach = [PathLayer(QPen(c, 1.0), QBrush(QColor(c.red(), c.green(), c.blue(), 18)))
                      for c in RING_COLOURS]
        self.highlight = PathLayer(QPen(QColor(213, 94, 0), 3.0), QBrush(QColor(213, 94, 0, 40)))
        # The accepted patrol plan: a dashed line from each unit to the point it should hold.
        self.order_lines = PathLayer(QPen(ORDER_COLOUR, 1.6, Qt.PenStyle.DashLine))
        # A move-up (补位) the unit board suggests: a bold line from the free unit to the point.
        self.move_lines = PathLayer(QPen(MOVE_UP_COLOUR, 3.0, Qt.PenStyle.DashLine))
        # Fills under outlines; districts drawn over micro grids so their borders stay bold.
        stack = [*self.choropleth, self.key_zones, self.levels[3], self.levels[2], self.levels[1],
                 self.zones, self.patrol_lines, *self.reach, *self.rings, self.order_lines, self.move_lines,
                 self.highlight]
        for z, item in enumerate(stack):
            item.setZValue(z - 9)
        for item in (self.base, self.heat, *stack):
            self.vb.addItem(item, ignoreBounds=isinstance(item, pg.ImageItem))

        self.markers: dict[str, Markers] = {}
        # Hover text per marker layer, by the marker's id (set by whoever fills the layer).
        self.tips: dict[str, dict[int, str]] = {k: {} for k in
                                                ("patrol_lines", "patrol_points", "posts", "sites", "orders",
                                                 "moves", "repeats", "incidents", "pulse", "unit_pulse",
                                                 "units")}
        for z, (key, entity) in enumerate((("patrol_lines", "patrol_line"),
                                           ("patrol_points", "patrol_point"), ("posts", "post"),
                                           ("sites", "key_site"), ("orders", "unit"), ("moves", "unit"),
                                           ("repeats", "repeat_place"), ("incidents", "incident"),
                                           ("pulse", "incident"), ("unit_pulse", "unit"),
                                           ("units", "unit"))):
            item = pg.ScatterPlotItem(pxMode=True, hoverable=True,
                                      tip=lambda x, y, data, key=key: self.tips[key].get(int(data), ""))
            item.setZValue(10 + z)
            self.vb.addItem(item, ignoreBounds=True)
            self.markers[key] = Markers(entity, item, np.zeros(0, np.int64), np.zeros(0), np.zeros(0))
        self.selection = pg.ScatterPlotItem(pxMode=True, symbol="o", size=30,
                                            pen=pg.mkPen(QColor(213, 94, 0), width=3), brush=None)
        self.selection.setZValue(30)
        self.vb.addItem(self.selection, ignoreBounds=True)

        self.label_space = LabelSpace()
        space = self.label_space
        self.grid_labels = {lv: LabelLayer(_font(s, bold=lv == 1), c.darker(140), space=space)
                            for lv, (c, _w, s) in GRID_STYLE.items()}
        self.site_labels = LabelLayer(_font(8.5), QColor(120, 40, 0), offset_px=(0, 14), space=space)
        self.post_labels = LabelLayer(_font(8.5, bold=True), QColor(0, 70, 140), offset_px=(0, 14),
                                      space=space)
        self.unit_labels = LabelLayer(_font(9, bold=True), QColor(20, 20, 20), offset_px=(0, -15),
                                      declutter=False, space=space)
        self.repeat_labels = LabelLayer(_font(8.5, bold=True), QColor(150, 0, 30), offset_px=(0, 13),
                                        space=space)
        # Painted in this order, so each claims its screen space before the less important ones.
        for z, label in enumerate((self.unit_labels, self.grid_labels[1], self.post_labels,
                                   self.site_labels, self.repeat_labels, self.grid_labels[2],
                                   self.grid_labels[3])):
            label.setZValue(40 + z)
            self.vb.addItem(label, ignoreBounds=True)
        self.legend: list[tuple[str, QColor, str]] = []  # symbol, colour, text
        self.legend_title = ""
        self.note = ""
        self.placing = False  # the next click places a point (see map/point_editing.py)
        self.scene().sigMouseClicked.connect(self._on_scene_click)

    # -- geometry ---------------------------------------------------------------------------
    def metres_per_pixel(self) -> float:
        size = self.vb.viewPixelSize()
        return float(size[0]) if size and size[0] > 0 else 1.0

    def fit(self, bounds: tuple[float, float, float, float]) -> None:
        x0, y0, x1, y1 = bounds
        self.vb.setRange(QRectF(x0, y0, max(x1 - x0, 10.0), max(y1 - y0, 10.0)), padding=0.03)

    def center_on(self, x: float, y: float, *, width_m: float | None = None) -> None:
        r = self.vb.viewRect()
        w = width_m or r.width()
        h = w * (r.height() / r.width()) if r.width() else w
        self.vb.setRange(QRectF(x - w / 2, y - h / 2, w, h), padding=0.0)

    def set_heat(self, values: np.ndarray | None, x0: float = 0, y0: float = 0, cell: float = 1) -> None:
        if values is None or not values.size or values.max() <= 0:
            self.heat.clear()
            return
        self.heat.setImage(values, levels=(0.0, float(values.max())), autoLevels=False)
        self.heat.setRect(QRectF(x0, y0, values.shape[1] * cell, values.shape[0] * cell))

    def set_choropleth(self, classes: Sequence[Sequence[np.ndarray]]) -> None:
        for layer, rings in zip(self.choropleth, classes, strict=False):
            layer.set_path(rings_path(list(rings)))

    def set_rings(self, layers: Sequence[PathLayer], xs: np.ndarray, ys: np.ndarray,
                  radii: Sequence[np.ndarray]) -> None:
        for layer, r in zip(layers, radii, strict=True):
            layer.set_path(circles_path(xs, ys, r))

    def set_highlight(self, rings: Sequence[np.ndarray] | None) -> None:
        self.highlight.set_path(rings_path(list(rings)) if rings else QPainterPath())

    # -- picking ----------------------------------------------------------------------------
    def pick_marker(self, x: float, y: float) -> tuple[str, int] | None:
        """The nearest visible marker within a few pixels of the map point, units first."""
        tol = PICK_PX * self.metres_per_pixel()
        for key in ("units", "incidents", "orders", "repeats", "sites", "posts", "patrol_points"):
            m = self.markers[key]
            if not m.item.isVisible() or not len(m.xs):
                continue
            d = np.hypot(m.xs - x, m.ys - y)
            i = int(np.argmin(d))
            if d[i] <= tol:
                return m.entity, int(m.ids[i])
        return None

    def markers_near(self, x: float, y: float, keys: Sequence[str]) -> list[tuple[str, int]]:
        """Every visible marker of these layers within a few pixels, nearest first: points
        that share a place (a school gate's morning and evening posts) are all offered."""
        tol = PICK_PX * self.metres_per_pixel()
        found: list[tuple[float, str, int]] = []
        for key in keys:
            m = self.markers[key]
            if not m.item.isVisible() or not len(m.xs):
                continue
            d = np.hypot(m.xs - x, m.ys - y)
            found += [(float(d[i]), m.entity, int(m.ids[i])) for i in np.nonzero(d <= tol)[0]]
        return [(entity, entity_id) for _d, entity, entity_id in sorted(found)]

    def click_at(self, x: float, y: float) -> None:
        # While a point is being placed the click is its position, even on another marker.
        hit = None if self.placing else self.pick_marker(x, y)
        if hit is not None:
            self.marker_clicked.emit(*hit)
        else:
            self.clicked.emit(x, y)

    def _on_scene_click(self, ev: object) -> None:
        p = self.vb.mapSceneToView(ev.scenePos())  # type: ignore[attr-defined]
        if ev.button() == Qt.MouseButton.RightButton:  # type: ignore[attr-defined]
            self.context_requested.emit(p.x(), p.y(), QPointF(ev.screenPos()))  # type: ignore[attr-defined]
            return
        if ev.button() != Qt.MouseButton.LeftButton:  # type: ignore[attr-defined]
            return
        if ev.double():  # type: ignore[attr-defined]
            self.double_clicked.emit(p.x(), p.y())
        else:
            self.click_at(p.x(), p.y())

    # -- overlays ---------------------------------------------------------------------------
    def paintEvent(self, ev: object) -> None:
        # A new frame: labels start from an empty screen (drawBackground is cached, so not there).
        self.label_space.reset()
        super().paintEvent(ev)

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        super().drawForeground(painter, rect)
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        self._scale_bar(painter)
        self._north_arrow(painter)
        self._legend(painter)
        self._note(painter)
        painter.restore()

    def set_note(self, text: str) -> None:
        """One line of status at the top left (e.g. the free units' reach)."""
        self.note = text
        self.viewport().update()

    def _note(self, painter: QPainter) -> None:
        if not self.note:
            return
        painter.setFont(_font(9, bold=True))
        w = painter.fontMetrics().horizontalAdvance(self.note) + 16
        h = painter.fontMetrics().height() + 8
        painter.setPen(QPen(QColor(180, 180, 180)))
        painter.setBrush(QColor(255, 255, 255, 225))
        painter.drawRoundedRect(QRectF(10, 10, w, h), 4, 4)
        painter.setPen(QColor(30, 30, 30))
        painter.drawText(QRectF(18, 10, w - 16, h), Qt.AlignmentFlag.AlignVCenter, self.note)

    def set_legend(self, title: str, entries: Sequence[tuple[str, QColor, str]]) -> None:
        self.legend_title = title
        self.legend = list(entries)
        self.viewport().update()

    def _legend(self, painter: QPainter) -> None:
        if not self.legend:
            return
        painter.setFont(_font(8.5))
        fm = painter.fontMetrics()
        row = fm.height() + 3
        width = max([fm.horizontalAdvance(t) for _s, _c, t in self.legend] +
                    [fm.horizontalAdvance(self.legend_title) - 18]) + 34
        height = row * (len(self.legend) + (1 if self.legend_title else 0)) + 8
        x0 = self.viewport().width() - width - 12
        y0 = self.viewport().height() - height - 12
        painter.setPen(QPen(QColor(180, 180, 180)))
        painter.setBrush(QColor(255, 255, 255, 225))
        painter.drawRoundedRect(QRectF(x0, y0, width, height), 4, 4)
        y = y0 + 4
        if self.legend_title:
            painter.setPen(QColor(30, 30, 30))
            painter.drawText(QRectF(x0 + 8, y, width - 12, row), Qt.AlignmentFlag.AlignVCenter,
                             self.legend_title)
            y += row
        for symbol, colour, text in self.legend:
            painter.setPen(QPen(QColor(60, 60, 60), 0.8))
            painter.setBrush(colour)
            box = QRectF(x0 + 9, y + row / 2 - 5, 10, 10)
            if symbol == "o":
                painter.drawEllipse(box)
            elif symbol == "r":  # a ring in its colour, as the pulse around a unit is drawn
                painter.setPen(QPen(colour, 2.0))
                painter.setBrush(Qt.BrushStyle.NoBrush)
                painter.drawEllipse(box)
            elif symbol in ("d", "D"):
                if symbol == "D":  # hollow, outlined in its colour (the patrol plan's points)
                    painter.setPen(QPen(colour, 2.0))
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                c = box.center()
                painter.drawPolygon(QPolygonF([QPointF(c.x(), box.top()), QPointF(box.right(), c.y()),
                                               QPointF(c.x(), box.bottom()), QPointF(box.left(), c.y())]))
            elif symbol == "t":
                painter.drawPolygon(QPolygonF([box.topLeft(), box.topRight(),
                                               QPointF(box.center().x(), box.bottom())]))
            elif symbol == "h":  # a hexagon, as pyqtgraph draws the must-patrol points
                c, r = box.center(), box.width() / 2
                painter.drawPolygon(QPolygonF([QPointF(c.x() + r * math.cos(math.radians(30 + 60 * k)),
                                                       c.y() + r * math.sin(math.radians(30 + 60 * k)))
                                               for k in range(6)]))
            else:
                painter.drawRect(box)
            painter.setPen(QColor(30, 30, 30))
            painter.drawText(QRectF(x0 + 26, y, width - 30, row), Qt.AlignmentFlag.AlignVCenter, text)
            y += row

    def _scale_bar(self, painter: QPainter) -> None:
        mpp = self.metres_per_pixel()
        if not math.isfinite(mpp) or mpp <= 0:
            return
        target = 130 * mpp
        nice = [1, 2, 5]
        exp = 10 ** math.floor(math.log10(target))
        length = max(n * exp for n in nice if n * exp <= target) if target >= 1 else 1
        px = length / mpp
        x0, y0 = 16.0, self.viewport().height() - 22.0
        painter.fillRect(QRectF(x0 - 6, y0 - 20, px + 12, 30), QColor(255, 255, 255, 200))
        painter.setPen(QPen(QColor(30, 30, 30), 2))
        painter.drawLine(QPointF(x0, y0), QPointF(x0 + px, y0))
        painter.drawLine(QPointF(x0, y0 - 5), QPointF(x0, y0 + 3))
        painter.drawLine(QPointF(x0 + px, y0 - 5), QPointF(x0 + px, y0 + 3))
        painter.setFont(_font(8.5))
        label = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
        painter.drawText(QRectF(x0, y0 - 19, px, 14), Qt.AlignmentFlag.AlignCenter, label)

    def _north_arrow(self, painter: QPainter) -> None:
        cx, top = self.viewport().width() - 30.0, 14.0
        painter.setPen(QPen(QColor(30, 30, 30), 1.2))
        painter.setBrush(QColor(30, 30, 30))
        painter.drawPolygon(QPolygonF([QPointF(cx, top + 14), QPointF(cx - 7, top + 34),
                                       QPointF(cx, top + 29)]))
        painter.setBrush(QColor(255, 255, 255))
        painter.drawPolygon(QPolygonF([QPointF(cx, top + 14), QPointF(cx + 7, top + 34),
                                       QPointF(cx, top + 29)]))
        painter.setFont(_font(10, bold=True))
        painter.drawText(QRectF(cx - 10, top - 2, 20, 16), Qt.AlignmentFlag.AlignCenter, "N")
