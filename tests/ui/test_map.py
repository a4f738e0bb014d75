"""The map panel as a dispatcher uses it: layers and toggles, labels by zoom, live markers, selection
sync with the board, grid card and notice board, hot spots, search, base image."""

from __future__ import annotations

import dataclasses
import unicodedata

import pytest
from PySide6.QtGui import QImage

from precinct_console.config import Settings
from precinct_console.domain import geo
from precinct_console.domain import geo_synthetic as syn
from precinct_console.domain.changes import Change, ChangeItem
from precinct_console.domain.permissions import Role
from precinct_console.services import geometry
from precinct_console.services.incidents.intake import IncidentDraft, intake_incident
from precinct_console.storage.models import Grid, Unit
from precinct_console.ui.board.panel import BoardPanel
from precinct_console.ui.context import AppContext
from precinct_console.ui.map.panel import MapPanel
from precinct_console.ui.theme import BREACH

pytestmark = [pytest.mark.qt_log_ignore("This plugin does not support"),
              pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)]


def _lonlat(x: float, y: float) -> tuple[float, float]:
    lon, lat = geo.unproject_xy(x, y, *syn.ORIGIN)
    return float(lon), float(lat)


@pytest.fixture
def app(db, make_ctx, station, clock):
    admin = make_ctx(Role.ADMIN)
    fc = syn.jurisdiction()
    fc["features"] += syn.key_sites_and_posts()
    geometry.import_geometry(admin, fc)
    with db.sessions() as s:
        for cs, kind, x, y, status in (("城关1号车", "car", -800, 300, "available"),
                                       ("步巡A", "foot", 100, 100, "on_scene"),
                                       ("城关9号车", "car", 500, 500, "off_duty")):
            lon, lat = _lonlat(x, y)
            s.add(Unit(station_id=station.id, call_sign=cs, kind=kind, home_lon=lon, home_lat=lat,
                       status=status, status_since=clock()))
        s.commit()
    ctx = make_ctx(Role.DUTY_OFFICER, "duty1")
    application = AppContext(ctx, Settings())
    yield application
    application.runner.wait(10000)


def take(app: AppContext, x: float, y: float, address: str = "城关路1号", category: str = "0601"):
    lon, lat = _lonlat(x, y)
    return intake_incident(app.ctx, IncidentDraft(channel="110", category_code=category, address=address,
                                                  lon=lon, lat=lat))


def settle(qtbot, app: AppContext, panel: MapPanel) -> None:
    for _ in range(3):
        app.runner.wait(10000)
        qtbot.wait(20)


def open_map(qtbot, app: AppContext) -> MapPanel:
    panel = MapPanel(app)
    qtbot.addWidget(panel)
    panel.resize(1600, 1000)
    panel.show()
    qtbot.waitUntil(lambda: panel.data is not None and panel.state.is_loaded, timeout=10000)
    settle(qtbot, app, panel)
    return panel


def test_layers_are_batched_per_level_and_fit_the_jurisdiction(qtbot, app):
    panel = open_map(qtbot, app)
    c = panel.canvas
    # One path per level, holding every grid of the level: 4, 16 and 64 closed rings.
    for level, n in ((1, 4), (2, 16), (3, 64)):
        path = c.levels[level].path()
        assert path.elementCount() == n * 5
    view = c.vb.viewRect()
    assert view.contains(-2000, -1600) and view.contains(2000, 1600)
    assert view.width() < 6000  # fitted, not the default range
    assert len(c.markers["sites"].ids) == 4 and len(c.markers["posts"].ids) == 2
    # Units on duty are shown with call signs; the off-duty one only when asked for.
    assert sorted(u.call_sign for u in panel.live.units if u.id in set(c.markers["units"].ids)) == [
        "城关1号车", "步巡A"]
    panel.toggles["off_duty"].setChecked(True)
    assert len(c.markers["units"].ids) == 3
    # The free units' 1/3/5-minute reach: rings around the one available unit and a summary.
    assert c.note == ""
    panel.toggles["reach"].setChecked(True)
    assert c.reach[0].isVisible() and not c.reach[2].path().isEmpty()
    assert c.note.startswith("Free units reach") and "5 min" in c.note
    assert 0 < panel.live.coverage[0] <= panel.live.coverage[1] <= panel.live.coverage[2] <= 1


def test_level_toggles_hide_outlines_and_labels_and_are_remembered(qtbot, app):
    panel = open_map(qtbot, app)
    panel.toggles["level3"].setChecked(False)
    assert not panel.canvas.levels[3].isVisible() and not panel.canvas.grid_labels[3].isVisible()
    assert panel.canvas.levels[2].isVisible()
    # A click now lands on the small grid (micro grids are hidden).
    gid = panel.grid_at(-1900, -1500)
    with app.ctx.db.sessions() as s:
        assert s.get(Grid, gid).level == 2
    panel.toggles["incidents"].setChecked(False)
    assert not panel.canvas.markers["incidents"].item.isVisible()
    again = MapPanel(app)
    qtbot.addWidget(again)
    assert not again.toggles["level3"].isChecked() and not again.toggles["incidents"].isChecked()
    assert again.toggles["level2"].isChecked()


