"""Roster rules: each violation names the officer, the shift and the rule broken."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import pairwise

import pytest

from precinct_console.domain.clock import CHINA_TZ
from precinct_console.domain.errors import ValidationError
from precinct_console.domain.holidays import DayKind, calendar_day
from precinct_console.domain.roster_rules import (
    AbsenceRef,
    EntryRef,
    OfficerRef,
    RosterSnapshot,
    RuleSet,
    ShiftRef,
    UnitRef,
    check_roster,
    pattern_load,
)
from precinct_console.domain.shifts import PatternDef, generate_shifts


def _t(day: int, hour: int, minute: int = 30) -> datetime:
    return datetime(2026, 11, day, hour, minute, tzinfo=CHINA_TZ)


ZHANG = OfficerRef(1, "张伟", "031001")
LI = OfficerRef(2, "李强", "031002")
AUX = OfficerRef(3, "王芳", "F0301", kind="auxiliary")
DAY = ShiftRef(10, "白班", _t(20, 8), _t(20, 16), min_staff=1)
MID = ShiftRef(11, "中班", _t(20, 16), _t(21, 0))
NEXT_DAY = ShiftRef(12, "白班", _t(21, 8), _t(21, 16))


def _rules(snap: RosterSnapshot, **kw) -> list:
    return check_roster(snap, RuleSet(**kw))


def test_understaffed_shift_names_shift_and_numbers():
    shift = ShiftRef(10, "白班", _t(20, 8), _t(20, 16), min_staff=3)
    v = _rules(RosterSnapshot((shift,), (EntryRef(1, 10, 1),), (ZHANG,)))
    assert [x.rule for x in v] == ["min_staff"]
    assert v[0].message == "白班 11-20 08:30–16:30: 1 officer(s) on duty, the shift needs at least 3"


def test_post_minimum_names_the_post():
    shift = ShiftRef(10, "白班", _t(20, 8), _t(20, 16), post_min=((7, 2),))
    snap = RosterSnapshot((shift,), (EntryRef(1, 10, 1, duty="post", post_id=7),), (ZHANG,),
                          post_names=((7, "火车站警务站"),))
    v = _rules(snap)
    assert v[0].rule == "post_min" and "火车站警务站 has 1 officer(s), it needs at least 2" in v[0].message


def test_officer_in_two_places_at_once():
    overlap = ShiftRef(13, "备勤", _t(20, 12), _t(20, 20))
    snap = RosterSnapshot((DAY, overlap), (EntryRef(1, 10, 1), EntryRef(2, 13, 1)), (ZHANG,))
    v = [x for x in _rules(snap, min_rest_hours=0) if x.rule == "double_booked"]
    assert v[0].officer_id == 1
    assert v[0].message == ("张伟（031001） is on 白班 11-20 08:30–16:30 and "
                            "备勤 11-20 12:30–20:30 at the same time")


def test_too_little_rest_between_shifts():
    snap = RosterSnapshot((DAY, MID), (EntryRef(1, 10, 2), EntryRef(2, 11, 2)), (LI,))
    v = [x for x in _rules(snap) if x.rule == "rest"]
    assert v[0].message == ("李强（031002） has only 0.0 h of rest between 白班 11-20 08:30–16:30 "
                            "and 中班 11-20 16:30–11-21 00:30 (at least 8 h)")
    # 16 hours off before the next day shift is enough.
    ok = RosterSnapshot((DAY, NEXT_DAY), (EntryRef(1, 10, 2), EntryRef(2, 12, 2)), (LI,))
    assert not [x for x in _rules(ok) if x.rule == "rest"]


def test_weekly_hours_over_the_limit():
    shifts = tuple(ShiftRef(100 + d, "值班", _t(16 + d, 8), _t(17 + d, 8)) for d in range(3))
    entries = tuple(EntryRef(d, 100 + d, 1) for d in range(3))
    v = [x for x in _rules(RosterSnapshot(shifts, entries, (ZHANG,)), min_rest_hours=0)
         if x.rule == "max_hours"]
    assert len(v) == 1
    assert v[0].message.startswith("张伟（031001） is rostered 72 h in the week of 2026-11-16 (at most 60 h)")


def test_leave_and_training_conflicts():
    leave = AbsenceRef(1, "leave", _t(19, 0, 0), _t(23, 0, 0), "年休假")
    snap = RosterSnapshot((DAY,), (EntryRef(5, 10, 1),), (ZHANG,), absences=(leave,))
    v = [x for x in _rules(snap) if x.rule == "absence"]
    assert v[0].message == ("张伟（031001） is on leave (年休假) 11-19 00:00–11-23 00:00 but "
                            "rostered on 白班 11-20 08:30–16:30")
    # An entry that is itself leave is not work and breaks nothing.
    ok = RosterSnapshot((DAY,), (EntryRef(5, 10, 1, duty="leave"),), (ZHANG,), absences=(leave,))
    assert [x.rule for x in _rules(ok)] == ["min_staff"]


def test_unit_crew_needs_a_police_officer_and_fits_the_seats():
    unit = UnitRef(4, "巡逻一车", seats=1)
    snap = RosterSnapshot((DAY,), (EntryRef(1, 10, 3, unit_id=4), EntryRef(2, 10, 3 + 0, unit_id=4)),
                          (AUX,), units=(unit,))
    msgs = [x.message for x in _rules(snap) if x.rule == "unit_crew"]
    assert any("巡逻一车 has no police officer" in m for m in msgs)
    assert any("巡逻一车 has 2 crew for 1 seats" in m for m in msgs)


def test_a_patrol_crew_in_a_standby_car_is_named_and_a_standby_crew_is_not():
    car = UnitRef(4, "巡02", 4, "car", standby=True)
    driver = OfficerRef(1, "张伟", "031001", licences=("C1",))
    patrol = RosterSnapshot((DAY,), (EntryRef(1, 10, 1, unit_id=4), EntryRef(2, 10, 2, unit_id=4)),
                            (driver, LI), units=(car,))
    v = [x for x in _rules(patrol) if x.rule == "unit_crew"]
    assert [x.message for x in v] == [
        "白班 11-20 08:30–16:30: unit 巡02 is a standby car (备勤车): kept for standby, not patrol"]
    assert v[0].entry_ids == (1, 2)
    standby = RosterSnapshot((DAY,), (EntryRef(1, 10, 1, "standby", unit_id=4),
                                      EntryRef(2, 10, 2, "standby", unit_id=4)),
                             (driver, LI), units=(car,))
    assert not [x for x in _rules(standby) if x.rule == "unit_crew"]


def test_a_crew_needs_someone_licensed_to_drive_its_unit():
    car, bike, ebike = UnitRef(4, "巡03", 4, "car"), UnitRef(5, "摩01", 1, "motorbike"), \
        UnitRef(6, "电01", 1, "ebike")
    bus_driver = OfficerRef(1, "张伟", "031001", licences=("B2",))  # B2 allows C1 and C2
    rider = OfficerRef(2, "李强", "031002", licences=("D",))  # D allows E, the two-wheeler class
    unlicensed = OfficerRef(3, "赵敏", "031003")

    def crew_problems(officer: OfficerRef, unit: UnitRef) -> list[str]:
        snap = RosterSnapshot((DAY,), (EntryRef(1, 10, officer.id, unit_id=unit.id),), (officer,),
                              units=(unit,))
        return [x.message for x in _rules(snap) if x.rule == "unit_crew"]

    assert crew_problems(bus_driver, car) == []
    assert crew_problems(rider, bike) == []
    assert crew_problems(unlicensed, ebike) == []  # an e-bike needs no licence
    assert crew_problems(rider, car) == [
        "白班 11-20 08:30–16:30: nobody in the crew of unit 巡03 holds a licence to drive it "
        "(class C2, or a class that allows it)"]
    assert "unit 摩01 holds a licence" in crew_problems(bus_driver, bike)[0]
    # One licensed member is enough for the whole crew.
    snap = RosterSnapshot((DAY,), (EntryRef(1, 10, 3, unit_id=4), EntryRef(2, 10, 1, unit_id=4)),
                          (unlicensed, bus_driver), units=(car,))
    assert [x for x in _rules(snap) if x.rule == "unit_crew"] == []


def test_licence_classes_allow_the_classes_below_them():
    from precinct_console.domain.driving import allowed_classes, may_drive, unknown_classes

    assert allowed_classes(["A1"]) >= {"A1", "A3", "B1", "B2", "C1", "C2"}
    assert not may_drive(["C2"], "motorbike") and may_drive(["E"], "motorbike")
    assert may_drive([], "foot") and not may_drive(["C1"], "drone")
    assert unknown_classes(["C1", "C9", "无人机驾驶员执照"]) == ["C9"]


def test_national_day_2026_and_its_adjusted_working_day():
    assert calendar_day(date(2026, 10, 1)).kind is DayKind.HOLIDAY
    assert calendar_day(date(2026, 10, 1)).holiday_zh == "国庆节"
    assert calendar_day(date(2026, 10, 7)).kind is DayKind.HOLIDAY
    sat = calendar_day(date(2026, 10, 10))  # a Saturday worked for the National Day break
    assert sat.kind is DayKind.ADJUSTED_WORKDAY and sat.label_zh() == "调休上班"
    assert not sat.is_rest_day
    assert calendar_day(date(2026, 10, 11)).kind is DayKind.WEEKEND


def test_holiday_shifts_get_extra_staff():
    p = PatternDef.from_dict("duty_24h", {"min_staff": 6, "holiday_extra_staff": 2})
    shifts = generate_shifts(p, date(2026, 9, 30), date(2026, 10, 2))
    assert [s.min_staff for s in shifts] == [6, 8, 8]
    assert shifts[1].day.holiday_zh == "国庆节"


def test_a_night_shift_after_midnight_gets_the_holiday_staff_of_the_day_it_is_worked():
    """白班 08:00, 小夜班 16:00, 大夜班 00:00: the 大夜班 of 1 October (00:00-08:00) belongs to the
    rotation's day of 30 September, and had an ordinary night's staff on the National Day, while
    that of 8 October, a working day, asked the holiday's extra hands. Each follows its own day,
    the column the calendar shows it in."""
    p = PatternDef.from_dict("four_three", {"min_staff": 4, "holiday_extra_staff": 2, "shifts": [
        {"name": "白班", "start": "08:00", "hours": 8}, {"name": "小夜班", "start": "16:00", "hours": 8},
        {"name": "大夜班", "start": "00:00", "hours": 8}]})
    need = {f"{s.starts_at:%m-%d %H:%M}": s.min_staff
            for s in generate_shifts(p, date(2026, 9, 30), date(2026, 10, 7))}
    assert [need["09-30 16:00"], need["10-01 00:00"], need["10-01 08:00"]] == [4, 6, 6]
    assert [need["10-07 16:00"], need["10-08 00:00"]] == [6, 4]
    night = next(s for s in generate_shifts(p, date(2026, 9, 30), date(2026, 9, 30)) if s.name == "大夜班")
    assert night.duty_day == date(2026, 9, 30) and night.day.holiday_zh == "国庆节"


def test_four_teams_on_three_shifts_cover_every_slot_and_rest_a_day():
    p = PatternDef.from_dict("four_three", {})
    shifts = generate_shifts(p, date(2026, 11, 1), date(2026, 11, 16))
    assert len(shifts) == 48
    by_day: dict = {}
    for s in shifts:
        by_day.setdefault(s.duty_day, []).append(s)
    for day in by_day.values():
        assert len({s.team for s in day}) == 3  # one team off each day
    assert shifts[0].starts_at.hour == 8 and shifts[0].starts_at.minute == 30
    assert shifts[2].ends_at - shifts[0].starts_at == timedelta(hours=24)
    # No team works two shifts within 8 hours.
    last_end: dict = {}
    for s in shifts:
        if s.team in last_end:
            assert s.starts_at - last_end[s.team] >= timedelta(hours=8)
        last_end[s.team] = s.ends_at


def test_four_teams_one_day_on_each_shift_work_day_middle_night_then_rest():
    """白中夜休: the variant with one day on each shift, a 4-day cycle; the day shift passes
    甲 → 乙 → 丙 → 丁, and each team has 24 hours between its shifts."""
    p = PatternDef.from_dict("four_three", {"block_days": 1, "anchor": "2026-11-02"})
    assert p.period_days == 4 and PatternDef.from_dict("four_three", p.as_dict()) == p
    shifts = generate_shifts(p, date(2026, 11, 2), date(2026, 11, 9))
    assert [s.team for s in shifts if s.name == "白班"] == ["甲", "乙", "丙", "丁"] * 2
    first = [s.team for s in shifts[:12]]
    assert first[:3] == ["甲", "丁", "丙"]  # 甲 on days, 丁 on the middle, 丙 on the night; 乙 rests
    by_team: dict = {}
    for s in shifts:
        by_team.setdefault(s.team, []).append(s)
    for team, worked in by_team.items():
        assert [s.name for s in worked[:3]] in (["白班", "中班", "夜班"], ["中班", "夜班", "白班"],
                                                ["夜班", "白班", "中班"]), team
        for a, b in pairwise(worked):
            assert b.starts_at - a.ends_at == timedelta(hours=24)
    with pytest.raises(ValidationError, match="block_days must be 1") as bad:
        PatternDef.from_dict("four_three", {"block_days": 3})
    assert bad.value.field == "block_days"


def test_three_teams_on_two_shifts_rotate_day_night_off():
    p = PatternDef.from_dict("three_two", {"anchor": "2026-11-01"})
    shifts = generate_shifts(p, date(2026, 11, 1), date(2026, 11, 3))
    assert [(s.name, s.team) for s in shifts] == [
        ("白班", "甲"), ("夜班", "乙"), ("白班", "丙"), ("夜班", "甲"), ("白班", "乙"), ("夜班", "丙")]
    assert all(s.hours == 12 for s in shifts)


def test_every_kind_of_violation_reads_in_chinese_in_the_console():
    """The chief plans in the Chinese console: each violation is shown in Chinese, names kept."""
    import re

    from precinct_console.ui.error_text import message_text

    crowded = ShiftRef(10, "白班", _t(20, 8), _t(20, 16), min_staff=5, post_min=((7, 2),))
    overlap = ShiftRef(13, "备勤", _t(20, 12), _t(20, 20))
    week = tuple(ShiftRef(100 + d, "值班", _t(16 + d, 8), _t(17 + d, 8)) for d in range(3))
    absences = (AbsenceRef(1, "leave", _t(19, 0, 0), _t(23, 0, 0), "年休假"),
                AbsenceRef(2, "training", _t(19, 0, 0), _t(23, 0, 0), ""))
    snap = RosterSnapshot(
        (crowded, overlap, MID, *week),
        (EntryRef(1, 10, 1, duty="post", post_id=7), EntryRef(2, 13, 1), EntryRef(3, 11, 2),
         EntryRef(4, 10, 2), EntryRef(5, 10, 3, unit_id=4), EntryRef(6, 10, 3, unit_id=4),
         *(EntryRef(10 + d, 100 + d, 1) for d in range(3))),
        (ZHANG, LI, AUX), absences=absences, post_names=((7, "火车站警务站"),),
        units=(UnitRef(4, "巡逻一车", seats=1),))
    found = _rules(snap)
    assert {v.rule for v in found} >= {"min_staff", "post_min", "double_booked", "rest", "max_hours",
                                        "absence", "unit_crew"}
    for v in found:
        chinese = message_text(v.message, "zh_CN")
        assert not re.search(r"[A-Za-z]{2,}", chinese), (v.message, chinese)
    absent = sorted(message_text(v.message, "zh_CN") for v in found if v.rule == "absence")
    assert any("休假（年休假）" in m for m in absent) and any("参加培训，却排在" in m for m in absent)


def test_staffing_counts_only_who_will_be_there():
    """An officer on recorded leave or taken off the roll is not one of the shift's hands."""
    shift = ShiftRef(10, "白班", _t(22, 8), _t(22, 16), min_staff=3)
    gone = OfficerRef(2, "李强", "031002", active=False)
    leave = AbsenceRef(3, "leave", _t(22, 0, 0), _t(23, 0, 0), "年休假")
    snap = RosterSnapshot((shift,), (EntryRef(1, 10, 1), EntryRef(2, 10, 2), EntryRef(3, 10, 3)),
                          (ZHANG, gone, AUX), absences=(leave,))
    v = _rules(snap)
    assert [x.message for x in v if x.rule == "min_staff"] == [
        "白班 11-22 08:30–16:30: 1 officer(s) on duty, the shift needs at least 3"]
    assert [x.message for x in v if x.rule == "off_roll"] == [
        "李强（031002） is off the roll but rostered on 白班 11-22 08:30–16:30"]
    assert [x.officer_id for x in v if x.rule == "absence"] == [3]


