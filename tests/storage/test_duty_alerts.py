"""Duty alerts: a unit due to set out for a timed duty of its accepted plan, or away from the
duty once it is under way, is an alert, once."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from precinct_console.domain.clock import CHINA_TZ
from precinct_console.domain.permissions import Role
from precinct_console.services import (
    alerts,
    allocation,
    geometry,
    handover,
    roster,
    unit_roll,
    units,
)
from precinct_console.services.duty_alerts import SET_OUT_TARGET, raise_duty_alerts
from precinct_console.storage.models import AuditEntry

from .test_roster_allocation import _town


def _gate_plan(chief, clock, window: tuple[str, str], shift_hour: int = 16):
    """Two cars on a shift from shift_hour, a school gate far off in the corner of the town open
    for `window`; the plan proposed (not yet accepted) and the day it is for."""
    geometry.import_geometry(chief, {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [116.45, 39.95]},
         "properties": {"layer": "patrol_point", "code": "PP1", "name": "学府路护学岗",
                        "window_start": window[0], "window_end": window[1]}},
    ]})
    day = clock().astimezone(CHINA_TZ).date() + timedelta(days=1)
    start = datetime(day.year, day.month, day.day, shift_hour, tzinfo=CHINA_TZ)
    shift = roster.add_shift(chief, "中班", start, start + timedelta(hours=8))
    for n, lon in enumerate((116.391, 116.399)):
        officer = roster.add_officer(chief, f"03990{n}", f"民警{n}")
        unit = unit_roll.add_unit(chief, f"巡逻{n + 1}车", "car", lon, 39.90)
        roster.assign(chief, shift.id, officer.id, unit_id=unit)
    plan = allocation.propose_plan(chief, shift_id=shift.id, method="greedy")
    [duty] = plan.visits
    return plan, duty


def _gate_on_the_town(db, station, clock, make_ctx, window: tuple[str, str] = ("16:30", "17:30"),
                      *, accept: bool = True):
    """The town with its chief and a duty officer, the gate's plan (accepted unless told not
    to), its duty, and when the gate opens."""
    chief, duty_officer = make_ctx(Role.STATION_CHIEF), make_ctx(Role.DUTY_OFFICER)
    _town(db, station, clock)
    plan, duty = _gate_plan(chief, clock, window)
    if accept:
        allocation.decide_plan(chief, plan.id, plan.version, "accept")
    day = plan.starts_at.astimezone(CHINA_TZ).date()
    hour, minute = (int(x) for x in window[0].split(":"))
    opens = datetime(day.year, day.month, day.day, hour, minute, tzinfo=CHINA_TZ)
    return chief, duty_officer, plan, duty, opens


def _spot(chief, clock, unit_id: int, at: datetime) -> units.DutySpot:
    clock.now = at
    [spot] = {r.id: r for r in units.list_units(chief)}[unit_id].duty_list
    return spot


def _replanned_with_points_swapped(chief, plan):
    """The same shift planned again, accepted with the two cars' points swapped (the gate's
    duty goes with its point to the other car)."""
    again = allocation.propose_plan(chief, shift_id=plan.shift_id, method="greedy")
    points = {int(a["unit_id"]): a["point_key"] for a in allocation.get_plan(chief, again.id).assignments}
    [a_id, b_id] = sorted(points)
    return allocation.decide_plan(chief, again.id, again.version, "accept",
                                  assignments={a_id: points[b_id], b_id: points[a_id]})


def test_a_unit_due_to_set_out_for_its_duty_raises_one_alert_the_room_acknowledges(
        db, station, clock, make_ctx):
    chief, duty_officer, plan, duty, opens = _gate_on_the_town(db, station, clock, make_ctx,
                                                               accept=False)
    # A plan still proposed sends nobody anywhere: no reminder, however close the duty.
    assert raise_duty_alerts(duty_officer, opens - timedelta(minutes=3)) == []
    allocation.decide_plan(chief, plan.id, plan.version, "accept")
    spot = _spot(chief, clock, duty.unit_id, opens)
    assert spot.starts == opens and spot.starts - spot.sets_out >= timedelta(minutes=2)
    warn_from = spot.sets_out - units.SET_OUT_WARNING
    # Not before the warning begins.
    assert raise_duty_alerts(duty_officer, warn_from - timedelta(seconds=1)) == []
    [alert] = raise_duty_alerts(duty_officer, warn_from)
    assert (alert.unit_id, alert.incident_id, alert.task_id) == (duty.unit_id, None, None)
    assert alert.incident_number == duty.call_sign  # the list names the unit by its call sign
    assert alert.category_name == "16:30-17:30 学府路护学岗"
    assert alert.target == SET_OUT_TARGET and alert.level == "near"
    assert alert.target_label == f"{spot.sets_out.astimezone(CHINA_TZ):%H:%M}前出发"
    assert alert.leave_by == spot.sets_out and alert.address == ""  # free to leave
    # Once per unit and duty, whichever seat asks next and however often.
    other_seat = make_ctx(Role.DUTY_OFFICER, username="seat2")
    assert raise_duty_alerts(other_seat, warn_from + timedelta(seconds=30)) == []
    assert raise_duty_alerts(duty_officer, spot.sets_out) == []
    waiting = alerts.list_alerts(duty_officer)
    assert [a.id for a in waiting] == [alert.id]
    assert waiting[0].category_name == alert.category_name and waiting[0].unit_id == duty.unit_id
    # Acknowledged (audited), it leaves the list and is not raised again before the duty.
    acked = alerts.acknowledge_alert(duty_officer, alert.id)
    assert acked.acknowledged_at is not None
    assert alerts.list_alerts(duty_officer) == []
    assert raise_duty_alerts(duty_officer, opens - timedelta(seconds=1)) == []
    # Once the duty has begun there is nothing to remind of.
    assert raise_duty_alerts(duty_officer, opens) == []
    with db.sessions() as s:
        actions = s.scalars(sa.select(AuditEntry.action).where(AuditEntry.entity == "alert")).all()
    assert sorted(actions) == ["alert.acknowledge", "alert.raise"]


def test_a_duty_at_the_shifts_first_minute_is_reminded_of_before_its_plan_is_in_force(
        db, station, clock, make_ctx):
    """The gate opens as the shift begins: the crew sets out while the shift before is on."""
    chief, duty_officer, plan, duty, _opens = _gate_on_the_town(db, station, clock, make_ctx,
                                                                ("16:00", "16:40"))
    spot = _spot(chief, clock, duty.unit_id, plan.starts_at)
    assert spot.starts == plan.starts_at and spot.sets_out < plan.starts_at
    # An hour before, the unit board shows nothing of the next shift's plan yet.
    clock.now = spot.sets_out - timedelta(hours=1)
    assert {r.id: r for r in units.list_units(chief)}[duty.unit_id].duty_list == ()
    assert raise_duty_alerts(duty_officer, clock.now) == []
    # From the warning on, it shows the duty to leave for, and the alert is raised.
    clock.now = spot.sets_out - units.SET_OUT_WARNING
    row = {r.id: r for r in units.list_units(chief)}[duty.unit_id]
    assert row.duty_list == (spot,) and row.leaving_for(clock.now) == spot
    [alert] = raise_duty_alerts(duty_officer, clock.now)
    assert alert.unit_id == duty.unit_id and alert.category_name == "16:00-16:40 学府路护学岗"
    # The next check keeps it: the duty is still the unit's, on a plan not yet in force.
    assert raise_duty_alerts(duty_officer, clock.now + timedelta(seconds=30)) == []
    assert [a.id for a in alerts.list_alerts(duty_officer)] == [alert.id]


def test_a_retired_unit_or_a_rejected_plan_raises_no_set_out_alert(db, station, clock, make_ctx):
    chief, duty_officer, plan, duty, opens = _gate_on_the_town(db, station, clock, make_ctx,
                                                               accept=False)
    allocation.decide_plan(chief, plan.id, plan.version, "reject", note="改用步巡")
    assert raise_duty_alerts(duty_officer, opens - timedelta(minutes=3)) == []
    again = allocation.propose_plan(chief, shift_id=plan.shift_id, method="greedy")
    allocation.decide_plan(chief, again.id, again.version, "accept")
    [duty] = again.visits
    unit = next(u for u in unit_roll.list_unit_roll(chief) if u.id == duty.unit_id)
    unit_roll.retire_unit(chief, unit.id, unit.version)
    assert raise_duty_alerts(duty_officer, opens - timedelta(minutes=3)) == []


def test_a_crew_further_off_than_its_point_is_reminded_from_where_it_is(db, station, clock, make_ctx):
    """On a call across town at 16:10, the car needs longer than the plan's drive from its point:
    the board and the alert time the drive from its live fix, and say it is on that call. A fix
    gone stale (the terminal silent for ten minutes) falls back to the plan."""
    from precinct_console.services import incidents as inc

    chief, duty_officer, _plan, duty, opens = _gate_on_the_town(db, station, clock, make_ctx)
    clock.now = opens - timedelta(minutes=20)  # 16:10
    planned = _spot(chief, clock, duty.unit_id, clock.now)
    assert planned.basis == "point"
    # Across town from the gate (116.45, 39.95), on a call.
    call = inc.intake_incident(duty_officer, inc.IncidentDraft(
        channel="110", category_code="0202", address="城关镇西关路3号", lon=116.36, lat=39.88))
    units.set_unit_status(duty_officer, duty.unit_id, "available")  # on duty with its shift
    inc.dispatch_unit(duty_officer, call.id, duty.unit_id)
    units.update_unit_position(duty_officer, duty.unit_id, 116.36, 39.88, at=clock.now)
    live = _spot(chief, clock, duty.unit_id, clock.now)
    assert live.basis == "fix" and live.sets_out < planned.sets_out - timedelta(minutes=5)
    # Reminded five minutes before it must leave from there: the plan's time is still far off.
    assert raise_duty_alerts(duty_officer, live.sets_out - units.SET_OUT_WARNING - timedelta(seconds=1)) == []
    assert live.sets_out - units.SET_OUT_WARNING < planned.sets_out - units.SET_OUT_WARNING
    [alert] = raise_duty_alerts(duty_officer, live.sets_out - units.SET_OUT_WARNING)
    assert alert.leave_by == live.sets_out
    assert alert.address == f"正在处置 {call.number}"
    # Ten minutes without a fix: the plan's time again, saying the fix is not live.
    clock.now += timedelta(minutes=10)
    assert _spot(chief, clock, duty.unit_id, clock.now).leave_by(clock.now) == (planned.sets_out, "stale")


def test_a_crew_already_at_its_duty_is_not_told_to_set_out_until_it_leaves(
        db, station, clock, make_ctx):
    """A car standing by the gate (a fresh fix 100 m off it) gets no set-out reminder; once it
    drives off before the duty begins, the next check reminds it."""
    chief, duty_officer, _plan, duty, opens = _gate_on_the_town(db, station, clock, make_ctx)
    spot = _spot(chief, clock, duty.unit_id, opens)
    warn_from = spot.sets_out - units.SET_OUT_WARNING
    units.update_unit_position(duty_officer, duty.unit_id, spot.lon + 0.001, spot.lat,
                               at=warn_from)
    assert raise_duty_alerts(duty_officer, warn_from) == []
    # Gone 2 km north, with the duty still to begin: reminded, from where it is now.
    clock.now = warn_from + timedelta(seconds=30)
    units.update_unit_position(duty_officer, duty.unit_id, spot.lon, spot.lat + 0.018,
                               at=clock.now)
    [alert] = raise_duty_alerts(duty_officer, clock.now)
    assert alert.unit_id == duty.unit_id and alert.level == "near"


def test_a_reminder_is_withdrawn_when_the_chief_gives_the_duty_to_another_unit(
        db, station, clock, make_ctx):
    """Reminded to set out, the first car's duty goes to the second car in a new plan for the
    shift: the first car's reminder leaves the list (withdrawn, audited) and the second car is
    reminded in its place."""
    chief, duty_officer, plan, duty, opens = _gate_on_the_town(db, station, clock, make_ctx)
    spot = _spot(chief, clock, duty.unit_id, opens)
    [first] = raise_duty_alerts(duty_officer, spot.sets_out - units.SET_OUT_WARNING)
    # The same shift planned again with the two cars' points swapped, accepted as edited.
    accepted = _replanned_with_points_swapped(chief, plan)
    [moved] = accepted.visits
    assert moved.unit_id != duty.unit_id and moved.starts == duty.starts
    moved_spot = _spot(chief, clock, moved.unit_id, opens)
    at = max(spot.sets_out, moved_spot.sets_out) - units.SET_OUT_WARNING + timedelta(seconds=30)
    [second] = raise_duty_alerts(duty_officer, at)
    assert second.unit_id == moved.unit_id and second.id != first.id
    assert [a.id for a in alerts.list_alerts(duty_officer)] == [second.id]
    with db.sessions() as s:
        actions = s.scalars(sa.select(AuditEntry.action).where(
            AuditEntry.entity == "alert", AuditEntry.entity_id == first.id)).all()
    assert sorted(actions) == ["alert.raise", "alert.withdraw"]


def test_a_unit_away_from_its_duty_once_under_way_is_a_breach_raised_once(db, station, clock, make_ctx):
    """Three minutes into the gate's hour, a car whose live fix is off the gate is not keeping
    the duty: one breach, which names the duty and when the unit was due. At the gate, or with
    no live fix to judge by, nothing is raised."""
    from precinct_console.services.duty_alerts import ARRIVAL_GRACE, ARRIVE_TARGET

    _chief, duty_officer, plan, duty, opens = _gate_on_the_town(db, station, clock, make_ctx)
    gate = (116.45, 39.95)

    def check_at(at: datetime, fix: tuple[float, float] | None) -> list[alerts.AlertView]:
        if fix is not None:
            units.update_unit_position(duty_officer, duty.unit_id, *fix, at=at)
        return [a for a in raise_duty_alerts(duty_officer, at) if a.target == ARRIVE_TARGET]

    # No live fix at all: no verdict. At the gate (100 m off): kept.
    assert check_at(opens + ARRIVAL_GRACE, None) == []
    assert check_at(opens + ARRIVAL_GRACE, (gate[0] + 0.001, gate[1])) == []
    # Off to a call two kilometres away at 16:50: the gate is left without its unit.
    away = check_at(opens + timedelta(minutes=20), (116.43, 39.95))
    [alert] = away
    assert alert.level == "breach" and alert.unit_id == duty.unit_id
    assert alert.incident_number == duty.call_sign and alert.category_name == "16:30-17:30 学府路护学岗"
    assert alert.target_label == "16:30应到岗" and alert.due_at == opens
    assert alert.address == "离岗 1.7 公里"  # how far off, as the list shows it
    # The unit board shows it: not at the duty since 16:50.
    clock.now = opens + timedelta(minutes=21)
    row = {r.id: r for r in units.list_units(duty_officer)}[duty.unit_id]
    assert (row.checked_on_duty(clock.now), row.duty_checked_at) == ("away", opens + timedelta(minutes=20))
    # Once per duty stretch, however often checked, while it stays away.
    assert check_at(opens + timedelta(minutes=25), (116.43, 39.95)) == []
    # Back at the gate at 16:57: the board says it is there again, late; no new alert, and the
    # alert list says when it came back.
    assert check_at(opens + timedelta(minutes=27), (gate[0] + 0.001, gate[1])) == []
    clock.now = opens + timedelta(minutes=28)
    row = {r.id: r for r in units.list_units(duty_officer)}[duty.unit_id]
    assert (row.checked_on_duty(clock.now), row.duty_checked_at) == ("late", opens + timedelta(minutes=27))
    [listed] = alerts.list_alerts(duty_officer)
    assert listed.address == "离岗 1.7 公里，16:57 到岗，迟到 27 分钟"
    # Off again at 17:05: away once more, and still one breach.
    assert check_at(opens + timedelta(minutes=35), (116.43, 39.95)) == []
    clock.now = opens + timedelta(minutes=36)
    row = {r.id: r for r in units.list_units(duty_officer)}[duty.unit_id]
    assert (row.checked_on_duty(clock.now), row.duty_checked_at) == ("away", opens + timedelta(minutes=35))
    # A fix gone stale says nothing either way (the terminal is silent).
    assert [a for a in raise_duty_alerts(duty_officer, opens + timedelta(minutes=40))
            if a.target == ARRIVE_TARGET] == []
    # Over at 17:30: nothing to keep.
    assert check_at(opens + timedelta(hours=1), (116.43, 39.95)) == []
    # The shift's handover names the duty it did not keep, for the incoming officer and the chief.
    report = handover.build_handover(duty_officer, plan.starts_at, plan.ends_at)
    assert report.content["duties_missed"] == [
        {"unit": duty.call_sign, "duty": "16:30-17:30 学府路护学岗", "due": f"{opens:%m-%d} 16:30",
         "acknowledged": False, "off": "离岗 1.7 公里"}]
    assert f"{duty.call_sign} 16:30-17:30 学府路护学岗 应于 {opens:%m-%d} 16:30 到岗（离岗 1.7 公里）" in \
        handover.handover_text(report)
    # Kept at 16:33, left at 16:50, back at 16:57 and off again at 17:05: not kept.
    assert report.content["duties_checked"] == {"kept": 0, "late": 0, "away": 1}
    assert "定时守点核验 1 次：按时到岗 0，迟到 0，未到岗 1，按时到岗率 0.0%" in handover.handover_text(report)


def test_a_duty_kept_counts_towards_the_shifts_duty_keeping_rate(db, station, clock, make_ctx):
    """A car at the gate all hour: one check, kept, whichever seats ask and however often; the
    handover gives the rate. Before any live position judged a stretch, the report says
    nothing of a rate."""
    from precinct_console.services.duty_alerts import ARRIVAL_GRACE
    from precinct_console.storage.models import ChangeRecord, DutyCheck

    _chief, duty_officer, plan, duty, opens = _gate_on_the_town(db, station, clock, make_ctx)
    report = handover.build_handover(duty_officer, plan.starts_at, plan.ends_at)
    assert report.content["duties_checked"] == {"kept": 0, "late": 0, "away": 0}
    assert "定时守点核验" not in handover.handover_text(report)
    from precinct_console.ui.handover.report import handover_html

    assert "本班无定时守点到岗核验" in handover_html(report)
    other_seat = make_ctx(Role.DUTY_OFFICER, username="seat2")
    for minutes, seat in ((3, duty_officer), (3, other_seat), (30, other_seat), (59, duty_officer)):
        at = opens + max(ARRIVAL_GRACE, timedelta(minutes=minutes))
        units.update_unit_position(duty_officer, duty.unit_id, 116.4505, 39.95, at=at)
        assert raise_duty_alerts(seat, at) == []
    with db.sessions() as s:
        [(verdict, due_at, subject)] = s.execute(
            sa.select(DutyCheck.verdict, DutyCheck.due_at, DutyCheck.subject)).all()
    assert (verdict, due_at, subject) == ("kept", opens, "16:30-17:30 学府路护学岗")
    with db.sessions() as s:  # announced once, for every seat's statistics: later checks change nothing
        announced = s.scalars(sa.select(ChangeRecord.entity).where(ChangeRecord.entity == "duty_check")).all()
    assert announced == ["duty_check"]
    # The unit board shows it while the stretch lasts (from the first check), not after.
    clock.now = opens + timedelta(minutes=59)
    row = {r.id: r for r in units.list_units(duty_officer)}[duty.unit_id]
    assert row.checked_on_duty(opens + timedelta(minutes=59)) == "kept"
    assert row.duty_checked_at == opens + ARRIVAL_GRACE
    assert row.checked_on_duty(opens + timedelta(hours=1)) == ""
    report = handover.build_handover(duty_officer, plan.starts_at, plan.ends_at)
    assert report.content["duties_checked"] == {"kept": 1, "late": 0, "away": 0}
    assert report.content["duties_missed"] == []
    assert "定时守点核验 1 次：按时到岗 1，迟到 0，未到岗 0，按时到岗率 100.0%（无实时定位且未点名核实的不计）" in \
        handover.handover_text(report)
    html = handover_html(report)
    assert "按时到岗率 100.0%" in html and "本班定时守点均按时到岗" in html


def test_a_crew_that_turns_up_late_and_stays_counts_as_late_not_as_missing(
        db, station, clock, make_ctx):
    """Found away three minutes into the gate's hour, at the gate from 16:41 to the end: one
    breach, and the stretch counts as late (迟到), apart from the kept and the missed, with
    when the crew came in the alert list and the handover. An older report, which knew only
    kept and away, still reads as it did."""
    from precinct_console.services.duty_alerts import ARRIVAL_GRACE, ARRIVE_TARGET
    from precinct_console.ui.handover.report import handover_html

    _chief, duty_officer, plan, duty, opens = _gate_on_the_town(db, station, clock, make_ctx)
    far, gate = (116.43, 39.95), (116.4505, 39.95)
    units.update_unit_position(duty_officer, duty.unit_id, *far, at=opens + ARRIVAL_GRACE)
    [breach] = [a for a in raise_duty_alerts(duty_officer, opens + ARRIVAL_GRACE)
                if a.target == ARRIVE_TARGET]
    assert breach.address == "离岗 1.7 公里"
    for minutes in (11, 30, 59):
        units.update_unit_position(duty_officer, duty.unit_id, *gate, at=opens + timedelta(minutes=minutes))
        assert raise_duty_alerts(duty_officer, opens + timedelta(minutes=minutes)) == []
    [listed] = alerts.list_alerts(duty_officer)
    assert listed.address == "离岗 1.7 公里，16:41 到岗，迟到 11 分钟"
    report = handover.build_handover(duty_officer, plan.starts_at, plan.ends_at)
    assert report.content["duties_checked"] == {"kept": 0, "late": 1, "away": 0}
    text = handover.handover_text(report)
    assert "定时守点未按时到岗（1）" in text
    assert "定时守点核验 1 次：按时到岗 0，迟到 1，未到岗 0，按时到岗率 0.0%" in text
    assert (f"{duty.call_sign} 16:30-17:30 学府路护学岗 应于 {opens:%m-%d} 16:30 到岗"
            "（离岗 1.7 公里，16:41 到岗，迟到 11 分钟）") in text
    assert "16:41 到岗，迟到 11 分钟" in handover_html(report)
    # A report compiled before late arrivals were told apart: its figures as they were.
    old = {"duties_missed": [], "duties_checked": {"kept": 2, "away": 1}}
    assert handover.duty_keeping(old).startswith("定时守点核验 3 次：按时到岗 2，迟到 0，未到岗 1，")


def test_a_unit_late_for_its_duty_is_a_breach_only_after_the_grace(db, station, clock, make_ctx):
    from precinct_console.services.duty_alerts import ARRIVAL_GRACE, ARRIVE_TARGET

    _chief, duty_officer, _plan, duty, opens = _gate_on_the_town(db, station, clock, make_ctx)
    far = (116.40, 39.90)
    just_before = opens + ARRIVAL_GRACE - timedelta(seconds=1)
    units.update_unit_position(duty_officer, duty.unit_id, *far, at=just_before)
    assert [a for a in raise_duty_alerts(duty_officer, just_before) if a.target == ARRIVE_TARGET] == []
    [late] = [a for a in raise_duty_alerts(duty_officer, opens + ARRIVAL_GRACE) if a.target == ARRIVE_TARGET]
    assert late.unit_id == duty.unit_id


def test_how_far_off_its_duty_a_unit_was_reads_in_metres_then_kilometres():
    assert alerts.off_duty_text(None) == ""
    assert alerts.off_duty_text(648.0) == "离岗 650 米"
    assert alerts.off_duty_text(2149.0) == "离岗 2.1 公里"


def test_a_crew_without_a_live_position_is_checked_by_roll_call(db, station, clock, make_ctx):
    """The gate's car sends no position: the duty officer calls the roll by radio. Not there
    at 16:34: a breach, once, that says a roll call found it; there at 16:45: late, with the
    time it came; the shift counts it, the audit names who called. Called again and there:
    nothing new. A unit with no duty under way cannot be called; a viewer may not call."""
    from precinct_console.domain.errors import PermissionDenied, ValidationError
    from precinct_console.services.duty_alerts import ARRIVE_TARGET, roll_call
    from precinct_console.storage.models import DutyCheck

    _chief, duty_officer, plan, duty, opens = _gate_on_the_town(db, station, clock, make_ctx)
    with pytest.raises(ValidationError, match="has no timed duty under way"):
        roll_call(duty_officer, duty.unit_id, True, opens - timedelta(minutes=1))
    away = roll_call(duty_officer, duty.unit_id, False, opens + timedelta(minutes=4))
    assert (away.verdict, away.duty) == ("away", "16:30-17:30 学府路护学岗")
    assert away.breach is not None and away.breach.target == ARRIVE_TARGET
    assert away.breach.address == "点名核实不在岗"
    assert any(i.entity == "duty_check" for i in away.change.items)
    # The position checks find no fix to judge by: they leave the roll call's verdict alone
    # and raise nothing more.
    assert raise_duty_alerts(duty_officer, opens + timedelta(minutes=5)) == []
    came = roll_call(duty_officer, duty.unit_id, True, opens + timedelta(minutes=15))
    assert (came.verdict, came.breach) == ("late", None)
    assert roll_call(duty_officer, duty.unit_id, True, opens + timedelta(minutes=40)).verdict == "late"
    clock.now = opens + timedelta(minutes=41)
    row = {r.id: r for r in units.list_units(duty_officer)}[duty.unit_id]
    assert (row.checked_on_duty(clock.now), row.duty_checked_at) == ("late", opens + timedelta(minutes=15))
    [listed] = alerts.list_alerts(duty_officer)
    assert listed.address == "点名核实不在岗，16:45 到岗，迟到 15 分钟"
    report = handover.build_handover(duty_officer, plan.starts_at, plan.ends_at)
    assert report.content["duties_checked"] == {"kept": 0, "late": 1, "away": 0}
    with db.sessions() as s:
        [(source, confirmed_by, distance)] = s.execute(
            sa.select(DutyCheck.source, DutyCheck.confirmed_by, DutyCheck.distance_m)).all()
        calls = s.scalars(sa.select(AuditEntry.action).where(AuditEntry.action == "duty.roll_call")).all()
    assert (source, confirmed_by, distance) == ("roll_call", duty_officer.actor.user_id, None)
    assert len(calls) == 3
    with pytest.raises(PermissionDenied):
        roll_call(make_ctx(Role.VIEWER), duty.unit_id, True, opens + timedelta(minutes=45))


def test_a_roll_call_finding_the_crew_there_counts_the_duty_kept(db, station, clock, make_ctx):
    from precinct_console.services.duty_alerts import roll_call

    _chief, duty_officer, plan, duty, opens = _gate_on_the_town(db, station, clock, make_ctx)
    kept = roll_call(duty_officer, duty.unit_id, True, opens + timedelta(minutes=1))
    assert (kept.verdict, kept.breach) == ("kept", None)
    # A live position later finds it gone: not kept after all, and the breach says how far.
    units.update_unit_position(duty_officer, duty.unit_id, 116.43, 39.95, at=opens + timedelta(minutes=20))
    [breach] = raise_duty_alerts(duty_officer, opens + timedelta(minutes=20))
    assert breach.address == "离岗 1.7 公里"
    report = handover.build_handover(duty_officer, plan.starts_at, plan.ends_at)
    assert report.content["duties_checked"] == {"kept": 0, "late": 0, "away": 1}


def test_a_duty_both_plans_in_force_hand_out_is_kept_by_one_crew(db, station, clock, make_ctx):
    chief, duty_officer, plan, duty, opens = _gate_on_the_town(db, station, clock, make_ctx)
    # A standby shift over the same hours with a car of its own; its plan, accepted after the
    # patrol shift's, also sends its car to the gate.
    standby = roster.add_shift(chief, "所部备勤", plan.starts_at, plan.ends_at)
    officer = roster.add_officer(chief, "039909", "备勤民警")
    spare = unit_roll.add_unit(chief, "备勤一车", "car", 116.395, 39.90)
    roster.assign(chief, standby.id, officer.id, duty="standby", unit_id=spare)
    own = allocation.propose_plan(chief, shift_id=standby.id, method="greedy")
    [standby_duty] = own.visits
    assert standby_duty.point_key == duty.point_key and standby_duty.unit_id == spare
    allocation.decide_plan(chief, own.id, own.version, "accept")
    clock.now = opens - timedelta(minutes=30)
    board = {r.call_sign: r for r in units.list_units(duty_officer)}
    holding = [sign for sign, r in board.items() if r.duty_list]
    assert holding == ["备勤一车"]  # the plan decided later sends its crew; the other stays put
    assert board["备勤一车"].duty_list[0].text.endswith("学府路护学岗")
    # Reminders follow the board: one unit is told to set out, not two.
    raised = raise_duty_alerts(duty_officer, opens - timedelta(minutes=3))
    assert [a.unit_id for a in raised] == [spare]


def _standby_over_the_day_shift(db, station, clock, make_ctx):
    """The 07:30-09:00 gate on a day shift from 08:00 (two cars) and on a 24-hour standby shift
    from 08:00 (备勤一车), the standby plan accepted first: (day plan, its duty, the standby car)."""
    chief = make_ctx(Role.STATION_CHIEF)
    _town(db, station, clock)
    patrol, patrol_duty = _gate_plan(chief, clock, ("07:30", "09:00"), shift_hour=8)
    standby = roster.add_shift(chief, "所部备勤", patrol.starts_at, patrol.starts_at + timedelta(hours=24))
    officer = roster.add_officer(chief, "039909", "备勤民警")
    spare = unit_roll.add_unit(chief, "备勤一车", "car", 116.395, 39.90)
    roster.assign(chief, standby.id, officer.id, duty="standby", unit_id=spare)
    own = allocation.propose_plan(chief, shift_id=standby.id, method="greedy")
    [standby_duty] = own.visits
    assert standby_duty.unit_id == spare and standby_duty.window == "08:00-09:00、07:30-08:00"
    allocation.decide_plan(chief, own.id, own.version, "accept")
    clock.now = clock() + timedelta(minutes=1)
    allocation.decide_plan(chief, patrol.id, patrol.version, "accept")  # decided later
    return patrol, patrol_duty, spare


def test_each_window_of_a_duty_goes_to_the_crew_of_the_plan_that_covers_it(db, station, clock, make_ctx):
    """A 24-hour standby plan meets the 07:30-09:00 gate twice: 08:00-09:00 today and 07:30-08:00
    tomorrow. The day shift's plan, accepted later, sends its own car for 08:00-09:00. The board
    shows each window with the crew that keeps it (the standby car's next morning all day long),
    only that crew is checked at the gate, the standby car is reminded of its window, and between
    its windows it is not held at the gate."""
    from precinct_console.services.duty_alerts import ARRIVE_TARGET

    duty_officer = make_ctx(Role.DUTY_OFFICER)
    patrol, patrol_duty, spare = _standby_over_the_day_shift(db, station, clock, make_ctx)
    eight = patrol.starts_at
    tomorrow = eight + timedelta(days=1) - timedelta(minutes=30)  # 07:30 the next morning

    def board(at: datetime) -> dict[str, units.UnitRow]:
        clock.now = at
        return {r.call_sign: r for r in units.list_units(duty_officer)}

    for at in (eight + timedelta(minutes=10), eight + timedelta(hours=2), eight + timedelta(hours=9)):
        rows = board(at)
        assert rows["备勤一车"].duties_ahead(at) == "07:30-08:00 学府路护学岗"
        assert rows[patrol_duty.call_sign].duties_ahead(at) == (
            "08:00-09:00 学府路护学岗" if at < eight + timedelta(hours=1) else "")
    # Between its windows the standby car is wanted at its own point, not at the gate.
    rows = board(eight + timedelta(hours=9))
    assert rows["备勤一车"].due_at(clock.now)[0] == rows["备勤一车"].patrol_point
    # At 08:20 only the day shift's car is judged at the gate: the standby car, far off, is not
    # the crew the board shows there.
    at = eight + timedelta(minutes=20)
    units.update_unit_position(duty_officer, spare, 116.40, 39.90, at=at)
    units.update_unit_position(duty_officer, patrol_duty.unit_id, 116.40, 39.90, at=at)
    breaches = [a.unit_id for a in raise_duty_alerts(duty_officer, at) if a.target == ARRIVE_TARGET]
    assert breaches == [patrol_duty.unit_id]
    # The next morning the standby car's board says when to set out, and the reminder agrees.
    spot = board(tomorrow)["备勤一车"].duty_list[-1]
    assert (spot.text, spot.starts) == ("07:30-08:00 学府路护学岗", tomorrow)
    warn_from = spot.sets_out - units.SET_OUT_WARNING
    assert board(warn_from)["备勤一车"].leaving_for(warn_from) == spot
    [alert] = raise_duty_alerts(duty_officer, warn_from)
    assert (alert.unit_id, alert.category_name, alert.due_at) == (spare, "07:30-08:00 学府路护学岗", tomorrow)
    assert alert.leave_by == spot.sets_out


def _far_fix_going_stale(chief, duty_officer, clock, duty, opens):
    """The gate's car (the gate open from 17:00) reports from west of the gate, three or four
    minutes' drive further than from its point, four minutes before it must leave from there:
    (the board's spot then, the plan's time to leave, when the fix stops being live)."""
    from precinct_console.domain.travel import distance_m, travel_seconds

    far = next((duty.lon - d / 1000, duty.lat) for d in range(1, 200) if travel_seconds(
        distance_m(duty.lon - d / 1000, duty.lat, duty.lon, duty.lat), "car", 17) - duty.seconds > 200)
    clock.now = opens - timedelta(minutes=55)
    planned = _spot(chief, clock, duty.unit_id, clock.now)
    units.update_unit_position(duty_officer, duty.unit_id, *far, at=clock.now)
    leave_live = _spot(chief, clock, duty.unit_id, clock.now).sets_out
    fixed_at = leave_live - timedelta(minutes=4)
    units.update_unit_position(duty_officer, duty.unit_id, *far, at=fixed_at)
    live = _spot(chief, clock, duty.unit_id, fixed_at)
    assert live.sets_out == leave_live and live.time_to_leave(fixed_at)
    assert leave_live + timedelta(minutes=2) < planned.sets_out < leave_live + timedelta(minutes=6)
    return live, planned.sets_out, fixed_at + timedelta(seconds=units.STALE_POSITION_S)


def test_a_fix_gone_stale_times_the_duty_from_the_crews_point_on_the_board_and_in_the_reminder(
        db, station, clock, make_ctx):
    """Reminded at 16:06 to set out by 16:10 from across town, the car's terminal falls silent:
    from 16:11 its last fix is not where it is. The board's row, read at 16:06 and not since,
    times the duty from the car's point as the reminder does, and says so; the reminder raised
    from the fix is moved to that time (audited), so the duty officer reads one time, not two."""
    chief, duty_officer, _plan, duty, opens = _gate_on_the_town(db, station, clock, make_ctx,
                                                                ("17:00", "18:00"))
    live, planned, stale_from = _far_fix_going_stale(chief, duty_officer, clock, duty, opens)
    [alert] = raise_duty_alerts(duty_officer, clock.now)
    assert alert.leave_by == live.sets_out
    later = stale_from + timedelta(seconds=30)
    assert live.leave_by(later) == (planned, "stale") and live.time_to_leave(later)
    assert raise_duty_alerts(duty_officer, later) == []
    [waiting] = alerts.list_alerts(duty_officer)
    assert (waiting.id, waiting.leave_by) == (alert.id, planned)
    assert waiting.target_label == f"{planned.astimezone(CHINA_TZ):%H:%M}前出发"
    # Read again, the board agrees and says why.
    spot = _spot(chief, clock, duty.unit_id, later)
    assert spot.leave_by(later) == (planned, "stale")
    with db.sessions() as s:
        actions = s.scalars(sa.select(AuditEntry.action).where(AuditEntry.entity_id == alert.id,
                                                               AuditEntry.entity == "alert")).all()
    assert sorted(actions) == ["alert.raise", "alert.retime"]


def test_a_reminder_is_not_saved_again_for_a_few_seconds_the_board_does_not_show(
        db, station, clock, make_ctx):
    """A car driving through its set-out window moves the time to leave a few seconds at every
    check; the board and the reminder read HH:MM, so only a new minute is saved (and audited)."""
    chief, duty_officer, _plan, duty, opens = _gate_on_the_town(db, station, clock, make_ctx,
                                                                ("17:00", "18:00"))
    live, _planned, _stale = _far_fix_going_stale(chief, duty_officer, clock, duty, opens)
    [alert] = raise_duty_alerts(duty_officer, clock.now)
    # Two metres nearer the gate: a second or less sooner to leave, the same minute shown.
    nudged = clock.now + timedelta(seconds=20)
    row = units.list_units(duty_officer)
    here = next(u for u in row if u.id == duty.unit_id)
    units.update_unit_position(duty_officer, duty.unit_id, here.lon + 0.00002, here.lat, at=nudged)
    moved = _spot(chief, clock, duty.unit_id, nudged).leave_by(nudged)[0]
    assert moved != live.sets_out and f"{moved:%H:%M}" == f"{live.sets_out:%H:%M}"
    assert raise_duty_alerts(duty_officer, nudged) == []
    with db.sessions() as s:
        actions = s.scalars(sa.select(AuditEntry.action).where(AuditEntry.entity_id == alert.id,
                                                               AuditEntry.entity == "alert")).all()
    assert actions == ["alert.raise"]


def test_a_reminder_first_raised_once_the_fix_is_stale_agrees_with_the_board_read_before(
        db, station, clock, make_ctx):
    """Nobody asked for reminders while the fix was live: the first one, raised once it is not,
    goes by the crew's point, and so does the board's row read while it was."""
    chief, duty_officer, _plan, duty, opens = _gate_on_the_town(db, station, clock, make_ctx,
                                                                ("17:00", "18:00"))
    live, planned, stale_from = _far_fix_going_stale(chief, duty_officer, clock, duty, opens)
    later = stale_from + timedelta(seconds=30)
    [alert] = raise_duty_alerts(duty_officer, later)
    assert alert.leave_by == planned == live.leave_by(later)[0]


def test_a_window_the_next_shifts_plan_takes_over_is_not_shown_to_the_crew_it_leaves(
        db, station, clock, make_ctx):
    """A 24-hour standby plan in force since 08:00 sends its car to the 16:30 gate; the 16:00
    shift's plan, accepted after it, sends its own. At the time to set out only the 16:00 shift's
    car is told to, on the board and by the reminder; the standby car's row does not list the
    gate at all, as it will not be its duty when it opens."""
    chief, duty_officer, plan, duty, opens = _gate_on_the_town(db, station, clock, make_ctx,
                                                               accept=False)
    eight = plan.starts_at - timedelta(hours=8)
    standby = roster.add_shift(chief, "所部备勤", eight, eight + timedelta(hours=24))
    officer = roster.add_officer(chief, "039909", "备勤民警")
    spare = unit_roll.add_unit(chief, "备勤一车", "car", 116.395, 39.90)
    roster.assign(chief, standby.id, officer.id, duty="standby", unit_id=spare)
    own = allocation.propose_plan(chief, shift_id=standby.id, method="greedy")
    assert [v.unit_id for v in own.visits] == [spare]
    allocation.decide_plan(chief, own.id, own.version, "accept")
    clock.now = clock() + timedelta(minutes=1)
    allocation.decide_plan(chief, plan.id, plan.version, "accept")
    # 15:20: only the standby plan is in force, but the gate will not be its car's duty.
    clock.now = opens - timedelta(minutes=70)
    rows = {r.id: r for r in units.list_units(duty_officer)}
    assert "学府路护学岗" not in rows[spare].duties_ahead(clock.now)
    spot = _spot(chief, clock, duty.unit_id, opens)
    at = spot.sets_out - units.SET_OUT_WARNING + timedelta(seconds=10)
    clock.now = at
    rows = {r.id: r for r in units.list_units(duty_officer)}
    assert rows[spare].leaving_for(at) is None and rows[duty.unit_id].leaving_for(at) is not None
    assert [a.unit_id for a in raise_duty_alerts(duty_officer, at)] == [duty.unit_id]


def test_a_crew_the_board_shows_on_its_way_to_its_duty_is_not_moved_up(db, station, clock, make_ctx):
    """Timed from its live fix further off, the car must leave for the gate before the plan's
    time: from then the board and the map send it to the gate, and a move-up to another point
    is refused as for a duty under way."""
    from precinct_console.domain.errors import ValidationError
    from precinct_console.services.move_up import order_move_up

    chief, duty_officer, plan, duty, opens = _gate_on_the_town(db, station, clock, make_ctx,
                                                                ("17:00", "18:00"))
    live, planned, _stale_from = _far_fix_going_stale(chief, duty_officer, clock, duty, opens)
    units.set_unit_status(duty_officer, duty.unit_id, "available")
    clock.now = live.sets_out + timedelta(seconds=20)
    row = {r.id: r for r in units.list_units(duty_officer)}[duty.unit_id]
    assert row.due_at(clock.now)[0] == "学府路护学岗" and clock.now < planned
    other = next(a["point_key"] for a in allocation.get_plan(chief, plan.id).assignments
                 if a["unit_id"] != duty.unit_id)
    with pytest.raises(ValidationError, match="is on its timed duty 17:00-18:00 学府路护学岗"):
        order_move_up(duty_officer, duty.unit_id, other)


def test_a_crew_already_on_its_patrol_lines_route_is_not_told_to_set_out(db, station, clock, make_ctx):
    """The night market's line runs 1.7 km along 39.95; the car's duty is met at its west end,
    nearest the car's point. A car already at the east end, on the route, is where the position
    checks will find it keeping the duty: it is not reminded to set out, and its time to leave
    counts from the route's nearest point to it."""
    chief, duty_officer = make_ctx(Role.STATION_CHIEF), make_ctx(Role.DUTY_OFFICER)
    _town(db, station, clock)
    geometry.import_geometry(chief, {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "LineString",
                                         "coordinates": [[116.44, 39.95], [116.46, 39.95]]},
         "properties": {"code": "XL1", "name": "夜市巡逻线", "window_start": "16:30",
                        "window_end": "17:30"}},
    ]})
    day = clock().astimezone(CHINA_TZ).date() + timedelta(days=1)
    start = datetime(day.year, day.month, day.day, 16, tzinfo=CHINA_TZ)
    shift = roster.add_shift(chief, "中班", start, start + timedelta(hours=8))
    officer = roster.add_officer(chief, "039900", "民警0")
    car = unit_roll.add_unit(chief, "巡逻1车", "car", 116.391, 39.90)
    roster.assign(chief, shift.id, officer.id, unit_id=car)
    plan = allocation.propose_plan(chief, shift_id=shift.id, method="greedy")
    allocation.decide_plan(chief, plan.id, plan.version, "accept")
    [duty] = plan.visits
    assert duty.lon < 116.445  # met at the west end, nearest the car's point
    opens = start + timedelta(minutes=30)
    spot = _spot(chief, clock, car, opens)
    warn_from = spot.sets_out - units.SET_OUT_WARNING
    east_end = (116.4595, 39.9501)
    units.update_unit_position(duty_officer, car, *east_end, at=warn_from)
    assert raise_duty_alerts(duty_officer, warn_from) == []
    # From the east end the route is at hand: nothing to leave for sooner than the plan says.
    clock.now = warn_from
    [spot] = {r.id: r for r in units.list_units(duty_officer)}[car].duty_list
    assert spot.leave_by(warn_from)[1] == "point"