def test_labels_appear_only_when_the_zoom_gives_them_room(qtbot, app):
    panel = open_map(qtbot, app)
    c = panel.canvas
    c.center_on(0, 0, width_m=60_000)  # a whole city on screen: micro grids are specks
    panel.canvas.grab()
    assert c.grid_labels[3].drawn == 0 and c.grid_labels[2].drawn == 0
    c.center_on(0, 0, width_m=4_400)
    panel.canvas.grab()
    assert c.grid_labels[1].drawn == 4
    c.center_on(-1750, -1400, width_m=1_200)  # a few micro grids fill the screen
    panel.canvas.grab()
    assert 1 <= c.grid_labels[3].drawn <= 16


def test_incidents_update_live_and_breaches_pulse(qtbot, app, clock):
    panel = open_map(qtbot, app)
    first = take(app, -1200, 700)
    app.announce(first.change)
    qtbot.waitUntil(lambda: first.id in set(panel.canvas.markers["incidents"].ids), timeout=10000)
    loads = []
    panel.reload = lambda **kw: loads.append(kw)  # an incident never reloads the static layers
    second = take(app, 900, -500)
    app.announce(second.change)
    qtbot.waitUntil(lambda: second.id in set(panel.canvas.markers["incidents"].ids), timeout=10000)
    assert loads == []
    assert second.number in panel.canvas.tips["incidents"][second.id]  # hover text
    xy = panel.live.incident_xy[second.id]
    assert xy == pytest.approx((900, -500), abs=1)
    assert len(panel.canvas.markers["pulse"].ids) == 0
    clock.advance(minutes=10)  # nobody set off: the 1-minute target is breached
    app.tick.emit()
    assert set(panel.canvas.markers["pulse"].ids) == {first.id, second.id}
    size1 = panel.canvas.markers["pulse"].item.opts["size"]
    app.tick.emit()
    assert panel.canvas.markers["pulse"].item.opts["size"] != size1


def test_redrawing_the_incidents_does_not_paint_each_marker_again(qtbot, app, clock):
    """In a surge every change redraws all the open incidents: markers of one look share one
    painted symbol, or the GUI thread paints hundreds of them per change and the console stalls."""
    panel = open_map(qtbot, app)
    taken = [take(app, -1500 + 100 * i, 300, address=f"城关路{i}号") for i in range(30)]
    app.announce(Change(tuple(item for t in taken for item in t.change.items)))
    qtbot.waitUntil(lambda: len(panel.canvas.markers["incidents"].ids) == 30, timeout=10000)
    for _ in range(5):
        panel.live.refresh_incidents()
        clock.advance(seconds=1)
        app.tick.emit()
    atlas = panel.canvas.markers["incidents"].item.fragmentAtlas
    looks = {(s, size, p.color().rgba(), b.color().rgba()) for s, size, p, b in
             zip(*panel.canvas.markers["incidents"].item._style(["symbol", "size", "pen", "brush"]),
                 strict=True)}
    assert len(atlas) <= 3 * len(looks)  # a look or two from before the last refresh, not 30 per refresh


def test_the_tick_works_the_timers_out_again_only_when_one_turns(qtbot, app, clock, monkeypatch):
    """Hundreds of open incidents in a surge: the map's second re-colours what turned, and does
    not evaluate every incident's timers each second; a breach still shows on time."""
    from precinct_console.ui.map import live

    panel = open_map(qtbot, app)
    taken = [take(app, -1500 + 100 * i, 300, address=f"城关路{i}号") for i in range(20)]
    app.announce(Change(tuple(item for t in taken for item in t.change.items)))
    qtbot.waitUntil(lambda: len(panel.canvas.markers["incidents"].ids) == 20, timeout=10000)
    calls = []
    real = live.evaluate
    monkeypatch.setattr(live, "evaluate", lambda *a: calls.append(1) or real(*a))
    app.tick.emit()  # just taken in: nothing turns for some seconds yet
    calls.clear()
    for _ in range(3):
        clock.advance(seconds=1)
        app.tick.emit()
    assert calls == []
    clock.advance(minutes=10)  # nobody set off: every 1-minute target breached
    app.tick.emit()
    assert set(panel.canvas.markers["pulse"].ids) == {t.id for t in taken}