def test_a_drone_crew_is_its_licensed_pilot_not_a_seat():
    drone = UnitRef(7, "无人机01", seats=0, kind="drone")
    pilot = OfficerRef(5, "孙飞", "031005", licences=("无人机驾驶员执照",))
    shift = ShiftRef(10, "白班", _t(22, 8), _t(22, 16))
    ok = _rules(RosterSnapshot((shift,), (EntryRef(1, 10, 5, unit_id=7),), (pilot,), units=(drone,)))
    assert [x for x in ok if x.rule == "unit_crew"] == []
    unlicensed = _rules(RosterSnapshot((shift,), (EntryRef(1, 10, 1, unit_id=7),), (ZHANG,),
                                       units=(drone,)))
    assert [x.message for x in unlicensed if x.rule == "unit_crew"] == [
        "白班 11-22 08:30–16:30: nobody in the crew of unit 无人机01 holds a drone pilot's licence"]


def test_a_shift_into_the_next_day_names_both_dates():
    duty = ShiftRef(10, "值班", _t(28, 8), _t(29, 8))
    assert duty.label == "值班 11-28 08:30–11-29 08:30"
    assert DAY.label == "白班 11-20 08:30–16:30"


def test_a_pattern_keeps_the_stations_own_shift_names_and_times():
    p = PatternDef.from_dict("four_three", {"teams": ["一组", "二组", "三组", "四组"], "shifts": [
        {"name": "白班", "start": "08:00", "hours": 8}, {"name": "小夜班", "start": "16:00", "hours": 8},
        {"name": "大夜班", "start": "00:00", "hours": 8}]}, strict=True)
    made = generate_shifts(p, date(2026, 12, 14), date(2026, 12, 14))
    assert [(s.name, s.starts_at.hour, s.ends_at - s.starts_at) for s in made] == [
        ("白班", 8, timedelta(hours=8)), ("小夜班", 16, timedelta(hours=8)), ("大夜班", 0, timedelta(hours=8))]
    assert made[2].starts_at.date() == date(2026, 12, 15)  # the night after the day it belongs to
    assert PatternDef.from_dict("four_three", p.as_dict()) == p  # stored and read back the same
    with pytest.raises(ValidationError, match="unknown key 'epoch'"):
        PatternDef.from_dict("four_three", {"epoch": "2026-01-01"}, strict=True)
    with pytest.raises(ValidationError, match="shift 2 .小夜班. starts before the one before it ends"):
        PatternDef.from_dict("four_three", {"shifts": [
            {"name": "白班", "start": "08:00", "hours": 10}, {"name": "小夜班", "start": "16:00", "hours": 8},
            {"name": "大夜班", "start": "00:00", "hours": 8}]})


