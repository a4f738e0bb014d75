"""Starts this seat's job scheduler (exports, follow-up, morning re-plan); job failures reach the user."""

from __future__ import annotations

import logging
import os
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication

from ...jobs.followup import ensure_followup_job
from ...jobs.replan import install_replan_job
from ...jobs.runtime import THIS_DATABASE
from ...jobs.scheduler import ExportScheduler, live_holder, stored_jobs
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

    Offscreen sessions (snapshots, tests) and PRECINCT_NO_SCHEDULER=1 run no scheduler.
    """
    if os.environ.get("PRECINCT_NO_SCHEDULER") == "1" or QGuiApplication.platformName() == "offscreen":
        if panel is not None:  # what the leading seat runs, read from the shared job store
            db = app.ctx.db
            app.run(lambda: (stored_jobs(db), False, live_holder(db, app.ctx.clock)),
                    on_done=lambda r: panel.show_schedules(*r),
                    on_error=lambda exc: log.warning("schedule list: %s", exc))
        return None
    bridge = _Bridge(app)
    bridge.failed.connect(lambda text: app.notify(message_text(text), "error"))
    holder = f"{app.settings.workstation}/{os.getpid()}"
    scheduler = ExportScheduler(app.ctx.db, app.settings.resolved_export_folder, holder=holder,
                                on_error=bridge.failed.emit)
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

    def refresh() -> None:
        if panel is None:
            return

        def read() -> tuple[list, bool, str]:  # type: ignore[type-arg]
            return scheduler.jobs(), scheduler.leading, live_holder(app.ctx.db, app.ctx.clock)

        app.run(read, on_done=lambda r: panel.show_schedules(*r),
                on_error=lambda exc: log.warning("schedule list: %s", exc))

    if panel is not None:
        panel.refresh_schedules = refresh
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


def _station_code(app: AppContext) -> str:
    from ...services.stations import get_station

    # Every role may read its station: duty officers' seats, always on, run the jobs too.
    return get_station(app.ctx).code