def test_selection_syncs_with_the_board_both_ways(qtbot, app):
    a = take(app, -1200, 700, "人民路8号")
    b = take(app, 900, -500, "解放路12号")
    board = BoardPanel(app)
    qtbot.addWidget(board)
    board.resize(1200, 600)
    board.show()
    panel = open_map(qtbot, app)
    qtbot.waitUntil(lambda: {a.id, b.id} <= set(panel.canvas.markers["incidents"].ids), timeout=10000)
    # Clicking the incident on the map selects it on the board.
    with qtbot.waitSignal(app.selected, timeout=2000) as sig:
        panel.canvas.click_at(900 + 3, -500 - 2)
    assert sig.args == ["incident", b.id]
    qtbot.waitUntil(lambda: board._selected_id == b.id, timeout=5000)
    # Choosing a row on the board marks it on the map (and brings it into view).
    panel.canvas.center_on(1800, 1400, width_m=500)
    board.select_incident(a.id)
    qtbot.waitUntil(lambda: panel.live.selected_xy() is not None and
                    panel.live.selected_xy() == pytest.approx((-1200, 700), abs=1), timeout=5000)
    sel = panel.canvas.selection.data
    assert (sel["x"][0], sel["y"][0]) == pytest.approx((-1200, 700), abs=1)
    assert panel.canvas.vb.viewRect().contains(-1200, 700)
    # A unit click selects the unit.
    with qtbot.waitSignal(app.selected, timeout=2000) as sig:
        panel.canvas.click_at(-800, 300)
    assert sig.args[0] == "unit"


def test_grid_click_shows_the_card_and_prints_the_notice_board(qtbot, app, tmp_path):
    from PySide6.QtPdf import QPdfDocument

    panel = open_map(qtbot, app)
    panel.canvas.click_at(-1700, -1500)  # inside D01-S01-M01, no marker near
    qtbot.waitUntil(lambda: panel.card_view.card is not None and panel.card_view.isVisible(), timeout=5000)
    card = panel.card_view.card
    assert card.code == "D01-S01-M01"
    text = panel.card_view.body.toPlainText()
    for person in card.people:
        assert person.name in text and person.phone in text
    assert not panel.canvas.highlight.path().isEmpty()

    pdf = panel.card_view.save_notice_board(tmp_path / "board.pdf")
    doc = QPdfDocument()
    doc.load(str(pdf))
    assert doc.pageCount() == 1
    size = doc.pagePointSize(0)
    assert (round(size.width()), round(size.height())) == (595, 842)  # A4 in points
    # Noto CJK maps some glyphs to Kangxi radicals in the text layer: compare normalised text.
    page = unicodedata.normalize("NFKC", doc.getAllText(0).text())
    for person in card.people:
        assert person.name in page and person.phone in page
    assert "110" in page and "警务公示牌" in page


def test_hot_spots_show_density_counts_and_repeat_places(qtbot, app, clock):
    for i in range(4):
        take(app, 900 + i, -500, "夜色酒吧")
    take(app, -1500, 1200, "城关路5号", "0101")
    panel = open_map(qtbot, app)
    panel.hotspots.button.setChecked(True)
    qtbot.waitUntil(lambda: panel.hotspots.data is not None, timeout=10000)
    assert panel.canvas.heat.image is not None
    assert [p.label for p in panel.hotspots.data.repeat_places] == ["夜色酒吧"]
    assert panel.canvas.legend_title.startswith("Incidents per km²")
    assert len(panel.canvas.markers["repeats"].ids) == 1
    panel.hotspots.mode.setCurrentIndex(1)  # counts by grid
    qtbot.waitUntil(lambda: panel.canvas.heat.image is None, timeout=10000)
    filled = [not layer.path().isEmpty() for layer in panel.canvas.choropleth]
    assert sum(filled) >= 1
    assert panel.canvas.legend_title == "Incidents per grid"
    assert [text for _s, _c, text in panel.canvas.legend][-1] == "Repeat place (count)"
    panel.hotspots.category.setCurrentIndex(panel.hotspots.category.findData("01"))
    qtbot.waitUntil(lambda: panel.hotspots.data is not None and panel.hotspots.data.incidents == 1, timeout=10000)
    panel.hotspots.button.setChecked(False)
    assert len(panel.canvas.markers["repeats"].ids) == 0


def test_search_goes_to_a_grid_and_a_key_site(qtbot, app):
    panel = open_map(qtbot, app)
    panel.search.setText("D02-S03")
    panel._search()
    qtbot.waitUntil(lambda: panel.card_view.card is not None, timeout=5000)
    assert panel.card_view.card.code.startswith("D02-S03")
    panel.search.setText("人民医院")
    panel._search()
    settle(qtbot, app, panel)
    view = panel.canvas.vb.viewRect()
    assert view.center().x() == pytest.approx(900, abs=5) and view.width() < 1500


def test_geometry_change_from_another_seat_redraws_the_grids(qtbot, app, make_ctx):
    panel = open_map(qtbot, app)
    panel.canvas.center_on(500, 500, width_m=1000)
    # Another seat re-cuts every small grid into 3 x 3 micro grids.
    geometry.import_geometry(make_ctx(Role.ADMIN), syn.jurisdiction(micro=(3, 3)))
    app.changed.emit(Change((ChangeItem("grid", None, "updated"),)))
    qtbot.waitUntil(lambda: len(panel.data.grids[3]) == 144, timeout=10000)
    assert panel.canvas.levels[3].path().elementCount() == 144 * 5
    # The dispatcher's view stays where it was.
    assert panel.canvas.vb.viewRect().center().x() == pytest.approx(500, abs=5)