def test_a_duty_handed_out_once_under_way_is_judged_once_the_crew_could_be_there(
        db, station, clock, make_ctx):
    """The chief accepts the shift's plan at 16:40, ten minutes into the gate's 16:30-17:30 (the
    morning re-plan of a shift already running, say). The car given the gate heard of it at
    16:40, and was found 'not at its duty' at the next check: a breach and a duty not kept, for
    a crew that never had the time to get there. It is judged once its drive and the grace have
    passed since the order."""
    from precinct_console.services.duty_alerts import ARRIVAL_GRACE, ARRIVE_TARGET

    chief, duty_officer, plan, duty, opens = _gate_on_the_town(db, station, clock, make_ctx,
                                                               accept=False)
    clock.now = opens + timedelta(minutes=10)
    allocation.decide_plan(chief, plan.id, plan.version, "accept")
    can_be_there = clock.now + timedelta(seconds=duty.seconds) + ARRIVAL_GRACE
    far = (116.40, 39.90)

    def breaches_at(at: datetime) -> list[alerts.AlertView]:
        units.update_unit_position(duty_officer, duty.unit_id, *far, at=at)
        return [a for a in raise_duty_alerts(duty_officer, at) if a.target == ARRIVE_TARGET]

    assert breaches_at(opens + timedelta(minutes=11)) == []
    assert breaches_at(can_be_there - timedelta(seconds=1)) == []
    [late] = breaches_at(can_be_there)
    assert late.unit_id == duty.unit_id