def test_every_rule_a_violation_can_name_is_in_rule_codes():
    """RULE_CODES is the list the console labels: a rule added to the checks must be added there."""
    import ast
    import inspect

    from precinct_console.domain import roster_rules

    tree = ast.parse(inspect.getsource(roster_rules))
    named = {c.args[0].value for c in ast.walk(tree)
             if isinstance(c, ast.Call) and isinstance(c.func, ast.Name) and c.func.id == "Violation"
             and c.args and isinstance(c.args[0], ast.Constant)}
    assert named and named == set(roster_rules.RULE_CODES)


def test_teams_sort_in_their_natural_order():
    from precinct_console.domain.shifts import team_sort_key

    assert sorted(["三组", "十一组", "一组", "四组", "十组", "二组"], key=team_sort_key) == \
        ["一组", "二组", "三组", "四组", "十组", "十一组"]
    assert sorted(["丁", "丙", "乙", "甲"], key=team_sort_key) == ["甲", "乙", "丙", "丁"]
    assert sorted(["10组", "2组", "1组"], key=team_sort_key) == ["1组", "2组", "10组"]
    assert sorted(["备勤二组", "一组", "备勤一组", "二十组"], key=team_sort_key) == \
        ["一组", "二十组", "备勤一组", "备勤二组"]


