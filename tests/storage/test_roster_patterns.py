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
