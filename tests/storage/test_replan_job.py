"""The morning re-plan proposes the day's deployment and the proposal reaches the chief's feed."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger

from precinct_console.domain.clock import CHINA_TZ
from precinct_console.domain.permissions import Role
from precinct_console.jobs.replan import install_replan_job, parse_hhmm, run_replan
from precinct_console.services import allocation, roster
from precinct_console.services.accounts import system_actor
from precinct_console.services.context import ServiceContext
from precinct_console.storage.models import ChangeRecord, PatrolPlan

from .test_roster_allocation import _crew, _town


def test_replan_proposes_a_plan_for_each_crewed_shift_of_the_day(db, station, make_ctx, clock):
    _town(db, station, clock)
    chief = make_ctx(Role.STATION_CHIEF)
    start = clock() + timedelta(hours=3)
    sh = roster.add_shift(chief, "白班", start, start + timedelta(hours=8))
    roster.add_shift(chief, "值班台", start, start + timedelta(hours=24))  # no units: not planned
    _crew(chief, sh.id)
    job_ctx = ServiceContext(db, system_actor("scheduler", station.id), clock)
    plans = run_replan(job_ctx, time_limit=5)
    assert [p.shift_id for p in plans] == [sh.id]
    assert plans[0].status == "proposed" and plans[0].figures["status"] == "optimal"
    with db.sessions() as s:
        feed = s.execute(sa.select(ChangeRecord.entity, ChangeRecord.workstation)
                         .where(ChangeRecord.entity == "patrol_plan")).all()
        assert feed == [("patrol_plan", "scheduler")]
        assert s.scalar(sa.select(sa.func.count(PatrolPlan.id))) == 1


def test_the_shift_on_duty_at_nine_is_replanned_and_a_second_run_leaves_one_proposal(
        db, station, make_ctx, clock):
    _town(db, station, clock)
    chief = make_ctx(Role.STATION_CHIEF)
    on_duty = roster.add_shift(chief, "白班", clock() - timedelta(hours=1), clock() + timedelta(hours=7))
    ending = roster.add_shift(chief, "大夜班", clock() - timedelta(hours=8),
                              clock() + timedelta(minutes=30))  # handing over: left as it is
    night = roster.add_shift(chief, "小夜班", clock() + timedelta(hours=7), clock() + timedelta(hours=15))
    (_a, _b, c), (_u1, u2) = _crew(chief, on_duty.id)
    roster.assign(chief, ending.id, c.id, unit_id=u2)
    roster.assign(chief, night.id, c.id, unit_id=u2)
    by_hand = allocation.propose_plan(chief, shift_id=on_duty.id, time_limit=5)
    job_ctx = ServiceContext(db, system_actor("scheduler", station.id), clock)
    first = run_replan(job_ctx, time_limit=5)
    assert [p.shift_id for p in first] == [on_duty.id, night.id]
    clock.advance(minutes=5)  # Run now, then the scheduled run
    second = run_replan(job_ctx, time_limit=5)
    status = {p.id: allocation.get_plan(chief, p.id).status for p in (by_hand, *first, *second)}
    assert [status[p.id] for p in first] == ["superseded", "superseded"]
    assert [status[p.id] for p in second] == ["proposed", "proposed"]
    assert status[by_hand.id] == "proposed"  # the chief's own proposal waits for the chief


def test_job_is_installed_at_the_configured_morning_time(monkeypatch):
    sched = BackgroundScheduler(timezone=CHINA_TZ)
    assert install_replan_job(sched, "sqlite:///x.db", 1, "S01")
    assert not install_replan_job(sched, "sqlite:///x.db", 1, "S01")  # once per station
    trig = str(sched.get_job("replan-S01").trigger)
    assert "hour='9'" in trig and "minute='0'" in trig
    monkeypatch.setenv("PRECINCT_MORNING_REPLAN", "07:15")
    assert install_replan_job(sched, "sqlite:///x.db", 2, "S02")
    trig = str(sched.get_job("replan-S02").trigger)
    assert "hour='7'" in trig and "minute='15'" in trig


def test_a_changed_morning_time_takes_effect_and_a_missed_re_plan_still_runs(monkeypatch):
    sched = BackgroundScheduler(timezone=CHINA_TZ)
    assert install_replan_job(sched, "sqlite:///x.db", 1, "S01", at="09:00")
    job = sched.get_job("replan-S01")
    assert job.misfire_grace_time is None and job.coalesce  # a day's machines all off: runs on return
    assert not install_replan_job(sched, "sqlite:///x.db", 1, "S01", at="07:30")  # setting changed
    trig = str(sched.get_job("replan-S01").trigger)
    assert "hour='7'" in trig and "minute='30'" in trig
    # A time set in the export panel since then stands while the setting stays the same.
    sched.reschedule_job("replan-S01", trigger=CronTrigger(hour=8, minute=15, timezone=CHINA_TZ))
    install_replan_job(sched, "sqlite:///x.db", 1, "S01", at="07:30")
    assert "hour='8'" in str(sched.get_job("replan-S01").trigger)


def test_bad_morning_time_is_named():
    with pytest.raises(ValueError, match="'9h' is not a time like 09:00"):
        parse_hhmm("9h")


def test_a_shift_the_re_plan_cannot_plan_fails_the_run_naming_it_and_the_others_are_proposed(
        db, station, make_ctx, clock):
    """Tonight's only crew is on leave: the morning re-plan proposed the day shift and said
    '1 patrol plan(s) proposed', a run that went well, and the chief was never told the night
    shift had no plan. The run now fails (the chief's and clerk's seats hear it) naming why."""
    from precinct_console.domain.errors import KnownError
    from precinct_console.i18n.catalogue import message_text
    from precinct_console.jobs.replan import run_replan_job

    _town(db, station, clock)
    chief = make_ctx(Role.STATION_CHIEF)
    day = roster.add_shift(chief, "白班", clock() + timedelta(hours=1), clock() + timedelta(hours=9))
    night = roster.add_shift(chief, "夜班", day.ends_at, day.ends_at + timedelta(hours=12))
    (_a, _b, c), (_u1, u2) = _crew(chief, day.id)
    roster.assign(chief, night.id, c.id, unit_id=u2)
    roster.add_absence(chief, c.id, "leave", night.starts_at, night.ends_at)
    with pytest.raises(KnownError) as failed:
        run_replan_job(db.url, station.id, clock=clock)
    assert str(failed.value) == (
        "1 patrol plan(s) proposed; 1 shift(s) could not be planned, 夜班 11-20 18:00: no unit is "
        "crewed on shift 夜班 (11-20 18:00–06:00): roster officers into its units first")
    heard = message_text(f"scheduled job S01 daily: morning re-plan of the patrols failed: {failed.value}", "zh_CN")
    assert heard.startswith("定时任务 S01 每日：早间巡逻布警重排 执行失败：已提出 1 个巡逻部署方案；"
                            "1 个班次未能部署，夜班 11-20 18:00：")
    assert "roster" not in heard
    assert [p.shift_id for p in allocation.list_plans(chief)] == [day.id]


def test_the_day_budget_is_shared_by_units_and_a_shift_past_it_still_gets_its_minimum(
        db, station, make_ctx, clock, monkeypatch):
    """A day's re-plan ends in bounded time: each shift's solver limit is its share (by units) of
    the budget left, a shift solved early leaves its share to the rest, and a shift past the
    budget is still solved with the minimum. Time is injected: nothing sleeps."""
    from precinct_console.jobs import replan

    _town(db, station, clock)
    chief = make_ctx(Role.STATION_CHIEF)
    day = roster.add_shift(chief, "白班", clock() + timedelta(hours=1), clock() + timedelta(hours=9))
    evening = roster.add_shift(chief, "小夜班", day.ends_at, day.ends_at + timedelta(hours=8))
    night = roster.add_shift(chief, "大夜班", evening.ends_at, evening.ends_at + timedelta(hours=6))
    (_a, _b, c), (_u1, u2) = _crew(chief, day.id)  # two units by day, one each at night
    roster.assign(chief, evening.id, c.id, unit_id=u2)
    roster.assign(chief, night.id, c.id, unit_id=u2)
    seconds = [0.0]
    # The time each shift took, as if it ran: the day proved early, the evening overran its limit
    # (the forecast and the writes are outside the solver's limit).
    used = {day.id: 8.0, evening.id: 35.0, night.id: 1.0}
    limits: dict[int, float] = {}
    real = replan.propose_plan

    def timed(ctx, *, time_limit, shift_id):
        limits[shift_id] = time_limit
        seconds[0] += used[shift_id]
        return real(ctx, time_limit=1.0, shift_id=shift_id)

    monkeypatch.setattr(replan, "propose_plan", timed)
    job = ServiceContext(db, system_actor("scheduler", station.id), clock)
    plans = replan.run_replan(job, budget=40.0, time_limit=20.0, timer=lambda: seconds[0])
    assert [p.shift_id for p in plans] == [day.id, evening.id, night.id]
    # 2 units of 4: half of 40 s; then 1 of 2 of the 32 s left; then past the budget.
    assert limits == {day.id: 20.0, evening.id: 16.0, night.id: replan.MIN_SHIFT_LIMIT}


def test_the_run_says_how_far_from_the_best_a_plan_not_proven_may_be(db, station, make_ctx, clock):
    import dataclasses

    from precinct_console.i18n.catalogue import message_text
    from precinct_console.jobs.replan import outcome_message

    _town(db, station, clock)
    chief = make_ctx(Role.STATION_CHIEF)
    sh = roster.add_shift(chief, "白班", clock() + timedelta(hours=1), clock() + timedelta(hours=9))
    _crew(chief, sh.id)
    [plan] = run_replan(ServiceContext(db, system_actor("scheduler", station.id), clock), time_limit=5)
    assert outcome_message([plan]) == "1 patrol plan(s) proposed"
    short = dataclasses.replace(plan, figures={**plan.figures, "status": "time_limit", "gap": 0.0123})
    none = dataclasses.replace(plan, figures={**plan.figures, "status": "time_limit", "gap": None})
    said = outcome_message([plan, short])
    assert said == ("2 patrol plan(s) proposed; 1 not proven the best in the time allowed, the "
                    "furthest (白班 11-20 10:00) within 1.2% of the best possible")
    assert message_text(said, "zh_CN") == ("已提出 2 个巡逻部署方案；其中 1 个在限定时间内未能证明最优，"
                                           "差距最大的（白班 11-20 10:00）与最优方案相差不超过 1.2%")
    assert outcome_message([none]).endswith("1 not proven the best in the time allowed, 白班 11-20 "
                                            "10:00 with no bound proven")
    no_roster = dataclasses.replace(short, shift_name="", shift_id=None)  # a station with no roster
    assert outcome_message([no_roster]).endswith("the furthest (11-20 10:00) within 1.2% of the best "
                                                 "possible")
