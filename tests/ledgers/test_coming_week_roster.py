"""The coming week's 排班表 written ahead to post: its schedule from the real APScheduler trigger with
the time injected, the week it writes (also when a run is made up late), its audit, its settings."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from apscheduler.schedulers.background import BackgroundScheduler
from python_calamine import CalamineWorkbook

from precinct_console.config import SettingsError, load_settings
from precinct_console.domain.clock import FixedClock
from precinct_console.domain.errors import KnownError
from precinct_console.domain.permissions import Role
from precinct_console.i18n.catalogue import message_text
from precinct_console.jobs.coming_week import (
    coming_week,
    install_coming_week_job,
    job_id,
    run_coming_week_job,
)
from precinct_console.jobs.runtime import THIS_DATABASE
from precinct_console.jobs.scheduler import ExportScheduler, last_runs
from precinct_console.storage.database import Database
from precinct_console.storage.models import AuditEntry, RosterEntry

from .conftest import cst

JOB = job_id("S01")


@pytest.fixture
def scheduler():
    """A real APScheduler, started paused: triggers and the job store work, nothing fires."""
    s = BackgroundScheduler(timezone=UTC)
    s.start(paused=True)
    yield s
    s.shutdown(wait=False)


def _next_fires(job, after: datetime, n: int) -> list[datetime]:
    """The trigger's next n fire times after an injected instant, in China time."""
    out, previous, now = [], None, after
    for _ in range(n):
        fire = job.trigger.get_next_fire_time(previous, now)
        out.append(fire.astimezone(cst(2026, 1, 1).tzinfo))
        previous, now = fire, fire + timedelta(seconds=1)
    return out


def test_friday_afternoon_writes_next_monday_to_sunday(scheduler):
    assert install_coming_week_job(scheduler, THIS_DATABASE, 1, "S01", "fri 15:00")
    job = scheduler.get_job(JOB)
    assert job.next_run_time is not None  # asked for by the settings: it runs
    fires = _next_fires(job, cst(2026, 11, 18, 10, 0), 3)  # from a Wednesday morning
    assert fires == [cst(2026, 11, 20, 15, 0), cst(2026, 11, 27, 15, 0), cst(2026, 12, 4, 15, 0)]
    # Each run writes the Monday-to-Sunday week after it.
    weeks = [coming_week(f, job.kwargs["lead"]) for f in fires]
    assert [(w.first_day.isoformat(), w.last_day.isoformat()) for w in weeks] == [
        ("2026-11-23", "2026-11-29"), ("2026-11-30", "2026-12-06"), ("2026-12-07", "2026-12-13")]
    # A Friday run made up on Monday morning (every seat was off over the weekend) still writes
    # the week that has just begun, the one it was for; on Saturday, the same week.
    assert coming_week(cst(2026, 11, 23, 8, 0), job.kwargs["lead"]).slug == "2026-W48"
    assert coming_week(cst(2026, 11, 21, 9, 0), job.kwargs["lead"]).slug == "2026-W48"


def test_until_the_settings_ask_for_it_the_job_is_listed_paused_and_a_changed_setting_applies(scheduler):
    assert install_coming_week_job(scheduler, THIS_DATABASE, 1, "S01", "")
    job = scheduler.get_job(JOB)
    # Listed paused in the panel, named with the day it runs on once resumed.
    assert job.next_run_time is None and job.name == "S01 every Friday: next week's roster, ahead, to post"
    assert message_text(job.name, "zh_CN") == "S01 每周五：下周排班表（预排，张贴用）"
    assert _next_fires(job, cst(2026, 11, 18, 10, 0), 1) == [cst(2026, 11, 20, 15, 0)]
    # The chief resumes it in the export panel; the next start with the same setting keeps it so.
    scheduler.resume_job(JOB)
    assert not install_coming_week_job(scheduler, THIS_DATABASE, 1, "S01", "")
    assert scheduler.get_job(JOB).next_run_time is not None
    # Saturday 10:00 in the settings: rescheduled, running, writing the week two days later.
    install_coming_week_job(scheduler, THIS_DATABASE, 1, "S01", "sat 10:00")
    job = scheduler.get_job(JOB)
    assert job.next_run_time is not None and job.kwargs["lead"] == 2 and "every Saturday:" in job.name
    fire = _next_fires(job, cst(2026, 11, 18, 10, 0), 1)[0]
    assert fire == cst(2026, 11, 21, 10, 0) and coming_week(fire, 2).slug == "2026-W48"
    install_coming_week_job(scheduler, THIS_DATABASE, 1, "S01", "")  # the setting taken out
    assert scheduler.get_job(JOB).next_run_time is None
    assert len(scheduler.get_jobs()) == 1


