"""Posts, key sites and must-patrol points placed, edited and moved on the map by a chief.

Right-click a point to edit or move it, right-click elsewhere to add one there; the Geometry
menu starts the same by a click on the map. Every save goes through services.map_points.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QObject, QPointF, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QMenu, QWidget

from ...domain.changes import Change
from ...domain.permissions import is_permitted
from ...services.map_data import MapData, PointShape
from ...services.map_points import PointForm, point_form, save_point, suggested_codes
from ..board.guard import guarded
from ..context import AppContext
from ..forms import Failed, submit_form, try_again_over
from .canvas import MapCanvas
from .point_dialog import PointDialog

ENTITY_MARKERS = {"post": "posts", "key_site": "sites", "patrol_point": "patrol_points"}
MAX_NEAR = 4  # points offered on one right click: more than that, zoom in


class PointEditing(QObject):
    """The chief's point editing on one map panel: its menus, the placing mode and the forms."""

    def __init__(self, app: AppContext, canvas: MapCanvas, panel: QWidget,
                 data: Callable[[], MapData | None]):
        super().__init__(panel)
        self.app = app
        self.canvas = canvas
        self.panel = panel
        self.data = data
        self.menu: QMenu | None = None
        # ("new", layer, 0) or ("move", layer, point id) until the click that places it.
        self.pending: tuple[str, str, int] | None = None
        self._note_before = ""
        # The map's one Esc: the zone drawing cancels by it too (two shortcuts on one key
        # would both be ambiguous and neither fire).
        self.escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), canvas)
        self.escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.escape.activated.connect(self.cancel)
        # More entries for the right-click menu at a map point (the zones'), added before it opens.
        self.more_actions: Callable[[QMenu, float, float], None] | None = None

    @property
    def permitted(self) -> bool:
        return is_permitted(self.app.ctx.actor.role, "geometry.import")

    def add_actions(self, menu: QMenu) -> None:
        """The Geometry menu's entries: the next click on the map places the new point."""
        for layer, text in (("post", self.tr("New post or police room…")),
                            ("key_site", self.tr("New key site…")),
                            ("patrol_point", self.tr("New must-patrol point…"))):
            action = menu.addAction(text, lambda layer=layer: self.start("new", layer))  # type: ignore[misc]
            action.setEnabled(self.permitted)

    # -- the menu on a right click ---------------------------------------------------------------
    def context_menu(self, x: float, y: float, screen: QPointF) -> QMenu | None:
        data = self.data()
        if data is None or not self.permitted:
            return None
        menu = QMenu(self.panel)
        near = self.canvas.markers_near(x, y, list(ENTITY_MARKERS.values()))
        for layer, point_id in near[:MAX_NEAR]:
            point = self._point(data, layer, point_id)
            if point is None:
                continue
            label = f"{point.code} {point.name}"
            menu.addAction(self.tr("Edit %1…").replace("%1", label),
                           lambda layer=layer, pid=point_id: self.edit(layer, pid))  # type: ignore[misc]
            menu.addAction(self.tr("Move %1…").replace("%1", label),
                           lambda layer=layer, pid=point_id: self.start("move", layer, pid))  # type: ignore[misc]
        if near:
            menu.addSeparator()
        lon, lat = data.to_lonlat(x, y)
        menu.addAction(self.tr("New post or police room here…"), lambda: self.new("post", lon, lat))
        menu.addAction(self.tr("New key site here…"), lambda: self.new("key_site", lon, lat))
        menu.addAction(self.tr("New must-patrol point here…"),
                       lambda: self.new("patrol_point", lon, lat))
        if data.patrol_points_off:
            off = menu.addMenu(self.tr("Must-patrol points not in use"))
            for p in data.patrol_points_off:
                off.addAction(f"{p.code} {p.name}",
                              lambda pid=p.id: self.edit("patrol_point", pid))  # type: ignore[misc]
        if self.more_actions is not None:
            self.more_actions(menu, x, y)
        menu.popup(screen.toPoint())
        self.menu = menu  # kept: a popup menu with no owner reference is collected
        return menu

    @staticmethod
    def _point(data: MapData, entity: str, entity_id: int) -> PointShape | None:
        shapes = {"post": data.posts, "key_site": data.sites, "patrol_point": data.patrol_points}
        return next((p for p in shapes.get(entity, ()) if p.id == entity_id), None)

    # -- placing by a click ----------------------------------------------------------------------
    def start(self, mode: str, layer: str, point_id: int = 0) -> None:
        """The next click on the map places a new point, or moves one; Esc cancels."""
        if not self.pending:
            self._note_before = self.canvas.note
        self.pending = (mode, layer, point_id)
        self.canvas.placing = True
        self.canvas.setCursor(Qt.CursorShape.CrossCursor)
        self.canvas.set_note(self.tr("Click where it goes on the map · Esc cancels"))
        self.canvas.setFocus()

    def cancel(self) -> None:
        if self.pending is None:
            return
        self.pending = None
        self.canvas.placing = False
        self.canvas.unsetCursor()
        self.canvas.set_note(self._note_before)

    def clicked(self, x: float, y: float) -> bool:
        """A click on the map: True when it placed the pending point (nothing else should
        happen with it)."""
        data = self.data()
        if self.pending is None or data is None:
            return False
        mode, layer, point_id = self.pending
        self.cancel()
        lon, lat = data.to_lonlat(x, y)
        if mode == "new":
            self.new(layer, lon, lat)
        else:
            self.app.run(point_form, self.app.ctx, layer, point_id,
                         on_done=guarded(self.panel, lambda form: self._move(form, point_id, lon, lat)),
                         on_error=guarded(self.panel, self.app.report_error))
        return True

    def _move(self, form: PointForm, point_id: int, lon: float, lat: float) -> None:
        self.app.run(save_point, self.app.ctx, replace(form, lon=lon, lat=lat), point_id, expected=form,
                     on_done=guarded(self.panel, lambda change: self._saved(change, form.code, form.name)),
                     on_error=guarded(self.panel, self.app.report_error))

    # -- the forms ------------------------------------------------------------------------------
    def new(self, layer: str, lon: float, lat: float) -> None:
        def open_form(codes: dict[str, str]) -> None:
            first = "post" if layer == "post" else ""
            form = PointForm(layer=layer, code=codes[first], name="", lon=lon, lat=lat,
                             kind="post" if layer == "post" else "")
            self._submit(PointDialog(form, new=True, codes=codes, parent=self.panel), None, None)

        self.app.run(suggested_codes, self.app.ctx, layer, on_done=guarded(self.panel, open_form),
                     on_error=guarded(self.panel, self.app.report_error))

    def edit(self, layer: str, point_id: int) -> None:
        def open_form(form: PointForm) -> None:
            self._submit(PointDialog(form, new=False, parent=self.panel), point_id, form)

        self.app.run(point_form, self.app.ctx, layer, point_id, on_done=guarded(self.panel, open_form),
                     on_error=guarded(self.panel, self.app.report_error))

    def _submit(self, dialog: PointDialog, point_id: int | None, opened: PointForm | None) -> None:
        self.dialog = dialog  # for tests and for the form shown again after a refusal
        # The point as this form last knew it: another seat's save since is refused, not undone.
        expected = [opened]

        def send(values: dict[str, Any], failed: Failed) -> None:
            form: PointForm = values["form"]
            # Refused for another seat's save, the form comes back with it named and now knows
            # that point (the one the refusal read): OK again puts this one over it knowingly.
            self.app.run(save_point, self.app.ctx, form, point_id, expected=expected[0],
                         on_done=guarded(self.panel, lambda change: self._saved(
                             change, form.code.strip(), form.name.strip())),
                         on_error=try_again_over(failed, expected, PointForm))

        submit_form(dialog, self.panel, self.app.report_error, send)

    def _saved(self, change: Change, code: str, name: str) -> None:
        self.app.announce(change)
        self.app.notify(self.tr("Saved: %1 %2").replace("%1", code).replace("%2", name))