def test_the_recommendation_offers_a_car_due_at_its_duty_after_an_equally_good_free_car(
        db, station, clock, make_ctx):
    """At 16:10 a call comes in between the two cars; the gate's car must set out for 16:30
    within the half hour. Both make the 3-minute target: the free car is suggested first, the
    gate's car follows with its duty written out. Long before its duty it is a car like any."""
    from precinct_console.services import incidents as inc

    chief, duty_officer, plan, duty, opens = _gate_on_the_town(db, station, clock, make_ctx)
    for a in allocation.get_plan(chief, plan.id).assignments:
        units.set_unit_status(duty_officer, a["unit_id"], "available")
    gate_car = next(u for u in units.list_units(duty_officer) if u.id == duty.unit_id)
    other = next(u for u in units.list_units(duty_officer) if u.id != duty.unit_id)
    # Nearer the gate's car than the other: a plain ranking suggests the gate's car.
    lon = gate_car.home_lon + (other.home_lon - gate_car.home_lon) / 3

    def ranked_at(at: datetime) -> list:
        clock.now = at
        call = inc.intake_incident(duty_officer, inc.IncidentDraft(
            channel="110", category_code="0202", address="城关镇东关路8号", lon=lon, lat=39.90))
        return list(inc.recommend_units(duty_officer, call.id).options)

    early = ranked_at(opens - timedelta(hours=3))
    assert [o.unit_id for o in early] == [duty.unit_id, other.id]
    assert not any("学府路护学岗" in r for r in early[0].reasons)
    options = ranked_at(opens - timedelta(minutes=20))
    assert [(o.unit_id, o.meets_target) for o in options] == [(other.id, True), (duty.unit_id, True)]
    assert "due at the must-patrol point 学府路护学岗 at 16:30" in options[1].reasons
    # On the duty under way, the same.
    options = ranked_at(opens + timedelta(minutes=5))
    assert [o.unit_id for o in options] == [other.id, duty.unit_id]
    assert "on its timed duty at the must-patrol point 学府路护学岗 until 17:30" in options[1].reasons