@pytest.mark.parametrize(("kind", "teams", "average", "busiest", "rest", "broken"), [
    # 24 h on, then 24, 48 or 72 h off; three shifts start in one Monday–Sunday week in three
    # (Mon, Thu, Sun 08:30: 24 + 24 + 15.5 h), though a team averages 56 h.
    ("duty_24h", 2, 84, 87.5, 24, ("max_hours",)),
    ("duty_24h", 3, 56, 63.5, 48, ("max_hours",)),
    ("duty_24h", 4, 42, 48, 72, ()),
    ("duty_24h", 1, 168, 168, 0, ("rest", "max_hours")),  # one team on duty round the clock
    ("standby", 3, 56, 63.5, 48, ("max_hours",)),
    ("four_three", 4, 42, 48, 16, ()),  # 2 day, 2 middle, 2 night shifts, 2 days off
    ("three_two", 3, 56, 60, 24, ()),  # day, night, a day off: 60 h some weeks, not over 60
])
def test_a_patterns_weekly_hours_and_rest_from_the_pattern_alone(kind, teams, average, busiest, rest,
                                                                 broken):
    p = PatternDef.from_dict(kind, {"teams": [f"{i}组" for i in range(1, teams + 1)]})
    load = pattern_load(p)
    assert [t.team for t in load.teams] == list(p.teams)
    for t in load.teams:
        assert (round(t.average_week_hours, 6), t.busiest_week_hours, t.shortest_rest_hours) == (
            average, busiest, rest)
    assert load.broken(RuleSet()) == broken


