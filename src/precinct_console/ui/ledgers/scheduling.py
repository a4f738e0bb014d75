"""Starts this seat's job scheduler (exports, follow-up, morning re-plan); job failures reach the user."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication

from ...domain.permissions import is_permitted
from ...jobs.coming_week import install_coming_week_job
from ...jobs.followup import ensure_followup_job
from ...jobs.replan import install_replan_job
from ...jobs.runtime import THIS_DATABASE
from ...jobs.scheduler import ExportScheduler, LastRun, last_runs, live_holder, stored_jobs
from ..board.guard import guarded
from ..context import AppContext
from ..error_text import message_text

if TYPE_CHECKING:
    from .panel import LedgerExportPanel

log = logging.getLogger("precinct_console.jobs")


class _Bridge(QObject):
    """Scheduler threads report here; the signal delivers on the GUI thread."""

    failed = Signal(str)


def attach_scheduler(app: AppContext, panel: LedgerExportPanel | None = None) -> ExportScheduler | None:
    """Run the shared scheduled exports from this seat (when it holds the lease) until quit.

    Offscreen sessions (snapshots, tests) and PRECINCT_NO_SCHEDULER=1 run no scheduler; they
    still list what the leading seat runs, read from the shared job store.
    """
    db = app.ctx.db
    if os.environ.get("PRECINCT_NO_SCHEDULER") == "1" or QGuiApplication.platformName() == "offscreen":
        watch_schedules(app, panel, lambda: (stored_jobs(db), False), own_seat="")()
        return None
    bridge = _Bridge(app)
    bridge.failed.connect(lambda text: app.notify(message_text(text), "error"))
    holder = f"{app.settings.workstation}/{os.getpid()}"
    scheduler = ExportScheduler(db, app.settings.resolved_export_folder, holder=holder,
                                clock=app.ctx.clock, on_error=bridge.failed.emit)
    actor = app.ctx.actor

    def start() -> None:
        scheduler.start()
        if actor.station_id is not None:
            code = _station_code(app)
            scheduler.ensure_schedules(actor.station_id, code)
            # The same lease runs the follow-up rules (every few minutes) and the morning re-plan.
            ensure_followup_job(scheduler.scheduler, THIS_DATABASE, actor.station_id, code)
            install_replan_job(scheduler.scheduler, THIS_DATABASE, actor.station_id, code,
                               at=app.settings.morning_replan)
            # And the coming week's 排班表 to post, as the settings ask (paused until then).
            install_coming_week_job(scheduler.scheduler, THIS_DATABASE, actor.station_id, code,
                                    app.settings.coming_week_roster)

    refresh = watch_schedules(app, panel, lambda: (scheduler.jobs(), scheduler.leading),
                              own_seat=holder)
    app.run(start, on_done=lambda _r: refresh())
    timer = QTimer(app)
    timer.setInterval(60_000)
    timer.timeout.connect(refresh)
    timer.start()
    qt_app = QCoreApplication.instance()
    if qt_app is not None:
        qt_app.aboutToQuit.connect(scheduler.stop)
    app.destroyed.connect(scheduler.stop)
    return scheduler


def watch_schedules(app: AppContext, panel: LedgerExportPanel | None,
                    read_jobs: Callable[[], tuple[list[Any], bool]], *, own_seat: str) -> Callable[[], None]:
    """Keep the panel's schedule list current (each job's last run from the audit log) and tell
    this seat's clerk when a job failed on the seat that runs them; returns the refresh."""
    db, station_id = app.ctx.db, app.ctx.actor.station_id
    may_hear = is_permitted(app.ctx.actor.role, "ledger.export")
    seen: list[int] = []  # the newest run already shown; empty until the first read

    def read() -> tuple[list[Any], bool, str, dict[str, LastRun]]:
        jobs, leading = read_jobs()
        return jobs, leading, live_holder(db, app.ctx.clock), last_runs(db, station_id)

    def shown(result: tuple[list[Any], bool, str, dict[str, LastRun]]) -> None:
        jobs, leading, holder, runs = result
        if panel is not None:
            panel.show_schedules(jobs, leading, holder, runs)
        if seen and may_hear:
            for run in sorted(runs.values(), key=lambda r: r.audit_id):
                # The running seat heard its own failure already, through its scheduler.
                if run.audit_id > seen[0] and not run.ok and run.seat != own_seat:
                    app.notify(message_text(run.detail), "error")
        seen[:] = [max([*seen, *(r.audit_id for r in runs.values())], default=0)]

    def refresh() -> None:
        target = panel if panel is not None else app
        app.run(read, on_done=guarded(target, shown),
                on_error=lambda exc: log.warning("schedule list: %s", exc))

    if panel is not None:
        panel.refresh_schedules = refresh
    # Another seat ran (or failed) a job, or changed a schedule: the feed says so at once.
    app.changed.connect(lambda change: refresh() if change.touches("schedule") else None)
    return refresh


def _station_code(app: AppContext) -> str:
    from ...services.stations import get_station

    # Every role may read its station: duty officers' seats, always on, run the jobs too.
    return get_station(app.ctx).code