def test_a_handover_compiled_after_a_re_plan_hands_over_the_deployment_in_force_at_the_handover(
        db, station, clock, make_ctx):
    """The 16:00 handover is compiled at 16:50, after the chief re-planned the evening at 16:40
    (the two cars' points swapped, the gate's duty with them). The report is the 16:00
    handover's: it hands over the plan in force then, not the one that replaced it since. A
    plan accepted for a shift with none in force at the handover is not handed over either."""
    chief, duty_officer, plan, duty, _opens = _gate_on_the_town(db, station, clock, make_ctx)
    changeover = plan.starts_at
    accepted = {a["call_sign"]: a["point_name"] for a in allocation.get_plan(chief, plan.id).assignments}
    clock.now = changeover + timedelta(minutes=40)
    replanned = _replanned_with_points_swapped(chief, plan)
    [moved] = replanned.visits
    assert moved.unit_id != duty.unit_id
    clock.now = changeover + timedelta(minutes=50)
    report = handover.build_handover(duty_officer, changeover - timedelta(hours=8), changeover)
    deployment = {d["unit"]: d for d in report.content["deployment"]}
    assert {u: d["point"] for u, d in deployment.items()} == accepted
    assert deployment[duty.call_sign]["duties"] == "16:30-17:30 学府路护学岗"
    assert deployment[moved.call_sign]["duties"] == ""
    # The midnight handover: the night's plan, first accepted at 00:30, was not in force then.
    later = roster.add_shift(chief, "夜班", plan.ends_at, plan.ends_at + timedelta(hours=8))
    officer = roster.add_officer(chief, "039977", "夜班民警")
    roster.assign(chief, later.id, officer.id, unit_id=duty.unit_id)
    night = allocation.propose_plan(chief, shift_id=later.id, method="greedy")
    clock.now = plan.ends_at + timedelta(minutes=30)
    allocation.decide_plan(chief, night.id, night.version, "accept")
    report = handover.build_handover(duty_officer, changeover, plan.ends_at)
    assert report.content["deployment"] == []
    assert "无已采纳的巡逻布警方案" in handover.handover_text(report)


