"""The map panel: grids by level, zones, posts, key sites, live incidents and units, hot spots, grid card."""

from __future__ import annotations

import json
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer
from PySide6.QtGui import QAction, QColor, QKeySequence, QPainterPath, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ...domain.changes import Change, ChangeItem
from ...domain.clock import local
from ...domain.errors import KnownError, ValidationErrors
from ...domain.geo import unproject_xy
from ...domain.permissions import is_permitted
from ...domain.travel import reach_radius_m
from ...services.geometry import ImportSummary, export_geometry, import_geometry
from ...services.map_data import (
    AreaShape,
    LineShape,
    MapData,
    PlaceHit,
    PointShape,
    grid_card,
    map_layers,
    search_places,
)
from ...services.units import UNIT_ROW_ENTITIES, list_units, minute_of
from ..board.state import board_state
from ..context import AppContext
from ..error_text import error_text, ui_language
from ..i18n import tr
from ..settings_store import qsettings
from ..theme import BREACH, MOVE_UP_COLOUR, MUTED, ORDER_COLOUR, STATE_COLOURS, ui_font
from .base_image import load_base_image
from .canvas import PATROL_LINE_COLOUR, MapCanvas
from .card import GridCardView
from .drawing import MapDrawing
from .hotspot_controls import HotspotControls
from .layers import rings_path
from .live import LiveLayers
from .point_dialog import kind_text
from .point_editing import PointEditing

REACH_SECONDS = (60, 180, 300)


def _house() -> QPainterPath:
    """Posts and police rooms: a small house, unlike any incident or unit shape."""
    path = QPainterPath()
    path.moveTo(-0.5, 0.5)
    path.lineTo(-0.5, -0.1)
    path.lineTo(0.0, -0.55)
    path.lineTo(0.5, -0.1)
    path.lineTo(0.5, 0.5)
    path.closeSubpath()
    return path


HOUSE = _house()
GEOMETRY_ENTITIES = ("grid", "patrol_zone", "key_site", "post", "patrol_point", "patrol_line")
PATROL_POINT_COLOUR = QColor(0, 120, 80)
# An import's summary names the layers as the user reads them (ImportSummary counts by layer).
IMPORT_LAYER_TEXT = {"grid": QT_TRANSLATE_NOOP("MapPanel", "grids"),
                     "patrol_zone": QT_TRANSLATE_NOOP("MapPanel", "patrol zones"),
                     "key_site": QT_TRANSLATE_NOOP("MapPanel", "key sites"),
                     "post": QT_TRANSLATE_NOOP("MapPanel", "posts"),
                     "patrol_point": QT_TRANSLATE_NOOP("MapPanel", "must-patrol points"),
                     "patrol_line": QT_TRANSLATE_NOOP("MapPanel", "patrol lines")}
# Marked for the translation tools (MapPanel context); self.tr() translates them when shown.
@dataclass(frozen=True)
class Toggle:
    key: str
    title: object  # QT_TRANSLATE_NOOP returns its text, typed as object
    default: bool = True


TOGGLES = [
    Toggle("level1", QT_TRANSLATE_NOOP("MapPanel", "Districts (警务区)")), Toggle("level2", QT_TRANSLATE_NOOP("MapPanel", "Small grids")), Toggle("level3", QT_TRANSLATE_NOOP("MapPanel", "Micro grids")),
    Toggle("labels", QT_TRANSLATE_NOOP("MapPanel", "Grid labels")), Toggle("zones", QT_TRANSLATE_NOOP("MapPanel", "Patrol zones")), Toggle("key_zones", QT_TRANSLATE_NOOP("MapPanel", "Key zones")),
    Toggle("posts", QT_TRANSLATE_NOOP("MapPanel", "Posts and police rooms")), Toggle("sites", QT_TRANSLATE_NOOP("MapPanel", "Key sites")),
    Toggle("patrol_points", QT_TRANSLATE_NOOP("MapPanel", "Must-patrol points")),
    Toggle("patrol_lines", QT_TRANSLATE_NOOP("MapPanel", "Patrol lines")),
    Toggle("site_rings", QT_TRANSLATE_NOOP("MapPanel", "Key sites' 1-3-5 rings"), False), Toggle("incidents", QT_TRANSLATE_NOOP("MapPanel", "Open incidents")),
    Toggle("units", QT_TRANSLATE_NOOP("MapPanel", "Units")), Toggle("off_duty", QT_TRANSLATE_NOOP("MapPanel", "Off-duty units"), False),
    Toggle("reach", QT_TRANSLATE_NOOP("MapPanel", "Units' 1/3/5-minute reach"), False), Toggle("base", QT_TRANSLATE_NOOP("MapPanel", "Base image")),
]


