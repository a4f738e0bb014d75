"""Roster and allocation panels as a chief uses them: violations shown, plans proposed and decided."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QMessageBox

from precinct_console.config import Settings
from precinct_console.domain.changes import Change, ChangeItem
from precinct_console.domain.clock import CHINA_TZ
from precinct_console.domain.permissions import Role
from precinct_console.domain.travel import distance_m
from precinct_console.services import allocation, geometry, plan_replay, roster, unit_roll
from precinct_console.services.allocation import PlanDrawing
from precinct_console.storage.models import Post, Unit
from precinct_console.ui.allocation.minimap import PlanMap
from precinct_console.ui.allocation.panel import AllocationPanel
from precinct_console.ui.context import AppContext
from precinct_console.ui.panels import PANELS
from precinct_console.ui.roster.panel import RosterPanel
from precinct_console.ui.theme import BREACH, NEAR


@pytest.fixture
def chief_app(make_ctx, allocation_town):
    allocation_town(zones=False)
    app = AppContext(make_ctx(Role.STATION_CHIEF), Settings())
    yield app
    app.runner.wait(20000)


def _settle(qtbot, app):
    for _ in range(4):
        app.runner.wait(20000)
        qtbot.wait(20)


def _week_with_problems(ctx, clock):
    start = datetime(2026, 11, 20, 8, 30, tzinfo=CHINA_TZ)
    day = roster.add_shift(ctx, "白班", start, start + timedelta(hours=8), min_staff=3)
    mid = roster.add_shift(ctx, "中班", start + timedelta(hours=8), start + timedelta(hours=16))
    zhang = roster.add_officer(ctx, "031001", "张伟", licences=["C1"])
    li = roster.add_officer(ctx, "031002", "李强")  # no driving licence
    unit = unit_roll.add_unit(ctx, "巡逻一车", "car", 116.39, 39.90)
    roster.assign(ctx, day.id, zhang.id, unit_id=unit)
    roster.assign(ctx, mid.id, zhang.id)
    roster.assign(ctx, mid.id, li.id, unit_id=unit)
    return day, mid, zhang, li


def test_roster_calendar_shows_week_holidays_and_named_violations(qtbot, qtmodeltester, chief_app, clock):
    _week_with_problems(chief_app.ctx, clock)
    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)
    panel.resize(1400, 800)
    _settle(qtbot, chief_app)
    qtmodeltester.check(panel.model)
    assert panel.model.columnCount() == 7 and panel.model.rowCount() == 2
    assert "3 rule violation" in panel.summary.text()
    texts = [panel.problems.item(i).text() for i in range(panel.problems.count())]
    assert any("[staffing]" in t and "needs at least 3" in t for t in texts)
    assert any("[rest]" in t and "张伟" in t for t in texts)
    # 李强 alone in the car on the evening shift, and he may not drive it.
    assert any("[unit crew]" in t and "中班" in t and "巡逻一车 holds a licence" in t for t in texts)
    assert panel.problems.isVisibleTo(panel)
    friday = panel.model.days.index(datetime(2026, 11, 20).date())
    row = next(i for i, r in enumerate(panel.model.rows) if "张伟" in r.label)
    cell = panel.model.index(row, friday).data()
    assert cell.startswith("▲") and "白 巡逻一车" in cell and "中" in cell
    panel.step(2)  # a week with nothing rostered: nothing broken, no empty list under the calendar
    _settle(qtbot, chief_app)
    assert "No rule violations" in panel.summary.text() and not panel.problems.isVisibleTo(panel)
    panel.step(-2)
    panel.set_mode("month")
    _settle(qtbot, chief_app)
    assert panel.model.columnCount() == 30
    assert panel.month_btn.isChecked() and not panel.week_btn.isChecked()  # the toggle follows
    assert "张伟" in panel.model.headerData(0, Qt.Orientation.Vertical) + \
        panel.model.headerData(1, Qt.Orientation.Vertical)
    # A month's cells are two characters wide: the shift marks only; the tooltip names the car.
    friday = panel.model.days.index(datetime(2026, 11, 20).date())
    cell = panel.model.index(row, friday)
    assert cell.data() == "▲ 白/中"  # as the printed 排班表 writes two shifts in a day
    assert "巡逻一车" in cell.data(Qt.ItemDataRole.ToolTipRole)


def test_every_rule_code_has_a_label_in_the_violation_list(qtbot, chief_app):
    """A raw code ("[off_roll]") showed in the Chinese list: each rule the domain names has a label."""
    from precinct_console.domain.roster_rules import RULE_CODES

    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)
    labels = panel.rule_labels()
    assert set(labels) == set(RULE_CODES)
    assert len(set(labels.values())) == len(labels)  # no two rules read the same


def test_swap_and_copy_week_from_the_panel(qtbot, chief_app, clock, monkeypatch):
    _day, mid, _zhang, li = _week_with_problems(chief_app.ctx, clock)
    # 李强 is on leave over next week's evening shift: the copy leaves him off and says so.
    roster.add_absence(chief_app.ctx, li.id, "leave", mid.starts_at + timedelta(days=6),
                       mid.ends_at + timedelta(days=8))
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _parent, _title, text: told.append(text))
    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)
    _settle(qtbot, chief_app)
    friday = panel.model.days.index(datetime(2026, 11, 20).date())
    rows = {r.label.split()[1]: i for i, r in enumerate(panel.model.rows)}
    sel = panel.table.selectionModel()
    sel.select(panel.model.index(rows["张伟"], friday), QItemSelectionModel.SelectionFlag.Select)
    sel.select(panel.model.index(rows["李强"], friday), QItemSelectionModel.SelectionFlag.Select)
    assert len(panel.selected_entries()) == 3  # 张伟 on two shifts, 李强 on one: not a pair
    panel.swap_selected()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    panel.copy_week()
    _settle(qtbot, chief_app)
    assert panel.first == datetime(2026, 11, 23).date()
    view = roster.roster_view(chief_app.ctx, panel.first, panel.first + timedelta(days=6))
    assert sorted(e.officer_name for e in view.entries) == ["张伟", "张伟"]
    assert told == ["<p>Not copied as it was (1):</p>"
                    "<p style='white-space:pre'>11-27 中班  李强：on leave, left off</p>"]


def test_copying_a_rotation_week_is_refused_in_a_box_that_says_what_to_do(qtbot, chief_app, monkeypatch):
    for i, team in enumerate("甲乙丙丁"):
        roster.add_officer(chief_app.ctx, f"00{i}", f"民警{i}", team=team)
    pid = roster.add_pattern(chief_app.ctx, "四班三运转", "four_three", {"anchor": "2026-11-16"})
    roster.make_shifts(chief_app.ctx, pid, datetime(2026, 11, 16).date(), datetime(2026, 11, 22).date(),
                       with_teams=True)
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warned.append(text))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)
    _settle(qtbot, chief_app)
    panel.copy_week()
    _settle(qtbot, chief_app)
    assert len(warned) == 1 and "rotates every 8 days" in warned[0] and "Nothing was copied" in warned[0]
    assert panel.first == datetime(2026, 11, 16).date()  # stays on the week it could not copy


def test_chief_sets_the_weekly_hours_limit_and_the_calendar_rechecks(qtbot, chief_app, monkeypatch):
    from precinct_console.ui.roster.rules_dialog import RosterRulesDialog

    ctx = chief_app.ctx
    for i, team in enumerate(("一组", "二组", "三组")):
        roster.add_officer(ctx, f"00{i}", f"民警{i}", team=team)
    pid = roster.add_pattern(ctx, "值班", "duty_24h", {"anchor": "2026-11-02"})
    roster.make_shifts(ctx, pid, datetime(2026, 11, 2).date(), datetime(2026, 11, 29).date(),
                       with_teams=True)
    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)
    _settle(qtbot, chief_app)
    assert {v.rule for v in panel.view.violations} == {"max_hours"}  # 63.5 h this week
    assert "60 h a week" in panel.rules_btn.toolTip()
    seen = []

    def fill(d):
        seen.append((d.rest.value(), d.week.value()))
        d.week.setValue(72)

    monkeypatch.setattr(RosterRulesDialog, "exec", _accepting(fill))
    panel.edit_rules()
    _settle(qtbot, chief_app)
    assert seen == [(8, 60)]
    assert not panel.view.violations and "72 h a week" in panel.rules_btn.toolTip()
    assert roster.get_roster_rules(ctx).max_hours_per_week == 72


def _two_crewed_units(ctx, start):
    """A day shift starting at `start` with a car and a motorbike, each crewed by one officer."""
    sh = roster.add_shift(ctx, "白班", start, start + timedelta(hours=8))
    o1 = roster.add_officer(ctx, "031001", "张伟")
    o2 = roster.add_officer(ctx, "031002", "李强")
    u1 = unit_roll.add_unit(ctx, "巡逻一车", "car", 116.39, 39.90)
    u2 = unit_roll.add_unit(ctx, "巡逻二车", "motorbike", 116.40, 39.91)
    roster.assign(ctx, sh.id, o1.id, unit_id=u1)
    roster.assign(ctx, sh.id, o2.id, unit_id=u2)
    return sh, u1, u2


def _unit_board(qtbot, chief_app, monkeypatch):
    """The unit board, shown and loaded, and the list of what it tells the duty officer."""
    from precinct_console.ui.units.panel import UnitsPanel

    said: list[tuple[str, str]] = []
    monkeypatch.setattr(chief_app, "notify", lambda text, level="info": said.append((text, level)))
    units = UnitsPanel(chief_app)
    qtbot.addWidget(units)
    units.show()
    _settle(qtbot, chief_app)
    return units, said


def test_the_duty_seat_orders_a_move_up_by_key_and_sends_the_unit_back(qtbot, chief_app, clock, monkeypatch):
    """M gives the cover line's move for the selected unit as its order: the board names the
    new point and the plan's; Shift+M sends it back. Both land in the database, as other seats
    read it. A unit with no move suggested, or not moved up, is told so."""
    from precinct_console.domain.allocation.move_up import CoverNow, Move, Point
    from precinct_console.services.units import set_unit_status

    ctx = chief_app.ctx
    start = clock() + timedelta(hours=1)
    sh, u1, u2 = _two_crewed_units(ctx, start)
    plan = allocation.propose_plan(ctx, shift_id=sh.id, time_limit=10)
    allocation.decide_plan(ctx, plan.id, plan.version, "accept")
    clock.advance(hours=2)
    set_unit_status(ctx, u1, "off_duty")
    set_unit_status(ctx, u2, "available")
    own = {a["unit_id"]: a for a in plan.assignments}
    units, said = _unit_board(qtbot, chief_app, monkeypatch)
    qtbot.waitUntil(lambda: units.cover.cover is not None, timeout=10000)
    units.table.setCurrentIndex(units.model.index_of(u2))
    units.table.setFocus()
    target = Point(own[u1]["point_key"], own[u1]["point_name"], own[u1]["lon"], own[u1]["lat"])
    units.cover.show_cover(CoverNow(0.9, 0.5, ("巡逻一车",), (
        Move(u2, "巡逻二车", target, 3.2, False, False, own[u2]["point_key"]),), 0.8))
    assert "<a href='order:0'" in units.cover.text() and "[order it]</a>" in units.cover.text()
    qtbot.keyClick(units.table, Qt.Key.Key_M)
    qtbot.waitUntil(lambda: ("Move-up ordered: 巡逻二车 → " + own[u1]["point_name"], "info") in said,
                    timeout=10000)

    def cell() -> str:
        return units.model.data(units.model.index(units.model.index_of(u2).row(), 6))

    qtbot.waitUntil(lambda: cell() == f"{own[u1]['point_name']} (moved up)", timeout=10000)
    from precinct_console.ui.theme import MOVE_UP_COLOUR

    colour = units.model.data(units.model.index(units.model.index_of(u2).row(), 6), Qt.ItemDataRole.ForegroundRole)
    assert colour.color() == MOVE_UP_COLOUR.darker(115)
    tip = units.model.data(units.model.index(units.model.index_of(u2).row(), 6), Qt.ItemDataRole.ToolTipRole)
    assert f"from its plan point {own[u2]['point_name']} (Shift+M sends it back)" in tip
    assert next(o for o in allocation.patrol_orders(ctx) if o.unit_id == u2).point_key == own[u1]["point_key"]
    qtbot.keyClick(units.table, Qt.Key.Key_M, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: (f"巡逻二车 sent back to its point {own[u2]['point_name']}", "info") in said,
                    timeout=10000)
    qtbot.waitUntil(lambda: cell() == own[u2]["point_name"], timeout=10000)
    qtbot.keyClick(units.table, Qt.Key.Key_M, Qt.KeyboardModifier.ShiftModifier)
    assert said[-1] == ("巡逻二车 is not moved up: its order is its plan point", "warning")
    units.cover.show_cover(CoverNow(0.9, 0.9, (), (), 0.9))
    qtbot.keyClick(units.table, Qt.Key.Key_M)
    assert said[-1] == ("No move-up is suggested for 巡逻二车", "warning")
    # Ctrl+M: the duty officer picks the point; the dialog lists the plan's points by cover, the
    # current order greyed out, and the first open one is selected: ordered on OK.
    from precinct_console.ui.units.move_dialog import MoveUpDialog

    shown: list[tuple[str, bool, str, object]] = []

    def answer(dialog: MoveUpDialog) -> int:  # what the officer sees, then OK (the dialog goes)
        row = next(i for i, o in enumerate(dialog.choices.options) if o.ordered)
        shown.append((dialog.windowTitle(), bool(dialog.table.item(row, 0).flags() & Qt.ItemFlag.ItemIsEnabled),
                      dialog.table.item(row, 3).text(), dialog.chosen()))
        return 1

    monkeypatch.setattr(MoveUpDialog, "exec", answer)
    qtbot.keyClick(units.table, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: bool(shown), timeout=10000)
    title, ordered_open, ordered_note, picked = shown[0]
    assert title == "Move up 巡逻二车 to… (补位)"
    assert (ordered_open, ordered_note) == (False, "ordered there now")
    assert picked is not None and not picked.ordered
    qtbot.waitUntil(lambda: said[-1] == (f"Move-up ordered: 巡逻二车 → {picked.point.name}", "info"),
                    timeout=10000)
    qtbot.waitUntil(lambda: cell() == f"{picked.point.name} (moved up)", timeout=10000)
    # Car one is off duty at its own point: nothing to choose, and it says so without a dialog.
    units.table.setCurrentIndex(units.model.index_of(u1))
    qtbot.keyClick(units.table, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: said[-1] == ("巡逻一车 cannot be moved up now (it is 下勤), and is ordered "
                                         "to its own point", "warning"),  # the reason that holds
                    timeout=10000)
    assert len(shown) == 1


def test_the_plan_list_counts_move_ups_and_leaves_the_proposal_open_as_it_is(qtbot, chief_app, clock, make_ctx):
    """The chief has a new proposal open (perhaps editing it) while the duty seat orders a
    move-up on the plan in force and proposes another plan: the list counts the move-up and
    lists the new proposal in place, and the proposal open is not loaded again over his edits."""
    from precinct_console.services.move_up import order_move_up
    from precinct_console.services.units import set_unit_status

    ctx = chief_app.ctx
    sh, u1, u2 = _two_crewed_units(ctx, clock() - timedelta(hours=1))
    in_force = allocation.propose_plan(ctx, shift_id=sh.id, time_limit=10)
    allocation.decide_plan(ctx, in_force.id, in_force.version, "accept")
    set_unit_status(ctx, u1, "available")
    panel = AllocationPanel(chief_app)
    qtbot.addWidget(panel)
    _settle(qtbot, chief_app)
    draft = allocation.propose_plan(ctx, shift_id=sh.id, method="greedy")
    chief_app.announce(draft.change)
    qtbot.waitUntil(lambda: panel.model.position(draft.id) is not None, timeout=10000)
    panel.plans.selectRow(panel.model.position(draft.id))
    qtbot.waitUntil(lambda: panel.plan is not None and panel.plan.id == draft.id
                    and panel.assign.rowCount() == 2, timeout=10000)
    column = next(i for i, c in enumerate(panel.model.columns) if c.key == "move_ups")

    def count(plan_id: int = in_force.id) -> str:
        return panel.model.data(panel.model.index(panel.model.position(plan_id), column))

    # The plan in force needed none yet; a proposal was never in force, so it has no count.
    assert (count(), count(draft.id)) == ("0", "")
    reopened: list[int] = []
    panel.open_plan = reopened.append  # type: ignore[method-assign]
    duty = make_ctx(Role.DUTY_OFFICER)
    other = next(a["point_key"] for a in in_force.assignments if a["unit_id"] == u2)
    chief_app.announce(order_move_up(duty, u1, other).change)
    qtbot.waitUntil(lambda: count() == "1", timeout=10000)
    chief_app.announce(allocation.propose_plan(duty, shift_id=sh.id, method="greedy").change)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 3, timeout=10000)
    _settle(qtbot, chief_app)
    assert reopened == [] and panel.plan.id == draft.id
    assert panel.model.id_at(panel.plans.currentIndex().row()) == draft.id
    # The chief clicks the plan in force and, before it has loaded, the list reloads: the list
    # and the plan shown both end on the one he clicked.
    del panel.open_plan
    panel.plans.selectRow(panel.model.position(in_force.id))
    panel.reload_plans()
    _settle(qtbot, chief_app)
    qtbot.waitUntil(lambda: panel.plan.id == in_force.id, timeout=10000)
    assert panel.model.id_at(panel.plans.currentIndex().row()) == in_force.id


def test_a_unit_that_may_not_move_up_may_only_be_sent_back_in_the_choice(qtbot):
    from precinct_console.domain.allocation.move_up import MoveOption, Point
    from precinct_console.services.move_up import MoveChoices
    from precinct_console.ui.units.move_dialog import MoveUpDialog

    def option(key: str, name: str, after: float, *, back=False, ordered=False) -> MoveOption:
        return MoveOption(Point(key, name, 116.4, 39.9), 4.0, after, after, back, ordered)

    choices = MoveChoices(5, "巡05", 1, "post:2", False, 0.5, (
        option("post:1", "市场警务站", 0.8), option("post:2", "广场警务站", 0.5, ordered=True),
        option("post:3", "学校警务室", 0.45, back=True)), "busy", "到场")
    dialog = MoveUpDialog(choices)
    assert dialog.error.text() == ("巡05 cannot be moved up now (it is 到场): it can only be sent back "
                                   "to its own point")
    qtbot.addWidget(dialog)
    enabled = [bool(dialog.table.item(r, 0).flags() & Qt.ItemFlag.ItemIsEnabled) for r in range(3)]
    assert enabled == [False, False, True]  # busy: only back to its own point
    assert dialog.chosen() is not None and dialog.chosen().point.key == "post:3"
    assert dialog.table.item(0, 2).text() == "80% (+30%)" and dialog.table.item(2, 2).text() == "45% (−5%)"
    assert dialog.table.item(2, 3).text() == "its own point in the plan"
    assert "can only be sent back to its own point" in dialog.error.text()
    dialog.table.setCurrentCell(0, 0)  # a greyed row is not a choice
    dialog.table.clearSelection()
    dialog.table.setCurrentCell(-1, -1)
    dialog.accept()
    assert dialog.result() == 0 and dialog.error.text() == "Choose a point to send 巡05 to"


def test_allocation_panel_proposes_off_the_gui_thread_and_accepts(qtbot, qtmodeltester, chief_app, clock):
    ctx = chief_app.ctx
    start = clock() + timedelta(hours=1)
    sh, u1, u2 = _two_crewed_units(ctx, start)
    panel = AllocationPanel(chief_app)
    qtbot.addWidget(panel)
    panel.resize(1400, 900)
    _settle(qtbot, chief_app)
    assert panel.shift_combo.findData(sh.id) > 0
    panel.shift_combo.setCurrentIndex(panel.shift_combo.findData(sh.id))
    panel.propose()
    assert not panel.propose_btn.isEnabled()  # the GUI stays live while the solver runs
    _settle(qtbot, chief_app)
    qtmodeltester.check(panel.model)
    assert panel.model.rowCount() == 1 and panel.plan is not None
    assert "3 minutes" in panel.figures.text() and panel.assign.rowCount() == 2
    assert panel.accept_btn.isEnabled()
    with qtbot.waitSignal(chief_app.changed, timeout=10000,
                          check_params_cb=lambda c: c.ids("unit") == {u1, u2}):
        panel.decide("accept")
        _settle(qtbot, chief_app)
    assert {o.unit_id for o in allocation.patrol_orders(ctx, start + timedelta(hours=1))} == {u1, u2}
    assert not panel.accept_btn.isEnabled()


def test_edited_plan_is_accepted_with_rescored_figures(qtbot, chief_app, clock):
    ctx = chief_app.ctx
    start = clock() + timedelta(hours=1)
    sh = roster.add_shift(ctx, "白班", start, start + timedelta(hours=8))
    o1 = roster.add_officer(ctx, "031001", "张伟")
    u1 = unit_roll.add_unit(ctx, "巡逻一车", "car", 116.39, 39.90)
    roster.assign(ctx, sh.id, o1.id, unit_id=u1)
    panel = AllocationPanel(chief_app)
    qtbot.addWidget(panel)
    _settle(qtbot, chief_app)
    panel.propose()
    _settle(qtbot, chief_app)
    combo = panel.assign.cellWidget(0, 1)
    current = combo.currentIndex()
    combo.setCurrentIndex(0 if current else 1)
    assert panel.edits() and "1 edit" in panel.accept_btn.text()
    panel.decide("accept")
    _settle(qtbot, chief_app)
    assert panel.plan.status == "accepted" and panel.plan.figures["edited"] is True


def test_replay_tab_compares_two_plans_with_what_happened_on_the_1_3_5_targets(qtbot, chief_app, clock):
    ctx = chief_app.ctx
    start = clock() + timedelta(hours=1)
    # A 24-hour duty, so every past call falls in the plans' hours.
    sh = roster.add_shift(ctx, "24小时值班", start, start + timedelta(hours=24))
    o1 = roster.add_officer(ctx, "031001", "张伟")
    o2 = roster.add_officer(ctx, "031002", "李强")
    roster.assign(ctx, sh.id, o1.id, unit_id=unit_roll.add_unit(ctx, "巡逻一车", "car", 116.39, 39.90))
    roster.assign(ctx, sh.id, o2.id, unit_id=unit_roll.add_unit(ctx, "巡逻二车", "motorbike", 116.40, 39.91))
    p1 = allocation.propose_plan(ctx, shift_id=sh.id, method="greedy")
    p2 = allocation.propose_plan(ctx, shift_id=sh.id, time_limit=5)
    panel = AllocationPanel(chief_app)
    qtbot.addWidget(panel)
    panel.resize(1400, 900)
    _settle(qtbot, chief_app)
    view = panel.replay
    view.plan_a.setCurrentIndex(view.plan_a.findData(p1.id))
    view.plan_b.setCurrentIndex(view.plan_b.findData(p2.id))
    view.days.setValue(30)
    view.run()
    _settle(qtbot, chief_app)
    assert view.run_btn.isEnabled() and "60" in view.status.text()
    assert "standby" not in view.status.text()  # nobody on standby: nothing more replayed
    rows = {r[0]: r[1:] for r in view.figure_rows()[1:]}
    report = plan_replay.replay_plan(ctx, p1.id, clock() - timedelta(days=30), clock())
    labels = [next(k for k in rows if k in (t.label_zh, t.label_en)) for t in report.compliance]
    on_way, on_scene, reinforcement = (rows[k] for k in labels)
    # The plans' units wait a few hundred metres away and every call is served at once: on
    # their way 50 s after the call. In the ledger every unit arrived after 4 minutes with no
    # set-off recorded, so what happened met neither target; no call needed reinforcement.
    assert on_way == ["100%", "100%", "0%"]
    assert on_scene[:2] == ["100%", "100%"] and on_scene[2] == "0%"
    assert reinforcement == ["—", "—", "—"]
    all_met = next(v for k, v in rows.items() if k in ("All targets met", "全部达标"))
    assert all_met == ["100%", "100%", "0%"]
    # The series are named above the charts, not in a legend floating over the bars and lines.
    assert view.legend.names() == [f"A #{p1.id}", f"B #{p2.id}", "What happened"]
    assert view.bars.plotItem.legend is None and view.hourly.plotItem.legend is None
    # A car on standby in the plans' hours answers calls in the replay too, and the tab says so.
    standby = roster.add_shift(ctx, "所部备勤", start, start + timedelta(hours=12))
    o3 = roster.add_officer(ctx, "031003", "赵磊")
    roster.assign(ctx, standby.id, o3.id, duty="standby",
                  unit_id=unit_roll.add_unit(ctx, "备勤一车", "car", 116.39, 39.90))
    view.run()
    _settle(qtbot, chief_app)
    assert view.status.text().endswith("; the units on standby in those hours replayed too: 备勤一车")
    assert not any(r[0].startswith("Move-ups made") for r in view.figure_rows())
    # Plan B with move-ups: named so above the charts, with how many moves it made.
    view.moves_b.setChecked(True)
    view.run()
    _settle(qtbot, chief_app)
    assert view.legend.names() == [f"A #{p1.id}", f"B #{p2.id} + move-ups", "What happened"]
    moved = plan_replay.replay_plan(ctx, p2.id, clock() - timedelta(days=30), clock(), move_ups=True)
    [row] = [r for r in view.figure_rows() if r[0].startswith("Move-ups made")]
    assert row[1:] == ["—", f"{moved.move_ups:,} ({moved.sent_back:,})", "—"]


def test_both_panels_are_registered():
    keys = {p.key: p for p in PANELS}
    assert keys["roster"].factory.endswith("roster.panel:create_panel")
    assert keys["allocation"].factory.endswith("allocation.panel:create_panel")


def test_an_accepted_plan_shows_on_the_unit_board_and_the_map(qtbot, chief_app, clock):
    from precinct_console.ui.map.panel import MapPanel
    from precinct_console.ui.units.panel import UnitsPanel

    ctx = chief_app.ctx
    start = clock() + timedelta(hours=1)
    sh, u1, u2 = _two_crewed_units(ctx, start)
    plan = allocation.propose_plan(ctx, shift_id=sh.id, time_limit=10)
    allocation.decide_plan(ctx, plan.id, plan.version, "accept")
    clock.advance(hours=2)  # the shift is running: its orders are in force
    from precinct_console.services.units import set_unit_status
    for u in (u1, u2):  # the crews signed on
        set_unit_status(ctx, u, "available")
    orders = {o.unit_id: o for o in allocation.patrol_orders(ctx)}
    assert set(orders) == {u1, u2}
    units = UnitsPanel(chief_app)
    qtbot.addWidget(units)
    _settle(qtbot, chief_app)
    shown = {u.id: units.model.data(units.model.index(r, 6)) for r, u in enumerate(units.model.rows())}
    assert shown == {u1: orders[u1].point_name, u2: orders[u2].point_name}
    # Above the board: the plan's cover now, as planned while both stand at their points.
    qtbot.waitUntil(lambda: units.cover.cover is not None, timeout=10000)
    assert not units.cover.isHidden() and not units.cover.cover.short
    assert units.cover.text().startswith("3-min cover of the plan's expected calls: ")
    # One car goes off duty: the line names it, and the cover now is below the plan's.
    set_unit_status(ctx, u1, "off_duty")
    units.reload()
    qtbot.waitUntil(lambda: units.cover.cover is not None and units.cover.cover.out == ("巡逻一车",),
                    timeout=10000)
    assert units.cover.cover.once < units.cover.cover.planned_once
    assert " · not at their points: 巡逻一车" in units.cover.text()
    with qtbot.waitSignal(chief_app.selected, timeout=2000) as picked:  # a move's unit, clicked
        units.cover.linkActivated.emit(f"unit:{u2}")
    assert picked.args == ["unit", u2]
    set_unit_status(ctx, u1, "available")
    map_panel = MapPanel(chief_app)
    qtbot.addWidget(map_panel)
    map_panel.resize(1200, 800)
    map_panel.show()
    qtbot.waitUntil(lambda: set(map_panel.canvas.markers["orders"].ids) == {u1, u2}, timeout=10000)
    assert map_panel.canvas.order_lines._path.elementCount() == 4  # a line from each unit to its point
    # The legend explains the hollow diamonds, also with the incident layer off; without units, not.
    plan_entry = "Patrol point of the accepted plan"
    assert [t for _s, _c, t in map_panel.canvas.legend][-1] == plan_entry
    # A move-up the unit board suggests: a bold line from the unit to the point, a ring there
    # that names the move on hover, and a legend entry; gone when the board suggests none.
    from precinct_console.domain.allocation.move_up import CoverNow, Move, Point

    far = Point("post:9", "火车站警务站", 116.385, 39.895)
    chief_app.cover_changed.emit(CoverNow(0.9, 0.5, ("巡逻二车",), (Move(u1, "巡逻一车", far, 4.2, False),), 0.8))
    moves = map_panel.canvas.markers["moves"]
    assert list(moves.ids) == [u1] and map_panel.canvas.move_lines._path.elementCount() == 2
    assert map_panel.canvas.tips["moves"][u1] == "Move up: 巡逻一车 → 火车站警务站 (4 min)"
    move_entry = "Move-up suggested (补位), from the unit board"
    assert [t for _s, _c, t in map_panel.canvas.legend][-1] == move_entry
    chief_app.cover_changed.emit(None)
    assert list(moves.ids) == [] and map_panel.canvas.move_lines._path.elementCount() == 0
    assert [t for _s, _c, t in map_panel.canvas.legend][-1] == plan_entry
    # Clicking a patrol point selects its unit (on the board and everywhere else).
    map_panel.toggles["incidents"].setChecked(False)  # the fixture's incidents sit on the points
    assert [t for _s, _c, t in map_panel.canvas.legend] == [plan_entry]
    x, y = map_panel.live.order_xy[u2]
    with qtbot.waitSignal(chief_app.selected, timeout=2000) as sig:
        map_panel.canvas.click_at(x, y)
    assert sig.args == ["unit", u2]
    map_panel.toggles["units"].setChecked(False)
    assert map_panel.canvas.legend == []


# -- planning from the panel: shifts from a pattern, leave and training, a new officer -----------

def _accepting(fill):
    """A dialog exec() that fills the form as the chief would, then presses OK."""
    def exec_(dialog):
        fill(dialog)
        dialog.accept()
        return dialog.result()

    return exec_


def test_chief_plans_holiday_aware_shifts_from_a_new_pattern(qtbot, chief_app, monkeypatch):
    from PySide6.QtCore import QDate

    from precinct_console.ui.roster.planning import PlanShiftsDialog

    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)
    _settle(qtbot, chief_app)

    def fill(d):
        d.pattern.setCurrentIndex(d.pattern.findData("new:four_three"))
        d.name.setText("四班三运转")
        d.min_staff.setValue(4)
        d.holiday_extra.setValue(2)
        d.first.setDate(QDate(2026, 9, 30))
        d.last.setDate(QDate(2026, 10, 1))

    monkeypatch.setattr(PlanShiftsDialog, "exec", _accepting(fill))
    panel.plan_shifts()
    _settle(qtbot, chief_app)
    view = roster.roster_view(chief_app.ctx, datetime(2026, 9, 30).date(), datetime(2026, 10, 2).date())
    staff = [(s.starts_at.astimezone(CHINA_TZ).strftime("%m-%d %H:%M"), s.min_staff) for s in view.shifts]
    # Three 8-hour shifts a day; National Day's get the holiday's two extra hands, the night
    # shift from 00:30 on 1 October too.
    assert staff == [("09-30 08:30", 4), ("09-30 16:30", 4), ("10-01 00:30", 6),
                     ("10-01 08:30", 6), ("10-01 16:30", 6), ("10-02 00:30", 6)]
    assert [p.name for p in roster.list_patterns(chief_app.ctx)] == ["四班三运转"]

    # The same period again from the now existing pattern: nothing doubled.
    def again(d):
        d.pattern.setCurrentIndex(0)
        d.first.setDate(QDate(2026, 9, 30))
        d.last.setDate(QDate(2026, 10, 1))

    monkeypatch.setattr(PlanShiftsDialog, "exec", _accepting(again))
    panel.plan_shifts()
    _settle(qtbot, chief_app)
    assert len(roster.roster_view(chief_app.ctx, datetime(2026, 9, 30).date(),
                                  datetime(2026, 10, 2).date()).shifts) == 6


def test_a_duty_desk_pattern_puts_its_teams_on_at_the_desk(qtbot, chief_app, monkeypatch):
    """The command room's 24-hour duty: its teams are put on at the desk (值班台), not on patrol,
    and the stored pattern shows that duty when chosen again."""
    from PySide6.QtCore import QDate

    from precinct_console.ui.roster.planning import PlanShiftsDialog

    for badge, name in (("041001", "王磊"), ("041002", "赵敏")):
        o = roster.add_officer(chief_app.ctx, badge, name)
        roster.update_officer(chief_app.ctx, o.id, o.version, team="值班一组")
    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)
    _settle(qtbot, chief_app)

    def fill(d):
        d.pattern.setCurrentIndex(d.pattern.findData("new:duty_24h"))
        assert d.team_duty.currentData() == "patrol"  # the kind's own until the chief says
        d.name.setText("指挥室值班")
        d.teams.setText("值班一组")
        d.team_duty.setCurrentIndex(d.team_duty.findData("desk"))
        d.first.setDate(QDate(2026, 12, 8))
        d.last.setDate(QDate(2026, 12, 8))

    monkeypatch.setattr(PlanShiftsDialog, "exec", _accepting(fill))
    panel.plan_shifts()
    _settle(qtbot, chief_app)
    view = roster.roster_view(chief_app.ctx, datetime(2026, 12, 8).date(), datetime(2026, 12, 9).date())
    assert sorted((e.officer_name, e.duty) for e in view.entries) == [("王磊", "desk"), ("赵敏", "desk")]

    def look(d):
        d.pattern.setCurrentIndex(0)
        assert d.team_duty.currentData() == "desk" and not d.team_duty.isEnabled()
        d.first.setDate(QDate(2026, 12, 8))
        d.last.setDate(QDate(2026, 12, 8))

    monkeypatch.setattr(PlanShiftsDialog, "exec", _accepting(look))
    panel.plan_shifts()
    _settle(qtbot, chief_app)


def test_a_cancelled_form_is_gone_at_once_and_changes_nothing(qtbot, chief_app, monkeypatch):
    from PySide6.QtCore import QCoreApplication, QEvent

    from precinct_console.ui.roster.planning import PlanShiftsDialog

    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)
    _settle(qtbot, chief_app)
    monkeypatch.setattr(PlanShiftsDialog, "exec", lambda d: d.reject() or d.result())
    for _ in range(3):
        panel.plan_shifts()
        _settle(qtbot, chief_app)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    # Not kept, hidden, under the panel until it closes (a whole shift of cancelled forms).
    assert panel.findChildren(PlanShiftsDialog) == []
    assert roster.list_patterns(chief_app.ctx) == []


def test_plan_dialog_names_a_backwards_period_and_a_missing_name(qtbot):
    from PySide6.QtCore import QDate

    from precinct_console.ui.roster.planning import PlanShiftsDialog

    d = PlanShiftsDialog([], datetime(2026, 12, 1).date(), datetime(2026, 12, 31).date())
    qtbot.addWidget(d)
    d.last.setDate(QDate(2026, 11, 30))
    d.accept()
    assert d.result() == 0 and "To:" in d.error.text() and "before it starts" in d.error.text()
    d.last.setDate(QDate(2026, 12, 31))
    d.accept()
    assert d.result() == 0 and "name" in d.error.text()


def test_plan_dialog_offers_the_one_day_rotation_of_four_teams_only_for_that_kind(qtbot):
    from precinct_console.ui.roster.planning import PlanShiftsDialog

    d = PlanShiftsDialog([], datetime(2026, 12, 7).date(), datetime(2026, 12, 13).date())
    qtbot.addWidget(d)
    d.show()
    d.pattern.setCurrentIndex(d.pattern.findData("new:duty_24h"))
    assert not d.form.isRowVisible(d.rotation)
    d.pattern.setCurrentIndex(d.pattern.findData("new:four_three"))
    assert d.form.isRowVisible(d.rotation)
    assert "block_days" not in d.values()["new"]["definition"]  # two days on each, the usual
    d.rotation.setCurrentIndex(d.rotation.findData(1))
    assert d.values()["new"]["definition"]["block_days"] == 1
    assert d.chosen_pattern().period_days == 4


def test_plan_dialog_warns_in_chinese_of_the_limits_a_pattern_breaks_before_it_is_planned(
        qtbot, chief_app, monkeypatch, zh_cn):
    """24-hour duty with three teams: 63.5 h in one week of three against the station's 60 h. The
    chief reads it while choosing, may still plan, and the calendar then names that same rule."""
    from PySide6.QtCore import QDate, QRect, Qt

    from precinct_console.ui.roster.planning import PlanShiftsDialog

    ctx = chief_app.ctx
    for i, team in enumerate(("一组", "二组", "三组", "四组")):  # every team the test tries is on the roll
        roster.add_officer(ctx, f"00{i}", f"民警{i}", team=team)
    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)
    _settle(qtbot, chief_app)
    seen = []

    def fill(d):
        d.show()
        qtbot.waitExposed(d)
        d.pattern.setCurrentIndex(d.pattern.findData("new:duty_24h"))
        seen.append(d.load_text())
        size = d.size()
        for teams in ("一组，二组，三组，四组", "一组", "一组，二组，三组"):
            d.teams.setText(teams)
            qtbot.wait(10)
            seen.append(d.load_text())
            # Nothing jumps as the figures change, and the longest warning is not cut off.
            needs = d.load.fontMetrics().boundingRect(QRect(0, 0, d.load.width(), 10_000),
                                                      Qt.TextFlag.TextWordWrap, d.load_text())
            assert d.size() == size and d.load.height() >= needs.height()
        assert d.load.isVisible()
        d.name.setText("24小时值班")
        d.first.setDate(QDate(2026, 12, 7))
        d.last.setDate(QDate(2026, 12, 27))

    monkeypatch.setattr(PlanShiftsDialog, "exec", _accepting(fill))
    panel.plan_shifts()
    _settle(qtbot, chief_app)
    warning = "每周最多 60 小时：此排班每组最忙的一周（周一至周日）63.5 小时，平均每周 56 小时"
    assert seen == [
        warning,
        "符合本所上限：每组平均每周 42 小时，一周最多 48 小时（周一至周日），两班之间最少休息 72 小时",
        "两班之间最少休息 8 小时：此排班每组值班后只休息 0 小时\n"
        "每周最多 60 小时：此排班每组平均每周 168 小时，最忙的一周（周一至周日）168 小时",
        warning,
    ]
    # Planned all the same: the calendar names the rule the dialog warned of, and only that one.
    view = roster.roster_view(ctx, datetime(2026, 12, 7).date(), datetime(2026, 12, 27).date())
    assert {v.rule for v in view.violations} == {"max_hours"}
    assert all(" 63.5 h " in v.message for v in view.violations)


def test_plan_dialog_weighs_a_stored_pattern_against_the_limits_the_station_set(
        qtbot, chief_app, monkeypatch):
    """A station allowing 72 h a week is not warned of three teams' 63.5 h; the two-team pattern it
    keeps shows its own teams and is over even that on average."""
    from precinct_console.ui.roster.planning import PlanShiftsDialog

    ctx = chief_app.ctx
    roster.set_roster_rules(ctx, min_rest_hours=8, max_hours_per_week=72)
    roster.add_pattern(ctx, "两组值班", "duty_24h", {"teams": ["一组", "二组"], "handover": "09:00",
                                                "min_staff": 3})
    for i, team in enumerate(("一组", "二组", "三组")):  # the roll has the teams both patterns name
        roster.add_officer(ctx, f"00{i}", f"民警{i}", team=team)
    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)
    _settle(qtbot, chief_app)
    seen = []

    def look(d):
        d.pattern.setCurrentIndex(0)
        assert (d.handover.time().hour(), d.min_staff.value()) == (9, 3)  # the stored pattern's
        seen.append((d.teams.text(), d.teams.isEnabled(), d.load_text()))
        d.pattern.setCurrentIndex(d.pattern.findData("new:duty_24h"))
        seen.append((d.teams.text(), d.teams.isEnabled(), d.load_text()))
        d.reject()
        return d.result()

    monkeypatch.setattr(PlanShiftsDialog, "exec", look)
    panel.plan_shifts()
    _settle(qtbot, chief_app)
    # Handing over at 09:00, a busiest week has half an hour less than at 08:30; a new pattern
    # starts from the handover shown.
    assert seen == [
        ("一组，二组", False, "At most 72 h a week: a team on this pattern works 84 h a week on "
                             "average, 87 h in its busiest week (Mon–Sun)"),
        ("一组，二组，三组", True, "Within the station's limits: a team works 56 h a week on average, "
                                 "at most 63 h in a week (Mon–Sun), and rests at least 48 h "
                                 "between shifts"),
    ]


def test_plan_dialog_names_in_chinese_the_teams_a_rotation_leaves_off_every_shift(qtbot, zh_cn):
    """A 5th team on 四班三运转 is silently on no shift: the dialog says so among its warnings,
    without changing size or cutting a line, and says nothing of it for the four the rotation
    turns."""
    from datetime import date

    from PySide6.QtCore import QRect

    from precinct_console.domain.roster_rules import RuleSet
    from precinct_console.ui.roster.planning import PlanShiftsDialog

    d = PlanShiftsDialog([], date(2026, 12, 7), date(2026, 12, 27), rules=RuleSet())
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    d.pattern.setCurrentIndex(d.pattern.findData("new:four_three"))
    size = d.size()
    within = "符合本所上限：每组平均每周 42 小时，一周最多 48 小时（周一至周日），两班之间最少休息 16 小时"
    seen = {}
    for teams in ("一组，二组，三组，四组，五组", "一组，二组，三组，四组", "一组，二组，三组，四组，五组，六组"):
        d.teams.setText(teams)
        qtbot.wait(10)
        seen[teams] = (d.load_text(), d.load_warnings)
        needs = d.load.fontMetrics().boundingRect(QRect(0, 0, d.load.width(), 10_000),
                                                  Qt.TextFlag.TextWordWrap, d.load_text())
        assert d.size() == size and d.load.height() >= needs.height()
    assert seen == {
        # Only the teams left off are in the warning colour; the limits holding is not a warning.
        "一组，二组，三组，四组，五组": ("五组 不排班：四班三运转只轮换 4 个班组\n" + within,
                                     ["五组 不排班：四班三运转只轮换 4 个班组"]),
        "一组，二组，三组，四组": (within, []),
        "一组，二组，三组，四组，五组，六组": ("五组、六组 不排班：四班三运转只轮换 4 个班组\n" + within,
                                         ["五组、六组 不排班：四班三运转只轮换 4 个班组"]),
    }
    d.pattern.setCurrentIndex(d.pattern.findData("new:three_two"))
    d.teams.setText("甲，乙，丙，丁")
    assert d.load_text().splitlines()[0] == "丁 不排班：三班二运转只轮换 3 个班组"


def test_a_failed_new_pattern_plan_stores_nothing(chief_app):
    from precinct_console.domain.errors import ValidationError

    with pytest.raises(ValidationError, match="at most 400 days"):
        roster.add_pattern_with_shifts(chief_app.ctx, "四班三运转", "four_three", {},
                                       datetime(2026, 1, 1).date(), datetime(2027, 12, 31).date())
    assert roster.list_patterns(chief_app.ctx) == []


def test_leave_shows_in_the_calendar_and_flags_a_shift_on_that_day(qtbot, chief_app, clock, monkeypatch):
    from PySide6.QtCore import QDate

    from precinct_console.ui.roster.record_dialogs import AbsenceDialog

    *_, li = _week_with_problems(chief_app.ctx, clock)
    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)
    _settle(qtbot, chief_app)

    def fill(d):
        d.officer.setCurrentIndex(d.officer.findData(li.id))
        d.kind.setCurrentIndex(d.kind.findData("leave"))
        d.first.setDate(QDate(2026, 11, 20))
        d.last.setDate(QDate(2026, 11, 21))
        d.note.setText("年休假")

    monkeypatch.setattr(AbsenceDialog, "exec", _accepting(fill))
    panel.record_absence()
    _settle(qtbot, chief_app)
    row = next(i for i, r in enumerate(panel.model.rows) if "李强" in r.label)
    friday = panel.model.days.index(datetime(2026, 11, 20).date())
    saturday, sunday = friday + 1, friday + 2
    assert "年休假" in panel.model.index(row, friday).data()  # on leave and rostered: flagged
    assert panel.model.index(row, friday).data().startswith("▲")
    assert panel.model.index(row, saturday).data() == "年休假"  # as the printed 排班表 says
    assert "休假 11-20 – 11-21 年休假" in panel.model.index(row, saturday).data(Qt.ItemDataRole.ToolTipRole)
    assert not panel.model.index(row, sunday).data()
    texts = [panel.problems.item(i).text() for i in range(panel.problems.count())]
    assert any("[leave/training]" in t for t in texts)


def test_add_officer_requires_badge_and_name_then_puts_them_on_the_roll(qtbot, chief_app, monkeypatch):
    from precinct_console.ui.roster.record_dialogs import OfficerDialog

    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)
    _settle(qtbot, chief_app)
    d = OfficerDialog(["甲"])
    qtbot.addWidget(d)
    d.name.setText("王芳")
    d.accept()
    assert d.result() == 0 and d.error.text() == "Badge number: required"

    def fill(dlg):
        dlg.badge.setText("031009")
        dlg.name.setText("王芳")
        dlg.kind.setCurrentIndex(dlg.kind.findData("auxiliary"))
        dlg.team.setCurrentText("甲")
        dlg.role.setCurrentIndex(dlg.role.findData("patrol"))
        dlg.skills.setText("急救、 调解,外语")
        dlg.licences["C1"].setChecked(True)
        dlg.licences["E"].setChecked(True)

    monkeypatch.setattr(OfficerDialog, "exec", _accepting(fill))
    panel.add_officer()
    _settle(qtbot, chief_app)
    row = next(i for i, r in enumerate(panel.model.rows) if "王芳辅" in r.label)
    assert panel.model.rows[row].label.startswith("甲")
    # Hovering the name says what a chief crewing a unit needs to know.
    about = panel.model.headerData(row, Qt.Orientation.Vertical, Qt.ItemDataRole.ToolTipRole)
    assert "Skills: 急救、调解、外语" in about and "Driving licences: C1、E" in about
    officer = next(o for o in panel.view.officers if o.name == "王芳")
    edit = OfficerDialog(["甲"], None, officer)  # the edit form shows them again
    qtbot.addWidget(edit)
    assert edit.values()["licences"] == ["C1", "E"] and edit.values()["skills"] == ["急救", "调解", "外语"]
    assert edit.values()["role"] == "patrol"
    legacy = OfficerDialog(["甲"], None, dataclasses.replace(officer, role="duty"))  # an older role
    qtbot.addWidget(legacy)
    assert legacy.values()["role"] == "duty"  # kept, not silently turned into the first of the list


def test_days_past_the_holiday_tables_are_named_above_the_calendar(qtbot, chief_app):
    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)
    panel.set_mode("month")
    _settle(qtbot, chief_app)
    assert not panel.calendar_note.isVisibleTo(panel)  # this month: the tables cover it
    panel.first = datetime(2027, 1, 4).date()  # January 2027: New Year's Day is not in them yet
    panel.reload()
    _settle(qtbot, chief_app)
    assert panel.calendar_note.isVisibleTo(panel) and "2027" in panel.calendar_note.text()


def test_a_duty_officer_sees_the_roster_without_edit_buttons(qtbot, db, station, make_ctx):
    app = AppContext(make_ctx(Role.DUTY_OFFICER), Settings())
    panel = RosterPanel(app)
    qtbot.addWidget(panel)
    _settle(qtbot, app)
    assert not any(b.isVisibleTo(panel) for b in
                   (panel.plan_btn, panel.absence_btn, panel.officer_btn, panel.swap_btn))
    app.runner.wait(20000)


def test_a_refused_officer_reopens_the_form_with_the_reason_and_what_was_typed(
        qtbot, chief_app, clock, monkeypatch):
    from precinct_console.ui.roster.record_dialogs import OfficerDialog

    _week_with_problems(chief_app.ctx, clock)  # 张伟 holds badge 031001
    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)
    _settle(qtbot, chief_app)
    seen = []

    def exec_(dlg):
        seen.append((dlg.error.text(), dlg.badge.text(), dlg.name.text()))
        if len(seen) > 1:
            return 0  # the chief reads the reason and cancels
        dlg.badge.setText("031001")
        dlg.name.setText("王芳")
        dlg.accept()
        return dlg.result()

    monkeypatch.setattr(OfficerDialog, "exec", exec_)
    panel.add_officer()
    _settle(qtbot, chief_app)
    assert len(seen) == 2
    reason, badge, name = seen[1]
    assert "031001" in reason and "roll" in reason and (badge, name) == ("031001", "王芳")
    assert not any("王芳" in r.label for r in panel.model.rows)


def test_forecast_accuracy_tab_scores_held_back_weeks_against_the_plain_count(qtbot, chief_app):
    from precinct_console.ui.allocation.forecast_view import ForecastAccuracy

    view = ForecastAccuracy(chief_app)
    qtbot.addWidget(view)
    view.weeks.setValue(3)
    view.run()
    assert not view.run_btn.isEnabled()  # one check at a time
    _settle(qtbot, chief_app)
    report = view.report
    assert report is not None and len(report.rows) == 3
    assert view.table.rowCount() == 3 and view.run_btn.isEnabled()
    # The fixture's 60 incidents fell in the last three weeks, in two hot cells.
    calls = sum(r.incidents for r in report.rows)
    assert calls > 0 and f"Over {calls} incidents in 3 week(s)" in view.summary.text()
    assert "PAI" in view.summary.text() and "last 28 days" in view.summary.text()
    first = report.rows[0]
    assert view.table.item(0, 1).text() == str(first.incidents)
    assert view.table.item(0, 2).text() == f"{first.hit_rate:.1%}"
    assert view.table.item(0, 5).text() == f"{first.baseline_pai:.2f}"
    assert view.legend.names() == ["forecast", "last 28 days"] and view.chart.plotItem.legend is None


def test_the_allocation_panel_has_the_forecast_accuracy_tab(qtbot, chief_app):
    panel = AllocationPanel(chief_app)
    qtbot.addWidget(panel)
    _settle(qtbot, chief_app)
    assert [panel.tabs.tabText(i) for i in range(panel.tabs.count())] == [
        "Plan", "What-if replay", "Forecast accuracy"]
    # Opened, the tab checks the forecast at once (once: coming back does not check again).
    panel.show()
    assert panel.forecast.report is None and not panel.forecast.chart.isVisible()
    panel.tabs.setCurrentIndex(2)
    _settle(qtbot, chief_app)
    assert panel.forecast.report is not None and panel.forecast.chart.isVisible()
    first = panel.forecast.report
    panel.tabs.setCurrentIndex(0)
    panel.tabs.setCurrentIndex(2)
    _settle(qtbot, chief_app)
    assert panel.forecast.report is first


def test_chief_adds_a_unit_based_at_a_post_and_crews_it(qtbot, chief_app, monkeypatch):
    from precinct_console.services.units import list_units
    from precinct_console.ui.roster.record_dialogs import UnitDialog
    from precinct_console.ui.roster.units_dialog import UnitsDialog

    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)
    _settle(qtbot, chief_app)
    empty = UnitDialog([])
    qtbot.addWidget(empty)
    empty.call_sign.setText("巡06")
    empty.accept()
    assert empty.result() == 0 and "no posts" in empty.error.text()

    def fill(d):
        d.call_sign.setText("巡06")
        d.kind.setCurrentIndex(d.kind.findData("motorbike"))
        d.post.setCurrentIndex(d.post.findText("学府警务室"))

    monkeypatch.setattr(UnitDialog, "exec", _accepting(fill))
    units = UnitsDialog(chief_app, list(panel.view.posts), panel)
    units.add_unit()
    _settle(qtbot, chief_app)
    unit = next(u for u in list_units(chief_app.ctx) if u.call_sign == "巡06")
    assert unit.kind == "motorbike"
    with chief_app.ctx.db.sessions() as s:
        row = s.get(Unit, unit.id)
        post = s.get(Post, row.post_id)
        assert post.name == "学府警务室" and (row.home_lon, row.home_lat) == (post.lon, post.lat)
    # The list shows it, selected; the calendar learns of it from the announced change.
    assert units.current is not None and units.current.call_sign == "巡06"
    assert "巡06" in dict(panel.view.units).values()  # ready to crew from a shift


def test_chief_edits_retires_and_reinstates_a_unit_from_the_units_dialog(qtbot, chief_app, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from precinct_console.services.units import list_units
    from precinct_console.ui.roster.panel import AssignDialog
    from precinct_console.ui.roster.record_dialogs import UnitDialog
    from precinct_console.ui.roster.units_dialog import UnitsDialog

    ctx = chief_app.ctx
    start = datetime(2026, 11, 20, 8, 30, tzinfo=CHINA_TZ)
    day = roster.add_shift(ctx, "白班", start, start + timedelta(hours=8))
    zhang = roster.add_officer(ctx, "031001", "张伟")
    roster.add_officer(ctx, "031002", "李强")
    car = unit_roll.add_unit(ctx, "巡逻一车", "car", 116.39, 39.90)
    unit_roll.add_unit(ctx, "巡逻二车", "car", 116.40, 39.91)
    roster.assign(ctx, day.id, zhang.id, unit_id=car)
    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)
    _settle(qtbot, chief_app)
    dlg = UnitsDialog(chief_app, list(panel.view.posts), panel)
    qtbot.addWidget(dlg)
    _settle(qtbot, chief_app)
    texts = [dlg.table.item(r, 0).text() for r in range(dlg.table.rowCount())]
    assert texts == ["巡逻一车", "巡逻二车"] and not dlg.edit_btn.isEnabled()
    dlg.table.selectRow(0)
    assert dlg.edit_btn.isEnabled() and dlg.retire_btn.isEnabled() and not dlg.reinstate_btn.isEnabled()

    # A taken call sign: the form comes back with the reason and what was typed.
    seen = []

    def rename(d):
        seen.append(d.error.text())
        if len(seen) == 1:
            assert d.call_sign.text() == "巡逻一车"
            d.call_sign.setText("巡逻二车")
        else:
            d.call_sign.setText("巡逻三车")
        d.seats.setValue(4)

    monkeypatch.setattr(UnitDialog, "exec", _accepting(rename))
    dlg.edit_unit()
    _settle(qtbot, chief_app)
    assert seen[0] == "" and "巡逻二车 is taken" in seen[1], seen
    assert dlg.current.call_sign == "巡逻三车" and dlg.current.seats == 4

    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    dlg.retire_unit()
    _settle(qtbot, chief_app)
    assert not dlg.current.active and dlg.reinstate_btn.isEnabled() and not dlg.retire_btn.isEnabled()
    assert dlg.table.item(dlg.table.rowCount() - 1, 0).text() == "巡逻三车"
    assert [u.call_sign for u in list_units(ctx)] == ["巡逻二车"]
    # The crew on today's shift stays, without the unit; the unit is not offered any more.
    panel.reload()
    _settle(qtbot, chief_app)
    assert next(e for e in panel.view.entries if e.officer_id == zhang.id).unit_id is None
    assign = AssignDialog(panel.view, zhang.id, start.date(), panel)
    qtbot.addWidget(assign)
    assert [assign.unit.itemText(i) for i in range(1, assign.unit.count())] == ["巡逻二车"]

    dlg.reinstate_unit()
    _settle(qtbot, chief_app)
    assert dlg.current.active and sorted(u.call_sign for u in list_units(ctx)) == ["巡逻三车", "巡逻二车"]
    # Another seat takes 巡逻二车 out of service while the list is open: the feed brings it here.
    other = next(u for u in unit_roll.list_unit_roll(ctx) if u.call_sign == "巡逻二车")
    unit_roll.retire_unit(ctx, other.id, other.version)
    chief_app.changed.emit(Change((ChangeItem("unit", other.id, "updated"),)))
    _settle(qtbot, chief_app)
    states = {dlg.table.item(r, 0).text(): dlg.table.item(r, 5).text() for r in range(dlg.table.rowCount())}
    assert states["巡逻二车"] == "out of service" and dlg.current.call_sign == "巡逻三车"


def test_unit_form_keeps_a_yard_based_unit_home_and_gives_a_drone_no_seats(qtbot, chief_app):
    from precinct_console.ui.roster.record_dialogs import UnitDialog

    ctx = chief_app.ctx
    unit_roll.add_unit(ctx, "巡逻一车", "car", 116.39, 39.90)  # at the station yard, no post
    yard = unit_roll.list_unit_roll(ctx)[0]
    posts = [(1, "火车站警务站")]
    form = UnitDialog(posts, None, yard)
    qtbot.addWidget(form)
    assert form.values()["post_id"] is None and form.post.count() == 2  # not silently moved
    form.kind.setCurrentIndex(form.kind.findData("drone"))
    assert form.values()["seats"] == 0 and not form.seats.isEnabled()
    form.kind.setCurrentIndex(form.kind.findData("car"))
    assert form.values()["seats"] == 2 and form.seats.isEnabled()
    new = UnitDialog(posts, None)
    qtbot.addWidget(new)
    assert new.post.count() == 1 and new.values()["post_id"] == 1


def test_chief_marks_a_unit_as_the_standby_car_in_the_unit_form(qtbot, chief_app, monkeypatch):
    from precinct_console.ui.roster.record_dialogs import UnitDialog
    from precinct_console.ui.roster.units_dialog import UnitsDialog

    ctx = chief_app.ctx
    unit_roll.add_unit(ctx, "巡逻一车", "car", 116.39, 39.90)
    unit_roll.add_unit(ctx, "巡逻二车", "car", 116.40, 39.91)
    dlg = UnitsDialog(chief_app, [(1, "火车站警务站")])
    qtbot.addWidget(dlg)
    _settle(qtbot, chief_app)

    def uses() -> dict[str, str]:
        return {dlg.table.item(r, 0).text(): dlg.table.item(r, 4).text()
                for r in range(dlg.table.rowCount())}

    assert uses() == {"巡逻一车": "patrol", "巡逻二车": "patrol"}
    shown = []

    def mark(d):
        shown.append(d.standby.isChecked())
        d.standby.setChecked(True)

    monkeypatch.setattr(UnitDialog, "exec", _accepting(mark))
    dlg.table.selectRow(1)
    dlg.edit_unit()
    _settle(qtbot, chief_app)
    assert shown == [False]
    assert uses() == {"巡逻一车": "patrol", "巡逻二车": "standby car"}
    assert {u.call_sign: u.standby for u in unit_roll.list_unit_roll(ctx)} == {
        "巡逻一车": False, "巡逻二车": True}
    # Where a crew is put in a unit by hand, the standby car says what it is.
    from precinct_console.ui.roster.panel import AssignDialog
    zhang = roster.add_officer(ctx, "031001", "张伟")
    start = datetime(2026, 11, 20, 8, 30, tzinfo=CHINA_TZ)
    roster.add_shift(ctx, "白班", start, start + timedelta(hours=8))
    view = roster.roster_view(ctx, start.date(), start.date())
    assign = AssignDialog(view, zhang.id, start.date())
    qtbot.addWidget(assign)
    assert [assign.unit.itemText(i) for i in range(1, assign.unit.count())] == [
        "巡逻一车", "巡逻二车 (standby car)"]
    # Opened again, the form shows the mark; a new unit can be added marked.
    form = UnitDialog([(1, "火车站警务站")], None, dlg.current)
    qtbot.addWidget(form)
    assert form.standby.isChecked() and form.values()["standby"] is True

    def add(d):
        d.call_sign.setText("巡逻三车")
        d.standby.setChecked(True)

    monkeypatch.setattr(UnitDialog, "exec", _accepting(add))
    dlg.add_unit()
    _settle(qtbot, chief_app)
    assert uses()["巡逻三车"] == "standby car"


def test_an_officer_edited_off_the_roll_leaves_the_calendar(qtbot, chief_app, monkeypatch):
    from precinct_console.ui.roster.record_dialogs import OfficerDialog

    roster.add_officer(chief_app.ctx, "031005", "赵敏", team="乙")
    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)
    _settle(qtbot, chief_app)
    officer = next(o for o in panel.view.officers if o.name == "赵敏")

    def fill(d):
        assert d.badge.isReadOnly() and d.badge.text() == "031005" and d.team.currentText() == "乙"
        d.rank.setText("二级警长")
        d.active.setChecked(False)  # transferred to the branch

    monkeypatch.setattr(OfficerDialog, "exec", _accepting(fill))
    panel.edit_officer(officer.id)
    _settle(qtbot, chief_app)
    assert not any("赵敏" in r.label for r in panel.model.rows)
    saved = next(o for o in roster.list_officers(chief_app.ctx, active_only=False) if o.badge == "031005")
    assert saved.rank == "二级警长" and not saved.active


def test_planned_shifts_get_their_teams_except_those_on_leave(qtbot, chief_app, monkeypatch):
    from PySide6.QtCore import QDate

    from precinct_console.ui.roster.planning import PlanShiftsDialog

    ctx = chief_app.ctx
    people = {}
    for i, team in enumerate(["一组", "一组", "二组", "三组"]):
        people[i] = roster.add_officer(ctx, f"03100{i}", f"民警{i}", team=team)
    roster.add_absence(ctx, people[1].id, "leave", datetime(2026, 12, 7, tzinfo=CHINA_TZ),
                       datetime(2026, 12, 8, tzinfo=CHINA_TZ), "年休假")
    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)
    _settle(qtbot, chief_app)

    def fill(d):
        d.pattern.setCurrentIndex(d.pattern.findData("new:duty_24h"))
        assert d.teams.text() == "一组，二组，三组"  # the kind's usual teams, to be edited
        d.name.setText("24小时值班")
        d.first.setDate(QDate(2026, 12, 7))
        d.last.setDate(QDate(2026, 12, 9))
        assert d.with_teams.isChecked()

    monkeypatch.setattr(PlanShiftsDialog, "exec", _accepting(fill))
    panel.plan_shifts()
    _settle(qtbot, chief_app)
    view = roster.roster_view(ctx, datetime(2026, 12, 7).date(), datetime(2026, 12, 9).date())
    on = {s.starts_at.astimezone(CHINA_TZ).day: sorted(e.officer_name for e in view.entries_of(s.id))
          for s in view.shifts}
    # 7th: 一组 (民警1 on leave, left off); 8th: 二组; 9th: 三组.
    assert on == {7: ["民警0"], 8: ["民警2"], 9: ["民警3"]}


def _next_tab_stop(w):
    """The widget Tab moves to from w (the focus chain holds labels too)."""
    from PySide6.QtCore import Qt

    w = w.nextInFocusChain()
    while not w.focusPolicy() & Qt.FocusPolicy.TabFocus:
        w = w.nextInFocusChain()
    return w


def _three_teams_and_two_cars(qtbot, chief_app, monkeypatch):  # type: ignore[no-untyped-def]
    """一组 of two (one licensed to drive), 二组 and 三组 of one each, two cars, the roster panel
    open, and what the window says kept."""
    ctx = chief_app.ctx
    for i, (team, licences) in enumerate((("一组", ["C1"]), ("一组", []), ("二组", ["C1"]),
                                          ("三组", ["C1"]))):
        roster.add_officer(ctx, f"03100{i}", f"民警{i}", team=team, licences=licences)
    units = {cs: unit_roll.add_unit(ctx, cs, "car", 116.39, 39.90) for cs in ("巡01", "巡02")}
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(chief_app, "notify", lambda text, level="info": said.append((text, level)))
    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)
    _settle(qtbot, chief_app)
    return ctx, units, said, panel


def test_planning_with_teams_crews_the_units_and_says_which_car_has_no_driver(
        qtbot, chief_app, monkeypatch):
    """The plan dialog's "crew the units", on by default: the officers are in units, as the
    allocation needs them, and the message names the car nobody on the team may drive."""
    from PySide6.QtCore import QDate

    from precinct_console.ui.roster.planning import PlanShiftsDialog

    ctx, units, said, panel = _three_teams_and_two_cars(qtbot, chief_app, monkeypatch)
    seen = {}

    def fill(d):
        d.pattern.setCurrentIndex(d.pattern.findData("new:duty_24h"))
        d.name.setText("24小时值班")
        d.first.setDate(QDate(2026, 12, 7))
        d.last.setDate(QDate(2026, 12, 9))
        seen["on"] = d.crew_units.isChecked() and d.crew_units.isEnabled()
        seen["size"] = d.crew_size.value() if d.crew_size.isEnabled() else None
        # Reached by Tab along its row: the teams' checkbox, their duty, then this.
        seen["tab"] = (d.with_teams.nextInFocusChain() is d.team_duty
                       and d.team_duty.nextInFocusChain() is d.crew_units
                       and _next_tab_stop(d.crew_units) is d.crew_size)
        d.team_duty.setCurrentIndex(d.team_duty.findData("desk"))
        # Nothing to ride at the duty desk, so no crew size either.
        seen["desk"] = d.crew_units.isEnabled() or d.crew_size.isEnabled()
        d.team_duty.setCurrentIndex(d.team_duty.findData("standby"))
        seen["standby"] = d.crew_units.isEnabled()  # a standby team rides the standby cars
        d.team_duty.setCurrentIndex(d.team_duty.findData("patrol"))
        d.crew_size.setValue(seen["crew"])

    monkeypatch.setattr(PlanShiftsDialog, "exec", _accepting(fill))
    seen["crew"] = 1
    panel.plan_shifts()
    _settle(qtbot, chief_app)
    assert seen == {"on": True, "size": 2, "tab": True, "desk": False, "standby": True, "crew": 1}
    view = roster.roster_view(ctx, datetime(2026, 12, 7).date(), datetime(2026, 12, 9).date())
    # In singles: 一组's driver in 巡01 with his unlicensed crewmate (巡02 wants a driver); 二组
    # and 三组 are one each, nobody left over for 巡02: not a car without a driver.
    assert {e.unit_id for e in view.entries} == {units["巡01"]}
    assert said == [("3 shift(s) planned; 3 crew(s) formed; no licensed driver for 巡02 (1 shift(s)); "
                     "too few hands to crew 巡02 (2 shift(s))", "warning")]


def test_planning_in_pairs_leaves_a_lone_officer_out_of_the_cars_and_names_them(
        qtbot, chief_app, monkeypatch):
    """The plan dialog's crew size, two by default (双人巡逻): a team of one sends no car out,
    and the message names the cars left in, once each with its shifts."""
    from PySide6.QtCore import QDate

    from precinct_console.ui.roster.planning import PlanShiftsDialog

    ctx, units, said, panel = _three_teams_and_two_cars(qtbot, chief_app, monkeypatch)

    def fill(d):
        d.pattern.setCurrentIndex(d.pattern.findData("new:duty_24h"))
        d.name.setText("24小时值班")
        d.first.setDate(QDate(2026, 12, 7))
        d.last.setDate(QDate(2026, 12, 9))

    monkeypatch.setattr(PlanShiftsDialog, "exec", _accepting(fill))
    panel.plan_shifts()
    _settle(qtbot, chief_app)
    view = roster.roster_view(ctx, datetime(2026, 12, 7).date(), datetime(2026, 12, 9).date())
    by_unit: dict[int | None, int] = {}
    for e in view.entries:
        by_unit[e.unit_id] = by_unit.get(e.unit_id, 0) + 1
    # 一组's pair in 巡01; 二组's and 三组's lone 民警 in no car.
    assert by_unit == {units["巡01"]: 2, None: 2}
    assert said == [("3 shift(s) planned; 1 crew(s) formed; too few hands to crew 巡01 (2 shift(s))、"
                     "巡02 (3 shift(s)); 2 time(s) an officer is in no unit: too few on the shift "
                     "to make a crew", "warning")]


def test_an_entry_gets_a_unit_without_being_removed_and_reassigned(qtbot, chief_app, clock, monkeypatch):
    from precinct_console.ui.roster.panel import AssignDialog

    ctx = chief_app.ctx
    start = datetime(2026, 11, 20, 8, 30, tzinfo=CHINA_TZ)
    day = roster.add_shift(ctx, "白班", start, start + timedelta(hours=8))
    zhang = roster.add_officer(ctx, "031001", "张伟")
    unit = unit_roll.add_unit(ctx, "巡逻一车", "car", 116.39, 39.90)
    entry = roster.assign(ctx, day.id, zhang.id)  # as a team fill leaves it: no unit
    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)
    _settle(qtbot, chief_app)

    def fill(d):
        assert not d.shift.isEnabled() and d.shift.currentData() == day.id  # the shift stays
        d.unit.setCurrentIndex(d.unit.findData(unit))
        d.note.setText("带班")

    monkeypatch.setattr(AssignDialog, "exec", _accepting(fill))
    panel.change_entry(entry)
    _settle(qtbot, chief_app)
    changed = next(e for e in panel.view.entries if e.id == entry.id)
    assert (changed.unit_id, changed.note, changed.duty) == (unit, "带班", "patrol")
    friday = panel.model.days.index(datetime(2026, 11, 20).date())
    row = next(i for i, r in enumerate(panel.model.rows) if "张伟" in r.label)
    assert "巡逻一车" in panel.model.index(row, friday).data()


def test_a_refused_assign_or_entry_change_keeps_the_chiefs_choices_and_says_why(
        qtbot, chief_app, clock, monkeypatch):
    """Already on the shift, or the entry changed at another seat: the form comes back as it was."""
    from precinct_console.ui.roster.panel import AssignDialog

    ctx = chief_app.ctx
    start = datetime(2026, 11, 20, 8, 30, tzinfo=CHINA_TZ)
    day = roster.add_shift(ctx, "白班", start, start + timedelta(hours=8))
    zhang = roster.add_officer(ctx, "031001", "张伟")
    unit = unit_roll.add_unit(ctx, "巡逻一车", "car", 116.39, 39.90)
    with chief_app.ctx.db.sessions() as s:
        post = s.query(Post).filter_by(code="P1").one().id
    entry = roster.assign(ctx, day.id, zhang.id)
    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)
    _settle(qtbot, chief_app)
    seen = []

    def exec_(d):
        seen.append((d.error.text(), d.duty.currentData(), d.unit.currentData(), d.post.currentData(),
                     d.note.text()))
        if len(seen) % 2 == 0:
            return 0  # the chief reads the reason and cancels
        d.duty.setCurrentIndex(d.duty.findData("post"))
        d.unit.setCurrentIndex(d.unit.findData(unit))
        d.post.setCurrentIndex(d.post.findData(post))
        d.note.setText("带班")
        d.accept()
        return d.result()

    monkeypatch.setattr(AssignDialog, "exec", exec_)
    row = next(i for i, r in enumerate(panel.model.rows) if "张伟" in r.label)
    friday = panel.model.days.index(datetime(2026, 11, 20).date())
    panel._assign_at(panel.model.index(row, friday))  # 张伟 is on 白班 already
    _settle(qtbot, chief_app)
    assert len(seen) == 2
    assert "张伟" in seen[1][0] and seen[1][1:] == ("post", unit, post, "带班")
    # Another seat changes the entry first: this seat's version is stale.
    roster.update_entry(ctx, entry.id, entry.version, note="另一席位")
    panel.change_entry(entry)
    _settle(qtbot, chief_app)
    assert len(seen) == 4
    assert seen[3][0] and seen[3][1:] == ("post", unit, post, "带班")
    assert next(e for e in roster.roster_view(ctx, start.date(), start.date()).entries
                if e.id == entry.id).note == "另一席位"  # nothing overwritten


def test_the_month_view_opens_on_the_month_of_the_week_shown(qtbot, chief_app):
    """The week of Mon 11-30 is mostly December: 月 shows December, not November."""
    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)
    panel.first = datetime(2026, 11, 30).date()
    panel.reload()
    _settle(qtbot, chief_app)
    panel.set_mode("month")
    _settle(qtbot, chief_app)
    assert panel.period_bounds() == (datetime(2026, 12, 1).date(), datetime(2026, 12, 31).date())
    assert panel.model.columnCount() == 31
    # A month's narrow columns show the day and weekday, so the ▲ of a bad day is not cut off.
    assert panel.model.headerData(2, Qt.Orientation.Horizontal).startswith("3 Th")


def test_a_post_minimum_is_planned_and_an_officer_at_the_post_counts_for_it(qtbot, chief_app, monkeypatch):
    """The chief sets 火车站警务站 at least 1 on every shift, and meets it by posting an officer there."""
    from precinct_console.ui.roster.panel import AssignDialog
    from precinct_console.ui.roster.planning import PlanShiftsDialog

    zhang = roster.add_officer(chief_app.ctx, "031001", "张伟")
    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)
    panel.first = datetime(2026, 11, 23).date()
    panel.reload()
    _settle(qtbot, chief_app)
    station_post = next(pid for pid, name in panel.view.posts if name == "火车站警务站")

    def plan(d: PlanShiftsDialog) -> None:
        d.pattern.setCurrentIndex(d.pattern.findData("new:duty_24h"))
        d.name.setText("值班")
        d.last.setDate(d.first.date())  # one day
        d.post_min[station_post].setValue(1)
        d.with_teams.setChecked(False)
        d.accept()

    monkeypatch.setattr(PlanShiftsDialog, "exec", lambda d: (plan(d), d.result())[1])
    panel.plan_shifts()
    _settle(qtbot, chief_app)
    assert any("火车站警务站 has 0 officer(s), it needs at least 1" in v.message for v in panel.view.violations)

    def post_there(d: AssignDialog) -> int:
        d.post.setCurrentIndex(d.post.findData(station_post))
        d.duty.setCurrentIndex(d.duty.findData("post"))
        return 1

    monkeypatch.setattr(AssignDialog, "exec", post_there)
    row = next(i for i, r in enumerate(panel.model.rows) if r.officer_id == zhang.id)
    panel._assign_at(panel.model.index(row, 0))
    _settle(qtbot, chief_app)
    assert [e.post_id for e in panel.view.entries] == [station_post]
    assert not any(v.rule == "post_min" for v in panel.view.violations)


def test_planning_past_the_holiday_tables_says_so_at_once(qtbot, chief_app, monkeypatch):
    from PySide6.QtCore import QDate

    from precinct_console.ui.roster.planning import PlanShiftsDialog

    said: list[tuple[str, str]] = []
    monkeypatch.setattr(chief_app, "notify", lambda text, level="info": said.append((text, level)))
    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)

    def plan(d: PlanShiftsDialog) -> None:
        d.pattern.setCurrentIndex(d.pattern.findData("new:duty_24h"))
        d.name.setText("2027年值班")
        d.first.setDate(QDate(2027, 2, 1))
        d.last.setDate(QDate(2027, 2, 28))
        d.holiday_extra.setValue(3)
        d.accept()

    monkeypatch.setattr(PlanShiftsDialog, "exec", lambda d: (plan(d), d.result())[1])
    panel.plan_shifts()
    _settle(qtbot, chief_app)
    assert [level for _t, level in said] == ["warning"]
    assert "28 shift(s) planned" in said[0][0] and "2027" in said[0][0]


def test_the_plan_map_names_units_stacked_on_one_point_together(qtbot):
    from precinct_console.services.allocation import PlanDrawing
    from precinct_console.ui.allocation.minimap import PlanMap

    plan_map = PlanMap()
    qtbot.addWidget(plan_map)
    post = (116.40, 39.90)
    drawing = PlanDrawing(
        demand=((116.401, 39.901, 2.0),),
        candidates=(("post:1", "城关警务站", "post", *post), ("point:2", "火车站", "point", 116.41, 39.91)),
        assignments=({"unit_id": 1, "call_sign": "巡01", "lon": post[0], "lat": post[1]},
                     {"unit_id": 2, "call_sign": "巡02", "lon": post[0], "lat": post[1]},
                     {"unit_id": 3, "call_sign": "巡03", "lon": 116.41, "lat": 39.91}),
        local_hour=10, unit_kinds={1: "car", 2: "car", 3: "car"})
    plan_map.show_plan(drawing)
    assert sorted(t.toPlainText() for t in plan_map.labels) == ["巡01、巡02", "巡03"]


def test_the_plan_map_draws_the_police_districts_named_and_the_patrol_zones_under_the_plan(qtbot):
    from precinct_console.services.allocation import Outline

    square = ((116.38, 39.89), (116.42, 39.89), (116.42, 39.93), (116.38, 39.93), (116.38, 39.89))
    west = ((116.38, 39.89), (116.40, 39.89), (116.40, 39.93), (116.38, 39.89))
    drawing = PlanDrawing(
        demand=((116.39, 39.90, 2.0),),
        candidates=(("post:1", "警务站", "post", 116.39, 39.90),),
        assignments=({"unit_id": 1, "call_sign": "巡01", "lon": 116.39, "lat": 39.90},),
        local_hour=10, unit_kinds={1: "car"},
        outlines=(Outline("district", "城关警务区", (square,), (116.40, 39.91)),
                  Outline("zone", "西巡区", (west,), (116.39, 39.91))))
    plan_map = PlanMap()
    qtbot.addWidget(plan_map)
    plan_map.show_plan(drawing)
    xs, _ys = plan_map.districts.getData()
    assert len(xs) == 5 and xs.max() - xs.min() == pytest.approx(3_400, rel=0.02)  # 0.04° east at 39.9° N
    assert len(plan_map.zones.getData()[0]) == 4
    assert sorted(t.toPlainText() for t in plan_map.labels) == ["城关警务区", "巡01"]
    # The whole district is in view, not just the unit's rings.
    (x0, x1), _ = plan_map.viewRange()
    assert x0 <= xs.min() and x1 >= xs.max()
    plan_map.show_plan(None)
    assert plan_map.districts.getData()[0] is None or len(plan_map.districts.getData()[0]) == 0
    assert plan_map.labels == []


def test_the_plan_map_draws_each_timed_duty_from_its_unit_and_a_clash_in_red(qtbot):
    drawing = PlanDrawing(
        demand=((116.39, 39.90, 2.0),),
        candidates=(("post:1", "警务站", "post", 116.39, 39.90), ("zone:1", "巡区", "zone_centre", 116.40, 39.91)),
        assignments=({"unit_id": 1, "call_sign": "巡01", "lon": 116.39, "lat": 39.90},
                     {"unit_id": 2, "call_sign": "巡02", "lon": 116.40, "lat": 39.91}),
        local_hour=8, unit_kinds={1: "car", 2: "car"},
        duties=((116.392, 39.902, 1, False), (116.395, 39.905, 1, True)))
    plan_map = PlanMap()
    qtbot.addWidget(plan_map)
    plan_map.show_plan(drawing)
    spots = plan_map.duties.points()
    assert len(spots) == 2
    assert [s.brush().color().name() for s in spots] == [NEAR.name(), BREACH.name()]
    xs, _ys = plan_map.duty_lines.getData()
    ux, _uy = plan_map.units.getData()
    assert len(xs) == 4 and xs[0] == pytest.approx(ux[0]) and xs[2] == pytest.approx(ux[0])
    # The chief moves 巡01 in the table: the lines start where it now stands.
    plan_map.show_plan(drawing, override={1: (116.40, 39.91)})
    xs, _ys = plan_map.duty_lines.getData()
    assert xs[0] == pytest.approx(plan_map.units.getData()[0][0])
    assert xs[0] != pytest.approx(ux[0])


def test_timed_duties_follow_the_chiefs_edits_before_he_accepts(qtbot, chief_app, clock):
    """A school gate open for the shift's first half hour goes to the unit nearest it; move that
    unit far off and the other next to the gate in the table, and the duty passes to the other,
    in the list and on the map, before anything is saved."""
    ctx = chief_app.ctx
    start = (clock() + timedelta(hours=1)).astimezone(CHINA_TZ).replace(minute=0, second=0, microsecond=0)
    sh, u1, u2 = _two_crewed_units(ctx, start)
    gate = (116.392, 39.902)
    geometry.import_geometry(ctx, {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": list(gate)},
         "properties": {"layer": "patrol_point", "code": "PP1", "name": "学府路护学岗",
                        "window_start": f"{start:%H:%M}", "window_end": f"{start:%H}:30"}}]})
    panel = AllocationPanel(chief_app)
    qtbot.addWidget(panel)
    panel.resize(1400, 900)
    _settle(qtbot, chief_app)
    panel.shift_combo.setCurrentIndex(panel.shift_combo.findData(sh.id))
    panel.propose()
    _settle(qtbot, chief_app)
    [duty] = panel.plan.visits
    signs = {u1: "巡逻一车", u2: "巡逻二车"}
    assert f"→ {signs[duty.unit_id]}" in panel.duties.text()
    rows = {int(a["unit_id"]): r for r, a in enumerate(panel.plan.assignments)}
    by_distance = sorted(panel.drawing.candidates, key=lambda c: distance_m(c[3], c[4], *gate))
    other = u2 if duty.unit_id == u1 else u1
    panel.assign.cellWidget(rows[duty.unit_id], 1).setCurrentIndex(
        panel.assign.cellWidget(rows[duty.unit_id], 1).findData(by_distance[-1][0]))
    panel.assign.cellWidget(rows[other], 1).setCurrentIndex(
        panel.assign.cellWidget(rows[other], 1).findData(by_distance[0][0]))
    assert f"→ {signs[other]}" in panel.duties.text() and f"→ {signs[duty.unit_id]}" not in panel.duties.text()
    marks = panel.map.duties.points()
    assert len(marks) == 1
    xs, _ys = panel.map.duty_lines.getData()
    ux, _uy = panel.map.units.getData()
    assert xs[0] == pytest.approx(ux[rows[other]])  # the line starts at the other unit now
    assert panel.plan.status == "proposed"


def test_the_patrol_order_sheet_of_a_plan_is_previewed_and_saved_as_pdf(qtbot, chief_app, clock, tmp_path):
    ctx = chief_app.ctx
    sh, _u1, _u2 = _two_crewed_units(ctx, clock() + timedelta(hours=1))
    panel = AllocationPanel(chief_app)
    qtbot.addWidget(panel)
    panel.resize(1400, 900)
    _settle(qtbot, chief_app)
    assert not panel.sheet_btn.isEnabled()  # no plan chosen yet
    panel.shift_combo.setCurrentIndex(panel.shift_combo.findData(sh.id))
    panel.propose()
    _settle(qtbot, chief_app)
    assert panel.sheet_btn.isEnabled()
    dialog = panel.open_sheet()
    qtbot.waitUntil(lambda: dialog.sheet is not None, timeout=10000)
    text = dialog.preview.toPlainText()
    assert "巡逻勤务派班单" in text and "巡逻一车" in text and "张伟" in text and "李强" in text
    assert "not the shift's orders" in dialog.status.text()  # proposed, not yet accepted
    pdf = dialog.save(tmp_path / "orders.pdf")
    assert pdf is not None and pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 5000
    # A folder removed meanwhile: the seat is told which file and why, not "saved".
    gone = tmp_path / "removed" / "orders.pdf"
    notes: list[tuple[str, str]] = []
    chief_app.notified.connect(lambda text, level: notes.append((level, text)))
    assert dialog.save(gone) is None and not gone.exists()
    [(level, text)] = notes
    assert level == "error" and text.startswith(f"Could not save the patrol order sheet to {gone}: ")
    dialog.close()


def test_the_duty_seat_calls_the_roll_of_a_crew_on_its_timed_duty_by_key(qtbot, chief_app, clock, monkeypatch):
    """V: the crew called by radio is at its school gate; Shift+V: it is not. The board says
    what the roll call found, the check is recorded, and a crew not there raises the breach.
    A unit with no duty under way is told so, before anything is asked of the database."""
    from precinct_console.services.alerts import list_alerts

    ctx = chief_app.ctx
    start = (clock() + timedelta(hours=1)).astimezone(CHINA_TZ).replace(minute=0, second=0, microsecond=0)
    sh, u1, u2 = _two_crewed_units(ctx, start)
    geometry.import_geometry(ctx, {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [116.392, 39.902]},
         "properties": {"layer": "patrol_point", "code": "PP1", "name": "学府路护学岗",
                        "window_start": f"{start:%H:%M}", "window_end": f"{start:%H}:30"}}]})
    plan = allocation.propose_plan(ctx, shift_id=sh.id, time_limit=10)
    allocation.decide_plan(ctx, plan.id, plan.version, "accept")
    [duty] = plan.visits
    other = u2 if duty.unit_id == u1 else u1
    clock.now = start + timedelta(minutes=5)
    units, said = _unit_board(qtbot, chief_app, monkeypatch)
    units.table.setFocus()

    def cell(unit_id: int) -> str:
        return units.model.data(units.model.index(units.model.index_of(unit_id).row(), 6))

    units.table.setCurrentIndex(units.model.index_of(other))
    qtbot.keyClick(units.table, Qt.Key.Key_V)
    assert said[-1] == (f"{ {u1: '巡逻一车', u2: '巡逻二车'}[other]} has no timed duty under way", "warning")
    units.table.setCurrentIndex(units.model.index_of(duty.unit_id))
    qtbot.keyClick(units.table, Qt.Key.Key_V, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: said[-1][0].startswith(f"Roll call: {duty.call_sign} not at "), timeout=10000)
    qtbot.waitUntil(lambda: cell(duty.unit_id).startswith("✖ not at the duty (roll call "), timeout=10000)
    [breach] = list_alerts(ctx)
    assert (breach.unit_id, breach.address) == (duty.unit_id, "点名核实不在岗")
    clock.now = start + timedelta(minutes=9)
    qtbot.keyClick(units.table, Qt.Key.Key_V)
    qtbot.waitUntil(lambda: said[-1] == (f"Roll call: {duty.call_sign} at {duty.text()}", "info"),
                    timeout=10000)
    qtbot.waitUntil(lambda: cell(duty.unit_id).startswith("✔ at the duty since "), timeout=10000)
    assert "(late, roll call)" in cell(duty.unit_id)


def test_chief_plans_a_pattern_with_the_stations_own_shift_names_and_times(qtbot, chief_app, monkeypatch):
    """白班 08:00, 小夜班 16:00, 大夜班 00:00: the station's own shifts typed in the plan dialog are
    the shifts made (they could only be set in a pattern's stored definition)."""
    from PySide6.QtCore import QDate

    from precinct_console.ui.roster.planning import PlanShiftsDialog

    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)
    _settle(qtbot, chief_app)
    problems = []

    def fill(d):
        d.pattern.setCurrentIndex(d.pattern.findData("new:four_three"))
        assert d.shift_times.placeholderText() == "白班 08:30 8，中班 16:30 8，夜班 00:30 8"
        d.name.setText("巡逻四班三运转")
        d.first.setDate(QDate(2026, 12, 14))
        d.last.setDate(QDate(2026, 12, 14))
        for typed in ("白班 8点，小夜班 16:00 8，大夜班 00:00 8",  # no start time
                      "白班 08:00 12，夜班 20:00 12"):  # a 三班二运转's two shifts on 四班三运转
            d.shift_times.setText(typed)
            d.accept()
            problems.append((d.result(), d.error.text()))
        d.shift_times.setText("白班 08:00 8，小夜班 16:00-24:00，大夜班 00:00-08:00")
        assert not d.handover.isEnabled()  # the first shift's start is the handover

    monkeypatch.setattr(PlanShiftsDialog, "exec", _accepting(fill))
    panel.plan_shifts()
    _settle(qtbot, chief_app)
    assert problems == [
        (0, "Shifts: '白班 8点' is not a name, a start time and hours (e.g. 白班 08:00 8, or "
            "白班 08:00-16:00)"),
        (0, "Shifts: four teams on three shifts (四班三运转) has 3 shifts a day, 2 given")]
    view = roster.roster_view(chief_app.ctx, datetime(2026, 12, 14).date(), datetime(2026, 12, 15).date())
    assert [(s.name, s.starts_at.astimezone(CHINA_TZ).strftime("%d %H:%M"),
             s.ends_at.astimezone(CHINA_TZ).strftime("%d %H:%M")) for s in view.shifts] == [
        ("白班", "14 08:00", "14 16:00"), ("小夜班", "14 16:00", "15 00:00"),
        ("大夜班", "15 00:00", "15 08:00")]