def test_a_crew_ordered_to_a_duty_under_way_is_told_to_set_out_at_once_and_judged_from_the_order(
        db, station, clock, make_ctx):
    """The plan is accepted at 16:40, ten minutes into the gate's 16:30-17:30. Its car is told
    to set out at once, and found away once it could have been there: the breach says it was due
    at the order's time plus the drive (not 16:30), and a crew that comes later is late by the
    minutes past that time, in the alert list and the handover."""
    from precinct_console.services.duty_alerts import ARRIVAL_GRACE, ARRIVE_TARGET

    chief, duty_officer, plan, duty, opens = _gate_on_the_town(db, station, clock, make_ctx,
                                                               accept=False)
    ordered = opens + timedelta(minutes=10)
    clock.now = ordered
    allocation.decide_plan(chief, plan.id, plan.version, "accept")
    [reminder] = raise_duty_alerts(duty_officer, ordered + timedelta(seconds=20))
    assert (reminder.unit_id, reminder.target, reminder.level) == (duty.unit_id, SET_OUT_TARGET, "near")
    assert reminder.target_label == "立即出发" and reminder.leave_by == ordered
    assert reminder.due_at == opens and reminder.category_name == "16:30-17:30 学府路护学岗"
    assert raise_duty_alerts(duty_officer, ordered + timedelta(minutes=1)) == []  # once
    arrive = ordered + timedelta(seconds=duty.seconds)
    far = (116.40, 39.90)
    units.update_unit_position(duty_officer, duty.unit_id, *far, at=arrive + ARRIVAL_GRACE)
    [breach] = [a for a in raise_duty_alerts(duty_officer, arrive + ARRIVAL_GRACE)
                if a.target == ARRIVE_TARGET]
    assert breach.target_label == f"{arrive.astimezone(CHINA_TZ):%H:%M}应到岗（按接令加车程）"
    assert breach.there_by == arrive and breach.due_at == opens
    came = arrive + timedelta(minutes=12, seconds=5)
    units.update_unit_position(duty_officer, duty.unit_id, 116.4505, 39.95, at=came)
    assert raise_duty_alerts(duty_officer, came) == []
    listed = next(a for a in alerts.list_alerts(duty_officer) if a.target == ARRIVE_TARGET)
    assert listed.address.endswith(f"{came.astimezone(CHINA_TZ):%H:%M} 到岗，迟到 12 分钟")
    report = handover.build_handover(duty_officer, plan.starts_at, plan.ends_at)
    [missed] = report.content["duties_missed"]
    assert missed["due"] == f"{arrive.astimezone(CHINA_TZ):%m-%d %H:%M}"
    assert missed["off"].startswith("按接令加车程，离岗")
    assert (f"{duty.call_sign} 16:30-17:30 学府路护学岗 应于 {arrive.astimezone(CHINA_TZ):%m-%d %H:%M} "
            "到岗（按接令加车程，离岗") in handover.handover_text(report)


