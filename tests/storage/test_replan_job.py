"""The morning re-plan proposes the day's deployment and the proposal reaches the chief's feed."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler

from precinct_console.domain.clock import CHINA_TZ
from precinct_console.domain.permissions import Role
from precinct_console.jobs.replan import install_replan_job, parse_hhmm, run_replan
from precinct_console.services import roster
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


def test_bad_morning_time_is_named():
    with pytest.raises(ValueError, match="'9h' is not a time like 09:00"):
        parse_hhmm("9h")