def test_plan_dialog_shows_a_stored_patterns_own_shifts_and_post_minimums(qtbot, chief_app):
    from precinct_console.ui.roster.planning import PlanShiftsDialog

    ctx = chief_app.ctx
    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)
    _settle(qtbot, chief_app)
    post_id = panel.view.posts[0][0]
    roster.add_pattern(ctx, "驻站值班", "duty_24h", {
        "teams": ["一组", "二组", "三组"], "posts": {str(post_id): 2},
        "shifts": [{"name": "驻站白班", "start": "08:00", "hours": 12},
                   {"name": "驻站夜班", "start": "20:00", "hours": 12}]})
    d = PlanShiftsDialog(roster.list_patterns(ctx), datetime(2026, 12, 14).date(),
                         datetime(2026, 12, 20).date(), panel, posts=panel.view.posts)
    qtbot.addWidget(d)
    d.pattern.setCurrentIndex(0)
    assert d.shift_times.text() == "驻站白班 08:00 12，驻站夜班 20:00 12"
    assert d.post_min[post_id].value() == 2  # not "none": the post minimum the pattern asks for


def test_leave_recorded_by_mistake_is_cancelled_from_the_calendars_menu(qtbot, chief_app, clock):
    """Right-click a day of leave: Cancel takes it back (销假), the cell and the flag go."""
    *_, li = _week_with_problems(chief_app.ctx, clock)
    roster.add_absence(chief_app.ctx, li.id, "leave", datetime(2026, 11, 20, tzinfo=CHINA_TZ),
                       datetime(2026, 11, 22, tzinfo=CHINA_TZ), "年休假")
    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)
    panel.resize(1400, 800)
    _settle(qtbot, chief_app)
    row = next(i for i, r in enumerate(panel.model.rows) if "李强" in r.label)
    saturday = panel.model.days.index(datetime(2026, 11, 21).date())
    assert panel.model.index(row, saturday).data() == "年休假"
    menu = panel.context_menu(panel.model.index(row, saturday))
    cancel = [a for a in menu.actions() if a.text().startswith("Cancel:")]
    assert [a.text() for a in cancel] == ["Cancel: 休假 11-20 – 11-21 年休假"]
    cancel[0].trigger()
    _settle(qtbot, chief_app)
    assert not panel.model.index(row, saturday).data()
    assert not any("[leave/training]" in panel.problems.item(i).text()
                   for i in range(panel.problems.count()))
    assert roster.roster_view(chief_app.ctx, datetime(2026, 11, 16).date(),
                              datetime(2026, 11, 22).date()).absences == ()