def test_a_duty_given_to_another_crew_once_under_way_is_that_crews_to_set_out_for_at_once(
        db, station, clock, make_ctx):
    """The gate's car was reminded before 16:30; at 16:40 the chief gives the gate to the other
    car. The other car is told to set out at once, the first car's reminder is withdrawn, and
    the other car is judged from the order. A re-plan that keeps a car on its gate is no new
    order: it is judged from 16:30 as before."""
    from precinct_console.services.duty_alerts import (
        ARRIVAL_GRACE,
        ARRIVE_TARGET,
        duties_under_way,
        ordered_arrivals,
    )

    chief, duty_officer, plan, duty, opens = _gate_on_the_town(db, station, clock, make_ctx)
    spot = _spot(chief, clock, duty.unit_id, opens)
    [first] = raise_duty_alerts(duty_officer, spot.sets_out - units.SET_OUT_WARNING)
    clock.now = opens + timedelta(minutes=10)
    accepted = _replanned_with_points_swapped(chief, plan)
    [moved] = accepted.visits
    assert moved.unit_id != duty.unit_id
    [now_theirs] = raise_duty_alerts(duty_officer, clock.now)
    assert (now_theirs.unit_id, now_theirs.target_label) == (moved.unit_id, "立即出发")
    assert [a.id for a in alerts.list_alerts(duty_officer)] == [now_theirs.id]
    assert first.id not in {a.id for a in alerts.list_alerts(duty_officer)}
    arrive = clock.now + timedelta(seconds=moved.seconds)
    units.update_unit_position(duty_officer, moved.unit_id, 116.40, 39.90, at=arrive + ARRIVAL_GRACE)
    [breach] = [a for a in raise_duty_alerts(duty_officer, arrive + ARRIVAL_GRACE)
                if a.target == ARRIVE_TARGET]
    assert breach.unit_id == moved.unit_id and breach.there_by == arrive
    # The chief re-plans once more at 16:50, leaving the gate with the car that has it: still
    # judged from its order at 16:40, and not reminded again.
    clock.now = opens + timedelta(minutes=20)
    third = allocation.propose_plan(chief, shift_id=plan.shift_id, method="greedy")
    points = {int(a["unit_id"]): a["point_key"] for a in allocation.get_plan(chief, third.id).assignments}
    [a_id, b_id] = sorted(points)
    swap = [v.unit_id for v in third.visits] != [moved.unit_id]  # the solver's own points swapped
    kept = allocation.decide_plan(chief, third.id, third.version, "accept",
                                  assignments={a_id: points[b_id], b_id: points[a_id]} if swap else None)
    assert [v.unit_id for v in kept.visits] == [moved.unit_id]
    assert raise_duty_alerts(duty_officer, clock.now) == []
    with db.sessions() as s:
        in_force = units.orders_in_force(s, station.id, clock.now)
        begun = duties_under_way(s, station.id, clock.now, in_force, grace=timedelta(0))
        assert ordered_arrivals(s, station.id, begun, in_force) == {(moved.unit_id, opens): arrive}


