"""The coming week's 排班表 written ahead, to be posted: e.g. on Friday afternoon for next Monday-Sunday."""

from __future__ import annotations

import logging
import re
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from apscheduler.jobstores.base import ConflictingIdError
from apscheduler.triggers.cron import CronTrigger

from ..domain.clock import CHINA_TZ, system_clock
from ..domain.errors import KnownError
from ..services.exports import default_filename, export_ledger
from ..services.ledgers.periods import Period, week_of
from ..services.roster import roster_view
from ..storage.database import Database
from .runtime import THIS_SEATS_FOLDER, job_database_url, job_export_folder, station_job_context

log = logging.getLogger("precinct_console.jobs")

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Until the settings ask for it the job is listed paused at this time: the chief resumes it in
# the export panel's schedule list, or sets coming_week_roster (e.g. "fri 15:00").
DEFAULT_WHEN = "fri 15:00"
_WHEN = re.compile(r"(mon|tue|wed|thu|fri|sat|sun)\s+([01]\d|2[0-3]):([0-5]\d)")


def job_id(station_code: str) -> str:
    return f"export:coming_week:{station_code}"


def parse_when(text: str) -> tuple[int, int, int]:
    """'fri 15:00' -> (4, 15, 0): the weekday (Monday 0) and the time of day, China time."""
    m = _WHEN.fullmatch(text.strip().lower())
    if not m:
        raise ValueError(f"'{text}' is not a weekday and time such as fri 15:00")
    return WEEKDAYS.index(m.group(1)), int(m.group(2)), int(m.group(3))


def lead_days(weekday: int) -> int:
    """Days from the scheduled weekday to the Monday after it: Friday 3, Sunday 1, Monday 7."""
    return 7 - weekday


def coming_week(now: datetime, lead: int) -> Period:
    """The week a run at `now` writes: the one beginning `lead` days after the scheduled day.

    Counted from the run's own day, so a Friday run missed while every seat was off and made up
    on Monday morning still writes the week that has just begun (the one it was for), not the
    week after it, which nobody has planned yet.
    """
    return week_of(now.astimezone(CHINA_TZ).date() + timedelta(days=lead))


def coming_week_path(folder: Path, station_code: str, period: Period) -> Path:
    """exports/S01/2026-W48/S01_排班表_2026-W48_预排.xlsx: beside the week's archive, which is
    written after the week as it was worked and keeps the plain name."""
    name = default_filename("roster", period, station_code).removesuffix(".xlsx") + "_预排.xlsx"
    return folder / station_code / period.slug / name


def run_coming_week_job(db_url: str, station_id: int, folder: str, lead: int = 3,
                        now: datetime | None = None) -> list[str]:
    """Job body: write the coming week's 排班表 (masked, audited as ledger.export).

    Written again on every run, unlike the archives: the chief may still change the plan until
    the week begins, and "Run now" after a change must give the sheet to post. A week with no
    shift planned yet is refused, so the run fails and the chief's and clerk's seats hear it.
    """
    now = now or system_clock()
    db = Database.open(job_database_url(db_url))
    try:
        ctx, code = station_job_context(db, station_id, now)
        period = coming_week(now, lead)
        if not roster_view(ctx, period.first_day, period.last_day).shifts:
            raise KnownError(f"the roster of {period.slug} ({period.first_day} to {period.last_day}) "
                             "has no shifts planned yet: plan the week in the roster panel, then "
                             "run the export again")
        path = coming_week_path(Path(job_export_folder(folder)), code, period)
        result = export_ledger(ctx, "roster", period.first_day, period.last_day, path)
        log.info("coming week's roster: %s (%d rows)", path, result.rows)
        return [str(path)]
    finally:
        db.dispose()


def install_coming_week_job(scheduler: Any, db_url: str, station_id: int, station_code: str,
                            setting: str = "") -> bool:
    """Add the station's coming-week roster export, or bring it in line with the setting.

    setting is coming_week_roster: "" lists the job paused on Friday 15:00 (the chief resumes it
    in the export panel), "fri 15:00" runs it then. A setting changed since the job was installed
    takes effect; a time or pause set in the panel since stands until the setting changes again.
    """
    weekday, hour, minute = parse_when(setting or DEFAULT_WHEN)
    trigger = CronTrigger(day_of_week=WEEKDAYS[weekday], hour=hour, minute=minute, timezone=CHINA_TZ)
    kwargs = {"db_url": db_url, "station_id": station_id, "folder": THIS_SEATS_FOLDER,
              "lead": lead_days(weekday), "configured": setting}
    jid = job_id(station_code)
    # Named in English like the exports beside it (ExportSchedule.title): the panel words it.
    # The weekday is in the name: a paused job shows no next run, and Change time… keeps the day.
    name = f"{station_code} every {WEEKDAY_NAMES[weekday]}: next week's roster, ahead, to post"
    existing = scheduler.get_job(jid)
    if existing is not None:
        if existing.kwargs.get("configured") == setting:
            if existing.name != name:  # an earlier version named it in Chinese
                scheduler.modify_job(jid, name=name)
            return False
        scheduler.modify_job(jid, kwargs=kwargs, name=name)
        scheduler.reschedule_job(jid, trigger=trigger)
        if not setting:
            scheduler.pause_job(jid)
        log.info("coming week's roster now %s (setting coming_week_roster)", setting or "paused")
        return False
    try:
        scheduler.add_job(_run, trigger, id=jid, name=name, kwargs=kwargs, replace_existing=False,
                          coalesce=True, max_instances=1, misfire_grace_time=None,
                          **({} if setting else {"next_run_time": None}))
    except ConflictingIdError:  # another seat added it a moment ago
        return False
    return True


def _run(db_url: str, station_id: int, folder: str, lead: int = 3, configured: str = "") -> list[str]:
    """The stored job's entry point (importable by reference for the database job store)."""
    return run_coming_week_job(db_url, station_id, folder, lead)