def test_a_24_hour_duty_reads_with_its_end_date_in_the_assign_list_and_the_cells_tooltip(
        qtbot, chief_app):
    """值班 08:30–08:30 read as no time at all; the 24 hours end on the next day's date."""
    from precinct_console.ui.roster.model import ENTRY_ROLE
    from precinct_console.ui.roster.panel import AssignDialog

    ctx = chief_app.ctx
    start = datetime(2026, 12, 31, 8, 30, tzinfo=CHINA_TZ)
    duty = roster.add_shift(ctx, "值班", start, start + timedelta(hours=24))
    roster.add_shift(ctx, "白班", start, start + timedelta(hours=8))
    zhang = roster.add_officer(ctx, "031001", "张伟")
    roster.assign(ctx, duty.id, zhang.id)
    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)
    panel.first = start.date()
    panel.reload()
    _settle(qtbot, chief_app)
    assign = AssignDialog(panel.view, zhang.id, start.date(), panel)
    qtbot.addWidget(assign)
    assert sorted(assign.shift.itemText(i) for i in range(assign.shift.count())) == [
        "值班  08:30–01-01 08:30", "白班  08:30–16:30"]
    row = next(i for i, r in enumerate(panel.model.rows) if r.officer_id == zhang.id)
    cell = panel.model.index(row, panel.model.days.index(start.date()))
    assert cell.data(ENTRY_ROLE) and "值班 08:30–01-01 08:30" in cell.data(Qt.ItemDataRole.ToolTipRole)