def test_a_roll_call_before_a_late_ordered_crew_could_be_there_cannot_find_it_missing(
        db, station, clock, make_ctx):
    """The plan is accepted at 16:40, ten minutes into the gate's 16:30-17:30; its car needs its
    drive to get there. The duty officer calls the roll at 16:41 and the crew is on its way: a
    'not there' then is refused, saying when the crew can be there, and nothing is recorded (no
    breach on the alert list, nothing on the board, not counted in the handover). From that time
    'not there' is a breach as before; a crew that answers 'there' early counts as kept."""
    from precinct_console.domain.errors import ValidationError
    from precinct_console.services.duty_alerts import ARRIVE_TARGET, roll_call
    from precinct_console.ui.error_text import error_text

    chief, duty_officer, plan, duty, opens = _gate_on_the_town(db, station, clock, make_ctx,
                                                               accept=False)
    ordered = opens + timedelta(minutes=10)
    clock.now = ordered
    allocation.decide_plan(chief, plan.id, plan.version, "accept")
    arrive = ordered + timedelta(seconds=duty.seconds)
    assert arrive > ordered + timedelta(minutes=1)
    [reminder] = raise_duty_alerts(duty_officer, ordered + timedelta(seconds=20))
    early = ordered + timedelta(minutes=1)
    with pytest.raises(ValidationError) as refused:
        roll_call(duty_officer, duty.unit_id, False, early)
    when = f"{arrive.astimezone(CHINA_TZ):%H:%M}"
    assert f"can be there by {when}" in str(refused.value)
    assert f"{when} 前可到岗" in error_text(refused.value, "zh_CN")
    assert [a.id for a in alerts.list_alerts(duty_officer)] == [reminder.id]
    clock.now = early
    row = {r.id: r for r in units.list_units(duty_officer)}[duty.unit_id]
    assert row.checked_on_duty(early) == ""
    report = handover.build_handover(duty_officer, plan.starts_at, plan.ends_at)
    assert report.content["duties_checked"] == {"kept": 0, "late": 0, "away": 0}
    # From the time it can be there, a crew not there is a breach that names that time.
    away = roll_call(duty_officer, duty.unit_id, False, arrive)
    assert away.verdict == "away" and away.breach is not None
    assert away.breach.target == ARRIVE_TARGET and away.breach.there_by == arrive


