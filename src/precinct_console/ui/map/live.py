"""Live map layers: open incidents by status and timer state (breaches pulse), units with call signs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QRectF, Signal
from PySide6.QtGui import QColor, QPainterPath

from ...domain.allocation.move_up import CoverNow, Move
from ...domain.clock import local
from ...domain.geo import co_located, reach_coverage
from ...domain.response import TimerState, evaluate, next_change, worst_state
from ...domain.travel import local_xy, reach_radius_m
from ...services.map_data import MapData
from ..alerts.monitor import alert_monitor
from ..board.state import board_state
from ..context import AppContext
from ..labels import incident_status
from ..theme import BREACH, INFO, MOVE_UP_COLOUR, MUTED, NEAR, OK, ORDER_COLOUR, STATE_COLOURS
from ..units.panel import stale_fix_text
from ..units.words import unit_kind, unit_state
from .canvas import MapCanvas

# Shape says how far the incident got, colour says how its timers stand (never colour alone).
STATUS_SYMBOLS = {"received": "t", "dispatched": "o", "signed": "o", "set_off": "o", "arrived": "s",
                  "handled": "d", "fed_back": "d"}
UNIT_COLOURS = {"available": OK, "dispatched": INFO, "en_route": INFO, "on_scene": NEAR,
                "returning": QColor(120, 94, 240), "off_duty": MUTED}
UNIT_SYMBOLS = {"car": "s", "motorbike": "d", "ebike": "d", "foot": "p", "drone": "star"}
REACH_SECONDS = (60, 180, 300)
PULSE_SIZES = (22, 34)


class LiveLayers(QObject):
    """Keeps the incident and unit markers current; a tick re-colours and pulses, nothing more."""

    # Unplaced incidents counted anew, a patrol plan appeared or went, a unit's 未到岗 ring came or went.
    legend_changed = Signal()

    def __init__(self, app: AppContext, canvas: MapCanvas):
        super().__init__(canvas)
        self.app = app
        self.canvas = canvas
        self.data: MapData | None = None
        self.state = board_state(app)
        self.units: list[Any] = []
        self._states: dict[int, tuple[TimerState, bool]] = {}
        # When the states were worked out, and the soonest a timer then running turns near or
        # breached: till then the tick has nothing to re-colour (a surge's hundreds of open
        # incidents were evaluated every second, the GUI thread's biggest cost per tick).
        self._evaluated_at: datetime | None = None
        self._recheck_at: datetime | None = None
        self._pulse = 0
        self._selected: tuple[str, int] | None = None
        self._show_off_duty = False
        self._show_reach = False
        self.coverage: tuple[float, ...] = ()
        self.unplaced = 0  # open incidents without coordinates: counted in the legend
        self.unit_xy: dict[int, tuple[float, float]] = {}
        self.incident_xy: dict[int, tuple[float, float]] = {}
        self.order_xy: dict[int, tuple[float, float]] = {}  # unit id -> its patrol point now
        self._duties_shown: frozenset[tuple[int, str]] = frozenset()  # timed duties drawn in progress
        # Units away from a timed duty under way (an unacknowledged 未到岗 alert) pulse like a
        # breached incident, so the gap shows where it is.
        self.monitor = alert_monitor(app)
        self.any_away = False
        self.monitor.alerts_changed.connect(self._draw_pulse)
        # The unit board's move-ups (补位): a bold line from each free unit to where it should go.
        self.moves: tuple[Move, ...] = ()
        app.cover_changed.connect(self._set_cover)

    # -- incidents ---------------------------------------------------------------------------
    def _xy(self, lon: Any, lat: Any) -> tuple[np.ndarray, np.ndarray]:
        assert self.data is not None
        return local_xy(np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64),
                        self.data.origin_lon, self.data.origin_lat)

    def _evaluate(self) -> dict[int, tuple[TimerState, bool]]:
        """Per incident: the worst timer state, and whether a breach is still running.

        An incident handled late stays red, but only one whose overdue step has still not
        happened pulses: that is the one a dispatcher can still do something about.
        """
        now = self.app.clock()
        profile = self.state.model.profile
        out: dict[int, tuple[TimerState, bool]] = {}
        soonest: datetime | None = None
        for r in self.state.model.rows():
            if r.lon is None:
                continue
            facts = r.facts()
            timers = evaluate(profile, facts, now)
            running = facts.handled_at is None and any(
                t.state is TimerState.BREACHED and facts.milestones.get(profile.target(t.key).milestone) is None
                for t in timers)
            out[r.id] = (worst_state(timers), running)
            at = next_change(timers, profile, now)
            if at is not None and (soonest is None or at < soonest):
                soonest = at
        self._evaluated_at, self._recheck_at = now, soonest
        return out

    def _may_have_turned(self, now: datetime) -> bool:
        """Whether a timer may have changed state since the last evaluation (a changed row is
        redrawn by refresh_incidents, which evaluates afresh)."""
        if self._evaluated_at is None or now < self._evaluated_at:
            return True
        return self._recheck_at is not None and now >= self._recheck_at

    def refresh_incidents(self) -> None:
        if self.data is None:
            return
        everything = list(self.state.model.rows())
        rows = [r for r in everything if r.lon is not None and r.lat is not None]
        unplaced = len(everything) - len(rows)
        if unplaced != self.unplaced:
            self.unplaced = unplaced
            self.legend_changed.emit()
        self._states = self._evaluate()
        x, y = self._xy([r.lon for r in rows], [r.lat for r in rows])
        self.incident_xy = {r.id: (float(a), float(b)) for r, a, b in zip(rows, x, y, strict=True)}
        brushes = [STATE_COLOURS.get(self._states.get(r.id, (TimerState.NA, False))[0].value, MUTED)
                   for r in rows]
        tips = [f"{r.number} {r.category_name}\n{r.address}\n{incident_status(r.status)}"
                + (f" · {' '.join(r.units)}" if r.units else "") for r in rows]
        m = self.canvas.markers["incidents"]
        m.set([r.id for r in rows], x, y, symbol=[STATUS_SYMBOLS.get(r.status, "o") for r in rows],
              size=15, brush=brushes, pen=QColor(255, 255, 255))
        self.canvas.tips["incidents"] = dict(zip([r.id for r in rows], tips, strict=True))
        self.canvas.tips["pulse"] = self.canvas.tips["incidents"]
        self._draw_pulse()
        self._draw_selection()

    def _draw_pulse(self) -> None:
        breached = [i for i, (_s, running) in self._states.items() if running and i in self.incident_xy]
        xs = [self.incident_xy[i][0] for i in breached]
        ys = [self.incident_xy[i][1] for i in breached]
        size = PULSE_SIZES[self._pulse % 2]
        alpha = 230 if self._pulse % 2 == 0 else 90
        pen = {"color": QColor(BREACH.red(), BREACH.green(), BREACH.blue(), alpha), "width": 3}
        self.canvas.markers["pulse"].set(breached, xs, ys, symbol="o", size=size, brush=None, pen=pen)
        away = self.units_away()
        self.canvas.markers["unit_pulse"].set(list(away), [self.unit_xy[u][0] for u in away],
                                              [self.unit_xy[u][1] for u in away], symbol="o",
                                              size=size, brush=None, pen=pen)
        self.canvas.tips["unit_pulse"] = away
        if bool(away) != self.any_away:  # the legend names the ring only while one is drawn
            self.any_away = bool(away)
            self.legend_changed.emit()

    def units_away(self) -> dict[int, str]:
        """Units drawn on the map with an unacknowledged 未到岗 alert: what they are missing."""
        away: dict[int, str] = {}
        for a in self.monitor.alerts.values():
            if a.unit_id in self.unit_xy and a.level == "breach":
                away[a.unit_id] = "\n".join(t for t in (away.get(a.unit_id), f"{a.incident_number} ✖ "
                                            f"{a.target_label} {a.category_name}") if t)
        return away

    def _duties_in_progress(self, now: Any) -> frozenset[tuple[int, str]]:
        return frozenset((u.id, d.text) for u in self.units for d in getattr(u, "duty_list", ())
                         if d.in_force(now))

    def tick(self) -> None:
        """Once a second: timers move on; only colours and the pulse change (and the plan's lines
        when a timed duty starts or ends)."""
        self._pulse += 1
        if self.data is None:
            return
        now = self.app.clock()
        if self._duties_in_progress(now) != self._duties_shown:
            self.refresh_units()
        if self._may_have_turned(now) and self._evaluate() != self._states:
            self.refresh_incidents()
        else:
            self._draw_pulse()

    # -- units --------------------------------------------------------------------------------
    def set_units(self, rows: list[Any]) -> None:
        self.units = rows
        self.refresh_units()

    def refresh_units(self) -> None:
        if self.data is None:
            return
        rows = [u for u in self.units if self._show_off_duty or u.status != "off_duty"]
        lon = [u.lon if u.lon is not None else u.home_lon for u in rows]
        lat = [u.lat if u.lat is not None else u.home_lat for u in rows]
        x, y = self._xy(lon, lat)
        self.unit_xy = {u.id: (float(a), float(b)) for u, a, b in zip(rows, x, y, strict=True)}
        c = self.canvas
        c.markers["units"].set([u.id for u in rows], x, y,
                               symbol=[UNIT_SYMBOLS.get(u.kind, "s") for u in rows], size=16,
                               brush=[UNIT_COLOURS.get(u.status, MUTED) for u in rows],
                               pen={"color": QColor(20, 20, 20), "width": 1.5})
        now = self.app.clock()
        # A unit drawn where its terminal last reported, minutes ago, says so on hover.
        notes = {u.id: stale_fix_text(u.position_at, now) for u in rows}
        tips = [f"{u.call_sign} {unit_kind(u.kind)} · {unit_state(u.status)}"
                + (f"\n{u.incident_number}" if u.incident_number else "")
                + (f"\n{'、'.join(u.crew)}" if u.crew else "")
                + (f"\n{notes[u.id]}" if notes[u.id] else "") for u in rows]
        # Units standing at one place (idle at the station, at a post) are drawn one on top of the
        # other and read as one unit: they share one label naming them all, and hovering any of
        # them lists them all.
        groups = co_located(x, y)
        c.tips["units"] = {rows[i].id: "\n\n".join(tips[j] for j in group)
                           for group in groups for i in group}
        colours = [UNIT_COLOURS.get(u.status, MUTED).darker(160) for u in rows]
        c.unit_labels.set_labels(
            [x[g[0]] for g in groups], [y[g[0]] for g in groups],
            ["、".join(rows[i].call_sign for i in g) for g in groups],
            colours=[colours[g[0]] if len({rows[i].status for i in g}) == 1 else QColor(20, 20, 20)
                     for g in groups])
        self._draw_orders(rows, x, y)
        self._draw_moves()
        free = [i for i, u in enumerate(rows) if u.status == "available"]
        hour = local(self.app.clock()).hour
        fx, fy = x[free] if len(free) else np.zeros(0), y[free] if len(free) else np.zeros(0)
        radii = [np.array([reach_radius_m(t, rows[i].kind, hour) for i in free]) for t in REACH_SECONDS]
        c.set_rings(c.reach, fx, fy, radii)
        # How much of the jurisdiction the free units reach: the finest grids' centres covered.
        level = max((lv for lv, g in self.data.grids.items() if g), default=0)
        cells = self.data.grids.get(level, ())
        cx, cy = [g.label_x for g in cells], [g.label_y for g in cells]
        self.coverage = tuple(reach_coverage(cx, cy, fx, fy, r) for r in radii)
        self._show_coverage()
        self._draw_selection()

    def _draw_orders(self, rows: list[Any], x: np.ndarray, y: np.ndarray) -> None:
        """The accepted plan's patrol points (hollow diamonds) joined to where each unit is now;
        while a timed duty is in progress, its must-patrol point instead (the school gate)."""
        now = self.app.clock()
        due = [u.due_at(now) if hasattr(u, "due_at") else (u.patrol_point, u.patrol_lon, u.patrol_lat)
               for u in rows]
        self._duties_shown = self._duties_in_progress(now)
        placed = [i for i, (_n, lon, _lat) in enumerate(due) if lon is not None]
        ox, oy = self._xy([due[i][1] for i in placed], [due[i][2] for i in placed])
        had_orders = bool(self.order_xy)
        self.order_xy = {rows[i].id: (float(a), float(b)) for i, a, b in zip(placed, ox, oy, strict=True)}
        if had_orders != bool(self.order_xy):
            self.legend_changed.emit()
        c = self.canvas
        c.markers["orders"].set([rows[i].id for i in placed], ox, oy, symbol="d", size=13, brush=None,
                                pen={"color": ORDER_COLOUR, "width": 2.2})
        c.tips["orders"] = {rows[i].id: self._order_tip(rows[i], due[i][0]) for i in placed}
        path = QPainterPath()
        for i, a, b in zip(placed, ox, oy, strict=True):
            path.moveTo(float(x[i]), float(y[i]))
            path.lineTo(float(a), float(b))
        c.order_lines.set_path(path)

    def _order_tip(self, u: Any, where: str) -> str:
        if getattr(u, "moved_from", "") and where == u.patrol_point:
            return self.tr("%1 moved up to %2 (its plan point: %3)").replace("%1", u.call_sign) \
                .replace("%2", where).replace("%3", u.moved_from)
        return self.tr("%1 patrols at %2").replace("%1", u.call_sign).replace("%2", where)

    def _set_cover(self, cover: CoverNow | None) -> None:
        moves = cover.moves if cover is not None else ()
        named = bool(moves) != bool(self.moves)  # the legend names the move-up only while one is drawn
        self.moves = moves
        if named:
            self.legend_changed.emit()
        self._draw_moves()

    def _draw_moves(self) -> None:
        if self.data is None:
            return
        shown = [m for m in self.moves if m.unit_id in self.unit_xy]
        tx, ty = self._xy([m.point.lon for m in shown], [m.point.lat for m in shown])
        c = self.canvas
        c.markers["moves"].set([m.unit_id for m in shown], tx, ty, symbol="o", size=22, brush=None,
                               pen={"color": MOVE_UP_COLOUR, "width": 3})
        c.tips["moves"] = {m.unit_id: self.tr("Move up: %1 → %2 (%3 min)").replace("%1", m.call_sign)
                           .replace("%2", m.point.name).replace("%3", str(max(1, round(m.minutes))))
                           for m in shown}
        path = QPainterPath()
        for m, a, b in zip(shown, tx, ty, strict=True):
            path.moveTo(*self.unit_xy[m.unit_id])
            path.lineTo(float(a), float(b))
        c.move_lines.set_path(path)

    def _show_coverage(self) -> None:
        if not self._show_reach or not self.coverage:
            self.canvas.set_note("")
            return
        parts = " · ".join(f"{t // 60} min {share:.0%}" for t, share in zip(REACH_SECONDS, self.coverage, strict=True))
        self.canvas.set_note(self.tr("Free units reach (share of grids): %1").replace("%1", parts))

    # -- toggles and selection ----------------------------------------------------------------------
    def apply_toggles(self, *, incidents: bool, units: bool, off_duty: bool, reach: bool) -> None:
        c = self.canvas
        c.markers["incidents"].item.setVisible(incidents)
        c.markers["pulse"].item.setVisible(incidents)
        c.markers["units"].item.setVisible(units)
        c.markers["unit_pulse"].item.setVisible(units)
        c.markers["orders"].item.setVisible(units)
        c.order_lines.setVisible(units)
        c.markers["moves"].item.setVisible(units)
        c.move_lines.setVisible(units)
        c.unit_labels.setVisible(units)
        for layer in c.reach:
            layer.setVisible(units and reach)
        self._show_reach = units and reach
        self._show_coverage()
        if off_duty != self._show_off_duty:
            self._show_off_duty = off_duty
            self.refresh_units()

    def select(self, entity: str, entity_id: int) -> None:
        self._selected = (entity, entity_id)
        self._draw_selection(center=True)

    def selected_xy(self) -> tuple[float, float] | None:
        if self._selected is None:
            return None
        entity, eid = self._selected
        table = self.incident_xy if entity == "incident" else self.unit_xy if entity == "unit" else {}
        return table.get(eid)

    def _draw_selection(self, *, center: bool = False) -> None:
        xy = self.selected_xy()
        if xy is None:
            self.canvas.selection.setData([], [])
            return
        self.canvas.selection.setData([xy[0]], [xy[1]])
        if center:
            view: QRectF = self.canvas.vb.viewRect()
            inner = view.adjusted(view.width() * 0.08, view.height() * 0.08,
                                  -view.width() * 0.08, -view.height() * 0.08)
            if not inner.contains(xy[0], xy[1]):
                self.canvas.center_on(*xy)

    def flag(self, x: float, y: float) -> None:
        """Mark a searched place (not an incident or unit) until the next selection."""
        self._selected = None
        self.canvas.selection.setData([x], [y])