def test_the_morning_re_plans_proposal_shows_the_chief_what_it_noted(qtbot, chief_app, clock, db):
    """The re-plan left 巡逻二车 out (its crew on leave). Its notes were only told to the seat that
    proposed, the scheduler, which has nobody at it: the chief opening the proposal read figures
    with no word of the car left out."""
    from precinct_console.jobs.replan import run_replan
    from precinct_console.services.accounts import system_actor
    from precinct_console.services.context import ServiceContext

    ctx = chief_app.ctx
    sh, _u1, _u2 = _two_crewed_units(ctx, clock() + timedelta(hours=1))
    li = next(o for o in roster.list_officers(ctx) if o.name == "李强")
    roster.add_absence(ctx, li.id, "leave", sh.starts_at, sh.ends_at)
    [plan] = run_replan(ServiceContext(db, system_actor("scheduler", ctx.station_id), clock),
                        time_limit=5)
    panel = AllocationPanel(chief_app)
    qtbot.addWidget(panel)
    _settle(qtbot, chief_app)
    panel.plans.selectRow(panel.model.position(plan.id))
    qtbot.waitUntil(lambda: panel.plan is not None and panel.plan.id == plan.id, timeout=10000)
    assert "巡逻二车 is left out: its whole crew is on leave, in training or off the roll (李强)" in \
        panel.figures.text()