def test_a_late_ordered_crew_called_there_early_counts_as_kept_and_leaving_is_judged(
        db, station, clock, make_ctx):
    """The crew ordered at 16:40 is at the gate when called at 16:41: kept. Called again at
    16:42 and gone, before its drive would have brought it: it was there and left, which a roll
    call can say at any time."""
    from precinct_console.services.duty_alerts import roll_call

    chief, duty_officer, plan, duty, opens = _gate_on_the_town(db, station, clock, make_ctx,
                                                               accept=False)
    clock.now = opens + timedelta(minutes=10)
    allocation.decide_plan(chief, plan.id, plan.version, "accept")
    assert roll_call(duty_officer, duty.unit_id, True, opens + timedelta(minutes=11)).verdict == "kept"
    gone = roll_call(duty_officer, duty.unit_id, False, opens + timedelta(minutes=12))
    assert gone.verdict == "away" and gone.breach is not None


def test_a_set_out_at_once_reminder_is_withdrawn_when_a_re_plan_leaves_its_duty_with_nobody(
        db, station, clock, make_ctx):
    """The car was told at 16:40 to set out at once for the gate. At 16:45 the gate is patrolled
    all day instead and the chief re-plans the shift: no crew holds the 16:30-17:30 duty now, so
    the reminder leaves the list (withdrawn, audited) instead of waiting to be acknowledged."""
    chief, duty_officer, plan, _duty, opens = _gate_on_the_town(db, station, clock, make_ctx,
                                                               accept=False)
    clock.now = opens + timedelta(minutes=10)
    allocation.decide_plan(chief, plan.id, plan.version, "accept")
    [reminder] = raise_duty_alerts(duty_officer, clock.now + timedelta(seconds=20))
    assert reminder.target_label == "立即出发"
    clock.now = opens + timedelta(minutes=15)
    geometry.import_geometry(chief, {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [116.45, 39.95]},
         "properties": {"layer": "patrol_point", "code": "PP1", "name": "学府路护学岗"}},
    ]})
    again = allocation.propose_plan(chief, shift_id=plan.shift_id, method="greedy")
    assert allocation.decide_plan(chief, again.id, again.version, "accept").visits == ()
    assert raise_duty_alerts(duty_officer, clock.now + timedelta(seconds=20)) == []
    assert alerts.list_alerts(duty_officer) == []
    with db.sessions() as s:
        actions = s.scalars(sa.select(AuditEntry.action).where(
            AuditEntry.entity == "alert", AuditEntry.entity_id == reminder.id)).all()
    assert sorted(actions) == ["alert.raise", "alert.withdraw"]


def test_a_set_out_reminder_not_acknowledged_stays_after_its_duty_is_over(db, station, clock, make_ctx):
    """A reminder nobody acknowledged is still there once the gate's duty is over: the duty
    officer acknowledges it; only a duty taken away from its crew withdraws one."""
    chief, duty_officer, _plan, duty, opens = _gate_on_the_town(db, station, clock, make_ctx)
    spot = _spot(chief, clock, duty.unit_id, opens)
    [first] = raise_duty_alerts(duty_officer, spot.sets_out - units.SET_OUT_WARNING)
    raise_duty_alerts(duty_officer, opens + timedelta(minutes=61))
    assert first.id in {a.id for a in alerts.list_alerts(duty_officer)}


def _reminder_audit(db, alert_id: int) -> list[tuple[str, str]]:
    with db.sessions() as s:
        return sorted((e.action, (e.after or {}).get("why", "")) for e in s.scalars(
            sa.select(AuditEntry).where(AuditEntry.entity == "alert", AuditEntry.entity_id == alert_id)))


def test_a_set_out_at_once_reminder_resolves_itself_when_a_roll_call_finds_the_crew_there(
        db, station, clock, make_ctx):
    """Told at 16:40 to set out at once for the gate, the crew is called at 16:50 and is there:
    its 立即出发 reminder leaves the duty officer's list (resolved, audited with why) instead of
    waiting to be acknowledged. A call finding it not there leaves the reminder as it is."""
    from precinct_console.services.duty_alerts import roll_call

    chief, duty_officer, plan, duty, opens = _gate_on_the_town(db, station, clock, make_ctx,
                                                               accept=False)
    clock.now = opens + timedelta(minutes=10)
    allocation.decide_plan(chief, plan.id, plan.version, "accept")
    [reminder] = raise_duty_alerts(duty_officer, clock.now + timedelta(seconds=20))
    assert reminder.target_label == "立即出发"
    arrive = clock.now + timedelta(seconds=duty.seconds)
    assert roll_call(duty_officer, duty.unit_id, False, arrive).breach is not None
    assert reminder.id in {a.id for a in alerts.list_alerts(duty_officer)}  # still to act on
    clock.now = arrive + timedelta(minutes=2)
    assert roll_call(duty_officer, duty.unit_id, True, clock.now).verdict == "late"
    listed = alerts.list_alerts(duty_officer)
    assert reminder.id not in {a.id for a in listed} and [a.target for a in listed] == ["duty_arrive"]
    assert _reminder_audit(db, reminder.id) == [
        ("alert.raise", ""), ("alert.resolve", f"crew at the duty (roll call by {duty_officer.actor.username})")]
    assert raise_duty_alerts(duty_officer, clock.now + timedelta(seconds=20)) == []  # not again


def test_a_set_out_reminder_resolves_itself_once_the_crews_live_position_is_at_the_duty(
        db, station, clock, make_ctx):
    """Reminded to set out for the 16:30 gate, the car is by the gate at 16:28: the next check
    resolves the reminder (audited with why). One ordered once under way whose live position
    is found at the gate is resolved the same way."""
    chief, duty_officer, _plan, duty, opens = _gate_on_the_town(db, station, clock, make_ctx)
    spot = _spot(chief, clock, duty.unit_id, opens)
    [reminder] = raise_duty_alerts(duty_officer, spot.sets_out - units.SET_OUT_WARNING)
    clock.now = opens - timedelta(minutes=2)
    units.update_unit_position(duty_officer, duty.unit_id, spot.lon + 0.001, spot.lat, at=clock.now)
    assert raise_duty_alerts(duty_officer, clock.now + timedelta(seconds=10)) == []
    assert alerts.list_alerts(duty_officer) == []
    [(_raise, _), (resolve, why)] = _reminder_audit(db, reminder.id)
    assert resolve == "alert.resolve" and why.startswith("crew at the duty point (live position")


def test_a_set_out_at_once_reminder_resolves_when_the_position_check_finds_the_crew_there(
        db, station, clock, make_ctx):
    from precinct_console.services.duty_alerts import ARRIVAL_GRACE

    chief, duty_officer, plan, duty, opens = _gate_on_the_town(db, station, clock, make_ctx,
                                                               accept=False)
    clock.now = opens + timedelta(minutes=10)
    allocation.decide_plan(chief, plan.id, plan.version, "accept")
    [reminder] = raise_duty_alerts(duty_officer, clock.now + timedelta(seconds=20))
    judged = clock.now + timedelta(seconds=duty.seconds) + ARRIVAL_GRACE
    units.update_unit_position(duty_officer, duty.unit_id, 116.4505, 39.95, at=judged)
    assert raise_duty_alerts(duty_officer, judged) == []  # there: no breach, and nothing to do
    assert alerts.list_alerts(duty_officer) == []
    assert _reminder_audit(db, reminder.id)[1][0] == "alert.resolve"
