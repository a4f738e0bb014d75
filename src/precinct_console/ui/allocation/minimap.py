"""A small map of one plan over the station's police districts and patrol zones: expected demand,
candidate points, units with their reach rings and their timed duties."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor

from ...domain.geo import co_located
from ...domain.travel import local_xy, reach_radius_m
from ...services.allocation import Outline, PlanDrawing
from ..theme import BREACH, INFO, MUTED, NEAR, OK, ui_font

# The grid map's own colours for the two boundaries, lighter: here they are the background.
DISTRICT_PEN = pg.mkPen(QColor(31, 59, 115, 150), width=1.6)
ZONE_PEN = pg.mkPen(QColor(0, 140, 100, 170), width=1.2, style=pg.QtCore.Qt.PenStyle.DashLine)

RING_POINTS = 48


class PlanMap(pg.PlotWidget):
    """Metres east/north of the plan's centre; one batched item per layer (see DESIGN.md)."""

    def __init__(self, parent: object = None):
        super().__init__(parent=parent, background="w")
        self.setAspectLocked(True)
        self.hideAxis("left")
        self.hideAxis("bottom")
        self.setMenuEnabled(False)
        self.hideButtons()
        self.demand = pg.ScatterPlotItem(pen=None)
        self.cands = pg.ScatterPlotItem(symbol="s", size=5, pen=None, brush=pg.mkBrush(MUTED))
        self.rings3 = pg.PlotCurveItem(pen=pg.mkPen(OK, width=1.5))
        self.rings5 = pg.PlotCurveItem(pen=pg.mkPen(INFO, width=1, style=pg.QtCore.Qt.PenStyle.DashLine))
        self.units = pg.ScatterPlotItem(symbol="t1", size=16, pen=pg.mkPen("w"),
                                        brush=pg.mkBrush(BREACH))
        # Timed duties (定时守点): the must-patrol point as on the grid map (a hexagon), a dotted
        # line from the unit that goes there; a clash (the unit is due elsewhere then) in red.
        self.duty_lines = pg.PlotCurveItem(pen=pg.mkPen(NEAR.darker(120), width=1.5,
                                                        style=pg.QtCore.Qt.PenStyle.DotLine))
        self.duties = pg.ScatterPlotItem(symbol="h", size=11, pen=pg.mkPen("w"))
        self.districts = pg.PlotCurveItem(pen=DISTRICT_PEN)
        self.zones = pg.PlotCurveItem(pen=ZONE_PEN)
        for item in (self.districts, self.zones, self.demand, self.cands, self.rings5, self.rings3,
                     self.duty_lines, self.duties, self.units):
            self.addItem(item)
        self.labels: list[pg.TextItem] = []
        self.empty = pg.TextItem("", color="#666666")
        self.addItem(self.empty)

    def show_plan(self, d: PlanDrawing | None, *, override: dict[int, tuple[float, float]] | None = None
                  ) -> None:
        for t in self.labels:
            self.removeItem(t)
        self.labels = []
        if d is None or not d.candidates:
            for item in (self.demand, self.cands, self.units, self.duties):
                item.setData([], [])
            for curve in (self.rings3, self.rings5, self.duty_lines, self.districts, self.zones):
                curve.setData([], [])
            self.empty.setText("—")
            return
        self.empty.setText("")
        c_lon = np.array([c[3] for c in d.candidates])
        c_lat = np.array([c[4] for c in d.candidates])
        o_lon, o_lat = float(c_lon.mean()), float(c_lat.mean())
        cx, cy = local_xy(c_lon, c_lat, o_lon, o_lat)
        self.cands.setData(cx, cy)
        self._show_outlines(d.outlines, o_lon, o_lat)
        if d.demand:
            dl = np.array(d.demand)
            dx, dy = local_xy(dl[:, 0], dl[:, 1], o_lon, o_lat)
            w = dl[:, 2]
            top = max(float(w.max()), 1e-9)
            sizes = 4 + 14 * np.sqrt(w / top)
            brushes = [pg.mkBrush(QColor.fromHsvF(0.08, min(1.0, 0.25 + 0.75 * float(v) / top), 1.0,
                                                  0.75)) for v in w]
            self.demand.setData(dx, dy, size=sizes, brush=brushes)
        else:
            self.demand.setData([], [])
        pts = []
        for a in d.assignments:
            lon, lat = (override or {}).get(int(a["unit_id"]), (a["lon"], a["lat"]))
            pts.append((a["call_sign"], lon, lat))
        if pts:
            ux, uy = local_xy(np.array([p[1] for p in pts]), np.array([p[2] for p in pts]),
                              o_lon, o_lat)
            self.units.setData(ux, uy)
            kinds = [d.unit_kinds.get(int(a["unit_id"]), "car") for a in d.assignments]
            r3 = np.array([reach_radius_m(180, k, d.local_hour) for k in kinds])
            r5 = np.array([reach_radius_m(300, k, d.local_hour) for k in kinds])
            self.rings3.setData(**self._rings(ux, uy, r3))
            self.rings5.setData(**self._rings(ux, uy, r5))
            # Units stacked on one point (a post that holds two) share a label, not two on top
            # of each other.
            for group in co_located(ux, uy):
                t = pg.TextItem("、".join(pts[i][0] for i in group), color="#222222", anchor=(0.5, -0.4))
                t.setFont(ui_font(8, bold=True))
                t.setPos(float(ux[group[0]]), float(uy[group[0]]))
                self.addItem(t)
                self.labels.append(t)
        else:
            self.units.setData([], [])
            self.rings3.setData([], [])
            self.rings5.setData([], [])
        self._show_duties(d, {int(a["unit_id"]): (p[1], p[2]) for a, p in zip(d.assignments, pts, strict=True)},
                          o_lon, o_lat)
        self.autoRange(padding=0.05)

    def _show_outlines(self, outlines: tuple[Outline, ...], o_lon: float, o_lat: float) -> None:
        """District boundaries (named) and patrol zones (dashed), each kind one curve."""
        for kind, curve in (("district", self.districts), ("zone", self.zones)):
            rings = [np.asarray(r) for o in outlines if o.kind == kind for r in o.rings if len(r) > 1]
            if not rings:
                curve.setData([], [])
                continue
            allxy = np.vstack(rings)
            x, y = local_xy(allxy[:, 0], allxy[:, 1], o_lon, o_lat)
            connect = np.ones(len(allxy), dtype=np.int32)
            connect[np.cumsum([len(r) for r in rings]) - 1] = 0  # no line from one ring to the next
            curve.setData(x=x, y=y, connect=connect)
        for o in outlines:
            if o.kind != "district":
                continue
            t = pg.TextItem(o.name, color=(31, 59, 115, 170), anchor=(0.5, 0.5))
            t.setFont(ui_font(9, bold=True))
            t.setPos(*(float(v) for v in local_xy(o.label[0], o.label[1], o_lon, o_lat)))
            t.setZValue(-1)  # under the units and their call signs
            self.addItem(t)
            self.labels.append(t)

    def _show_duties(self, d: PlanDrawing, unit_at: dict[int, tuple[float, float]],
                     o_lon: float, o_lat: float) -> None:
        duties = [t for t in d.duties if t[2] in unit_at]
        if not duties:
            self.duties.setData([], [])
            self.duty_lines.setData([], [])
            return
        px, py = local_xy(np.array([t[0] for t in duties]), np.array([t[1] for t in duties]), o_lon, o_lat)
        self.duties.setData(px, py, brush=[pg.mkBrush(BREACH if t[3] else NEAR) for t in duties])
        ux, uy = local_xy(np.array([unit_at[t[2]][0] for t in duties]),
                          np.array([unit_at[t[2]][1] for t in duties]), o_lon, o_lat)
        # One curve of two-point segments, broken between them by `connect`.
        xs = np.column_stack([ux, px]).ravel()
        ys = np.column_stack([uy, py]).ravel()
        connect = np.tile(np.array([1, 0], dtype=np.int32), len(duties))
        self.duty_lines.setData(x=xs, y=ys, connect=connect)

    @staticmethod
    def _rings(x: np.ndarray, y: np.ndarray, r: np.ndarray) -> dict[str, np.ndarray]:
        """All rings as one curve: `connect` breaks the line between one ring and the next."""
        t = np.linspace(0, 2 * math.pi, RING_POINTS)
        xs = (x[:, None] + r[:, None] * np.cos(t)[None, :]).ravel()
        ys = (y[:, None] + r[:, None] * np.sin(t)[None, :]).ravel()
        connect = np.ones(len(xs), dtype=np.int32)
        connect[RING_POINTS - 1::RING_POINTS] = 0
        return {"x": xs, "y": ys, "connect": connect}