def test_the_shift_list_offers_a_duty_still_running_from_yesterday_with_its_end_date(
        qtbot, chief_app, clock):
    """At 09:00 the 24-hour duty that began at 10:00 yesterday is still on: it was missing from
    the list (only shifts starting today or tomorrow were offered), so its crews could not be
    re-planned, and a 24-hour duty listed read '10:00–10:00'."""
    ctx = chief_app.ctx
    _day, car, _bike = _two_crewed_units(ctx, clock() - timedelta(hours=23))
    duty = roster.add_shift(ctx, "值班", clock() - timedelta(hours=23), clock() + timedelta(hours=1))
    zhang = next(o for o in roster.list_officers(ctx) if o.name == "张伟")
    roster.assign(ctx, duty.id, zhang.id, unit_id=car)
    over = roster.add_shift(ctx, "夜班", clock() - timedelta(hours=20), clock() - timedelta(hours=8))
    roster.assign(ctx, over.id, zhang.id, unit_id=car)
    panel = AllocationPanel(chief_app)
    qtbot.addWidget(panel)
    _settle(qtbot, chief_app)
    listed = [panel.shift_combo.itemText(i) for i in range(1, panel.shift_combo.count())]
    assert listed == ["值班 11-19 10:00–11-20 10:00"]  # the 白班 and 夜班 of yesterday are over


