"""Roster patterns as a station works them: team order, standby duty, copying a rotating week,
rule thresholds the chief sets."""

from __future__ import annotations

from datetime import date, timedelta

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


def test_copying_a_week_of_an_eight_day_rotation_is_refused_and_copies_nothing(db, chief):
    """四班三运转 repeats every 8 days: a week copied 7 or 14 days on puts the wrong teams on."""
    from precinct_console.domain.errors import ValidationError
    from precinct_console.ui.error_text import message_text

    for i, team in enumerate("甲乙丙丁"):
        roster.add_officer(chief, f"00{i}", f"民警{i}", team=team)
    pid = roster.add_pattern(chief, "四班三运转", "four_three", {"anchor": "2026-12-07"})
    made = roster.make_shifts(chief, pid, date(2026, 12, 7), date(2026, 12, 13), with_teams=True)
    for weeks in (1, 2):
        to = date(2026, 12, 7 + 7 * weeks)
        with pytest.raises(ValidationError, match=r"pattern 四班三运转 rotates every 8 days.*"
                                                  r"Nothing was copied; plan the week of 12-\d\d"):
            roster.copy_week(chief, date(2026, 12, 7), to)
        # Nothing made: only the source week's shifts (its last night runs into Monday).
        assert {x.id for x in roster.roster_view(chief, to, to + timedelta(days=6)).shifts} <= \
            {x.id for x in made}
    with pytest.raises(ValidationError) as refused:
        roster.copy_week(chief, date(2026, 12, 7), date(2026, 12, 21))
    assert "不按整周轮转" in message_text(str(refused.value), "zh_CN")


def test_a_rotation_that_repeats_by_whole_weeks_still_copies(db, chief):
    """Seven 24-hour teams come round every 7 days: the copied week has the rotation's teams."""
    teams = [f"{n}组" for n in "一二三四五六七"]
    for i, team in enumerate(teams):
        roster.add_officer(chief, f"00{i}", f"民警{i}", team=team)
    pid = roster.add_pattern(chief, "值班", "duty_24h", {"teams": teams, "anchor": "2026-12-07"})
    roster.make_shifts(chief, pid, date(2026, 12, 7), date(2026, 12, 13), with_teams=True)
    copied = roster.copy_week(chief, date(2026, 12, 7), date(2026, 12, 14))
    assert len(copied.made) == 7 and not copied.left_off
    # The pattern finds the copied shifts as its own and makes nothing twice.
    assert roster.make_shifts(chief, pid, date(2026, 12, 14), date(2026, 12, 20)) == []


def test_the_chief_sets_the_rest_and_weekly_hours_limits_the_roster_is_checked_against(
        db, chief, make_ctx):
    """24-hour duty with 3 teams is 63.5 h every third week: over 60, within a station's 72."""
    from precinct_console.domain.errors import PermissionDenied, ValidationError

    for i, team in enumerate(("一组", "二组", "三组")):
        roster.add_officer(chief, f"00{i}", f"民警{i}", team=team)
    pid = roster.add_pattern(chief, "值班", "duty_24h", {"anchor": "2026-12-07"})
    roster.make_shifts(chief, pid, date(2026, 12, 7), date(2026, 12, 27), with_teams=True)
    first, last = date(2026, 12, 7), date(2026, 12, 27)
    assert roster.get_roster_rules(chief).max_hours_per_week == 60  # today's default
    assert {v.rule for v in roster.roster_view(chief, first, last).violations} == {"max_hours"}
    rules = roster.set_roster_rules(chief, min_rest_hours=12, max_hours_per_week=72)
    assert (rules.min_rest_hours, rules.max_hours_per_week) == (12, 72)
    view = roster.roster_view(chief, first, last)
    assert not view.violations and view.rules.max_hours_per_week == 72
    assert roster.get_roster_rules(make_ctx(Role.DUTY_OFFICER)).max_hours_per_week == 72
    with pytest.raises(ValidationError, match="1 to 168"):
        roster.set_roster_rules(chief, min_rest_hours=8, max_hours_per_week=0)
    with pytest.raises(PermissionDenied):
        roster.set_roster_rules(make_ctx(Role.DUTY_OFFICER), min_rest_hours=8, max_hours_per_week=60)



@pytest.mark.parametrize(("teams", "min_rest", "warned", "busiest", "rest"), [
    (("一组", "二组", "三组"), 8, ("max_hours",), 63.5, 48),
    (("一组", "二组"), 30, ("rest", "max_hours"), 87.5, 24),  # a station wanting 30 h off
])
def test_a_pattern_planned_despite_its_warning_breaks_the_rules_it_was_warned_of(
        db, chief, teams, min_rest, warned, busiest, rest):
    """What the plan dialog works out from a stored pattern and the station's limits is what the
    calendar names once its teams are on its shifts: the same rules and figures."""
    from precinct_console.domain.roster_rules import pattern_load

    for i, team in enumerate(teams):
        roster.add_officer(chief, f"00{i}", f"民警{i}", team=team)
    roster.set_roster_rules(chief, min_rest_hours=min_rest, max_hours_per_week=60)
    pid, _ = roster.add_pattern_with_shifts(chief, "值班", "duty_24h",
                                            {"anchor": "2026-12-07", "teams": list(teams)},
                                            date(2026, 12, 7), date(2027, 1, 3), with_teams=True)
    (stored,) = roster.list_patterns(chief)
    assert stored.id == pid and stored.pattern.teams == teams
    load = pattern_load(stored.pattern)
    assert load.broken(roster.get_roster_rules(chief)) == warned
    assert (load.busiest_week_hours, load.least_rested.shortest_rest_hours) == (busiest, rest)
    view = roster.roster_view(chief, date(2026, 12, 7), date(2027, 1, 3))
    assert {v.rule for v in view.violations} == set(warned)
    assert any(f"{busiest:g} h in the week" in v.message for v in view.violations
               if v.rule == "max_hours")
    assert all(f"only {rest:.1f} h of rest" in v.message for v in view.violations if v.rule == "rest")


