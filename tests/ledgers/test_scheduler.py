"""Scheduled exports: one seat runs them, another takes over; missed runs run once; failures reach the user."""

from __future__ import annotations

import dataclasses
import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from apscheduler.schedulers.base import STATE_PAUSED, STATE_RUNNING
from apscheduler.triggers.cron import CronTrigger

from precinct_console.domain.clock import FixedClock
from precinct_console.i18n.catalogue import message_text
from precinct_console.jobs.exports import last_complete_periods, run_export_job
from precinct_console.jobs.scheduler import ExportScheduler, last_runs
from precinct_console.storage.database import Database
from precinct_console.storage.models import AuditEntry

from .conftest import cst


def wait_for(predicate, timeout: float = 15.0) -> bool:
    """Poll briefly for work done on the scheduler's thread (no fixed sleeps)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.02)
    return predicate()


@pytest.fixture
def seats(db_url, tmp_path):
    """Two workstations on the same database, each with its own engine and scheduler."""
    clock = FixedClock(datetime(2026, 11, 20, 1, 0, tzinfo=UTC))
    made = []
    # The PostgreSQL test database is shared by the session: start without earlier tests' jobs.
    engine = sa.create_engine(db_url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP TABLE IF EXISTS scheduled_jobs"))
    engine.dispose()

    def seat(name: str, errors: list[str] | None = None) -> ExportScheduler:
        db = Database.open(db_url)
        sched = ExportScheduler(db, tmp_path / "exports", holder=name, clock=clock,
                                on_error=(errors.append if errors is not None else None))
        made.append((sched, db))
        return sched

    yield seat, clock
    for sched, db in made:
        sched.stop()
        db.dispose()


def test_only_one_seat_runs_jobs_and_another_takes_over_when_it_stops(db, seats):
    seat, clock = seats
    a, b = seat("seat-A"), seat("seat-B")
    a.start(renew_in_background=False)
    b.start(renew_in_background=False)
    assert a.leading and a.scheduler.state == STATE_RUNNING
    assert not b.leading and b.scheduler.state == STATE_PAUSED
    clock.advance(seconds=60)
    assert a.tick() and not b.tick()  # A renews; B still waits
    a.stop()  # a clean shutdown gives the lease up at once
    assert b.tick() and b.scheduler.state == STATE_RUNNING
    assert b.lease.holder_now()[0] == "seat-B"


def test_a_seat_that_goes_silent_is_replaced_after_the_lease_expires(db, seats):
    seat, clock = seats
    a, b = seat("seat-A"), seat("seat-B")
    a.start(renew_in_background=False)
    b.start(renew_in_background=False)
    clock.advance(seconds=89)
    assert not b.tick()  # A's lease (90 s) is still valid
    clock.advance(seconds=2)  # A crashed and never renewed
    assert b.tick() and b.scheduler.state == STATE_RUNNING
    # A comes back (e.g. the network returned): it sees B holds the lease and pauses.
    assert not a.tick() and a.scheduler.state == STATE_PAUSED


def test_a_run_missed_while_every_seat_was_off_runs_once_on_return(db, station, seeded, seats, tmp_path):
    seat, _clock = seats
    a = seat("seat-A")
    a.scheduler.start(paused=True)
    past = datetime.now(UTC) - timedelta(days=3)
    # A daily job whose last three runs (08:00 each day) fell while the machine was off.
    a.scheduler.add_job(
        run_export_job, CronTrigger(hour=8, timezone=UTC), id="export:day:S01", next_run_time=past,
        kwargs={"db_url": db.url, "station_id": station.id, "kind": "day", "ledgers": ["incidents"],
                "folder": str(tmp_path / "exports"), "catch_up": 1},
    )
    a.tick()  # takes the lease and resumes: the missed runs are coalesced into one
    assert wait_for(lambda: len(a.runs) >= 1)
    time.sleep(0.3)  # would a second (uncoalesced) run follow?
    assert [(r.job_id, r.ok) for r in a.runs] == [("export:day:S01", True)]
    assert a.scheduler.get_job("export:day:S01").next_run_time > datetime.now(UTC)
    files = list((tmp_path / "exports").rglob("*.xlsx"))
    assert len(files) == 1 and files[0].name.startswith("S01_警情台账_")


def test_closing_a_seat_that_waits_for_the_lease_leaves_a_due_run_for_the_next_leader(
        db, station, seeded, seats, tmp_path):
    seat, _clock = seats
    a = seat("seat-A")
    a.start(renew_in_background=False)  # A leads, then hangs: its lease is still live
    a.scheduler.pause()
    due = datetime.now(UTC) - timedelta(minutes=5)
    a.scheduler.add_job(
        run_export_job, CronTrigger(hour=8, timezone=UTC), id="export:day:S01", next_run_time=due,
        kwargs={"db_url": db.url, "station_id": station.id, "kind": "day", "ledgers": ["incidents"],
                "folder": str(tmp_path / "exports"), "catch_up": 1},
    )
    b = seat("seat-B")
    b.start(renew_in_background=False)
    assert not b.leading
    b.stop()  # the officer closes seat B before A's lease runs out
    # The run is still due in the shared store: nothing ran, nothing was moved on to tomorrow.
    assert b.runs == []
    assert not (tmp_path / "exports").exists()
    c = seat("seat-C")
    c.scheduler.start(paused=True)
    assert c.scheduler.get_job("export:day:S01").next_run_time == due


def test_schedules_survive_a_restart_and_are_not_duplicated(db, station, seats):
    seat, _clock = seats
    a = seat("seat-A")
    a.start(renew_in_background=False)
    assert set(a.ensure_schedules(station.id, "S01")) == {"export:day:S01", "export:week:S01",
                                                        "export:month:S01"}
    next_runs = {j[0]: j[2] for j in a.jobs()}
    a.stop()
    b = seat("seat-B")  # the console restarted (or another seat)
    b.start(renew_in_background=False)
    assert b.ensure_schedules(station.id, "S01") == []
    assert {j[0]: j[2] for j in b.jobs()} == next_runs
    weekly = next_runs["export:week:S01"].astimezone(cst(2026, 1, 1).tzinfo)
    assert weekly.weekday() == 0 and (weekly.hour, weekly.minute) == (8, 30)


def test_a_failing_job_reaches_the_user_and_the_log(db, seats, caplog):
    seat, _clock = seats
    errors: list[str] = []
    a = seat("seat-A", errors)
    a.start(renew_in_background=False)
    a.scheduler.add_job(
        run_export_job, id="export:day:GONE", next_run_time=datetime.now(UTC),
        kwargs={"db_url": db.url, "station_id": 999, "kind": "day", "ledgers": ["incidents"],
                "folder": "/nonexistent", "catch_up": 1},
    )
    assert wait_for(lambda: errors)
    assert "export:day:GONE" in errors[0] and "station 999 no longer exists" in errors[0]
    assert any(r.levelname == "ERROR" and "export:day:GONE" in r.getMessage() for r in caplog.records)


def test_export_job_fills_the_gap_after_downtime_and_writes_nothing_twice(db, station, seeded, tmp_path):
    folder = tmp_path / "exports"
    now = cst(2026, 11, 23, 8, 0)  # Monday 08:00, after a week with the machine off
    written = run_export_job(db.url, station.id, "day", ["incidents"], str(folder), catch_up=7, now=now)
    assert [p.split("/")[-1] for p in written] == [
        f"S01_警情台账_2026-11-{d}.xlsx" for d in range(16, 23)]
    assert run_export_job(db.url, station.id, "day", ["incidents"], str(folder), catch_up=7, now=now) == []
    weekly = run_export_job(db.url, station.id, "week", ["incidents", "tasks"], str(folder), 1, now,
                            bulletin=True)
    assert [p.split("/")[-1] for p in weekly] == [
        "S01_警情台账_2026-W47.xlsx", "S01_派单指令台账_2026-W47.xlsx", "S01_警情周通报_2026-W47.html"]
    assert "警情周通报（2026年第47周）" in (folder / "S01" / "2026-W47" / "S01_警情周通报_2026-W47.html").read_text(
        encoding="utf-8")
    with db.sessions() as s:
        entries = s.scalars(sa.select(AuditEntry).where(AuditEntry.action == "ledger.export")).all()
    assert len(entries) == 9 and all(e.username == "system" and not e.after["unmasked"] for e in entries)
    assert {e.workstation.split("@")[0] for e in entries} == {"scheduler"}


def test_last_complete_periods_in_china_time():
    # 2026-11-23 00:30 China time is still 22 November in UTC: yesterday is the 22nd.
    now = cst(2026, 11, 23, 0, 30)
    assert last_complete_periods("day", now, 1)[0].slug == "2026-11-22"
    assert last_complete_periods("week", now, 1)[0].slug == "2026-W47"
    assert [p.slug for p in last_complete_periods("month", now, 2)] == ["2026-10", "2026-09"]


def test_clerk_changes_a_schedule_time_pauses_it_and_runs_it_now_audited(db, station, seats, make_ctx):
    from precinct_console.domain.errors import PermissionDenied, ValidationError
    from precinct_console.domain.permissions import Role

    seat, _clock = seats
    a = seat("seat-A")
    a.start(renew_in_background=False)
    a.ensure_schedules(station.id, "S01")
    clerk = make_ctx(Role.CLERK)
    nxt = a.edit_schedule(clerk, "export:week:S01", at="07:15")
    local = nxt.astimezone(cst(2026, 1, 1).tzinfo)
    assert (local.weekday(), local.hour, local.minute) == (0, 7, 15)  # still Mondays
    assert a.edit_schedule(clerk, "export:day:S01", enabled=False) is None
    assert dict((j[0], j[2]) for j in a.jobs())["export:day:S01"] is None
    assert a.edit_schedule(clerk, "export:day:S01", enabled=True) is not None
    with pytest.raises(ValidationError, match="field 'at'"):
        a.edit_schedule(clerk, "export:day:S01", at="25:00")
    with pytest.raises(PermissionDenied):
        a.edit_schedule(make_ctx(Role.DUTY_OFFICER), "export:day:S01", at="06:00")
    with db.sessions() as s:
        entries = s.scalars(sa.select(AuditEntry).where(AuditEntry.action == "schedule.edit")).all()
    assert [e.after["job"] for e in entries] == ["export:week:S01", "export:day:S01", "export:day:S01"]
    assert all(e.username == "clerk1" for e in entries)


def test_export_panel_lists_schedules_and_lets_a_clerk_pause_one(qtbot, db, station, seats, make_ctx, tmp_path):
    from precinct_console.config import Settings
    from precinct_console.domain.permissions import Role
    from precinct_console.ui.context import AppContext
    from precinct_console.ui.ledgers.panel import LedgerExportPanel

    seat, _clock = seats
    a = seat("seat-A")
    a.start(renew_in_background=False)
    a.ensure_schedules(station.id, "S01")
    panel = LedgerExportPanel(AppContext(make_ctx(Role.CLERK), Settings(export_folder=str(tmp_path))))
    qtbot.addWidget(panel)
    panel.scheduler = a
    panel.refresh_schedules = lambda: panel.show_schedules(a.jobs(), a.leading, "seat-A")
    panel.refresh_schedules()
    assert panel.schedule_list.count() == 3
    panel.schedule_list.setCurrentRow(0)
    assert all(b.isEnabled() for b in panel.schedule_buttons)
    job = panel._selected_job()
    panel._toggle_job()
    qtbot.waitUntil(lambda: "paused" in panel.schedule_list.currentItem().text(), timeout=10_000)
    assert dict((j[0], j[2]) for j in a.jobs())[job] is None
    assert "This workstation writes" in panel.schedule_note.text()


def test_a_seat_without_a_scheduler_lists_the_stored_schedules_and_who_runs_them(
        qtbot, db, station, seats, make_ctx, tmp_path):
    """A snapshot (offscreen, read-only) or a seat with PRECINCT_NO_SCHEDULER shows the shared
    schedules rather than an empty list, and says plainly when no seat is running them."""
    from precinct_console.config import Settings
    from precinct_console.domain.permissions import Role
    from precinct_console.jobs.scheduler import live_holder, stored_jobs
    from precinct_console.ui.context import AppContext
    from precinct_console.ui.ledgers.panel import LedgerExportPanel
    from precinct_console.ui.ledgers.scheduling import attach_scheduler

    seat, clock = seats
    assert stored_jobs(db) == []  # no seat has run a scheduler on this database
    a = seat("seat-A")
    a.start(renew_in_background=False)
    a.ensure_schedules(station.id, "S01")
    assert live_holder(db, clock) == "seat-A"
    app = AppContext(dataclasses.replace(make_ctx(Role.CLERK), clock=clock),
                     Settings(export_folder=str(tmp_path)))
    panel = LedgerExportPanel(app)
    qtbot.addWidget(panel)
    assert attach_scheduler(app, panel) is None  # offscreen: this seat runs nothing
    qtbot.waitUntil(lambda: panel.schedule_list.count() == 3, timeout=10_000)
    assert "Another workstation (seat-A)" in panel.schedule_note.text()
    # An English window names the jobs in English.
    listed = [panel.schedule_list.item(i).text().split("\n")[0] for i in range(3)]
    assert "S01 weekly: all ledgers and the weekly bulletin" in listed, listed
    assert not any(b.isEnabled() for b in panel.schedule_buttons)  # nothing to edit them with
    a.stop()  # releases the lease
    assert live_holder(db, clock) == ""
    panel.show_schedules(stored_jobs(db), False, live_holder(db, clock))
    assert "No workstation runs the scheduled exports" in panel.schedule_note.text()


def test_stored_jobs_hold_no_database_url_and_run_on_the_seats_own(db, station, seeded, seats, tmp_path):
    """The job store is readable by every seat: no password (or host) may be written into it."""
    from precinct_console.jobs.followup import ensure_followup_job
    from precinct_console.jobs.replan import install_replan_job

    seat, _clock = seats
    a = seat("seat-A")
    a.start(renew_in_background=False)
    a.ensure_schedules(station.id, "S01")
    ensure_followup_job(a.scheduler, "", station.id, "S01")
    install_replan_job(a.scheduler, "", station.id, "S01", at="09:00")
    jobs = a.scheduler.get_jobs()
    assert {j.id for j in jobs} >= {"export:day:S01", "export:week:S01", "export:month:S01"}
    assert len(jobs) == 5
    assert all(j.kwargs["db_url"] == "" for j in jobs)
    engine = sa.create_engine(db.url)
    with engine.connect() as conn:
        stored = b"".join(row[0] for row in conn.execute(sa.text("SELECT job_state FROM scheduled_jobs")))
    engine.dispose()
    assert db.url.encode() not in stored
    # Nor a folder: the first seat's (a per-user folder on its machine) would bind every seat.
    assert all(j.kwargs["folder"] == "" for j in jobs if j.id.startswith("export:"))
    # Run the daily export now: it opens the seat's database and writes into the seat's folder.
    a.scheduler.modify_job("export:day:S01", next_run_time=datetime.now(UTC))
    assert wait_for(lambda: any(r.job_id == "export:day:S01" for r in a.runs))
    assert [r.ok for r in a.runs if r.job_id == "export:day:S01"] == [True]
    assert list((tmp_path / "exports" / "S01").rglob("*.xlsx"))
    # The run is kept where every seat can read it: who ran it, where it wrote, what came of it.
    assert wait_for(lambda: "export:day:S01" in last_runs(db, station.id))
    run = last_runs(db, station.id)["export:day:S01"]
    assert run.ok and run.seat == "seat-A" and run.folder == str(tmp_path / "exports")
    assert run.detail.endswith("file(s) written")


def test_an_export_folder_frozen_by_an_earlier_version_follows_the_running_seat(db, station, seats):
    seat, _clock = seats
    a = seat("seat-A")
    a.start(renew_in_background=False)
    a.ensure_schedules(station.id, "S01")
    a.scheduler.modify_job("export:day:S01", kwargs={**a.scheduler.get_job("export:day:S01").kwargs,
                                                     "folder": "/home/first-seat/exports"})
    a.ensure_schedules(station.id, "S01")
    assert a.scheduler.get_job("export:day:S01").kwargs["folder"] == ""


def test_a_job_failing_on_the_running_seat_reaches_the_clerk_at_another_seat(
        qtbot, db, station, seats, make_ctx, tmp_path):
    from precinct_console.config import Settings
    from precinct_console.domain.changes import Change, ChangeItem
    from precinct_console.domain.permissions import Role
    from precinct_console.ui.context import AppContext
    from precinct_console.ui.ledgers.panel import LedgerExportPanel
    from precinct_console.ui.ledgers.scheduling import attach_scheduler

    seat, clock = seats
    a = seat("seat-A", [])  # a duty officer's seat runs the jobs
    a.start(renew_in_background=False)
    a.ensure_schedules(station.id, "S01")
    clerk = AppContext(dataclasses.replace(make_ctx(Role.CLERK), clock=clock),
                       Settings(export_folder=str(tmp_path)))
    told: list[tuple[str, str]] = []
    clerk.notified.connect(lambda text, level: told.append((text, level)))
    panel = LedgerExportPanel(clerk)
    qtbot.addWidget(panel)
    attach_scheduler(clerk, panel)
    qtbot.waitUntil(lambda: panel.schedule_list.count() == 3, timeout=10_000)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    a.scheduler.modify_job("export:day:S01", next_run_time=datetime.now(UTC),
                           kwargs={**a.scheduler.get_job("export:day:S01").kwargs,
                                   "folder": str(blocked / "exports")})
    assert wait_for(lambda: any(not r.ok for r in a.runs))
    clerk.changed.emit(Change((ChangeItem("schedule", None, "ran"),)))  # what the feed delivers
    qtbot.waitUntil(lambda: bool(told), timeout=10_000)
    text, level = told[0]
    assert level == "error" and "S01 daily: Incident ledger" in text and "failed" in text
    item = next(panel.schedule_list.item(i) for i in range(panel.schedule_list.count())
                if panel.schedule_list.item(i).data(0x0100) == "export:day:S01")
    assert "FAILED" in item.text() and "seat-A" in item.toolTip()


def test_follow_up_and_re_plan_jobs_are_listed_in_chinese_beside_the_exports(db, station, seats):
    from precinct_console.jobs.followup import (
        INTERVAL_MINUTES,
        ensure_followup_job,
        run_followup_job,
    )
    from precinct_console.jobs.replan import install_replan_job

    seat, _clock = seats
    a = seat("seat-A")
    a.start(renew_in_background=False)
    # A job store written by an earlier version named the follow-up job in English.
    a.scheduler.add_job(run_followup_job, "interval", minutes=INTERVAL_MINUTES, id="followup-S01",
                        name="S01 follow-up rules and overdue tasks",
                        kwargs={"db_url": "", "station_id": station.id})
    a.ensure_schedules(station.id, "S01")
    assert not ensure_followup_job(a.scheduler, "", station.id, "S01")  # there already: renamed
    install_replan_job(a.scheduler, "", station.id, "S01", at="09:00")
    names = {job_id: name for job_id, name, _next in a.jobs()}
    # Stored in English (every seat shares the store); a Chinese window words them as before.
    assert names["followup-S01"] == \
        f"S01 every {INTERVAL_MINUTES} minutes: follow-up rules and overdue escalation"
    assert names["replan-S01"] == "S01 daily: morning re-plan of the patrols"
    assert names["export:day:S01"] == "S01 daily: Incident ledger"
    assert names["export:week:S01"] == "S01 weekly: all ledgers and the weekly bulletin"
    chinese = {job_id: message_text(name, "zh_CN") for job_id, name in names.items()}
    assert chinese["followup-S01"] == f"S01 每{INTERVAL_MINUTES}分钟：派单跟进规则、超期升级"
    assert chinese["replan-S01"] == "S01 每日：早间巡逻布警重排"
    assert chinese["export:day:S01"] == "S01 每日：警情台账"
    assert chinese["export:week:S01"] == "S01 每周：全部台账、周通报"
    assert chinese["export:month:S01"] == "S01 每月：全部台账"
    assert message_text("S01 daily: Incident ledger, Patrol ledger", "zh_CN") == "S01 每日：警情台账、巡逻台账"
