"""Scheduled ledger exports: the daily incident ledger, the weekly set, the monthly set."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from ..domain.clock import CHINA_TZ, system_clock
from ..services.bulletin import render_html, weekly_bulletin
from ..services.exports import default_filename, export_ledger
from ..services.ledgers import LEDGERS
from ..services.ledgers.periods import Period, day_of, month_of, week_of
from ..storage.database import Database
from .runtime import job_database_url, job_export_folder, station_job_context

log = logging.getLogger("precinct_console.jobs")

ALL_LEDGERS = tuple(LEDGERS)


@dataclass(frozen=True)
class ExportSchedule:
    """What a scheduled export writes and when (cron fields in China time)."""

    kind: str  # day | week | month: the period each file covers
    ledgers: tuple[str, ...]
    cron: dict[str, str | int] = field(default_factory=dict)
    catch_up: int = 7  # after downtime, also write this many earlier periods still missing
    bulletin: bool = False  # also write the weekly bulletin (HTML) beside the ledgers

    def job_id(self, station_code: str) -> str:
        return f"export:{self.kind}:{station_code}"

    def title(self, station_code: str) -> str:
        """'S01 weekly: all ledgers and the weekly bulletin': stored with the job, which every seat
        shares, so in English; the export panel words it in its own language through the error
        catalogue (S01 每周：全部台账、周通报), as the failure it names in a message."""
        every = {"day": "daily", "week": "weekly", "month": "monthly"}[self.kind]
        what = "all ledgers" if set(self.ledgers) == set(ALL_LEDGERS) else ", ".join(
            LEDGERS[key].title_en or key for key in self.ledgers)
        return f"{station_code} {every}: {what}{' and the weekly bulletin' if self.bulletin else ''}"


DEFAULT_SCHEDULES = (
    ExportSchedule("day", ("incidents",), {"hour": 8, "minute": 0}, catch_up=7),
    ExportSchedule("week", ALL_LEDGERS, {"day_of_week": "mon", "hour": 8, "minute": 30}, catch_up=4,
                   bulletin=True),
    ExportSchedule("month", ALL_LEDGERS, {"day": 1, "hour": 9, "minute": 0}, catch_up=2),
)


def last_complete_periods(kind: str, now: datetime, count: int) -> list[Period]:
    """The `count` most recent periods of a kind that have ended by `now` (newest first)."""
    today = now.astimezone(CHINA_TZ).date()
    out: list[Period] = []
    if kind == "day":
        out = [day_of(today - timedelta(days=i)) for i in range(1, count + 1)]
    elif kind == "week":
        this_monday = today - timedelta(days=today.weekday())
        out = [week_of(this_monday - timedelta(days=7 * i)) for i in range(1, count + 1)]
    elif kind == "month":
        first = today.replace(day=1)
        for _ in range(count):
            first = (first - timedelta(days=1)).replace(day=1)
            out.append(month_of(first))
    else:
        raise ValueError(f"unknown period kind '{kind}'")
    return out


def target_path(folder: Path, station_code: str, ledger: str, period: Period) -> Path:
    """exports/S01/2026-W47/S01_警情台账_2026-W47.xlsx: a folder per station and period."""
    return folder / station_code / period.slug / default_filename(ledger, period, station_code)


def run_export_job(
    db_url: str, station_id: int, kind: str, ledgers: list[str], folder: str, catch_up: int = 7,
    now: datetime | None = None, bulletin: bool = False,
) -> list[str]:
    """Job body: write every file of the last complete periods that is not there yet.

    Running once after the machine was off therefore fills every gap of the catch-up window,
    and running twice writes nothing twice. Personal numbers are always masked.
    """
    now = now or system_clock()
    folder = job_export_folder(folder)
    db = Database.open(job_database_url(db_url))
    written: list[str] = []
    try:
        ctx, code = station_job_context(db, station_id, now)
        for period in reversed(last_complete_periods(kind, now, max(catch_up, 1))):
            for ledger in ledgers:
                path = target_path(Path(folder), code, ledger, period)
                if path.exists():
                    continue
                result = export_ledger(ctx, ledger, period.first_day, period.last_day, path)
                log.info("scheduled export: %s (%d rows)", path, result.rows)
                written.append(str(path))
            if bulletin and period.kind == "week":
                # HTML: a job may not start Qt to print a PDF; the bulletin panel prints it.
                path = Path(folder) / code / period.slug / f"{code}_警情周通报_{period.slug}.html"
                if not path.exists():
                    html = render_html(weekly_bulletin(ctx, period))
                    path.parent.mkdir(parents=True, exist_ok=True)
                    part = path.with_name(path.name + ".part")
                    part.write_text(html, encoding="utf-8")
                    part.replace(path)
                    written.append(str(path))
    finally:
        db.dispose()
    return written