def test_base_image_with_a_world_file_lies_under_the_grids(qtbot, app, tmp_path):
    panel = open_map(qtbot, app)
    image = QImage(200, 100, QImage.Format.Format_RGB32)
    image.fill(0x88AACC)
    path = tmp_path / "base.png"
    image.save(str(path))
    lon0, lat0 = _lonlat(-2000, 1600)
    lon1, lat1 = _lonlat(2000, -1600)
    a, e = (lon1 - lon0) / 200, (lat1 - lat0) / 100
    path.with_suffix(".pgw").write_text(f"{a}\n0\n0\n{e}\n{lon0 + a / 2}\n{lat0 + e / 2}\n")
    assert panel.set_base_image(path)
    t = panel.canvas.base.transform()
    top_left = t.map(0.0, 0.0)
    bottom_right = t.map(200.0, 100.0)
    assert (top_left[0], top_left[1]) == pytest.approx((-2000, 1600), abs=1)
    assert (bottom_right[0], bottom_right[1]) == pytest.approx((2000, -1600), abs=1)
    assert panel.canvas.base.image.shape[:2] == (100, 200)
    # An image without a world file is refused with a clear message.
    (tmp_path / "bare.png").write_bytes(path.read_bytes())
    messages = []
    app.notified.connect(lambda text, level: messages.append(text))
    assert not panel.set_base_image(tmp_path / "bare.png")
    assert "no world file next to bare.png" in messages[-1]


def test_the_panel_is_registered_for_the_window_and_snapshot(db_url):
    from precinct_console.ui.panels import PANELS

    spec = next(p for p in PANELS if p.key == "map")
    assert spec.factory == "precinct_console.ui.map.panel:create_panel"


def test_import_from_the_map_lists_every_problem_or_redraws(qtbot, app, make_ctx, tmp_path):
    import json

    duty_panel = open_map(qtbot, app)
    assert not duty_panel.import_action.isEnabled()  # a duty officer may not change geometry
    chief = AppContext(make_ctx(Role.STATION_CHIEF), app.settings)
    panel = open_map(qtbot, chief)
    broken = syn.jurisdiction(micro=(3, 3))
    broken["features"][4]["geometry"]["coordinates"][0].pop()
    broken["features"][9]["properties"]["parent"] = "D77"
    path = tmp_path / "broken.geojson"
    path.write_text(json.dumps(broken, ensure_ascii=False), encoding="utf-8")
    panel.import_file(path)
    qtbot.waitUntil(lambda: len(panel.last_import_problems) > 0, timeout=10000)
    assert len(panel.last_import_problems) == 2, panel.last_import_problems
    assert "is not closed" in panel.last_import_problems[0]
    assert "no grid with code 'D77'" in panel.last_import_problems[1]
    assert len(panel.data.grids[3]) == 64
    good = tmp_path / "good.geojson"
    good.write_text(json.dumps(syn.jurisdiction(micro=(3, 3)), ensure_ascii=False), encoding="utf-8")
    panel.import_file(good)
    qtbot.waitUntil(lambda: len(panel.data.grids[3]) == 144, timeout=10000)
    chief.runner.wait(10000)


def test_an_import_says_what_it_did_in_chinese(zh_cn, qtbot, app, make_ctx, tmp_path):
    import json

    chief = AppContext(make_ctx(Role.STATION_CHIEF), app.settings)
    panel = open_map(qtbot, chief)
    notes: list[str] = []
    chief.notified.connect(lambda text, level: notes.append(text))
    good = tmp_path / "good.geojson"
    good.write_text(json.dumps(syn.jurisdiction(micro=(3, 3)), ensure_ascii=False), encoding="utf-8")
    panel.import_file(good)
    qtbot.waitUntil(lambda: any(n.startswith("地理数据已导入") for n in notes), timeout=10000)
    # The micro grids were redrawn 3 x 3 per small grid: 80 more, the 64 there reshaped; the 4
    # districts and 16 small grids are as they were. Counts composed in Chinese, no English inside.
    assert notes[-1] == "地理数据已导入：网格（新增 80，更新 64，未变 20）", notes
    chief.runner.wait(10000)


def test_people_are_edited_from_the_grid_card(qtbot, app, make_ctx):
    duty = open_map(qtbot, app)
    assert duty.card_view.edit_button.isHidden()  # a duty officer reads, the chief edits
    chief = AppContext(make_ctx(Role.STATION_CHIEF), app.settings)
    panel = open_map(qtbot, chief)
    panel.canvas.click_at(-1700, -1500)
    qtbot.waitUntil(lambda: panel.card_view.card is not None, timeout=5000)
    editor = panel.card_view.edit_people()
    assert editor.table.rowCount() == 3
    editor.table.item(0, 1).setText("周建国")
    editor.add_row("grid_worker", "孙丽", "13812345678")
    editor.add_row("grid_worker", "", "x")  # a bad row keeps the dialog open and names it
    editor.save()
    qtbot.waitUntil(lambda: bool(editor.problems.text()), timeout=5000)
    assert "row 5, field 'name'" in editor.problems.text() and "row 5, field 'phone'" in editor.problems.text()
    editor.table.removeRow(4)
    editor.save()
    qtbot.waitUntil(lambda: editor.saved, timeout=5000)
    qtbot.waitUntil(lambda: [p.name for p in panel.card_view.card.people][:1] == ["周建国"], timeout=5000)
    assert "孙丽" in panel.card_view.body.toPlainText()
    chief.runner.wait(10000)