def test_a_patterns_figures_follow_its_handover_and_the_limits_set():
    # Handing over at midnight, a team starts Mon, Thu and Sun 00:00: 72 h in that week.
    midnight = pattern_load(PatternDef.from_dict("duty_24h", {"handover": "00:00"}))
    assert midnight.busiest_week_hours == 72 and midnight.average_week_hours == 56
    load = pattern_load(PatternDef.from_dict("duty_24h", {}))
    assert load.broken(RuleSet(max_hours_per_week=63.5)) == ()  # at the limit is within it
    assert load.broken(RuleSet(min_rest_hours=48)) == ("max_hours",)
    assert load.broken(RuleSet(min_rest_hours=48.5, max_hours_per_week=72)) == ("rest",)
    # A team past the four a 四班三运转 turns through is never on a shift.
    idle = pattern_load(PatternDef.from_dict("four_three", {"teams": ["甲", "乙", "丙", "丁", "戊"]}))
    assert (idle.teams[-1].average_week_hours, idle.teams[-1].shortest_rest) == (0, None)
    assert idle.least_rested is not None and idle.least_rested.shortest_rest_hours == 16


@pytest.mark.parametrize(("kind", "definition", "rules"), [
    ("duty_24h", {}, RuleSet()),
    ("duty_24h", {"teams": ["一组", "二组"], "handover": "09:00"}, RuleSet()),
    ("duty_24h", {"teams": ["一组"]}, RuleSet()),
    ("four_three", {}, RuleSet(min_rest_hours=20, max_hours_per_week=45)),
    ("three_two", {"anchor": "2026-11-04"}, RuleSet(min_rest_hours=24, max_hours_per_week=56)),
    ("standby", {"shifts": [{"name": "备勤白", "start": "08:00", "hours": 10},
                            {"name": "备勤夜", "start": "20:00", "hours": 10}]}, RuleSet()),
])
def test_what_a_pattern_is_warned_of_is_what_the_checker_finds_in_its_shifts(kind, definition, rules):
    """A year of the pattern with one officer a team: the rules the checker names, the busiest week
    and the shortest rest it reports are the pattern's figures."""
    import re

    p = PatternDef.from_dict(kind, definition)
    load = pattern_load(p)
    slots = generate_shifts(p, date(2026, 1, 1), date(2026, 12, 31))
    officers = tuple(OfficerRef(i, team) for i, team in enumerate(p.teams))
    team_of = {team: i for i, team in enumerate(p.teams)}
    snap = RosterSnapshot(tuple(ShiftRef(i, s.name, s.starts_at, s.ends_at, s.team)
                                for i, s in enumerate(slots)),
                          tuple(EntryRef(i, i, team_of[s.team]) for i, s in enumerate(slots)),
                          officers)
    found = check_roster(snap, rules)
    assert tuple(r for r in ("rest", "max_hours") if any(v.rule == r for v in found)) == \
        load.broken(rules)
    weeks = [float(m[1]) for v in found if (m := re.search(r"rostered ([\d.]+) h", v.message))]
    rests = [float(m[1]) for v in found if (m := re.search(r"only ([\d.]+) h of rest", v.message))]
    if weeks:
        assert max(weeks) == load.busiest_week_hours
    if rests:
        assert min(rests) == load.least_rested.shortest_rest_hours


