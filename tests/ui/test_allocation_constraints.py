"""The chief's constraints in the allocation panel: pins, zones and key sites set before proposing,
kept when refused, shown with the plan; the list's room; no news of his own proposal."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox

from precinct_console.config import Settings
from precinct_console.domain.changes import Change, ChangeItem
from precinct_console.domain.permissions import Role
from precinct_console.services import allocation, roster, unit_roll
from precinct_console.storage.models import KeySite
from precinct_console.ui.allocation.panel import AllocationPanel
from precinct_console.ui.context import AppContext

NEWS = "A new patrol plan is waiting for your decision"


@pytest.fixture
def town(allocation_town):
    """Micro grids with two hot spots, two posts, two patrol zones and a key site."""
    return allocation_town()


@pytest.fixture
def chief_app(make_ctx, town):
    app = AppContext(make_ctx(Role.STATION_CHIEF), Settings())
    yield app
    app.runner.wait(20000)


def _settle(qtbot, app):
    for _ in range(4):
        app.runner.wait(20000)
        qtbot.wait(20)


def _day_shift(ctx, clock, n: int = 3) -> tuple[int, dict[str, int]]:
    """A day shift with n cars; 巡01 is based at 火车站警务站 (P1)."""
    start = clock() + timedelta(hours=1)
    sh = roster.add_shift(ctx, "白班", start, start + timedelta(hours=8))
    units = {}
    for i in range(n):
        call_sign = f"巡0{i + 1}"
        units[call_sign] = unit_roll.add_unit(ctx, call_sign, "car", 116.39 + 0.003 * i, 39.90)
        o = roster.add_officer(ctx, f"03100{i}", f"民警{i}")
        roster.assign(ctx, sh.id, o.id, unit_id=units[call_sign])
    return sh.id, units


def _panel(qtbot, app, shift_id) -> AllocationPanel:
    panel = AllocationPanel(app)
    qtbot.addWidget(panel)
    panel.resize(1600, 1000)
    panel.show()
    _settle(qtbot, app)
    panel.shift_combo.setCurrentIndex(panel.shift_combo.findData(shift_id))
    _settle(qtbot, app)
    panel.limit.setValue(5)
    return panel


def _tick(qtbot, widget, text):
    """Tick a list entry as the chief does from the keyboard: move to it, press Space."""
    row = next(r for r in range(widget.count()) if widget.item(r).text().startswith(text))
    widget.setFocus()
    widget.setCurrentRow(row)
    qtbot.keyClick(widget.viewport(), Qt.Key.Key_Space)
    assert widget.item(row).checkState() == Qt.CheckState.Checked


def _propose(qtbot, panel, app):
    qtbot.mouseClick(panel.propose_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(panel.propose_btn.isEnabled, timeout=60000)
    _settle(qtbot, app)


def _placed(panel) -> dict[str, str]:
    out = {}
    for r in range(panel.assign.rowCount()):
        combo = panel.assign.cellWidget(r, 1)
        assert isinstance(combo, QComboBox)
        out[panel.assign.cellWidget(r, 0).text().split()[0]] = combo.currentText()
    return out


def test_a_pinned_unit_stands_at_its_point_and_a_required_zone_holds_a_unit(qtbot, chief_app, clock, town):
    shift_id, units = _day_shift(chief_app.ctx, clock)
    panel = _panel(qtbot, chief_app, shift_id)
    box = panel.constraints
    assert box.isEnabled()
    assert [box.unit_combo.itemText(i) for i in range(box.unit_combo.count())] == ["巡01", "巡02", "巡03"]
    # 巡03 pinned to the police room, from the keyboard: choose the point, Enter pins it.
    box.unit_combo.setCurrentIndex(box.unit_combo.findData(units["巡03"]))
    box.point_combo.setCurrentIndex(box.point_combo.findData(f"post:{town['p2']}"))
    box.point_combo.setFocus()
    qtbot.keyClick(box.point_combo, Qt.Key.Key_Return)
    assert box.pins_list.count() == 1 and box.pins_list.item(0).text().startswith("巡03")
    _tick(qtbot, box.zones_list, "西片巡区")
    assert box.constraints() == {"pins": {units["巡03"]: f"post:{town['p2']}"},
                                 "zones": [town["west"]], "key_sites": []}
    _propose(qtbot, panel, chief_app)
    assert not box.error.isVisible()
    placed = _placed(panel)
    assert placed["巡03"].startswith("学府警务室")
    assert "Zones holding a unit: 1/1" in panel.figures.text()
    assert "Pinned: 巡03 → 学府警务室" in panel.figures.text()
    assert "Zones required: 西片巡区" in panel.figures.text()
    plan = allocation.get_plan(chief_app.ctx, panel.plan.id)
    west_points = {c[0] for c in allocation.constraint_options(chief_app.ctx, shift_id=shift_id).candidates
                   if c[0] == f"zone:{town['west']}"}
    assert plan.figures["zones_met"] == 1 and west_points
    assert next(a for a in plan.assignments if a["call_sign"] == "巡03")["point_key"] == f"post:{town['p2']}"
    # The choices stay for the next proposal; Delete on the pin removes it.
    box.pins_list.setCurrentRow(0)
    box.pins_list.setFocus()
    qtbot.keyClick(box.pins_list, Qt.Key.Key_Delete)
    assert box.constraints()["pins"] == {} and box.constraints()["zones"] == [town["west"]]


def test_the_point_is_prefilled_with_the_units_post(qtbot, chief_app, clock, town):
    shift_id, units = _day_shift(chief_app.ctx, clock, n=2)
    units["巡09"] = unit_roll.add_unit(chief_app.ctx, "巡09", "car", post_id=town["p2"])
    o = roster.add_officer(chief_app.ctx, "031009", "民警9")
    roster.assign(chief_app.ctx, shift_id, o.id, unit_id=units["巡09"])
    panel = _panel(qtbot, chief_app, shift_id)
    box = panel.constraints
    box.unit_combo.setCurrentIndex(box.unit_combo.findData(units["巡09"]))
    assert box.point_combo.currentData() == f"post:{town['p2']}"
    assert box.point_combo.currentText().startswith("学府警务室")


def test_an_impossible_set_shows_the_message_and_keeps_the_choices(qtbot, chief_app, clock, town):
    shift_id, units = _day_shift(chief_app.ctx, clock)
    panel = _panel(qtbot, chief_app, shift_id)
    errors: list[str] = []
    chief_app.notified.connect(lambda text, level: errors.append(text) if level == "error" else None)
    box = panel.constraints
    # Three units at a post that holds two.
    for uid in units.values():
        box.unit_combo.setCurrentIndex(box.unit_combo.findData(uid))
        box.point_combo.setCurrentIndex(box.point_combo.findData(f"post:{town['p1']}"))
        qtbot.mouseClick(box.pin_btn, Qt.MouseButton.LeftButton)
    chosen = box.constraints()
    _propose(qtbot, panel, chief_app)
    assert box.error.isVisible()
    assert "3 units (巡01, 巡02, 巡03) are pinned to 火车站警务站, which holds at most 2" in box.error.text()
    assert errors and "which holds at most 2" in errors[-1]
    assert box.constraints() == chosen and box.pins_list.count() == 3
    assert panel.model.rowCount() == 0  # nothing stored
    # Two pinned in the east, the west zone and the school's 1-minute ring: one unit is too few.
    box.pins_list.setCurrentRow(2)
    box.unpin_selected()
    assert not box.error.isVisible()  # a change clears the old message
    _tick(qtbot, box.zones_list, "西片巡区")
    _tick(qtbot, box.sites_list, "第一中学")
    chosen = box.constraints()
    _propose(qtbot, panel, chief_app)
    assert "the chief's constraints cannot all be met" in box.error.text()
    assert box.constraints() == chosen
    assert box.zones_list.item(1).checkState() == Qt.CheckState.Checked
    assert panel.model.rowCount() == 0


def test_the_plan_list_has_room_for_five_rows_at_1600_by_1000(qtbot, chief_app):
    panel = AllocationPanel(chief_app)
    qtbot.addWidget(panel)
    panel.resize(1600, 1000)
    panel.show()
    _settle(qtbot, chief_app)
    rows = panel.plans.viewport().height() / panel.plans.verticalHeader().defaultSectionSize()
    assert rows >= 4.5


def test_the_chief_is_not_told_of_his_own_proposal_but_of_another_seats(qtbot, chief_app, clock, make_ctx):
    shift_id, _units = _day_shift(chief_app.ctx, clock, n=2)
    panel = _panel(qtbot, chief_app, shift_id)
    told: list[str] = []
    chief_app.notified.connect(lambda text, _level: told.append(text))
    _propose(qtbot, panel, chief_app)
    assert panel.model.rowCount() == 1 and NEWS not in told
    # The same chief proposing from another seat (the command line): still his own.
    me = chief_app.ctx.as_actor(dataclasses.replace(chief_app.ctx.actor, workstation="cli@seat-7"))
    own = allocation.propose_plan(me, shift_id=shift_id, method="greedy")
    chief_app.changed.emit(Change((ChangeItem("patrol_plan", own.id, "created"),)))
    _settle(qtbot, chief_app)
    assert panel.model.rowCount() == 2 and NEWS not in told
    # The duty officer at another seat: the chief hears of it.
    duty = make_ctx(Role.DUTY_OFFICER)
    duty = duty.as_actor(dataclasses.replace(duty.actor, workstation="seat-2"))
    theirs = allocation.propose_plan(duty, shift_id=shift_id, method="greedy")
    chief_app.changed.emit(Change((ChangeItem("patrol_plan", theirs.id, "created"),)))
    _settle(qtbot, chief_app)
    assert told.count(NEWS) == 1


def test_accepting_names_the_plan_of_another_shift_it_partly_replaces(qtbot, chief_app, clock):
    ctx = chief_app.ctx
    shift_id, units = _day_shift(ctx, clock, n=2)
    start = clock() + timedelta(hours=1, minutes=30)
    standby = roster.add_shift(ctx, "所部备勤（白）", start, start + timedelta(hours=12))
    o = roster.add_officer(ctx, "039999", "备勤民警")
    roster.assign(ctx, standby.id, o.id, unit_id=units["巡02"])
    day = allocation.propose_plan(ctx, shift_id=shift_id, method="greedy")
    allocation.decide_plan(ctx, day.id, day.version, "accept")
    panel = _panel(qtbot, chief_app, standby.id)
    told: list[str] = []
    chief_app.notified.connect(lambda text, _level: told.append(text))
    _propose(qtbot, panel, chief_app)
    panel.decide("accept")
    _settle(qtbot, chief_app)
    assert any(t.startswith(f"plan {day.id} (白班") and t.endswith(
        "stays in force; 巡02 follow this plan where the two overlap") for t in told)
    assert allocation.get_plan(ctx, day.id).status == "accepted"
    row = panel.model.position(day.id)
    assert row is not None
    panel.plans.selectRow(row)
    _settle(qtbot, chief_app)
    assert "Following a later plan where the two overlap: 巡02 → #" in panel.figures.text()


def test_a_key_site_no_point_reaches_is_marked_and_cannot_be_required(qtbot, chief_app, clock,
                                                                       town, db, station):
    with db.sessions() as s:  # a reservoir 20 km out: no post or zone centre near it
        s.add(KeySite(station_id=station.id, code="KS9", name="北山水库", kind="infrastructure",
                      lon=116.60, lat=40.05))
        s.commit()
    shift_id, _units = _day_shift(chief_app.ctx, clock)
    panel = _panel(qtbot, chief_app, shift_id)
    box = panel.constraints
    texts = {box.sites_list.item(r).text(): box.sites_list.item(r)
             for r in range(box.sites_list.count())}
    far = next(item for text, item in texts.items() if text.startswith("北山水库"))
    near = next(item for text, item in texts.items() if text.startswith("第一中学"))
    assert "no candidate point within reach" in far.text() and far.toolTip()
    assert not far.flags() & Qt.ItemFlag.ItemIsEnabled  # not even by the keyboard
    assert near.flags() & Qt.ItemFlag.ItemIsEnabled and "no candidate" not in near.text()