def test_double_click_zooms_to_the_grid_and_unplaced_incidents_are_counted(qtbot, app):
    intake_incident(app.ctx, IncidentDraft(channel="110", category_code="0601", address="地址不详"))
    panel = open_map(qtbot, app)
    qtbot.waitUntil(lambda: panel.live.unplaced == 1, timeout=5000)
    assert "(1 without a position)" in panel.canvas.legend_title
    panel.canvas.double_clicked.emit(-1700.0, -1500.0)
    view = panel.canvas.vb.viewRect()
    assert view.contains(-1750, -1400) and view.width() < 1200  # one 500 x 400 m micro grid
    qtbot.waitUntil(lambda: panel.card_view.card is not None, timeout=5000)
    assert panel.card_view.card.code == "D01-S01-M01"


def test_a_click_on_the_map_places_the_call_being_taken_in(qtbot, app):
    from precinct_console.ui.intake.dialog import IntakeDialog

    panel = open_map(qtbot, app)
    dialog = IntakeDialog(app)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(app.selected, timeout=2000) as sig:
        panel.canvas.click_at(-1700, -1500)  # inside D01-S01-M01, no marker near
    with app.ctx.db.sessions() as s:
        assert sig.args[0] == "grid" and s.get(Grid, sig.args[1]).code == "D01-S01-M01"
    lon, lat = (float(p) for p in dialog.location.text().split(","))
    assert (lon, lat) == pytest.approx(_lonlat(-1700, -1500), abs=1e-5)
    # What the dialog submits is that point, and the service places it in the clicked grid.
    assert dialog._coordinates() == (lon, lat)
    view = intake_incident(app.ctx, IncidentDraft(channel="110", category_code="0601",
                                                  address="城关路1号", lon=lon, lat=lat))
    assert view.grid_id == sig.args[1]


def test_a_unit_whose_terminal_went_quiet_says_so_on_hover(qtbot, app, clock):
    from precinct_console.services.units import update_unit_position

    panel = open_map(qtbot, app)
    car = next(u for u in panel.live.units if u.call_sign == "城关1号车")
    update_unit_position(app.ctx, car.id, *_lonlat(-700, 300))
    panel.live.set_units([dataclasses.replace(u, position_at=clock()) if u.id == car.id else u
                          for u in panel.live.units])
    assert "not live" not in panel.canvas.tips["units"][car.id]
    clock.advance(minutes=7)
    panel.live.refresh_units()
    assert "▲ last fix 7:00 ago, not live" in panel.canvas.tips["units"][car.id]


def test_units_standing_at_one_place_are_named_together(qtbot, app):
    panel = open_map(qtbot, app)
    car = next(u for u in panel.live.units if u.call_sign == "城关1号车")
    foot = next(u for u in panel.live.units if u.call_sign == "步巡A")
    assert panel.canvas.unit_labels.texts == ["城关1号车", "步巡A"]

    def place(where: dict[int, tuple[float, float]]) -> None:
        panel.live.set_units([dataclasses.replace(u, lon=_lonlat(*where[u.id])[0], lat=_lonlat(*where[u.id])[1])
                              if u.id in where else u for u in panel.live.units])

    # Both back at the same post: two markers on one spot would read as one unit.
    place({car.id: (100, 100), foot.id: (105, 98)})
    assert panel.canvas.unit_labels.texts == ["城关1号车、步巡A"]
    for unit in (car, foot):  # hovering either marker names both
        tip = panel.canvas.tips["units"][unit.id]
        assert "城关1号车" in tip and "步巡A" in tip
    place({car.id: (-800, 300)})
    assert panel.canvas.unit_labels.texts == ["城关1号车", "步巡A"]
    assert "步巡A" not in panel.canvas.tips["units"][car.id]


def _chief_map(qtbot, app, make_ctx) -> tuple[AppContext, MapPanel]:
    chief = AppContext(make_ctx(Role.STATION_CHIEF), app.settings)
    return chief, open_map(qtbot, chief)