@pytest.mark.parametrize(("kind", "teams", "rotation", "idle"), [
    ("four_three", ["一组", "二组", "三组", "四组", "五组"], 4, ("五组",)),
    ("four_three", ["甲", "乙", "丙", "丁", "戊", "己"], 4, ("戊", "己")),
    ("four_three", ["甲", "乙", "丙", "丁"], 4, ()),
    ("three_two", ["一组", "二组", "三组", "四组"], 3, ("四组",)),
    ("three_two", ["甲", "乙", "丙"], 3, ()),
    ("four_three", ["甲", "乙", "丙", "丁", "甲"], 4, ()),  # 甲 named again: it works its own turn
    ("four_three", ["甲", "甲", "丙", "丁", "戊"], 4, ("戊",)),  # 甲 twice takes 戊's place
    ("duty_24h", ["一组", "二组", "三组", "四组", "五组"], 5, ()),  # every team in turn
    ("standby", ["备勤一组", "备勤二组", "备勤三组"], 3, ()),
])
def test_teams_past_a_rotations_turns_are_named_as_getting_no_shifts(kind, teams, rotation, idle):
    p = PatternDef.from_dict(kind, {"teams": teams})
    load = pattern_load(p)
    assert (load.rotation, load.idle_teams) == (rotation, idle)
    # The idle teams are the ones the shifts leave out, over a year of them.
    worked = {s.team for s in generate_shifts(p, date(2026, 1, 1), date(2026, 12, 31))}
    assert tuple(t for t in dict.fromkeys(teams) if t not in worked) == idle
    # The working teams' figures are untouched by the idle ones (甲 twice works two teams' turns).
    if kind == "four_three" and len(set(teams)) == len(teams):
        assert (load.average_week_hours, load.busiest_week_hours,
                load.least_rested.shortest_rest_hours) == (42, 48, 16)