class MapPanel(QWidget):
    def __init__(self, app: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.app = app
        self.data: MapData | None = None
        self._trees: dict[int, tuple[shapely.STRtree, list[int]]] = {}
        self._shown_grid: int | None = None
        self._loading_units = False
        self._units_again = False
        self.last_import_problems: list[str] = []
        self.setFont(ui_font(10))
        self.settings = qsettings()

        self.canvas = MapCanvas()
        self.card_view = GridCardView(app)
        self.card_view.hide()
        self.card_view.closed.connect(lambda: self.canvas.set_highlight(None))
        self.live = LiveLayers(app, self.canvas)
        self.live.legend_changed.connect(self.update_legend)

        # -- tool bar ----------------------------------------------------------------------
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Find a grid code or name, key site or address…"))
        self.search.setClearButtonEnabled(True)
        self.search.returnPressed.connect(self._search)
        fit = QPushButton(self.tr("Fit jurisdiction"))
        fit.clicked.connect(self.fit)
        self.layers_button = QToolButton()
        self.layers_button.setText(self.tr("Layers"))
        self.layers_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.layers_button)
        self.toggles: dict[str, QAction] = {}
        for t in TOGGLES:
            act = QAction(self.tr(str(t.title)), menu)
            act.setCheckable(True)
            act.setChecked(self._setting(f"map/layer/{t.key}", t.default))
            act.toggled.connect(lambda on, key=t.key: self._toggled(key, on))
            menu.addAction(act)
            self.toggles[t.key] = act
        menu.addSeparator()
        menu.addAction(self.tr("Choose base image…"), self._choose_base_image)
        menu.addAction(self.tr("Remove base image"), self._remove_base_image)
        self.layers_button.setMenu(menu)

        self.geometry_button = QToolButton()
        self.geometry_button.setText(self.tr("Geometry"))
        self.geometry_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        gmenu = QMenu(self.geometry_button)
        self.import_action = gmenu.addAction(self.tr("Import GeoJSON…"), self._choose_import)
        self.import_action.setEnabled(is_permitted(app.ctx.actor.role, "geometry.import"))
        gmenu.addAction(self.tr("Export GeoJSON…"), self._choose_export)
        gmenu.addSeparator()
        self.points = PointEditing(app, self.canvas, self, lambda: self.data)
        self.points.add_actions(gmenu)
        gmenu.addSeparator()
        self.drawing = MapDrawing(app, self.canvas, self, lambda: self.data, lambda: self.points.permitted)
        self.drawing.add_actions(gmenu)
        self.points.more_actions = self.drawing.add_context_actions
        self.points.escape.activated.connect(self.drawing.cancel)
        self.geometry_button.setMenu(gmenu)

        self.hotspots = HotspotControls(app, self.canvas, self.finest_shown_grids, self)
        self.hotspots.changed.connect(self.update_legend)

        bar = QHBoxLayout()
        bar.setContentsMargins(4, 4, 4, 0)
        bar.addWidget(self.search, 2)
        bar.addWidget(fit)
        bar.addWidget(self.layers_button)
        bar.addWidget(self.geometry_button)
        bar.addSpacing(12)
        for w in self.hotspots.widgets:
            bar.addWidget(w)
        bar.addStretch(1)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.canvas)
        split.addWidget(self.card_view)
        split.setStretchFactor(0, 1)
        split.setSizes([1200, 340])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(split, 1)

        self.canvas.clicked.connect(self._map_clicked)
        self.canvas.marker_clicked.connect(self._marker_clicked)
        self.canvas.double_clicked.connect(self._map_double_clicked)
        self.canvas.context_requested.connect(self.points.context_menu)
        find = QShortcut(QKeySequence.StandardKey.Find, self)
        find.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self._focus_search)
        self.canvas.vb.sigRangeChanged.connect(lambda *_: self.canvas.viewport().update())
        app.changed.connect(self._on_change)
        app.selected.connect(self._on_selected)
        self._minute = minute_of(app.clock())
        app.tick.connect(self._on_tick)
        self.state = board_state(app)
        self.state.loaded.connect(self.live.refresh_incidents)
        self.state.rows_changed.connect(lambda _rows: self.live.refresh_incidents())
        if self.state.is_loaded:
            QTimer.singleShot(0, self.live.refresh_incidents)
        self.reload()
        self.reload_units()

    # -- settings ---------------------------------------------------------------------------
    def _setting(self, key: str, default: bool) -> bool:
        value = self.settings.value(key, default)
        return value in (True, "true", "1", 1)

    def shown(self, key: str) -> bool:
        return self.toggles[key].isChecked()

    # -- static layers ----------------------------------------------------------------------
    def reload(self, *, keep_view: bool = False) -> None:
        self.app.run(map_layers, self.app.ctx, on_done=lambda d: self._loaded(d, keep_view))

    def _loaded(self, data: MapData, keep_view: bool) -> None:
        first = self.data is None
        self.data = data
        self.live.data = data
        c = self.canvas
        for level, layer in c.levels.items():
            shapes = data.grids.get(level, ())
            layer.set_rings([r for g in shapes for r in g.rings])
            # Micro grids show their number first and their name once there is room for it.
            short = [g.code.rsplit("-", 1)[-1] if level == 3 else g.name for g in shapes]
            c.grid_labels[level].set_labels([g.label_x for g in shapes], [g.label_y for g in shapes],
                                            short, [g.extent_m for g in shapes],
                                            long_texts=[g.name for g in shapes] if level == 3 else None)
        self._trees = {}
        for level, shapes in data.grids.items():
            if shapes:
                polys = [shapely.Polygon(g.rings[0], g.rings[1:]) if g.rings else shapely.Polygon()
                         for g in shapes]
                self._trees[level] = (shapely.STRtree(polys), [g.id for g in shapes])
        patrol = [z for z in data.zones if z.kind != "key_zone"]
        keyz = [z for z in data.zones if z.kind == "key_zone"]
        c.zones.set_rings([r for z in patrol for r in z.rings])
        c.key_zones.set_rings([r for z in keyz for r in z.rings])
        posts, sites = data.posts, data.sites
        c.markers["posts"].set([p.id for p in posts], [p.x for p in posts], [p.y for p in posts],
                               symbol=HOUSE, size=[16 if p.kind == "post" else 13 for p in posts],
                               brush=(18, 53, 91), pen=(255, 255, 255))
        c.post_labels.set_labels([p.x for p in posts], [p.y for p in posts], [p.name for p in posts])
        c.tips["posts"] = {p.id: f"{p.name}\n{p.phone}" for p in posts}
        c.tips["sites"] = {s.id: f"{s.name} ({kind_text(s.kind)})\n{s.address}" for s in sites}
        c.markers["sites"].set([s.id for s in sites], [s.x for s in sites], [s.y for s in sites],
                               symbol="star", size=14, brush=(213, 94, 0), pen=(255, 255, 255))
        c.site_labels.set_labels([s.x for s in sites], [s.y for s in sites], [s.name for s in sites],
                                 [300.0] * len(sites))
        points = data.patrol_points
        c.markers["patrol_points"].set([p.id for p in points], [p.x for p in points],
                                       [p.y for p in points], symbol="h", size=11,
                                       brush=PATROL_POINT_COLOUR, pen=(255, 255, 255))
        c.tips["patrol_points"] = {p.id: self._patrol_point_text(p) for p in points}
        lines = data.patrol_lines
        # Open routes, a few per station: one path, no simplified copies (those are of rings).
        c.patrol_lines.set_path(rings_path([ln.xy for ln in lines]))
        c.markers["patrol_lines"].set([ln.id for ln in lines], [ln.middle[0] for ln in lines],
                                      [ln.middle[1] for ln in lines], symbol="s", size=8,
                                      brush=PATROL_LINE_COLOUR, pen=(255, 255, 255))
        c.tips["patrol_lines"] = {ln.id: self._patrol_line_text(ln) for ln in lines}
        hour = local(self.app.clock()).hour
        xs, ys = np.array([s.x for s in sites]), np.array([s.y for s in sites])
        c.set_rings(c.rings, xs, ys, [np.full(len(sites), reach_radius_m(t, "car", hour))
                                      for t in REACH_SECONDS])
        self.apply_toggles()
        if first or not keep_view:
            self.fit()
        self.live.refresh_incidents()
        self.live.refresh_units()
        self.hotspots.reload()
        self._restore_base_image()

    def _patrol_point_text(self, p: PointShape) -> str:
        """Name, daily window and note of a must-patrol point, as its tip and card say them."""
        window = (self.tr("Patrolled %1").replace("%1", p.window) if p.window
                  else self.tr("Patrolled all day"))
        return "\n".join(x for x in (p.name, window, p.note) if x)

    def _patrol_line_text(self, ln: LineShape) -> str:
        """Name, length, daily window and note of a patrol line, as its hover says them."""
        window = (self.tr("Patrolled %1").replace("%1", ln.window) if ln.window
                  else self.tr("Patrolled all day"))
        return "\n".join(x for x in (f"{ln.name} · {ln.length_m / 1000:.1f} km", window, ln.note) if x)

    def fit(self) -> None:
        if self.data is not None:
            self.canvas.fit(self.data.bounds)

    # -- toggles ------------------------------------------------------------------------------
    def _toggled(self, key: str, on: bool) -> None:
        self.settings.setValue(f"map/layer/{key}", on)
        self.apply_toggles()

    def apply_toggles(self) -> None:
        c = self.canvas
        labels = self.shown("labels")
        for level in (1, 2, 3):
            on = self.shown(f"level{level}")
            c.levels[level].setVisible(on)
            c.grid_labels[level].setVisible(on and labels)
        c.zones.setVisible(self.shown("zones"))
        c.key_zones.setVisible(self.shown("key_zones"))
        for key in ("posts", "sites", "patrol_points", "patrol_lines"):
            c.markers[key].item.setVisible(self.shown(key))
        c.patrol_lines.setVisible(self.shown("patrol_lines"))
        c.post_labels.setVisible(self.shown("posts"))
        c.site_labels.setVisible(self.shown("sites"))
        for layer in c.rings:
            layer.setVisible(self.shown("site_rings"))
        c.base.setVisible(self.shown("base"))
        self.live.apply_toggles(incidents=self.shown("incidents"), units=self.shown("units"),
                                off_duty=self.shown("off_duty"), reach=self.shown("reach"))
        self.update_legend()

    def update_legend(self) -> None:
        """Say what the colours mean: hot-spot classes when shown, else incident states and shapes,
        and the patrol points when an accepted plan is on the map."""
        c = self.canvas
        if self.hotspots.shown:
            c.set_legend(*self.hotspots.legend())
            return
        title = ""
        entries: list[tuple[str, QColor, str]] = []
        if self.shown("incidents"):
            title = tr("Open incidents")
            if self.live.unplaced:
                title += " " + tr("(%1 without a position)").replace("%1", str(self.live.unplaced))
            entries = [
                ("o", STATE_COLOURS["pending"], tr("Within target")),
                ("o", STATE_COLOURS["near"], tr("Near target")),
                ("o", STATE_COLOURS["breached"], tr("Target breached (pulses while running)")),
                ("o", STATE_COLOURS["met"], tr("Targets met")),
                ("t", MUTED, tr("Waiting for dispatch")),
                ("o", MUTED, tr("Dispatched, on the way")),
                ("s", MUTED, tr("On scene")),
                ("d", MUTED, tr("Handled, feedback due")),
            ]
        if self.shown("units") and self.live.order_xy:
            entries.append(("D", ORDER_COLOUR, tr("Patrol point of the accepted plan")))
        if self.shown("units") and self.live.any_away:
            entries.append(("r", BREACH, tr("Unit away from its timed duty (pulses)")))
        if self.shown("units") and self.live.moves:
            entries.append(("r", MOVE_UP_COLOUR, tr("Move-up suggested (补位), from the unit board")))
        if self.shown("patrol_points") and self.data is not None and self.data.patrol_points:
            entries.append(("h", PATROL_POINT_COLOUR, tr("Must-patrol point (必巡点)")))
        if self.shown("patrol_lines") and self.data is not None and self.data.patrol_lines:
            entries.append(("s", PATROL_LINE_COLOUR, tr("Patrol line (巡逻线路)")))
        c.set_legend(title, entries)

    # -- clicks and selection -------------------------------------------------------------------
    def finest_shown_grids(self) -> tuple[AreaShape, ...]:
        """The grids of the finest level shown (hot-spot counts are drawn on them)."""
        if self.data is None:
            return ()
        level = next((lv for lv in (3, 2, 1) if self.data.grids.get(lv) and self.shown(f"level{lv}")), 1)
        return self.data.grids.get(level, ())

    def grid_at(self, x: float, y: float) -> int | None:
        """The finest shown grid level's grid under a map point."""
        point = shapely.Point(x, y)
        for level in (3, 2, 1):
            if level not in self._trees or not self.shown(f"level{level}"):
                continue
            tree, ids = self._trees[level]
            hits = tree.query(point, predicate="intersects")
            if len(hits):
                return ids[int(min(hits))]
        return None

    def _map_clicked(self, x: float, y: float) -> None:
        if self.points.clicked(x, y):  # the click placed a post, key site or must-patrol point
            return
        if self.drawing.clicked(x, y):  # a corner of the zone or line being drawn
            return
        gid = self.grid_at(x, y)
        if self.data is not None:
            # An open intake dialog takes the clicked point (and so its grid) as the call's place.
            lon, lat = unproject_xy(x, y, self.data.origin_lon, self.data.origin_lat)
            self.app.point_picked.emit(float(lon), float(lat))
        if gid is None:
            self.canvas.set_highlight(None)
            self.card_view.hide()
            return
        self.show_grid(gid)
        self.app.select("grid", gid)

    def _focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _map_double_clicked(self, x: float, y: float) -> None:
        if not self.drawing.double_clicked(x, y):  # closes the outline being drawn
            self.zoom_to_grid_at(x, y)

    def zoom_to_grid_at(self, x: float, y: float) -> None:
        """Double click: the grid under the pointer fills the view, and its card opens."""
        gid = self.grid_at(x, y)
        shape = next((g for g in (self.data.all_grids if self.data else []) if g.id == gid), None)
        if shape is None:
            return
        allxy = np.vstack(shape.rings)
        self.canvas.fit((float(allxy[:, 0].min()), float(allxy[:, 1].min()),
                         float(allxy[:, 0].max()), float(allxy[:, 1].max())))
        self.show_grid(shape.id)

    def show_grid(self, grid_id: int) -> None:
        self._shown_grid = grid_id
        shape = next((g for g in (self.data.all_grids if self.data else []) if g.id == grid_id), None)
        self.canvas.set_highlight(list(shape.rings) if shape else None)
        self.app.run(grid_card, self.app.ctx, grid_id,
                     on_done=self._card_loaded)

    def _card_loaded(self, card: Any) -> None:
        if card.id == self._shown_grid:  # the dispatcher may have clicked another grid since
            self.card_view.show_card(card)

    def _marker_clicked(self, entity: str, entity_id: int) -> None:
        if entity in ("incident", "unit"):
            self.app.select(entity, entity_id)
        elif entity in ("key_site", "post") and self.data is not None:
            items = self.data.sites if entity == "key_site" else self.data.posts
            p = next((i for i in items if i.id == entity_id), None)
            if p is not None:
                lines = [escape(kind_text(p.kind)), escape(p.address or p.phone)]
                if entity == "key_site":
                    lines.append(self.tr("Reach target: %1 min").replace("%1", str(p.target_minutes)))
                self.card_view.show_text(f"{p.code}  {p.name}", "<br>".join(x for x in lines if x))
        elif entity == "patrol_point" and self.data is not None:
            pt = next((i for i in self.data.patrol_points if i.id == entity_id), None)
            if pt is not None:
                self.card_view.show_text(f"{pt.code}  {pt.name}",
                                         escape(self._patrol_point_text(pt)).replace("\n", "<br>"))
        elif entity == "repeat_place" and self.hotspots.data is not None:
            place = self.hotspots.data.repeat_places[entity_id]
            self.card_view.show_text(
                self.tr("Repeat place (一地多警)"),
                f"<b>{escape(place.label)}</b><br>{place.count} " + self.tr("incidents")
                + f" · {escape(place.top_category)}<br>" + ", ".join(str(i) for i in place.incident_ids[:20]))

    def _on_selected(self, entity: str, entity_id: int) -> None:
        if entity in ("incident", "unit"):  # a grid selection came from this map itself
            self.live.select(entity, entity_id)

    # -- live -----------------------------------------------------------------------------------
    def _on_change(self, change: Change) -> None:
        if change.touches(*GEOMETRY_ENTITIES):
            self.reload(keep_view=True)
        # The card shown is re-read when anything it lists may have changed.
        card = self.card_view.card
        if card is not None and self.card_view.isVisible() and change.touches(
                "grid", "incident", "task", "key_site", "post"):
            self.app.run(grid_card, self.app.ctx, card.id, on_done=self._card_loaded)
        if change.touches(*UNIT_ROW_ENTITIES):  # the tooltip names the crew
            self.reload_units()

    def reload_units(self) -> None:
        # Coalesced: a burst of unit changes costs one query at a time.
        if self._loading_units:
            self._units_again = True
            return
        self._loading_units = True
        self.app.run(list_units, self.app.ctx, on_done=self._units_loaded, on_error=self._units_failed)

    def _units_loaded(self, rows: list[Any]) -> None:
        self._loading_units = False
        self.live.set_units(rows)
        if self._units_again:
            self._units_again = False
            self.reload_units()

    def _units_failed(self, exc: BaseException) -> None:
        self._loading_units = False
        self.app.report_error(exc)

    def _on_tick(self) -> None:
        self.live.tick()
        if minute_of(self.app.clock()) != self._minute:  # the next shift's units and plan lines
            self._minute = minute_of(self.app.clock())
            self.reload_units()

    # -- search -------------------------------------------------------------------------------------
    def _search(self) -> None:
        text = self.search.text().strip()
        if text:
            self.app.run(search_places, self.app.ctx, text, on_done=self._found)

    def _found(self, hits: list[PlaceHit]) -> None:
        if not hits:
            self.app.notify(self.tr("Nothing found for “%1”").replace("%1", self.search.text()), "warning")
            return
        wanted = self.search.text().strip().lower()
        # An exact code or name goes straight there; "D02-S03" also matches its micro grids.
        exact = [h for h in hits if wanted in (h.label.lower(), h.label.split(" ", 1)[0].lower())]
        if len(hits) == 1 or exact:
            self.go_to(exact[0] if exact else hits[0])
            return
        menu = QMenu(self)
        for hit in hits:
            menu.addAction(f"{hit.label}", lambda h=hit: self.go_to(h))  # type: ignore[misc]
        menu.popup(self.search.mapToGlobal(self.search.rect().bottomLeft()))
        self._search_menu = menu

    def go_to(self, hit: PlaceHit) -> None:
        if self.data is None:
            return
        x, y = self.data.to_xy(hit.lon, hit.lat)
        if hit.kind == "grid":
            shape = next((g for g in self.data.all_grids if g.id == hit.id), None)
            width = max(600.0, 3 * (shape.extent_m if shape else 400))
            self.canvas.center_on(x, y, width_m=width)
            self.show_grid(hit.id)
        else:
            self.canvas.center_on(x, y, width_m=800.0)
            self.live.flag(x, y)

    # -- geometry import / export ----------------------------------------------------------------------
    def _choose_import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Import grids, zones, key sites, posts or must-patrol points"), "",
                                              self.tr("GeoJSON (*.geojson *.json)"))
        if path:
            self.import_file(Path(path))

    def import_file(self, path: Path) -> None:
        """Import off the GUI thread; every problem is listed in one dialog, nothing is written."""
        self.app.run(import_geometry, self.app.ctx, path, on_done=self._imported,
                     on_error=self._import_failed)

    def _imported(self, summary: ImportSummary) -> None:
        self.app.notify(self.tr("Geometry imported: %1").replace("%1", self.import_summary_text(summary)))
        if summary.outside:
            self.app.notify(self.tr("%1 stand(s) in none of the station's grids: check the coordinates")
                            .replace("%1", "、".join(summary.outside)), "warning")
        # This seat's own write: redraw now rather than wait for the feed's echo.
        self.app.announce(Change((ChangeItem("grid", None, "updated"),)))

    def import_summary_text(self, summary: ImportSummary) -> str:
        """Per layer what the import added, changed and left as it was, in the UI's language
        (ImportSummary.describe() is English)."""
        parts = []
        for layer, new, updated, same in summary.by_layer():
            name = self.tr(str(IMPORT_LAYER_TEXT.get(layer, layer)))
            if same:
                parts.append(self.tr("%1: %2 new, %3 updated, %4 unchanged").replace("%1", name)
                             .replace("%2", str(new)).replace("%3", str(updated)).replace("%4", str(same)))
            else:
                parts.append(self.tr("%1: %2 new, %3 updated").replace("%1", name)
                             .replace("%2", str(new)).replace("%3", str(updated)))
        separator = "; " if ui_language() == "en" else "；"
        return separator.join(parts) or self.tr("nothing to import")

    def _import_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, ValidationErrors):
            self.app.report_error(exc)
            return
        self.last_import_problems = [error_text(p) for p in exc.problems]
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Nothing was imported"),
                          self.tr("%1 problem(s) in the file; fix them and import again.")
                          .replace("%1", str(len(exc.problems))), parent=self)
        box.setDetailedText("\n".join(self.last_import_problems))
        box.setModal(False)
        box.show()
        self._problem_box = box

    def _choose_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export geometry"), "grids.geojson",
                                              self.tr("GeoJSON (*.geojson)"))
        if path:
            self.app.run(export_geometry, self.app.ctx, on_done=lambda data: self._write_export(Path(path), data))

    def _write_export(self, path: Path, data: dict) -> None:
        path.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        self.app.notify(self.tr("%1 feature(s) written to %2").replace("%1", str(len(data["features"])))
                        .replace("%2", str(path)))

    # -- base image -------------------------------------------------------------------------------------
    def _choose_base_image(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Base image with a world file"), "",
                                              self.tr("Images (*.png *.jpg *.jpeg)"))
        if path:
            self.set_base_image(Path(path))

    def set_base_image(self, path: Path | None) -> bool:
        if path is None or self.data is None:
            self.canvas.base.clear()
            return False
        try:
            image = load_base_image(path, self.data.origin_lon, self.data.origin_lat)
        except KnownError as exc:
            self.app.notify(error_text(exc), "error")
            return False
        self.canvas.base.setImage(image.pixels, axisOrder="row-major", levels=(0, 255))
        self.canvas.base.setTransform(image.transform)
        self.settings.setValue("map/base_image", str(path))
        self.toggles["base"].setChecked(True)
        return True

    def _restore_base_image(self) -> None:
        stored = self.settings.value("map/base_image", "")
        if stored and self.canvas.base.image is None and Path(str(stored)).exists():
            self.set_base_image(Path(str(stored)))

    def _remove_base_image(self) -> None:
        self.settings.remove("map/base_image")
        self.canvas.base.clear()


def create_panel(app: AppContext) -> QWidget:
    return MapPanel(app)

