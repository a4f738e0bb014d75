"""The allocation panel as the chief reads a plan: the list's columns fit the plans it gains,
an edited point's kind and figures follow the edit before he accepts, shifts are named cleanly."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from precinct_console.config import Settings
from precinct_console.domain.permissions import Role
from precinct_console.services import roster, unit_roll
from precinct_console.ui.allocation.panel import AllocationPanel
from precinct_console.ui.context import AppContext
from precinct_console.ui.labels import point_kind


@pytest.fixture
def chief_app(make_ctx, allocation_town):
    allocation_town()
    app = AppContext(make_ctx(Role.STATION_CHIEF), Settings())
    yield app
    app.runner.wait(20000)


def _settle(qtbot, app):
    for _ in range(4):
        app.runner.wait(20000)
        qtbot.wait(20)


def _shift(ctx, clock, name: str, team: str = "", n: int = 2, first: int = 1) -> int:
    """A shift starting in an hour with n crewed cars (巡0<first>…)."""
    start = clock() + timedelta(hours=1)
    sh = roster.add_shift(ctx, name, start, start + timedelta(hours=8), team=team)
    for i in range(first, first + n):
        uid = unit_roll.add_unit(ctx, f"巡0{i}", "car", 116.39 + 0.003 * i, 39.90)
        o = roster.add_officer(ctx, f"03100{i}", f"民警{i}")
        roster.assign(ctx, sh.id, o.id, unit_id=uid)
    return sh.id


def _panel(qtbot, app) -> AllocationPanel:
    panel = AllocationPanel(app)
    qtbot.addWidget(panel)
    panel.resize(1600, 1000)
    panel.show()
    _settle(qtbot, app)
    panel.limit.setValue(5)
    return panel


def _propose(qtbot, panel, app, shift_id):
    panel.shift_combo.setCurrentIndex(panel.shift_combo.findData(shift_id))
    _settle(qtbot, app)
    qtbot.mouseClick(panel.propose_btn, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(panel.propose_btn.isEnabled, timeout=60000)
    _settle(qtbot, app)


def test_the_plan_lists_columns_widen_for_a_new_plans_longer_words(qtbot, chief_app, clock):
    day = _shift(chief_app.ctx, clock, "白班")
    panel = _panel(qtbot, chief_app)
    _propose(qtbot, panel, chief_app, day)
    standby = _shift(chief_app.ctx, clock, "所部备勤（白班加强）", first=3)
    _settle(qtbot, chief_app)
    _propose(qtbot, panel, chief_app, standby)
    assert panel.model.rowCount() == 2
    for c in range(panel.model.columnCount() - 1):  # the last column stretches
        assert panel.plans.columnWidth(c) >= panel.plans.sizeHintForColumn(c), c


def test_an_edit_shows_its_points_kind_and_the_figures_it_would_have_before_accepting(
        qtbot, chief_app, clock):
    day = _shift(chief_app.ctx, clock, "白班", n=3)
    panel = _panel(qtbot, chief_app)
    _propose(qtbot, panel, chief_app, day)
    proposed = panel.plan
    assert proposed is not None and not panel.edit_figures.isVisible()
    kinds = {c[0]: c[2] for c in panel.drawing.candidates}
    combo = panel.assign.cellWidget(0, 1)
    taken = {a["point_key"] for a in proposed.assignments}
    other = next(i for i in range(combo.count()) if combo.itemData(i) not in taken
                 and kinds[combo.itemData(i)] != kinds[combo.currentData()])
    combo.setCurrentIndex(other)
    _settle(qtbot, chief_app)
    # The kind column follows the point chosen, not the proposal's.
    assert panel.assign.cellWidget(0, 2).text() == point_kind(kinds[combo.itemData(other)])
    # The figures the edit would give, as accepting stores them, next to the proposal's.
    text = panel.edit_figures.text()
    assert panel.edit_figures.isVisible() and "With your edits" in text
    assert f"(proposed {proposed.once_share:.1%})" in text
    panel.decide("accept")
    _settle(qtbot, chief_app)
    assert panel.plan.status == "accepted"
    assert f"<b>{panel.plan.once_share:.1%}</b> within 3 minutes" in text
    assert not panel.edit_figures.isVisible()  # the accepted plan's own figures say it now


def test_an_edit_stacking_units_on_a_point_is_refused_before_the_chief_accepts(qtbot, chief_app, clock):
    day = _shift(chief_app.ctx, clock, "白班", n=3)
    panel = _panel(qtbot, chief_app)
    _propose(qtbot, panel, chief_app, day)
    first = panel.assign.cellWidget(0, 1)
    second = panel.assign.cellWidget(1, 1)
    one_car = next(i for i in range(first.count()) if not first.itemData(i).startswith("post:"))
    first.setCurrentIndex(one_car)
    second.setCurrentIndex(one_car)
    _settle(qtbot, chief_app)
    assert "✖" in panel.edit_figures.text() and "holds at most 1" in panel.edit_figures.text()
    second.setCurrentIndex(second.findData(panel.plan.assignments[1]["point_key"]))
    first.setCurrentIndex(first.findData(panel.plan.assignments[0]["point_key"]))
    _settle(qtbot, chief_app)
    assert not panel.edit_figures.isVisible()



def test_a_plan_proposed_here_heads_the_list_as_the_newest_does_when_it_opens(qtbot, chief_app, clock):
    day = _shift(chief_app.ctx, clock, "白班")
    panel = _panel(qtbot, chief_app)
    _propose(qtbot, panel, chief_app, day)
    _propose(qtbot, panel, chief_app, day)
    newest = max(panel.model.all_ids())
    assert panel.model.id_at(0) == newest  # not at the bottom, below the older plan
    assert panel.plan is not None and panel.plan.id == newest
    again = _panel(qtbot, chief_app)
    assert [again.model.id_at(r) for r in range(2)] == [panel.model.id_at(r) for r in range(2)]


def test_the_shift_list_names_a_shift_without_a_team_with_no_gap(qtbot, chief_app, clock):
    standby = _shift(chief_app.ctx, clock, "所部备勤（白）")
    day = _shift(chief_app.ctx, clock, "白班", team="一组", first=3)
    panel = _panel(qtbot, chief_app)
    combo = panel.shift_combo
    texts = {combo.itemData(i): combo.itemText(i) for i in range(combo.count())}
    assert texts[standby].startswith("所部备勤（白） ") and "  " not in texts[standby]
    assert texts[day].startswith("白班 一组 ")


def test_the_chiefs_note_given_as_he_accepts_is_shown_with_the_plan_as_typed(qtbot, chief_app, clock):
    day = _shift(chief_app.ctx, clock, "白班")
    panel = _panel(qtbot, chief_app)
    _propose(qtbot, panel, chief_app, day)
    panel.note.setText("夜市<收摊>后加强巡逻")
    panel.decide("accept")
    _settle(qtbot, chief_app)
    assert panel.plan.status == "accepted"
    assert "Note: 夜市&lt;收摊&gt;后加强巡逻" in panel.figures.text()