def test_a_crew_is_judged_by_who_will_ride_in_it():
    """The crew's 民警 on leave (or off the roll) leaves the 辅警 patrolling alone: the unit's crew
    rule says so, not only the leave rule."""
    car = UnitRef(4, "巡03", 4, "car")
    driver = OfficerRef(1, "张伟", "031001", licences=("C1",))
    aux = OfficerRef(3, "王芳", "F0301", kind="auxiliary")
    entries = (EntryRef(1, 10, 1, unit_id=4), EntryRef(2, 10, 3, unit_id=4))
    assert [x for x in _rules(RosterSnapshot((DAY,), entries, (driver, aux), units=(car,)))
            if x.rule == "unit_crew"] == []
    leave = AbsenceRef(1, "leave", _t(20, 0, 0), _t(21, 0, 0), "年休假")
    away = _rules(RosterSnapshot((DAY,), entries, (driver, aux), (leave,), units=(car,)))
    assert [x.message for x in away if x.rule == "unit_crew"] == [
        "白班 11-20 08:30–16:30: unit 巡03 has no police officer (民警) in its crew; auxiliaries "
        "may not patrol alone",
        "白班 11-20 08:30–16:30: nobody in the crew of unit 巡03 holds a licence to drive it "
        "(class C2, or a class that allows it)"]
    gone = _rules(RosterSnapshot((DAY,), entries, (OfficerRef(1, "张伟", "031001", licences=("C1",),
                                                             active=False), aux), units=(car,)))
    assert sum(1 for x in gone if x.rule == "unit_crew") == 2
