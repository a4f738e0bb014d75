"""The roster panel's month view writes each day as the printed 排班表 does (白/夜, 值, 白备) and
says what its marks mean in a legend; the week view, which writes its cells out, has none."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from precinct_console.config import Settings
from precinct_console.domain.clock import CHINA_TZ
from precinct_console.domain.permissions import Role
from precinct_console.services import roster
from precinct_console.services.ledgers.roster import _Grid
from precinct_console.ui.context import AppContext
from precinct_console.ui.roster.panel import RosterPanel


@pytest.fixture
def chief_app(make_ctx):
    app = AppContext(make_ctx(Role.STATION_CHIEF), Settings())
    yield app
    app.runner.wait(20000)


def _settle(qtbot, app) -> None:
    for _ in range(4):
        app.runner.wait(20000)
        qtbot.wait(20)


def _at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=CHINA_TZ)


def _week_of_marks(ctx) -> tuple[int, int]:
    """张伟: Mon 白班, Tue 24-hour 值班 at the desk, Wed 所部备勤（白） on standby, Thu 白班 and
    夜班, Fri on leave; 李强 on the Monday's 白班 only."""
    zhang = roster.add_officer(ctx, "031001", "张伟")
    li = roster.add_officer(ctx, "031002", "李强")
    monday = roster.add_shift(ctx, "白班", _at(16, 8, 30), _at(16, 17, 30))
    duty = roster.add_shift(ctx, "值班", _at(17, 8, 30), _at(18, 8, 30))
    standby = roster.add_shift(ctx, "所部备勤（白）", _at(18, 8, 30), _at(18, 17, 30))
    thursday = roster.add_shift(ctx, "白班", _at(19, 8, 0), _at(19, 12, 0))
    night = roster.add_shift(ctx, "夜班", _at(19, 20, 0), _at(19, 23, 59))
    roster.assign(ctx, monday.id, zhang.id)
    roster.assign(ctx, monday.id, li.id)
    roster.assign(ctx, duty.id, zhang.id, duty="desk")
    roster.assign(ctx, standby.id, zhang.id, duty="standby")
    roster.assign(ctx, thursday.id, zhang.id)
    roster.assign(ctx, night.id, zhang.id)
    roster.add_absence(ctx, zhang.id, "leave", _at(20, 0), _at(21, 0), "年休假")
    return zhang.id, li.id


def _month_panel(qtbot, app) -> RosterPanel:
    panel = RosterPanel(app)
    qtbot.addWidget(panel)
    panel.resize(1366, 768)
    _settle(qtbot, app)
    panel.first = date(2026, 11, 16)
    panel.set_mode("month")
    _settle(qtbot, app)
    assert panel.model.columnCount() == 30
    return panel


def _cells(panel: RosterPanel, officer_id: int, first: date, n: int) -> list[str]:
    row = next(i for i, r in enumerate(panel.model.rows) if r.officer_id == officer_id)
    col = panel.model.days.index(first)
    # The ▲ of a rule broken that day (rest after the 24-hour duty) is the screen's own.
    return [(panel.model.index(row, col + k).data() or "").removeprefix("▲ ") for k in range(n)]


def test_the_month_view_writes_each_day_as_the_printed_roster_does(qtbot, chief_app):
    ctx = chief_app.ctx
    zhang, _li = _week_of_marks(ctx)
    panel = _month_panel(qtbot, chief_app)
    shown = _cells(panel, zhang, date(2026, 11, 16), 6)
    assert shown[:5] == ["白", "值", "白备", "白/夜", "假"]  # not 值台, 所备 or "白 夜"
    # The paper's month, cell for cell.
    paper = _Grid(roster.roster_view(ctx, date(2026, 11, 1), date(2026, 11, 30)), month=True)
    days = [date(2026, 11, 16) + timedelta(days=k) for k in range(6)]
    assert shown == [paper.cell(zhang, d) for d in days]


def test_the_month_view_has_a_legend_of_the_marks_it_shows(qtbot, chief_app):
    _week_of_marks(chief_app.ctx)
    panel = _month_panel(qtbot, chief_app)
    assert panel.legend.isVisibleTo(panel)
    assert panel.legend.text() == ("Marks: 白 = 所部备勤（白）、白班 · 夜 = 夜班 · 值 = 值班 · 备 = standby · "
                                   "假 = leave · 休 = rest day")
    # One line of a 1366-pixel window.
    assert panel.legend.sizeHint().width() < 1366 - 40
    panel.set_mode("week")
    _settle(qtbot, chief_app)
    assert not panel.legend.isVisibleTo(panel)  # a week's cells say it in words


def test_the_chinese_legend_is_the_printed_rosters_own(qtbot, zh_cn, chief_app):
    ctx = chief_app.ctx
    _week_of_marks(ctx)
    panel = _month_panel(qtbot, chief_app)
    paper = _Grid(roster.roster_view(ctx, date(2026, 11, 1), date(2026, 11, 30)), month=True)
    for officer in paper.officers():
        for d in paper.days:
            paper.cell(officer.id, d)  # fills the paper's marks
    assert panel.legend.text() == paper.legend()
    assert panel.legend.text() == "图例：白＝所部备勤（白）、白班　夜＝夜班　值＝值班　备＝备勤　假＝休假　休＝休息"