def test_the_run_writes_the_coming_weeks_roster_beside_the_archive_and_is_audited(
        db, station, seeded, tmp_path):
    folder = tmp_path / "exports"
    friday = cst(2026, 11, 13, 15, 0)  # the seeded 白班 is on Monday 16 November (week 47)
    written = run_coming_week_job(db.url, station.id, str(folder), 3, now=friday)
    path = folder / "S01" / "2026-W47" / "S01_排班表_2026-W47_预排.xlsx"
    assert written == [str(path)] and path.exists()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert "2026年第47周" in rows[1][0]
    with db.sessions() as s:
        audits = s.scalars(sa.select(AuditEntry).where(AuditEntry.action == "ledger.export")).all()
    assert [(a.username, a.after["ledger"], a.after["unmasked"]) for a in audits] == [("system", "roster", False)]
    # The plan changes before the week begins: the next run writes the sheet again.
    with db.sessions() as s:
        s.execute(sa.delete(RosterEntry).where(RosterEntry.duty == "desk"))
        s.commit()
    run_coming_week_job(db.url, station.id, str(folder), 3, now=friday + timedelta(hours=2))
    again = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    assert again != rows and "2026-11-13 17:00" in again[1][0]  # this plan, as of this run


def test_a_coming_week_with_no_shift_planned_fails_and_says_so(db, station, seeded, tmp_path):
    with pytest.raises(KnownError, match=r"roster of 2026-W49 \(2026-11-30 to 2026-12-06\) has no shifts"):
        run_coming_week_job(db.url, station.id, str(tmp_path), 3, now=cst(2026, 11, 27, 15, 0))
    assert not list(tmp_path.rglob("*.xlsx"))


def test_a_scheduled_run_is_recorded_like_the_other_exports(db_url, db, station, seeded, make_ctx, tmp_path):
    """Run now from the export panel: the seat that leads runs it, and the run (here refused: the
    coming week of today has no shifts) is in the audit log every seat's panel reads."""
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS scheduled_jobs"))
    engine.dispose()
    errors: list[str] = []
    seat_db = Database.open(db_url)
    seat = ExportScheduler(seat_db, tmp_path / "exports", holder="seat-A",
                           clock=FixedClock(datetime.now(UTC)), on_error=errors.append)
    try:
        seat.start(renew_in_background=False)
        install_coming_week_job(seat.scheduler, THIS_DATABASE, station.id, "S01", "")
        seat.edit_schedule(make_ctx(Role.CLERK), JOB, run_now=True)
        end = time.monotonic() + 15
        while not seat.runs and time.monotonic() < end:
            time.sleep(0.02)
        assert [(r.job_id, r.ok) for r in seat.runs] == [(JOB, False)]
        assert "has no shifts planned yet" in errors[0] and "next week's roster" in errors[0]
        # A Chinese window words the job's name too.
        assert message_text(errors[0], "zh_CN").startswith(
            "定时任务 S01 每周五：下周排班表（预排，张贴用） 执行失败：")
        last = last_runs(db, station.id)[JOB]
        assert not last.ok and "plan the week in the roster panel" in last.detail
    finally:
        seat.stop()
        seat_db.dispose()


def test_the_setting_takes_a_weekday_and_a_time(monkeypatch):
    monkeypatch.setenv("PRECINCT_COMING_WEEK_ROSTER", "fri 15:00")
    assert load_settings().coming_week_roster == "fri 15:00"
    monkeypatch.setenv("PRECINCT_COMING_WEEK_ROSTER", "Friday 3pm")
    with pytest.raises(SettingsError, match="coming_week_roster.*weekday and time written like fri 15:00"):
        load_settings()