def test_the_roster_is_not_read_again_for_each_units_position_report(qtbot, chief_app, clock):
    """Units on the move report where they are every few seconds: the roster shows nothing of
    that, and reading it again for each kept the chief's seat busy all shift long."""
    _week_with_problems(chief_app.ctx, clock)
    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)
    _settle(qtbot, chief_app)
    reads = []
    panel.reload = lambda: reads.append(1)
    chief_app.changed.emit(Change((ChangeItem("unit", 1, "moved"),)))
    # Nor for its state (sent, on scene, free), its timed duty checked or its orders, as often.
    for action in ("status", "duty", "orders"):
        chief_app.changed.emit(Change((ChangeItem("unit", 1, action),)))
    assert reads == []
    chief_app.changed.emit(Change((ChangeItem("unit", 1, "updated"),)))  # renamed, retired...
    assert reads == [1]


def test_the_calendar_says_leave_training_and_rest_in_the_printed_rosters_words(
        qtbot, chief_app, clock):
    """The chief holds the printed 排班表 next to the screen: a week's cells read 年休假, 培训 and
    休 (a planned day with no shift) as the paper's do, a month's 假, 训 and 休; an officer
    never rostered and a day nobody planned stay blank, as on paper. The tooltip still names
    the leave's kind, days and note."""
    ctx = chief_app.ctx
    monday = datetime(2026, 11, 16, 8, 30, tzinfo=CHINA_TZ)
    shifts = [roster.add_shift(ctx, "白班", monday + timedelta(days=n), monday + timedelta(days=n, hours=8))
              for n in range(3)]
    zhang = roster.add_officer(ctx, "031001", "张伟")
    li = roster.add_officer(ctx, "031002", "李强")
    roster.add_officer(ctx, "031003", "王所长")  # never rostered
    roster.assign(ctx, shifts[0].id, zhang.id)
    roster.assign(ctx, shifts[0].id, li.id)
    roster.add_absence(ctx, zhang.id, "leave", datetime(2026, 11, 17, tzinfo=CHINA_TZ),
                       datetime(2026, 11, 18, tzinfo=CHINA_TZ), "年休假")
    roster.add_absence(ctx, li.id, "training", datetime(2026, 11, 17, tzinfo=CHINA_TZ),
                       datetime(2026, 11, 19, tzinfo=CHINA_TZ), "")
    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)
    panel.resize(1366, 768)
    _settle(qtbot, chief_app)

    def cells(name: str) -> list[str]:
        row = next(i for i, r in enumerate(panel.model.rows) if name in r.label)
        first = panel.model.days.index(datetime(2026, 11, 16).date())
        return [panel.model.index(row, first + n).data() or "" for n in range(5)]

    assert cells("张伟") == ["白", "年休假", "休", "", ""]
    assert cells("李强") == ["白", "培训", "培训", "", ""]
    assert cells("王所长") == ["", "", "", "", ""]
    row = next(i for i, r in enumerate(panel.model.rows) if "张伟" in r.label)
    tuesday = panel.model.days.index(datetime(2026, 11, 17).date())
    assert "休假 11-17 – 11-17 年休假" in panel.model.index(row, tuesday).data(Qt.ItemDataRole.ToolTipRole)
    panel.set_mode("month")
    _settle(qtbot, chief_app)
    assert cells("张伟") == ["白", "假", "休", "", ""]
    assert cells("李强") == ["白", "训", "训", "", ""]


