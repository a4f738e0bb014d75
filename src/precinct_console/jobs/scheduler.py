"""The export scheduler: APScheduler with its jobs in the shared database, run by one seat at a time.

Every seat starts a paused scheduler on the same job store. A lease row (table `leases`) names
the seat that runs jobs; the holder renews it every few seconds, and when it stops renewing (the
seat closed or crashed) another seat takes the lease over and resumes its own scheduler. Jobs
missed while no seat ran (the machine was off) run once on resume: no misfire limit, coalesced.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.events import (
    EVENT_JOB_ERROR,
    EVENT_JOB_EXECUTED,
    EVENT_JOB_MISSED,
    JobExecutionEvent,
)
from apscheduler.jobstores.base import ConflictingIdError
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import STATE_PAUSED, STATE_RUNNING
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from ..domain.clock import CHINA_TZ, Clock, shown, system_clock
from ..domain.errors import NotFound, ValidationError
from ..domain.permissions import ensure_permitted
from ..services.accounts import system_actor
from ..services.context import ServiceContext
from ..storage.database import Database
from ..storage.engine import WRITE_OPTION
from ..storage.models import AuditEntry, Lease
from ..storage.outage import reason
from .exports import DEFAULT_SCHEDULES, ExportSchedule, run_export_job
from .runtime import THIS_DATABASE, THIS_SEATS_FOLDER, set_seat_database, set_seat_export_folder

log = logging.getLogger("precinct_console.jobs")

LEASE_NAME = "scheduled-jobs"
LEASE_SECONDS = 90.0  # a seat that has not renewed for this long has gone away
JOBS_TABLE = "scheduled_jobs"  # storage.migrate.FOREIGN_TABLES keeps Alembic off it

ErrorCallback = Callable[[str], None]
# Jobs whose successful runs are not recorded (they run every few minutes); failures always are.
QUIET_JOBS = ("followup-",)


class JobLease:
    """A named lease in the database: one holder at a time, taken over once it expires."""

    def __init__(self, db: Database, holder: str, clock: Clock = system_clock,
                 seconds: float = LEASE_SECONDS, name: str = LEASE_NAME):
        self.db, self.holder, self.clock, self.seconds, self.name = db, holder, clock, seconds, name

    def acquire(self) -> bool:
        """Take or renew the lease; False while another live seat holds it."""
        now = self.clock()
        expires = now + timedelta(seconds=self.seconds)
        try:
            with self.db.sessions() as s:
                # SQLite: take the write lock up front so two seats cannot both see it free.
                s.connection(execution_options={WRITE_OPTION: True})
                row = s.get(Lease, self.name, with_for_update=True)
                if row is None:
                    s.add(Lease(name=self.name, holder=self.holder, expires_at=expires))
                elif row.holder == self.holder or row.expires_at <= now:
                    if row.holder != self.holder:
                        log.warning("taking over scheduled jobs from %s (lease expired %s)",
                                    row.holder, row.expires_at.isoformat())
                    row.holder, row.expires_at = self.holder, expires
                else:
                    s.rollback()
                    return False
                s.commit()
                return True
        except IntegrityError:  # another seat inserted the lease at the same moment
            return False

    def holder_now(self) -> tuple[str, datetime] | None:
        with self.db.sessions() as s:
            row = s.get(Lease, self.name)
            return None if row is None else (row.holder, row.expires_at)

    def release(self) -> None:
        """Give the lease up at once (a clean shutdown), so another seat need not wait it out."""
        with self.db.sessions() as s:
            row = s.get(Lease, self.name)
            if row is not None and row.holder == self.holder:
                s.delete(row)
                s.commit()


@dataclass(frozen=True)
class JobRun:
    job_id: str
    ok: bool
    scheduled_for: datetime | None
    error: str = ""


class ExportScheduler:
    """One seat's scheduler: paused unless this seat holds the lease."""

    def __init__(
        self,
        db: Database,
        export_folder: Path,
        *,
        holder: str,
        clock: Clock = system_clock,
        lease_seconds: float = LEASE_SECONDS,
        on_error: ErrorCallback | None = None,
    ):
        self.db = db
        set_seat_database(db.url)
        self.export_folder = Path(export_folder)
        set_seat_export_folder(str(self.export_folder))
        self.clock = clock
        self.lease = JobLease(db, holder, clock, lease_seconds)
        self.on_error = on_error
        self.leading = False
        self.runs: list[JobRun] = []
        self._db_down = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.scheduler = BackgroundScheduler(
            jobstores={"default": SQLAlchemyJobStore(engine=db.engine, tablename=JOBS_TABLE)},
            # No misfire limit and coalescing: a run missed while every seat was off runs once
            # when a seat comes back, however long it was away.
            job_defaults={"coalesce": True, "misfire_grace_time": None, "max_instances": 1},
            timezone=_china_zone(),
        )
        self.scheduler.add_listener(self._on_event, EVENT_JOB_ERROR | EVENT_JOB_EXECUTED | EVENT_JOB_MISSED)

    # life cycle ------------------------------------------------------------------------------
    def start(self, *, renew_in_background: bool = True) -> None:
        self.scheduler.start(paused=True)
        self.tick()
        if renew_in_background:
            self._thread = threading.Thread(target=self._renew_loop, name="job-lease", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self.scheduler.state != 0:
            # APScheduler 3.11's shutdown() marks the scheduler stopped, closes its executor and
            # then wakes its loop, which (no longer "paused") walks the due jobs, fails to submit
            # them and moves each on to its next time: a run due now would be lost for every seat.
            # With the shared store detached first, the loop finds nothing and the run stays due
            # for whichever seat leads next.
            self.scheduler.remove_jobstore("default", shutdown=False)
            self.scheduler.shutdown(wait=False)
        if self.leading:
            try:
                self.lease.release()
            except OperationalError as exc:
                log.warning("could not release the job lease: %s", exc)
        self.leading = False

    def _renew_loop(self) -> None:
        interval = max(self.lease.seconds / 3, 1.0)
        while not self._stop.wait(interval):
            self.tick()

    def tick(self) -> bool:
        """Take, renew or lose the lease and resume or pause the scheduler to match."""
        try:
            leader = self.lease.acquire()
            self._db_down = False
        except OperationalError as exc:
            # Database away: stop running jobs (another seat may take over) and say so once.
            leader = False
            if not self._db_down:
                self._report(f"scheduled exports paused: the database cannot be reached "
                             f"({reason(exc)})")
            self._db_down = True
        if leader and not self.leading:
            log.info("this seat (%s) now runs the scheduled jobs", self.lease.holder)
            self.leading = True
            if self.scheduler.state == STATE_PAUSED:
                self.scheduler.resume()
        elif not leader and self.leading:
            log.info("another seat runs the scheduled jobs now; pausing here")
            self.leading = False
            if self.scheduler.state == STATE_RUNNING:
                self.scheduler.pause()
        elif leader and self.scheduler.state == STATE_RUNNING:
            # Other seats may have added or changed jobs in the shared store: look again.
            self.scheduler.wakeup()
        return leader

    # schedules -------------------------------------------------------------------------------
    def ensure_schedules(
        self, station_id: int, station_code: str,
        schedules: tuple[ExportSchedule, ...] = DEFAULT_SCHEDULES,
    ) -> list[str]:
        """Add the station's standard exports unless they exist (an existing job keeps its next
        run time, so a run missed while the console was closed is not forgotten)."""
        added = []
        for sched in schedules:
            job_id = sched.job_id(station_code)
            existing = self.scheduler.get_job(job_id)
            if existing is not None:
                if existing.name != sched.title(station_code):  # an earlier version named it in Chinese
                    self.scheduler.modify_job(job_id, name=sched.title(station_code))
                if existing.kwargs.get("folder"):  # an earlier version froze the first seat's folder
                    self.scheduler.modify_job(job_id, kwargs={**existing.kwargs,
                                                              "folder": THIS_SEATS_FOLDER})
                continue
            try:
                self.scheduler.add_job(
                    run_export_job, CronTrigger(**sched.cron, timezone=_china_zone()), id=job_id,
                    name=sched.title(station_code), replace_existing=False,
                    kwargs={"db_url": THIS_DATABASE, "station_id": station_id, "kind": sched.kind,
                            "ledgers": list(sched.ledgers), "folder": THIS_SEATS_FOLDER,
                            "catch_up": sched.catch_up, "bulletin": sched.bulletin},
                )
                added.append(job_id)
            except ConflictingIdError:  # another seat added it a moment ago
                continue
        return added

    def jobs(self) -> list[tuple[str, str, datetime | None]]:
        """(id, name, next run; None while paused) of every scheduled job, for the export panel."""
        return [(j.id, j.name, j.next_run_time) for j in self.scheduler.get_jobs()]

    def edit_schedule(self, ctx: ServiceContext, job_id: str, *, at: str | None = None,
                      enabled: bool | None = None, run_now: bool = False) -> datetime | None:
        """Change a scheduled export's time of day ("HH:MM"), pause or resume it, or run it now.

        Checked against "schedule.edit" and audited like any other change. The job store is
        shared, so the seat that runs the jobs picks the change up at its next lease renewal.
        """
        ensure_permitted(ctx.actor, "schedule.edit")
        job = self.scheduler.get_job(job_id)
        if job is None:
            raise NotFound(f"scheduled export '{job_id}' does not exist")
        before = {"trigger": str(job.trigger), "next_run": _iso(job.next_run_time)}
        if at is not None:
            hour, minute = _parse_time(at)
            fields = {f.name: str(f) for f in job.trigger.fields if not f.is_default}
            fields.update(hour=str(hour), minute=str(minute), second="0")
            self.scheduler.reschedule_job(job_id, trigger=CronTrigger(**fields, timezone=_china_zone()))
        if enabled is False:
            self.scheduler.pause_job(job_id)
        elif enabled is True and self.scheduler.get_job(job_id).next_run_time is None:
            self.scheduler.resume_job(job_id)
        if run_now:
            self.scheduler.modify_job(job_id, next_run_time=ctx.clock())
        job = self.scheduler.get_job(job_id)
        with ctx.uow() as uow:
            uow.audit("schedule.edit", "schedule", None, before | {"job": job_id},
                      {"job": job_id, "trigger": str(job.trigger), "next_run": _iso(job.next_run_time),
                       "run_now": run_now})
            uow.commit()
        if self.leading:
            self.scheduler.wakeup()
        return job.next_run_time

    # events ----------------------------------------------------------------------------------
    def _on_event(self, event: Any) -> None:
        if not isinstance(event, JobExecutionEvent):
            return
        when = event.scheduled_run_time
        job = self.scheduler.get_job(event.job_id)
        # Named as the panel lists it ("S01 daily: Incident ledger"); a job added without a name by id.
        named = (job.name if job is not None and job.name
                 and job.name != getattr(job.func, "__name__", None) else event.job_id)
        if event.code == EVENT_JOB_ERROR:
            text = f"scheduled job {named} failed: {event.exception}"
            log.error(text, exc_info=(type(event.exception), event.exception, event.exception.__traceback__))
            self._record(event.job_id, job, False, when, text)
            # Listed once recorded, so whoever sees it here finds it in the audit log too.
            self.runs.append(JobRun(event.job_id, False, when, str(event.exception)))
            self._report(text)
        elif event.code == EVENT_JOB_MISSED:
            text = f"scheduled job {named} missed its run at {shown(when) if when else '?'}"
            self._record(event.job_id, job, False, when, text)
            self.runs.append(JobRun(event.job_id, False, when, "missed"))
            self._report(text)
        else:
            log.info("scheduled job %s ran (%s)", event.job_id, event.retval)
            self._record(event.job_id, job, True, when, _summary(event.retval))
            self.runs.append(JobRun(event.job_id, True, when))

    def _record(self, job_id: str, job: Any, ok: bool, when: datetime | None, detail: str) -> None:
        """Keep the run in the audit log and announce it: every seat's export panel shows the
        last run of each job, and a failure reaches the clerk's seat, not only this one."""
        if ok and job_id.startswith(QUIET_JOBS):
            return  # every few minutes, all day: its successes would drown the log
        station_id = job.kwargs.get("station_id") if job is not None else None
        after = {"job": job_id, "name": job.name if job is not None else job_id, "ok": ok,
                 "scheduled_for": _iso(when), "detail": detail[:2000],
                 "folder": str(self.export_folder) if job_id.startswith("export:") else ""}
        try:
            ctx = ServiceContext(self.db, system_actor(self.lease.holder, station_id), self.clock)
            with ctx.uow() as uow:
                uow.audit("schedule.run", "schedule", None, None, after, station_id=station_id)
                uow.changed("schedule", None, "ran", station_id=station_id)
                uow.commit()
        except Exception:  # the database may be what failed: the log keeps it
            log.warning("could not record the run of %s", job_id, exc_info=True)

    def _report(self, text: str) -> None:
        if self.on_error is not None:
            try:
                self.on_error(text)
            except Exception:  # the notifier must never take the scheduler down
                log.exception("error callback failed")


def _summary(retval: Any) -> str:
    """What a run did, short: the files an export wrote, or the job's own sentence."""
    if isinstance(retval, list):
        return f"{len(retval)} file(s) written"
    return str(retval or "")


@dataclass(frozen=True)
class LastRun:
    """A job's latest recorded run, as every seat's export panel shows it."""

    audit_id: int
    job_id: str
    ok: bool
    at: datetime
    seat: str
    detail: str
    folder: str


def last_runs(db: Database, station_id: int | None) -> dict[str, LastRun]:
    """The latest recorded run of each scheduled job of the station (from the audit log)."""
    with db.sessions() as s:
        rows = s.scalars(
            # entity is indexed (and "schedule" rows are few): no walk through the whole log.
            select(AuditEntry).where(AuditEntry.entity == "schedule",
                                     AuditEntry.action == "schedule.run",
                                     AuditEntry.station_id == station_id)
            .order_by(AuditEntry.id.desc()).limit(500)).all()
    out: dict[str, LastRun] = {}
    for r in rows:
        a = r.after or {}
        job = str(a.get("job", ""))
        if job and job not in out:
            out[job] = LastRun(r.id, job, bool(a.get("ok")), r.at, r.workstation,
                               str(a.get("detail", "")), str(a.get("folder", "")))
    return out


def _parse_time(text: str) -> tuple[int, int]:
    try:
        hour_s, minute_s = text.strip().split(":")
        hour, minute = int(hour_s), int(minute_s)
    except ValueError:
        raise ValidationError(f"'{text}' is not a time of day such as 08:00", field="at") from None
    if not (0 <= hour < 24 and 0 <= minute < 60):
        raise ValidationError(f"'{text}' is not a time of day such as 08:00", field="at")
    return hour, minute


def _iso(at: datetime | None) -> str | None:
    return None if at is None else at.isoformat()


def _china_zone() -> Any:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("Asia/Shanghai")
    except Exception:  # no time-zone database (bare Windows): China has no DST, the offset is exact
        return CHINA_TZ


def stored_jobs(db: Database) -> list[tuple[str, str, datetime | None]]:
    """(id, name, next run) of the jobs in the shared job store, read without running a scheduler:
    a seat that runs none (a read-only snapshot) still shows what the leading seat will run."""
    if not sa_inspect(db.engine).has_table(JOBS_TABLE):
        return []  # no seat has run the scheduler on this database yet
    store = SQLAlchemyJobStore(engine=db.engine, tablename=JOBS_TABLE)
    # The table exists, so start() only checks for it; it creates nothing.
    store.start(BackgroundScheduler(timezone=_china_zone()), "default")
    return [(j.id, j.name, j.next_run_time) for j in store.get_all_jobs()]


def live_holder(db: Database, clock: Clock = system_clock) -> str:
    """The seat that runs the scheduled jobs now, or "" when no seat holds a live lease."""
    held = JobLease(db, holder="", clock=clock).holder_now()
    return held[0] if held is not None and held[1] > clock() else ""
