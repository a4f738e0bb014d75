"""Follow-up job: every few minutes apply the follow-up rules, then alert on and escalate overdue tasks."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from apscheduler.jobstores.base import ConflictingIdError
from apscheduler.triggers.interval import IntervalTrigger

from ..domain.clock import Clock, system_clock
from ..services.accounts import system_actor
from ..services.context import ServiceContext
from ..services.tasks import escalate_overdue, run_follow_up_rules
from ..storage.database import Database
from .runtime import job_database_url

log = logging.getLogger("precinct_console.jobs")

JOB_ID = "followup"
INTERVAL_MINUTES = 3  # a 30-minute sign-off turns "near" after 24 minutes: 3 minutes is timely


@dataclass(frozen=True)
class FollowUpResult:
    created: tuple[str, ...]  # numbers of tasks the rules created
    near_alerts: int
    breach_alerts: int
    escalated: tuple[str, ...]

    def summary(self) -> str:
        return (f"{len(self.created)} follow-up task(s) created, {len(self.escalated)} escalated, "
                f"{self.near_alerts} near and {self.breach_alerts} overdue alert(s)")


def run_followup(ctx: ServiceContext) -> FollowUpResult:
    """One run for the context's station. Safe on several seats at once: both steps are
    idempotent (rule keys, one alert per level, one escalation per task)."""
    rules = run_follow_up_rules(ctx)
    esc = escalate_overdue(ctx)
    result = FollowUpResult(tuple(t.number for t in rules.created), esc.near_alerts,
                            esc.breach_alerts, esc.escalated)
    if result.created or result.escalated or result.near_alerts or result.breach_alerts:
        log.info("follow-up: %s", result.summary())
    return result


def run_followup_job(db_url: str, station_id: int, workstation: str = "scheduler",
                     clock: Clock = system_clock) -> str:
    """The scheduled entry point (importable by reference, so the database job store keeps it)."""
    db = Database.open(job_database_url(db_url))
    try:
        ctx = ServiceContext(db, system_actor(workstation, station_id), clock)
        return run_followup(ctx).summary()
    finally:
        db.dispose()


def ensure_followup_job(scheduler: Any, db_url: str, station_id: int, station_code: str,
                        minutes: int = INTERVAL_MINUTES) -> bool:
    """Add the station's follow-up job to an APScheduler scheduler unless it is there.

    `scheduler` is the jobs.scheduler.ExportScheduler's `.scheduler` (or any APScheduler
    scheduler): its lease makes only one seat of a shared database run the job.
    """
    job_id = f"{JOB_ID}-{station_code}"
    # Named in English like the exports beside it (ExportSchedule.title): the panel words it.
    name = f"{station_code} every {minutes} minutes: follow-up rules and overdue escalation"
    existing = scheduler.get_job(job_id)
    if existing is not None:
        if existing.name != name:  # an earlier version's name (English, then Chinese)
            scheduler.modify_job(job_id, name=name)
        return False
    try:
        scheduler.add_job(run_followup_job, IntervalTrigger(minutes=minutes), id=job_id,
                          name=name,
                          kwargs={"db_url": db_url, "station_id": station_id},
                          replace_existing=False, coalesce=True, max_instances=1)
    except ConflictingIdError:  # another seat added it a moment ago
        return False
    return True
