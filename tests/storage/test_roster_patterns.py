"""Roster patterns as a station works them: team order, standby duty, copying a rotating week,
rule thresholds the chief sets."""

from __future__ import annotations

from datetime import date

import pytest

from precinct_console.domain.permissions import Role
from precinct_console.services import roster


@pytest.fixture
def chief(make_ctx):
    return make_ctx(Role.STATION_CHIEF)


def test_the_calendar_lists_teams_in_their_natural_order(db, chief):
    for badge, team in (("001", "一组"), ("002", "三组"), ("003", "二组"), ("004", "四组"),
                        ("005", "丁"), ("006", "甲"), ("007", "丙"), ("008", "乙")):
        roster.add_officer(chief, badge, f"民警{badge}", team=team)
    teams = [o.team for o in roster.roster_view(chief, date(2026, 12, 7), date(2026, 12, 13)).officers]
    assert teams == ["一组", "二组", "三组", "四组", "甲", "乙", "丙", "丁"]
    assert [o.team for o in roster.list_officers(chief)] == teams


def test_a_standby_team_put_on_its_shifts_is_on_standby_not_patrol(db, chief):
    for badge, team in (("001", "备勤一组"), ("002", "备勤二组"), ("003", "一组"), ("004", "二组")):
        roster.add_officer(chief, badge, f"民警{badge}", team=team)
    standby = roster.add_pattern(chief, "备勤", "standby", {"teams": ["备勤一组", "备勤二组"]})
    duty = roster.add_pattern(chief, "值班", "duty_24h", {"teams": ["一组", "二组"]})
    roster.make_shifts(chief, standby, date(2026, 12, 7), date(2026, 12, 8), with_teams=True)
    roster.make_shifts(chief, duty, date(2026, 12, 7), date(2026, 12, 8), with_teams=True)
    view = roster.roster_view(chief, date(2026, 12, 7), date(2026, 12, 8))
    pattern_of = {s.id: s.pattern_id for s in view.shifts}
    duties = {(pattern_of[e.shift_id], e.duty) for e in view.entries}
    assert duties == {(standby, "standby"), (duty, "patrol")}
    assert len(view.entries) == 4