def test_a_chief_adds_a_must_patrol_point_where_he_right_clicks_and_a_refusal_keeps_the_form(
        qtbot, app, make_ctx, monkeypatch):
    from PySide6.QtCore import QPointF

    from precinct_console.ui.map.point_dialog import PointDialog

    duty = open_map(qtbot, app)
    assert duty.points.context_menu(0, 0, QPointF()) is None  # a duty officer reads the map only
    chief, panel = _chief_map(qtbot, app, make_ctx)
    seen: list[tuple[str, str]] = []

    def exec_(dialog):
        seen.append((dialog.code.text(), dialog.error.text()))
        dialog.name.setText("解放路夜市")
        dialog.all_day.setChecked(False)
        dialog.window_start.setText("20:00")
        dialog.window_end.setText("2:00" if len(seen) > 1 else "26:00")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(PointDialog, "exec", exec_)
    menu = panel.points.context_menu(300.0, 300.0, QPointF())
    texts = [a.text() for a in menu.actions()]
    assert "New must-patrol point here…" in texts and not any(t.startswith("Edit") for t in texts)
    next(a for a in menu.actions() if a.text() == "New must-patrol point here…").trigger()
    qtbot.waitUntil(lambda: len(panel.data.patrol_points) == 1, timeout=10000)
    assert seen[0] == ("BX01", "")
    assert "window_end" in seen[1][1]  # the refusal is shown with the form, by its field
    point = panel.data.patrol_points[0]
    assert (point.code, point.name, point.window) == ("BX01", "解放路夜市", "20:00-02:00")
    assert abs(point.x - 300) < 1 and abs(point.y - 300) < 1
    chief.runner.wait(10000)


def test_a_chief_edits_a_key_site_from_its_marker_and_moves_a_post_by_a_click(qtbot, app, make_ctx,
                                                                             monkeypatch):
    from PySide6.QtCore import QPointF

    from precinct_console.ui.map.point_dialog import PointDialog

    chief, panel = _chief_map(qtbot, app, make_ctx)
    school = next(s for s in panel.data.sites if s.code == "K01")

    def exec_(dialog):
        assert dialog.code.isReadOnly() and dialog.kind.currentText() == "School"
        dialog.name.setText("实验小学（本部）")
        dialog.minutes.setValue(3)
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(PointDialog, "exec", exec_)
    menu = panel.points.context_menu(school.x, school.y, QPointF())
    next(a for a in menu.actions() if a.text().startswith("Edit K01")).trigger()
    qtbot.waitUntil(lambda: any(s.name == "实验小学（本部）" for s in panel.data.sites), timeout=10000)
    assert next(s for s in panel.data.sites if s.code == "K01").target_minutes == 3

    post = next(p for p in panel.data.posts if p.code == "P01")
    menu = panel.points.context_menu(post.x, post.y, QPointF())
    next(a for a in menu.actions() if a.text().startswith("Move P01")).trigger()
    assert panel.canvas.placing and "Esc" in panel.canvas.note
    # The click places the post, even right on the school's marker, and opens no grid card.
    panel.canvas.click_at(school.x, school.y)
    assert not panel.canvas.placing
    qtbot.waitUntil(lambda: abs(next(p for p in panel.data.posts if p.code == "P01").x - school.x) < 1,
                    timeout=10000)
    assert panel.card_view.isHidden()
    chief.runner.wait(10000)


def test_a_point_saved_at_another_seat_while_the_form_was_open_is_named_and_kept_until_ok_again(
        qtbot, app, make_ctx, monkeypatch):
    from dataclasses import replace

    from PySide6.QtCore import QPointF

    from precinct_console.services.map_points import point_form, save_point
    from precinct_console.ui.map.point_dialog import PointDialog

    chief, panel = _chief_map(qtbot, app, make_ctx)
    school = next(s for s in panel.data.sites if s.code == "K01")
    other = make_ctx(Role.STATION_CHIEF, "chief2")
    errors: list[str] = []

    def exec_(dialog):
        errors.append(dialog.error.text())
        if len(errors) == 1:  # while this form is open, the other seat saves the school
            theirs = point_form(other, "key_site", school.id)
            save_point(other, replace(theirs, address="解放路 9 号"), school.id, expected=theirs)
        dialog.name.setText("实验小学（本部）")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(PointDialog, "exec", exec_)
    menu = panel.points.context_menu(school.x, school.y, QPointF())
    next(a for a in menu.actions() if a.text().startswith("Edit K01")).trigger()
    qtbot.waitUntil(lambda: any(s.name == "实验小学（本部）" for s in panel.data.sites), timeout=10000)
    # The first OK was refused with who changed what; the form came back and OK again saved.
    assert len(errors) == 2 and errors[0] == ""
    assert "chief2" in errors[1] and "address" in errors[1] and "not saved" in errors[1]
    chief.runner.wait(10000)