def test_a_new_stations_own_team_names_are_offered_and_a_team_nobody_is_in_is_named(
        qtbot, chief_app, monkeypatch):
    """A station set up from its 花名册 calls its teams 一组…四组: 四班三运转's usual 甲乙丙丁 put
    nobody on a month of shifts, and the calendar only said afterwards that every shift was short."""
    from PySide6.QtCore import QDate

    from precinct_console.ui.roster.planning import PlanShiftsDialog

    ctx = chief_app.ctx
    for i, team in enumerate(["一组", "二组", "三组", "四组"]):
        roster.add_officer(ctx, f"03101{i}", f"民警{i}", team=team)
    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)
    _settle(qtbot, chief_app)
    seen = {}

    def fill(d):
        d.pattern.setCurrentIndex(d.pattern.findData("new:four_three"))
        seen["offered"] = d.teams.text()
        d.teams.setText("甲，乙，丙，丁")
        seen["warning"] = d.load_warnings
        d.with_teams.setChecked(False)  # shifts only, nobody put on: nothing to warn of
        seen["unchecked"] = d.load_warnings
        d.with_teams.setChecked(True)
        d.teams.setText(seen["offered"])
        d.name.setText("四班三运转")
        d.first.setDate(QDate(2026, 12, 7))
        d.last.setDate(QDate(2026, 12, 7))

    monkeypatch.setattr(PlanShiftsDialog, "exec", _accepting(fill))
    panel.plan_shifts()
    _settle(qtbot, chief_app)
    assert seen["offered"] == "一组，二组，三组，四组"
    assert seen["warning"] == ["Nobody on the roll is in 甲、乙、丙、丁: their shifts would be planned "
                               "with no one on them (the roll's teams: 一组、二组、三组、四组)"]
    assert seen["unchecked"] == []
    view = roster.roster_view(ctx, datetime(2026, 12, 7).date(), datetime(2026, 12, 7).date())
    assert all(view.entries_of(s.id) for s in view.shifts)  # every shift has its team on it


def test_a_new_stations_empty_calendar_says_to_put_the_staff_on_the_roll_first(qtbot, chief_app):
    """With nobody on the roll the calendar said '✓ No rule violations in this period', and
    nothing of where a new station begins."""
    panel = RosterPanel(chief_app)
    qtbot.addWidget(panel)
    _settle(qtbot, chief_app)
    assert panel.summary.text().startswith("Nobody is on the roll yet: import the station's 花名册")
    roster.add_officer(chief_app.ctx, "031001", "张伟")
    panel.reload()
    _settle(qtbot, chief_app)
    assert panel.summary.text() == "✓ No rule violations in this period"
