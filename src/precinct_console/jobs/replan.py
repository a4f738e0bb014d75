"""Morning re-plan (警力跟着警情走): each day at 09:00 propose the day's deployment from the
latest incidents; the proposals reach the chief through the change feed as plans to decide."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from apscheduler.jobstores.base import ConflictingIdError
from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import func, select

from ..config import load_settings
from ..domain.clock import CHINA_TZ, Clock, system_clock
from ..domain.errors import KnownError
from ..services.accounts import system_actor
from ..services.allocation import (
    PlanInfo,
    announce_replan,
    propose_plan,
    supersede_undecided_proposals,
    unproven,
)
from ..services.context import ServiceContext
from ..storage.database import Database
from ..storage.models import RosterEntry, Shift
from .runtime import job_database_url

log = logging.getLogger("precinct_console.jobs")

JOB_ID = "replan"


def parse_hhmm(text: str) -> tuple[int, int]:
    try:
        hh, mm = (int(x) for x in text.strip().split(":"))
    except ValueError:
        raise ValueError(f"morning_replan '{text}' is not a time like 09:00") from None
    if not (0 <= hh < 24 and 0 <= mm < 60):
        raise ValueError(f"morning_replan '{text}' is not a time like 09:00")
    return hh, mm


# A shift ending sooner than this is left as it is: its crews are handing over.
MIN_REMAINING = timedelta(hours=1)

# The run's time budget (seconds of the seat holding the job lease), shared over the shifts in
# proportion to their units, so a day's re-plan ends in bounded time whatever the roster. On
# the demo station each shift proves optimal in under a second; a big one (2,000 cells, 200
# points, 16 units) proves in 6-25 s by machine, so a seven-shift day of those would have taken
# up to 7 x 20 s. A shift the budget leaves short is solved to a proven gap, which is reported.
DAY_BUDGET = 60.0
MAX_SHIFT_LIMIT = 20.0  # no shift gets more, however much budget is left
MIN_SHIFT_LIMIT = 2.0  # every shift gets this even past the budget: it must have a plan


def shift_limit(remaining: float, weight: int, remaining_weight: int,
                cap: float = MAX_SHIFT_LIMIT) -> float:
    """The solver's time limit for one shift: its share of what is left of the budget by its
    units (a shift solved early leaves its unused share to the ones after), within the bounds."""
    share = max(0.0, remaining) * max(1, weight) / max(1, remaining_weight)
    return max(min(MIN_SHIFT_LIMIT, cap), min(cap, share))


def run_replan(ctx: ServiceContext, *, time_limit: float = MAX_SHIFT_LIMIT,
               budget: float = DAY_BUDGET, timer: Callable[[], float] = time.monotonic,
               failures: list[tuple[str, KnownError]] | None = None) -> list[PlanInfo]:
    """Propose a plan for every shift crewing units that is running now or starts in the next
    24 hours (or, with no roster, for the coming day). Each proposal is a change the chief's
    seat announces.

    The shift on duty at 09:00 is the one the morning's incidents matter to most (警力跟着警情走):
    it is planned again, not left with yesterday's plan. An earlier re-plan's proposal for the
    same shift that the chief has not decided yet is superseded by the new one, so a second run
    (Run now, then the scheduled run) leaves one proposal per shift, not two.

    Each shift's solver limit is shift_limit() of the budget left (timer is injected so tests
    need not sleep), at most time_limit; the run takes about the budget at worst, plus
    MIN_SHIFT_LIMIT and the forecast's second or so for each shift solved past it.

    failures: filled with (shift, why) of each rostered shift that could not be planned (a
    station that plans no crews, with no grid map say, is not told so every morning).
    """
    started = timer()
    now = ctx.clock()
    with ctx.read() as s:
        crewed = (select(RosterEntry.shift_id, func.count(func.distinct(RosterEntry.unit_id)).label("units"))
                  .where(RosterEntry.unit_id.is_not(None)).group_by(RosterEntry.shift_id).subquery())
        rows = s.execute(
            select(Shift, crewed.c.units).join(crewed, crewed.c.shift_id == Shift.id)
            .where(Shift.station_id == ctx.station_id, Shift.ends_at >= now + MIN_REMAINING,
                   Shift.starts_at < now + timedelta(hours=24))
            .order_by(Shift.starts_at, Shift.id)).all()
        names = {x.id: f"{x.name} {x.starts_at.astimezone(CHINA_TZ):%m-%d %H:%M}" for x, _n in rows}
        weights = {x.id: int(n) for x, n in rows}
    plans: list[PlanInfo] = []
    targets: list[dict[str, Any]] = [{"shift_id": i} for i in names] or [{}]
    left = sum(weights.values()) or 1
    try:
        for target in targets:
            weight = weights.get(target.get("shift_id", -1), 1)
            limit = shift_limit(budget - (timer() - started), weight, left, time_limit)
            left -= weight
            try:
                t0 = timer()
                plan = propose_plan(ctx, time_limit=limit, **target)
                supersede_undecided_proposals(ctx, plan)
                plans.append(plan)
                f = plan.figures
                log.info("re-plan of %s: %d unit(s), limit %.1f s, took %.1f s (solver %.1f s), %s, "
                         "gap %s", names.get(target.get("shift_id", -1), "the coming day"), weight,
                         limit, timer() - t0, f.get("solve_seconds") or 0.0, f.get("status"),
                         f.get("gap"))
            except KnownError as exc:  # one shift that cannot be planned must not stop the others
                log.warning("re-plan of %s failed: %s", target or "the coming day", exc)
                if failures is not None and target:
                    failures.append((names[target["shift_id"]], exc))
    finally:
        if plans:  # even a run cut short: what it proposed waits for the chief
            announce_replan(ctx)
    for p in plans:
        log.info("re-plan: plan %d for %s %s, 3-min cover %.1f%%", p.id, p.shift_name or "day",
                 p.starts_at.astimezone(CHINA_TZ).strftime("%m-%d %H:%M"), 100 * p.once_share)
    log.info("re-plan: %d shift(s) in %.1f s (budget %.0f s)", len(targets), timer() - started, budget)
    return plans


def outcome_message(plans: list[PlanInfo]) -> str:
    """What the job's last run says at every seat: the proposals, and how far from the best the
    least certain one may be when the time allowed did not prove them all."""
    short = unproven(plans)
    if not short:
        return f"{len(plans)} patrol plan(s) proposed"
    worst = short[0]
    if worst.gap == worst.gap:
        return (f"{len(plans)} patrol plan(s) proposed; {len(short)} not proven the best in the "
                f"time allowed, the furthest ({worst.shift}) within {worst.gap:.1%} of the best possible")
    return (f"{len(plans)} patrol plan(s) proposed; {len(short)} not proven the best in the time "
            f"allowed, {worst.shift} with no bound proven")


def run_replan_job(db_url: str, station_id: int, workstation: str = "scheduler",
                   clock: Clock = system_clock, configured: str | None = None) -> str:
    """The scheduled entry point (importable by reference, so the database job store keeps it).

    `configured` is the morning_replan setting the job was installed with (see install_replan_job).
    """
    db = Database.open(job_database_url(db_url))
    try:
        ctx = ServiceContext(db, system_actor(workstation, station_id), clock)
        failures: list[tuple[str, KnownError]] = []
        plans = run_replan(ctx, failures=failures)
        if failures:
            # A shift left without a plan is the chief's to see to before it starts: the run
            # fails, and its reason reaches the chief's and the clerk's seats.
            shift, exc = failures[0]
            why = getattr(exc, "bare_message", str(exc))
            raise KnownError(f"{len(plans)} patrol plan(s) proposed; {len(failures)} shift(s) could "
                             f"not be planned, {shift}: {why}")
        return outcome_message(plans)
    finally:
        db.dispose()


def install_replan_job(scheduler: Any, db_url: str, station_id: int, station_code: str,
                       at: str | None = None) -> bool:
    """Add the station's morning re-plan (settings.morning_replan, 09:00 by default)."""
    configured = at or load_settings().morning_replan
    hh, mm = parse_hhmm(configured)
    job_id = f"{JOB_ID}-{station_code}"
    # Named in English like the exports beside it (ExportSchedule.title): the panel words it.
    name = f"{station_code} daily: morning re-plan of the patrols"
    kwargs = {"db_url": db_url, "station_id": station_id, "configured": configured}
    trigger = CronTrigger(hour=hh, minute=mm, timezone=CHINA_TZ)
    existing = scheduler.get_job(job_id)
    if existing is not None:
        if existing.name != name:  # an earlier version's name (English, then Chinese)
            scheduler.modify_job(job_id, name=name)
        if existing.kwargs.get("configured") != configured:
            # The setting changed since the job was installed: it takes effect. A time set in
            # the export panel since (Change time…) stands until the setting changes again.
            # (An earlier version's job also dropped a re-plan missed by over an hour.)
            scheduler.modify_job(job_id, kwargs=kwargs, misfire_grace_time=None)
            scheduler.reschedule_job(job_id, trigger=trigger)
            log.info("morning re-plan now at %s (setting morning_replan)", configured)
        return False
    try:
        # No misfire limit, coalesced, like the exports: a re-plan missed while every seat was
        # off runs once when one comes back (it plans the shifts from then on).
        scheduler.add_job(run_replan_job, trigger, id=job_id, name=name, kwargs=kwargs,
                          replace_existing=False, coalesce=True, max_instances=1,
                          misfire_grace_time=None)
    except ConflictingIdError:
        return False
    return True