def test_a_chief_draws_a_patrol_zone_corner_by_corner_and_renames_it_from_a_right_click(
        qtbot, app, make_ctx, monkeypatch):
    from PySide6.QtCore import QPointF

    from precinct_console.ui.map.zone_dialog import ZoneDialog

    chief, panel = _chief_map(qtbot, app, make_ctx)
    before = {z.code for z in panel.data.zones}
    names = iter(["五号巡区", "城关五号巡区"])
    shown: list[tuple[str, str]] = []

    def exec_(dialog):
        shown.append((dialog.code.text(), dialog.windowTitle()))
        dialog.name.setText(next(names))
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(ZoneDialog, "exec", exec_)
    action = next(a for a in panel.geometry_button.menu().actions() if a.text().startswith("New zone"))
    action.trigger()
    assert panel.canvas.placing and "corners" in panel.canvas.note
    for x, y in ((-400, -300), (400, -300), (400, 300), (0, 900)):
        panel.canvas.click_at(x, y)  # corners, even where a marker or a grid is
    panel.drawing.undo_corner()  # Backspace: the last corner taken back
    panel.canvas.click_at(-400, 300)
    assert panel.card_view.isHidden()
    panel.canvas.double_clicked.emit(-400.0, 300.0)  # closes the outline instead of zooming in
    assert not panel.canvas.placing
    qtbot.waitUntil(lambda: len(panel.data.zones) == len(before) + 1, timeout=10000)
    zone = next(z for z in panel.data.zones if z.code not in before)
    assert zone.name == "五号巡区" and abs(zone.area_m2 - 480_000) < 2_000
    assert shown[0][0] == zone.code

    # Right-click inside it: rename it (the outline stays).
    menu = panel.points.context_menu(0.0, 0.0, QPointF())
    texts = [a.text() for a in menu.actions()]
    assert f"Redraw the outline of {zone.code} 五号巡区…" in texts
    next(a for a in menu.actions() if a.text().startswith(f"Edit zone {zone.code}")).trigger()
    qtbot.waitUntil(lambda: any(z.name == "城关五号巡区" for z in panel.data.zones), timeout=10000)
    assert next(z for z in panel.data.zones if z.code == zone.code).area_m2 == zone.area_m2

    # Drawn inside it, a zone is offered as its section (siblings may not overlap).
    names = iter(["五号巡区1段"])
    panel.drawing.start()
    for x, y in ((-300, -200), (0, -200), (0, 200)):
        panel.canvas.click_at(x, y)
    panel.drawing.finish()  # Enter
    qtbot.waitUntil(lambda: any(z.name == "五号巡区1段" for z in panel.data.zones), timeout=10000)
    assert panel.drawing.dialog.parent_zone.currentData() == zone.code
    section = next(z for z in panel.data.zones if z.name == "五号巡区1段")
    assert section.parent_id == zone.id
    chief.runner.wait(10000)


def test_a_zone_refused_for_overlapping_a_neighbour_goes_back_to_its_outline_to_be_fixed(
        qtbot, app, make_ctx, monkeypatch):
    from precinct_console.ui.map.zone_dialog import ZoneDialog

    chief, panel = _chief_map(qtbot, app, make_ctx)
    seen: list[str] = []
    script = iter(["一号巡区", "二号巡区", None, "二号巡区"])  # None: the chief cancels

    def exec_(dialog):
        seen.append(dialog.error.text())
        drawn = panel.drawing.outline.getData()[0]
        assert drawn is not None and len(drawn) == 5  # the closed outline stays while it is named
        name = next(script)
        if name is None:
            dialog.reject()
        else:
            dialog.name.setText(name)
            dialog.accept()
        return dialog.result()

    monkeypatch.setattr(ZoneDialog, "exec", exec_)

    def draw(*corners):
        panel.drawing.start()
        for x, y in corners:
            panel.canvas.click_at(x, y)
        panel.drawing.finish()

    draw((0, 0), (600, 0), (600, 600), (0, 600))
    qtbot.waitUntil(lambda: any(z.name == "一号巡区" for z in panel.data.zones), timeout=10000)
    draw((500, 0), (1200, 0), (1200, 600), (500, 600))  # over 一号巡区's eastern strip
    qtbot.waitUntil(lambda: len(seen) == 3, timeout=10000)
    assert "overlaps patrol zone" in seen[2]  # the refusal, shown in the form
    # Cancelled, the form gives the outline back with its corners: fix the two western ones.
    assert panel.canvas.placing and len(panel.drawing.corners) == 4
    panel.drawing.undo_corner()
    panel.drawing.corners[0] = (600, 0)
    panel.canvas.click_at(600, 600)
    panel.drawing.finish()
    qtbot.waitUntil(lambda: any(z.name == "二号巡区" for z in panel.data.zones), timeout=10000)
    assert not panel.canvas.placing
    outline_x = panel.drawing.outline.getData()[0]
    assert outline_x is None or len(outline_x) == 0  # the saved zone's outline is drawn as a zone
    chief.runner.wait(10000)