def test_a_week_copied_onto_the_national_day_week_gets_the_holidays_extra_staff(db, chief):
    """A pattern asks 3 on duty, 2 more on public holidays. Copied onto the week of 1 October, the
    holiday shifts the copy makes need 5, and an ordinary week copied from it needs 3 again."""
    roster.add_officer(chief, "001", "民警001", team="一组")
    pid = roster.add_pattern(chief, "值班", "duty_24h", {"teams": ["一组"], "min_staff": 3,
                                                        "holiday_extra_staff": 2})
    roster.make_shifts(chief, pid, date(2026, 9, 21), date(2026, 9, 27), with_teams=True)
    roster.copy_week(chief, date(2026, 9, 21), date(2026, 9, 28))
    roster.copy_week(chief, date(2026, 9, 28), date(2026, 10, 5))
    view = roster.roster_view(chief, date(2026, 9, 28), date(2026, 10, 11))
    need = {s.starts_at.date().isoformat(): s.min_staff for s in view.shifts}
    assert need == {"2026-09-28": 3, "2026-09-29": 3, "2026-09-30": 3, "2026-10-01": 5,
                    "2026-10-02": 5, "2026-10-03": 5, "2026-10-04": 5, "2026-10-05": 5,
                    "2026-10-06": 5, "2026-10-07": 5, "2026-10-08": 3, "2026-10-09": 3,
                    "2026-10-10": 3, "2026-10-11": 3}
    # As the pattern itself makes them: nothing new to plan there.
    assert roster.make_shifts(chief, pid, date(2026, 9, 28), date(2026, 10, 11)) == []


def test_a_week_over_the_limit_across_new_year_shows_in_the_month_views_on_both_sides(db, chief):
    """24-hour duty on three teams: 一组 is on Mon 28 and Thu 31 December and Sun 3 January, 63.5 h
    in the week of 28 December (the last 8.5 h in the next week). December's month view showed
    no violation (the week's last shift is in January) and told the chief the month was clean."""
    for i, team in enumerate(("一组", "二组", "三组")):
        roster.add_officer(chief, f"00{i}", f"民警{i}", team=team)
    pid = roster.add_pattern(chief, "值班", "duty_24h", {"anchor": "2026-12-07"})
    roster.make_shifts(chief, pid, date(2026, 12, 14), date(2027, 1, 10), with_teams=True)
    want = ("民警0（000） is rostered 63.5 h in the week of 2026-12-28 (at most 60 h); last shift "
            "值班 01-03 08:30–01-04 08:30")
    for first, last in ((date(2026, 12, 28), date(2027, 1, 3)), (date(2027, 1, 1), date(2027, 1, 31)),
                        (date(2026, 12, 1), date(2026, 12, 31))):
        view = roster.roster_view(chief, first, last)
        [over] = [v for v in view.violations if v.rule == "max_hours" and "2026-12-28" in v.message]
        assert over.message == want
        # Picking it in the list goes to one of the week's shifts shown.
        assert over.shift_id in {s.id for s in view.shifts}


def test_shifts_planned_before_the_holiday_tables_covered_their_days_ask_the_holidays_staff_once_they_do(
        db, chief, monkeypatch):
    """February 2027 planned while the tables stopped at 2026: the Spring Festival days were
    planned as ordinary ones (the roster said so). Once the console is updated with 2027's
    tables, those shifts need the holiday's extra hands; they went on asking an ordinary day's."""
    from precinct_console.domain import shifts as shifts_module
    from precinct_console.domain.holidays import CalendarDay, DayKind, calendar_day

    roster.add_officer(chief, "001", "民警001", team="一组")
    pid = roster.add_pattern(chief, "值班", "duty_24h", {"teams": ["一组"], "min_staff": 1,
                                                        "holiday_extra_staff": 2})
    roster.make_shifts(chief, pid, date(2027, 2, 5), date(2027, 2, 9), with_teams=True)
    assert not [v for v in roster.roster_view(chief, date(2027, 2, 5), date(2027, 2, 9)).violations
                if v.rule == "min_staff"]

    def updated(day: date) -> CalendarDay:  # the tables of a later chinesecalendar release
        if date(2027, 2, 6) <= day <= date(2027, 2, 12):
            return CalendarDay(day, DayKind.HOLIDAY, "Spring Festival")
        return calendar_day(day)

    monkeypatch.setattr(shifts_module, "calendar_day", updated)
    view = roster.roster_view(chief, date(2027, 2, 5), date(2027, 2, 9))
    assert [s.min_staff for s in view.shifts] == [1, 3, 3, 3, 3]
    assert [v.message for v in view.violations if v.rule == "min_staff"] == [
        f"值班 02-{d:02d} 08:30–02-{d + 1:02d} 08:30: 1 officer(s) on duty, the shift needs at least 3"
        for d in (6, 7, 8, 9)]
