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