def test_a_units_plan_line_goes_to_the_school_gate_while_its_timed_duty_lasts(qtbot, app, clock):
    from datetime import timedelta

    from precinct_console.services.units import DutySpot

    panel = open_map(qtbot, app)
    car = next(u for u in panel.live.units if u.call_sign == "城关1号车")
    post, gate = _lonlat(-600, 200), _lonlat(300, -400)
    now = clock()
    duty = DutySpot("08:00-08:30 实验小学护学岗", "实验小学护学岗", now + timedelta(minutes=5),
                    now + timedelta(minutes=35), *gate)
    planned = dataclasses.replace(car, patrol_point="中心警务站", patrol_lon=post[0], patrol_lat=post[1],
                                  duty_list=(duty,))
    panel.live.set_units([planned if u.id == car.id else u for u in panel.live.units])
    orders = panel.canvas.markers["orders"]
    assert orders.xs[0] == pytest.approx(-600, abs=1)  # before the duty: its post
    clock.advance(minutes=6)
    app.tick.emit()  # the duty has begun: the line now ends at the gate, with no unit change
    assert orders.xs[0] == pytest.approx(300, abs=1) and orders.ys[0] == pytest.approx(-400, abs=1)
    assert "实验小学护学岗" in panel.canvas.tips["orders"][car.id]
    clock.advance(minutes=30)
    app.tick.emit()
    assert orders.xs[0] == pytest.approx(-600, abs=1)
    # A gate four minutes' drive away: the line points to it from when the car must set out.
    later = clock() + timedelta(hours=1)
    far_duty = dataclasses.replace(duty, starts=later, until=later + timedelta(minutes=30),
                                   sets_out=later - timedelta(minutes=4))
    panel.live.set_units([dataclasses.replace(planned, duty_list=(far_duty,)) if u.id == car.id else u
                          for u in panel.live.units])
    clock.advance(minutes=55)
    app.tick.emit()
    assert orders.xs[0] == pytest.approx(-600, abs=1)  # 5 minutes to go: not yet
    clock.advance(minutes=2)
    app.tick.emit()
    assert orders.xs[0] == pytest.approx(300, abs=1)  # 3 minutes to go: on its way to the gate


def test_a_unit_away_from_its_duty_pulses_on_the_map_until_acknowledged(qtbot, app, clock):
    """A 未到岗 alert rings the unit where it is, as a breached incident is; acknowledged, the
    ring goes."""
    from precinct_console.services.alerts import AlertView

    panel = open_map(qtbot, app)
    car = next(u for u in panel.live.units if u.call_sign == "城关1号车")
    monitor = panel.live.monitor
    ring = panel.canvas.markers["unit_pulse"]
    assert list(ring.ids) == []
    away = AlertView(900, None, "城关1号车", "08:00-08:30 实验小学护学岗", "", "duty_arrive",
                     "08:00应到岗", "breach", clock(), None, "", unit_id=car.id, due_at=clock())
    set_out = dataclasses.replace(away, id=901, target="duty_set_out", level="near",
                                  target_label="07:52前出发")
    monitor.alerts = {900: away, 901: set_out}
    monitor.alerts_changed.emit()
    assert list(ring.ids) == [car.id]  # the breach rings it; the reminder does not
    assert (ring.xs[0], ring.ys[0]) == panel.live.unit_xy[car.id]
    assert panel.canvas.tips["unit_pulse"][car.id] == "城关1号车 ✖ 08:00应到岗 08:00-08:30 实验小学护学岗"
    assert ("r", BREACH, "Unit away from its timed duty (pulses)") in panel.canvas.legend  # a ring, as drawn
    monitor.alerts = {901: set_out}
    monitor.alerts_changed.emit()
    assert list(ring.ids) == []
    assert "Unit away from its timed duty (pulses)" not in [t for _s, _c, t in panel.canvas.legend]


def test_a_chief_draws_a_patrol_line_along_its_route_and_edits_it_from_its_marker(
        qtbot, app, make_ctx, monkeypatch):
    from PySide6.QtCore import QPointF

    from precinct_console.ui.map.line_dialog import LineDialog

    chief, panel = _chief_map(qtbot, app, make_ctx)
    script = iter([("夜市收市巡逻线", "22:00", "02:00"), ("夜市清场巡逻线", "22:30", "02:00")])
    seen: list[str] = []

    def exec_(dialog):
        seen.append(dialog.code.text())
        name, start, end = next(script)
        dialog.name.setText(name)
        dialog.all_day.setChecked(False)
        dialog.window_start.setText(start)
        dialog.window_end.setText(end)
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(LineDialog, "exec", exec_)
    action = next(a for a in panel.geometry_button.menu().actions() if a.text().startswith("New patrol line"))
    action.trigger()
    assert "route" in panel.canvas.note
    panel.canvas.click_at(0, 0)
    panel.canvas.click_at(600, 0)
    panel.drawing.finish()
    assert panel.drawing.outline.getData()[0].size == 2  # an open route, not closed into a shape
    panel.canvas.double_clicked.emit(600.0, 0.0)  # (no second finish: the drawing is over)
    qtbot.waitUntil(lambda: len(panel.data.patrol_lines) == 1, timeout=10000)
    line = panel.data.patrol_lines[0]
    assert (seen[0], line.name, line.window) == ("XL01", "夜市收市巡逻线", "22:00-02:00")
    assert line.length_m == pytest.approx(600, rel=0.01)
    # Right-click at its marker: edit it.
    menu = panel.points.context_menu(*line.middle, QPointF())
    next(a for a in menu.actions() if a.text().startswith("Edit patrol line XL01")).trigger()
    qtbot.waitUntil(lambda: panel.data.patrol_lines[0].name == "夜市清场巡逻线", timeout=10000)
    assert panel.data.patrol_lines[0].window == "22:30-02:00"
    chief.runner.wait(10000)
