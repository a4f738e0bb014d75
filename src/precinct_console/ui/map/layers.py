"""Batched map layers: one painter path per polygon layer, one item per label layer (DESIGN.md).

One graphics item per polygon costs ~10x a single batched path, so every layer here is one
item however many shapes it holds; labels are culled and sized in device pixels at paint time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pyqtgraph as pg
import shapely
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QGraphicsObject, QStyleOptionGraphicsItem, QWidget


def rings_path(rings: Sequence[np.ndarray]) -> QPainterPath:
    """One QPainterPath of many closed rings (outer rings and holes alike)."""
    if not rings:
        return QPainterPath()
    xs = np.concatenate([r[:, 0] for r in rings])
    ys = np.concatenate([r[:, 1] for r in rings])
    connect = np.ones(len(xs), dtype=np.bool_)
    ends = np.cumsum([len(r) for r in rings]) - 1
    connect[ends] = False  # lift the pen between rings
    path = pg.arrayToQPath(xs, ys, connect=connect)
    path.setFillRule(Qt.FillRule.OddEvenFill)  # holes stay holes
    return path


def circles_path(xs: np.ndarray, ys: np.ndarray, radii: np.ndarray, segments: int = 64) -> QPainterPath:
    """Many circles as one path (reach rings)."""
    if len(xs) == 0:
        return QPainterPath()
    t = np.linspace(0, 2 * math.pi, segments + 1)
    cx = (xs[:, None] + radii[:, None] * np.cos(t)[None, :]).ravel()
    cy = (ys[:, None] + radii[:, None] * np.sin(t)[None, :]).ravel()
    connect = np.ones(len(cx), dtype=np.bool_)
    connect[segments::segments + 1] = False
    return pg.arrayToQPath(cx, cy, connect=connect)


# Simplification tolerances (metres) of the coarser copies a polygon layer keeps for zooming out.
LOD_TOLERANCES_M = (2.0, 8.0, 32.0)


def simplified(rings: Sequence[np.ndarray], tolerance: float) -> list[np.ndarray]:
    """Douglas-Peucker copies of the rings; a ring that would collapse keeps its original."""
    if not rings:
        return []
    coords = np.vstack([np.asarray(r)[:, :2] for r in rings])
    index = np.repeat(np.arange(len(rings)), [len(r) for r in rings])
    geoms = shapely.linearrings(coords, indices=index)
    out = []
    for ring, simple in zip(rings, shapely.simplify(geoms, tolerance, preserve_topology=False), strict=True):
        coords = shapely.get_coordinates(simple)
        out.append(coords if len(coords) >= 4 else ring)
    return out


class PathLayer(QGraphicsObject):
    """A whole layer of outlines (and optional fill) drawn with one cosmetic pen.

    Zoomed out, a vertex closer than a pixel to its neighbours' line cannot be seen, so the
    layer paints a simplified copy whose tolerance stays under a pixel: the picture is the same
    and a city of finely surveyed micro grids still redraws within a frame.
    """

    def __init__(self, pen: QPen, brush: QBrush | None = None, parent: QGraphicsObject | None = None):
        super().__init__(parent)
        pen = QPen(pen)
        pen.setCosmetic(True)  # line width in pixels at any zoom
        self._pen = pen
        self._brush = brush or QBrush(Qt.BrushStyle.NoBrush)
        self._path = QPainterPath()
        self._lod: list[tuple[float, QPainterPath]] = []  # (tolerance m, path), coarsest last
        self._bounds = QRectF()
        self.painted_tolerance = 0.0  # of the copy painted last (tests and benchmarks read it)

    def set_path(self, path: QPainterPath) -> None:
        self.prepareGeometryChange()
        self._path = path
        self._lod = []
        self._bounds = path.boundingRect()
        self.update()

    def set_rings(self, rings: Sequence[np.ndarray]) -> None:
        self.set_path(rings_path(rings))
        rings = list(rings)
        total = sum(len(r) for r in rings)
        for tol in LOD_TOLERANCES_M:
            simple = simplified(rings, tol)
            # Keep a copy only when it saves a good share of the vertices.
            if sum(len(r) for r in simple) < 0.7 * total:
                self._lod.append((tol, rings_path(simple)))
                rings, total = simple, sum(len(r) for r in simple)

    def _path_for(self, painter: QPainter) -> QPainterPath:
        if not self._lod:
            self.painted_tolerance = 0.0
            return self._path
        t = painter.transform()
        px_per_m = math.hypot(t.m11(), t.m12())
        metres_per_px = 1.0 / px_per_m if px_per_m > 0 else 0.0
        chosen, tol_chosen = self._path, 0.0
        for tol, path in self._lod:
            if tol <= 0.5 * metres_per_px:
                chosen, tol_chosen = path, tol
        self.painted_tolerance = tol_chosen
        return chosen

    def set_pen(self, pen: QPen) -> None:
        pen = QPen(pen)
        pen.setCosmetic(True)
        self._pen = pen
        self.update()

    def set_brush(self, brush: QBrush) -> None:
        self._brush = brush
        self.update()

    def path(self) -> QPainterPath:
        return self._path

    def boundingRect(self) -> QRectF:
        return self._bounds

    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange: object = None) -> tuple[float, float] | None:
        if self._bounds.isNull():
            return None
        b = self._bounds
        return (b.left(), b.right()) if ax == 0 else (b.top(), b.bottom())

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        if self._path.isEmpty():
            return
        painter.setPen(self._pen)
        painter.setBrush(self._brush)
        painter.drawPath(self._path_for(painter))


HALO = QColor(255, 255, 255, 210)  # keeps labels readable over lines, fills and the base image


class LabelSpace:
    """Screen space taken by labels in the frame being painted, shared by every label layer.

    Layers paint in z order, so the most important labels (units, posts, sites, districts) sit
    lowest and claim their space first; later labels that would overlap them are skipped.
    """

    CELL = 8.0

    def __init__(self) -> None:
        self.taken: set[tuple[int, int]] = set()

    def reset(self) -> None:
        self.taken.clear()

    def claim(self, x: float, y: float, w: float, h: float, *, force: bool = False) -> bool:
        c = self.CELL
        cells = {(cx, cy) for cx in range(int(x // c), int((x + w) // c) + 1)
                 for cy in range(int(y // c), int((y + h) // c) + 1)}
        if not force and cells & self.taken:
            return False
        self.taken |= cells
        return True


class LabelLayer(QGraphicsObject):
    """Text labels at map positions, drawn upright at a fixed pixel size.

    A label with `room` (metres available, e.g. a grid's narrower side) shows only once the zoom
    gives it that much space on screen, so small grids' names appear as you zoom in and never
    pile up; with `long_texts`, the long form replaces the short one when it fits too.
    """

    def __init__(self, font: QFont, colour: QColor, *, halo: QColor | None = HALO,
                 offset_px: tuple[float, float] = (0.0, 0.0), declutter: bool = True,
                 space: LabelSpace | None = None, parent: QGraphicsObject | None = None):
        super().__init__(parent)
        self._font = font
        self._colour = colour
        self._halo = halo
        self._offset = offset_px
        self._declutter = declutter
        self._space = space or LabelSpace()
        self._own_space = space is None
        self._metrics = QFontMetricsF(font)
        self._x = np.zeros(0)
        self._y = np.zeros(0)
        self._texts: list[str] = []
        self._long: list[str] | None = None
        self._widths = np.zeros(0)
        self._long_widths = np.zeros(0)
        self._room = np.zeros(0)
        self._colours: list[QColor] | None = None
        self._bounds = QRectF()
        self.drawn = 0  # labels drawn in the last paint (tests and benchmarks read it)
        self._sprites: dict[tuple[str, int], QPixmap] = {}

    @property
    def texts(self) -> list[str]:
        """The labels as set (drawn or not, as the zoom allows)."""
        return list(self._texts)

    def set_labels(self, xs: Sequence[float] | np.ndarray, ys: Sequence[float] | np.ndarray,
                   texts: Sequence[str],
                   room: Sequence[float] | None = None, colours: Sequence[QColor] | None = None,
                   long_texts: Sequence[str] | None = None) -> None:
        self.prepareGeometryChange()
        self._x = np.asarray(xs, dtype=np.float64)
        self._y = np.asarray(ys, dtype=np.float64)
        self._texts = list(texts)
        self._widths = np.array([self._metrics.horizontalAdvance(t) for t in self._texts], dtype=np.float64)
        self._long = list(long_texts) if long_texts is not None else None
        self._long_widths = (np.array([self._metrics.horizontalAdvance(t) for t in self._long],
                                      dtype=np.float64) if self._long else np.zeros(0))
        self._room = np.asarray(room, dtype=np.float64) if room is not None else np.full(len(self._x), np.inf)
        self._colours = list(colours) if colours is not None else None
        if len(self._x):
            self._bounds = QRectF(float(self._x.min()), float(self._y.min()),
                                  float(np.ptp(self._x)) or 1.0, float(np.ptp(self._y)) or 1.0)
        else:
            self._bounds = QRectF()
        self.update()

    def boundingRect(self) -> QRectF:
        # Text sticks out of the points by some pixels: the viewport repaints whole anyway.
        return self._bounds.adjusted(-1e4, -1e4, 1e4, 1e4) if not self._bounds.isNull() else self._bounds

    def dataBounds(self, ax: int, frac: float = 1.0, orthoRange: object = None) -> None:
        return None  # labels never widen "fit to jurisdiction"

    def visible_labels(self, transform: object, width: float, height: float) -> np.ndarray:
        """Indices of the labels that fit on a device of this size under this transform."""
        if not len(self._x):
            return np.zeros(0, dtype=np.int64)
        t = transform
        px = t.m11() * self._x + t.m21() * self._y + t.dx()  # type: ignore[attr-defined]
        py = t.m12() * self._x + t.m22() * self._y + t.dy()  # type: ignore[attr-defined]
        self._scale = math.hypot(t.m11(), t.m12())  # type: ignore[attr-defined]
        half = self._widths / 2 + 4
        mask = (px + half > 0) & (px - half < width) & (py > -20) & (py < height + 20)
        mask &= self._room * self._scale >= self._widths + 6
        self._px, self._py = px, py
        return np.nonzero(mask)[0]

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        device = painter.device()
        self.drawn = 0
        if device is None:
            return
        idx = self.visible_labels(painter.transform(), device.width(), device.height())
        if not len(idx):
            return
        if self._own_space:
            self._space.reset()
        painter.save()
        painter.resetTransform()
        painter.setFont(self._font)
        h = self._metrics.height()
        ox, oy = self._offset
        for i in idx[:1500]:
            text, w = self._texts[i], self._widths[i]
            if self._long and self._room[i] * self._scale >= self._long_widths[i] + 6:
                text, w = self._long[i], self._long_widths[i]
            x = self._px[i] + ox - w / 2
            # Where the first place is taken, try just above and just below before giving up.
            for dy in (oy, oy - h - 2, oy + h + 2) if self._declutter else (oy,):
                y = self._py[i] + dy - h / 2
                if self._space.claim(x, y, w, h, force=not self._declutter):
                    break
            else:
                continue
            colour = self._colours[i] if self._colours else self._colour
            painter.drawPixmap(QPointF(x - 1, y - 1), self._sprite(text, colour, w, h))
            self.drawn += 1
        painter.restore()

    def _sprite(self, text: str, colour: QColor, w: float, h: float) -> QPixmap:
        """The label with its halo, rendered once: a pixmap blit is far cheaper than five texts."""
        key = (text, colour.rgba())
        sprite = self._sprites.get(key)
        if sprite is None:
            sprite = QPixmap(math.ceil(w) + 2, math.ceil(h) + 2)
            sprite.fill(Qt.GlobalColor.transparent)
            p = QPainter(sprite)
            p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            p.setFont(self._font)
            rect = QRectF(1, 1, w, h)
            if self._halo is not None:
                p.setPen(self._halo)
                for dx, dy in ((-1, 0), (1, 0), (0, -1), (0, 1)):
                    p.drawText(rect.translated(dx, dy), Qt.AlignmentFlag.AlignCenter, text)
            p.setPen(colour)
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
            p.end()
            if len(self._sprites) > 5000:
                self._sprites.clear()
            self._sprites[key] = sprite
        return sprite


def heat_lut(colour: QColor, steps: int = 256) -> np.ndarray:
    """A look-up table from transparent to a strong colour through yellow (density surfaces)."""
    t = np.linspace(0, 1, steps)
    r = np.interp(t, [0, 0.35, 1], [255, 255, colour.red()])
    g = np.interp(t, [0, 0.35, 1], [255, 200, colour.green()])
    b = np.interp(t, [0, 0.35, 1], [120, 60, colour.blue()])
    a = np.interp(t, [0, 0.08, 0.5, 1], [0, 60, 150, 200])
    return np.column_stack([r, g, b, a]).astype(np.ubyte)


def point_at(x: float, y: float) -> QPointF:
    return QPointF(float(x), float(y))
