"""Patrol zones, key zones and patrol lines drawn, edited and redrawn on the map by a chief.

Geometry ▸ New zone… / New patrol line… or a right click starts the drawing: each click sets a
corner, a double click or Enter ends the outline (a zone) or the route (a line) and opens its
form, Backspace takes the last corner back, Esc cancels; cancelling the form goes back to the
drawing to change it. Every save goes through services.map_zones or services.map_lines (the
import's checks: an outline that crosses itself or overlaps a sibling zone is refused with the
form kept).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np
import pyqtgraph as pg
import shapely
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import QMenu, QWidget

from ...services.map_data import AreaShape, MapData
from ...services.map_lines import (
    LineForm,
    line_form,
    route_geometry,
    save_line,
    suggested_line_code,
)
from ...services.map_zones import ZoneForm, outline_geometry, save_zone, zone_choices, zone_form
from ..board.guard import guarded
from ..context import AppContext
from ..forms import Failed, submit_form, try_again_over
from .canvas import MapCanvas
from .line_dialog import LineDialog
from .zone_dialog import ZoneDialog

DRAW_COLOUR = QColor(213, 94, 0)


class MapDrawing(QObject):
    """The chief's drawing on one map panel: the zone outline or line route being drawn, its
    menus, the forms."""

    def __init__(self, app: AppContext, canvas: MapCanvas, panel: QWidget,
                 data: Callable[[], MapData | None], permitted: Callable[[], bool]):
        super().__init__(panel)
        self.app = app
        self.canvas = canvas
        self.panel = panel
        self.data = data
        self.permitted = permitted
        self.corners: list[tuple[float, float]] = []  # map metres
        self.kind = "zone"  # zone | line: what is being drawn
        self.redrawing: int | None = None  # the zone or line being redrawn
        self.drawing = False
        self._note_before = ""
        self.outline = pg.PlotCurveItem(pen=pg.mkPen(DRAW_COLOUR, width=2, style=Qt.PenStyle.DashLine))
        self.handles = pg.ScatterPlotItem(pxMode=True, symbol="s", size=8,
                                          pen=pg.mkPen(DRAW_COLOUR), brush=pg.mkBrush("w"))
        for z, item in enumerate((self.outline, self.handles)):
            item.setZValue(35 + z)
            canvas.vb.addItem(item, ignoreBounds=True)
        # Esc is the map's one shortcut (PointEditing.escape), connected to cancel by the panel.
        for key, slot in ((Qt.Key.Key_Return, self.finish), (Qt.Key.Key_Enter, self.finish),
                          (Qt.Key.Key_Backspace, self.undo_corner)):
            shortcut = QShortcut(QKeySequence(key), canvas)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self.dialog: ZoneDialog | LineDialog | None = None
        self._outline: tuple[list[tuple[float, float]], int | None, str] | None = None

    # -- menus -----------------------------------------------------------------------------
    def add_actions(self, menu: QMenu) -> None:
        for text, kind in ((self.tr("New zone (draw its outline)…"), "zone"),
                           (self.tr("New patrol line (draw its route)…"), "line")):
            action = menu.addAction(text, lambda kind=kind: self.start(kind=kind))  # type: ignore[misc]
            action.setEnabled(self.permitted())

    def add_context_actions(self, menu: QMenu, x: float, y: float) -> None:
        """A right click: the line marked there and the zone under it to edit or redraw, and a
        new zone or line to draw."""
        menu.addSeparator()
        data = self.data()
        lines = {ln.id: ln for ln in (data.patrol_lines if data else ())}
        for _entity, line_id in self.canvas.markers_near(x, y, ["patrol_lines"]):
            label = f"{lines[line_id].code} {lines[line_id].name}"
            menu.addAction(self.tr("Edit patrol line %1…").replace("%1", label),
                           lambda lid=line_id: self.edit_line(lid))  # type: ignore[misc]
            menu.addAction(self.tr("Redraw the route of %1…").replace("%1", label),
                           lambda lid=line_id: self.start(lid, kind="line"))  # type: ignore[misc]
        zone = self.zone_at(x, y)
        if zone is not None:
            label = f"{zone.code} {zone.name}"
            menu.addAction(self.tr("Edit zone %1…").replace("%1", label),
                           lambda zid=zone.id: self.edit(zid))  # type: ignore[misc]
            menu.addAction(self.tr("Redraw the outline of %1…").replace("%1", label),
                           lambda zid=zone.id: self.start(zid))  # type: ignore[misc]
        menu.addAction(self.tr("New zone (draw its outline)…"), lambda: self.start())
        menu.addAction(self.tr("New patrol line (draw its route)…"), lambda: self.start(kind="line"))

    def zone_at(self, x: float, y: float) -> AreaShape | None:
        """The smallest zone holding the point: a zone's section before the zone."""
        data = self.data()
        if data is None:
            return None
        point = shapely.Point(x, y)
        holding = [z for z in data.zones if shapely.Polygon(z.rings[0], z.rings[1:]).contains(point)]
        return min(holding, key=lambda z: z.area_m2) if holding else None

    def _zone_around(self, drawn: shapely.Polygon) -> AreaShape | None:
        """Drawn inside a patrol zone (nine tenths of it or more), it is most likely a section of
        that zone (四号巡区1段), the smallest such: sections may overlap their parent but not
        each other, so the form offers that parent."""
        data = self.data()
        if data is None or not drawn.is_valid or drawn.area <= 0:
            return None
        inside = [z for z in data.zones if (z.kind or "patrol") == "patrol"
                  and shapely.Polygon(z.rings[0], z.rings[1:]).intersection(drawn).area >= 0.9 * drawn.area]
        return min(inside, key=lambda z: z.area_m2) if inside else None

    # -- drawing ---------------------------------------------------------------------------
    def start(self, target_id: int | None = None, *, kind: str = "zone") -> None:
        """Draw a new zone or line (target_id None), or redraw that one's outline or route."""
        if not self.drawing:
            self._note_before = self.canvas.note
        self.drawing = True
        self.kind = kind
        self.redrawing = target_id
        self.corners = []
        self._show()
        self.canvas.placing = True  # clicks are corners, not picks of the markers under them
        self.canvas.setCursor(Qt.CursorShape.CrossCursor)
        self.canvas.set_note(
            self.tr("Click the corners · double-click or Enter closes the outline · "
                    "Backspace takes the last corner back · Esc cancels") if kind == "zone" else
            self.tr("Click along the route · double-click or Enter ends it · "
                    "Backspace takes the last corner back · Esc cancels"))
        self.canvas.setFocus()

    def clicked(self, x: float, y: float) -> bool:
        """A click on the map: True when it set a corner (nothing else should happen with it)."""
        if not self.drawing:
            return False
        self.corners.append((x, y))
        self._show()
        return True

    def double_clicked(self, _x: float, _y: float) -> bool:
        """A double click closes the outline (its first click already set the last corner)."""
        if not self.drawing:
            return False
        self.finish()
        return True

    def undo_corner(self) -> None:
        if self.drawing and self.corners:
            self.corners.pop()
            self._show()

    def cancel(self) -> None:
        if not self.drawing:
            return
        self.drawing = False
        self.corners = []
        self._show()
        self.canvas.placing = False
        self.canvas.unsetCursor()
        self.canvas.set_note(self._note_before)

    def _show(self, corners: list[tuple[float, float]] | None = None) -> None:
        corners = self.corners if corners is None else corners
        if not corners:
            self.outline.setData([], [])
            self.handles.setData([], [])
            return
        xy = np.array(corners)
        closed = np.vstack([xy, xy[:1]]) if len(xy) > 2 and self.kind == "zone" else xy
        self.outline.setData(closed[:, 0], closed[:, 1])
        self.handles.setData(xy[:, 0], xy[:, 1])

    def finish(self) -> None:
        data = self.data()
        if not self.drawing or data is None:
            return
        # A double click sets its corner twice over; a corner on top of the last is none.
        corners = [c for i, c in enumerate(self.corners)
                   if i == 0 or np.hypot(c[0] - self.corners[i - 1][0], c[1] - self.corners[i - 1][1]) > 0.5]
        if self.kind == "line":
            self._finish_line(data, corners)
            return
        if len(corners) < 3:
            self.canvas.set_note(self.tr("An outline needs at least three corners · Esc cancels"))
            return
        drawn = shapely.Polygon(corners)
        area = float(drawn.area)
        geometry = outline_geometry([data.to_lonlat(x, y) for x, y in corners])
        zone_id = self.redrawing
        self.cancel()
        # Cancelling the form goes back to this outline, to move a corner off a neighbour it
        # overlaps (the refusal named it); Esc then drops the drawing.
        self._outline = (corners, zone_id, "zone")
        self._show(corners)  # stays on the map while its form is open
        if zone_id is None:
            around = self._zone_around(drawn)
            self._new(geometry, area, around.code if around is not None else "")
        else:
            self._redraw(zone_id, geometry, area)

    def _finish_line(self, data: MapData, corners: list[tuple[float, float]]) -> None:
        if len(corners) < 2:
            self.canvas.set_note(self.tr("A route needs at least two corners · Esc cancels"))
            return
        length = float(shapely.LineString(corners).length)
        geometry = route_geometry([data.to_lonlat(x, y) for x, y in corners])
        line_id = self.redrawing
        self.cancel()
        self._outline = (corners, line_id, "line")
        self._show(corners)
        if line_id is None:
            def open_new(code: str) -> None:
                self._submit(LineDialog(LineForm(code, "", geometry), new=True, length_m=length,
                                        parent=self.panel), None, None, on_cancel=self.resume)

            self.app.run(suggested_line_code, self.app.ctx, on_done=guarded(self.panel, open_new),
                         on_error=guarded(self.panel, self.app.report_error))
            return

        def open_redrawn(form: LineForm) -> None:
            self._submit(LineDialog(replace(form, geometry=geometry), new=False, length_m=length,
                                    parent=self.panel), line_id, form, on_cancel=self.resume)

        self.app.run(line_form, self.app.ctx, line_id, on_done=guarded(self.panel, open_redrawn),
                     on_error=guarded(self.panel, self.app.report_error))

    def resume(self) -> None:
        """Back to drawing what the form was opened on, its corners as they were."""
        if self._outline is None:
            return
        corners, target_id, kind = self._outline
        self._outline = None
        self.start(target_id, kind=kind)
        self.corners = list(corners)
        self._show()

    # -- the forms -------------------------------------------------------------------------
    def _new(self, geometry: dict[str, Any], area: float, parent_code: str) -> None:
        def open_form(choices: tuple[dict[str, str], list[tuple[str, str]]]) -> None:
            codes, parents = choices
            form = ZoneForm(codes["patrol"], "", "patrol", parent_code, geometry)
            self._submit(ZoneDialog(form, new=True, codes=codes, parents=parents, area_m2=area,
                                    parent=self.panel), None, None, on_cancel=self.resume)

        self.app.run(zone_choices, self.app.ctx, on_done=guarded(self.panel, open_form),
                     on_error=guarded(self.panel, self.app.report_error))

    def edit_line(self, line_id: int) -> None:
        def open_form(form: LineForm) -> None:
            self._submit(LineDialog(form, new=False, parent=self.panel), line_id, form)

        self.app.run(line_form, self.app.ctx, line_id, on_done=guarded(self.panel, open_form),
                     on_error=guarded(self.panel, self.app.report_error))

    def edit(self, zone_id: int) -> None:
        def open_form(loaded: tuple[ZoneForm, tuple[dict[str, str], list[tuple[str, str]]]]) -> None:
            form, (_codes, parents) = loaded
            self._submit(ZoneDialog(form, new=False, parents=parents, parent=self.panel), zone_id, form)

        self.app.run(lambda: (zone_form(self.app.ctx, zone_id), zone_choices(self.app.ctx)),
                     on_done=guarded(self.panel, open_form),
                     on_error=guarded(self.panel, self.app.report_error))

    def _redraw(self, zone_id: int, geometry: dict[str, Any], area: float) -> None:
        """The new outline in the zone's form, to confirm (the area shown) or to cancel."""
        def open_form(loaded: tuple[ZoneForm, tuple[dict[str, str], list[tuple[str, str]]]]) -> None:
            form, (_codes, parents) = loaded
            self._submit(ZoneDialog(replace(form, geometry=geometry), new=False, parents=parents,
                                    area_m2=area, parent=self.panel), zone_id, form,
                         on_cancel=self.resume)

        self.app.run(lambda: (zone_form(self.app.ctx, zone_id), zone_choices(self.app.ctx)),
                     on_done=guarded(self.panel, open_form),
                     on_error=guarded(self.panel, self.app.report_error))

    def _submit(self, dialog: ZoneDialog | LineDialog, target_id: int | None,
                opened: ZoneForm | LineForm | None, on_cancel: Callable[[], None] | None = None) -> None:
        self.dialog = dialog  # for tests and for the form shown again after a refusal
        expected = [opened]  # the zone or line as this form last knew it (see map_points' forms)
        save: Callable[..., Any] = save_line if isinstance(dialog, LineDialog) else save_zone
        known: type = LineForm if isinstance(dialog, LineDialog) else ZoneForm

        def send(values: dict[str, Any], failed: Failed) -> None:
            form = values["form"]
            # Told of the other seat's save (the one the refusal read), OK again goes over it.
            self.app.run(save, self.app.ctx, form, target_id, expected=expected[0],
                         on_done=guarded(self.panel, lambda change: self._saved(change, form)),
                         on_error=try_again_over(failed, expected, known))

        submit_form(dialog, self.panel, self.app.report_error, send, on_cancel)

    def _saved(self, change: Any, form: ZoneForm | LineForm) -> None:
        self._outline = None
        self._show([])
        self.app.announce(change)
        self.app.notify(self.tr("Saved: %1 %2").replace("%1", form.code.strip())
                        .replace("%2", form.name.strip()))
