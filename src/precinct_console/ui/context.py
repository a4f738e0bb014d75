"""AppContext: what every panel receives (services, background runner, change and selection signals)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from ..config import Settings
from ..domain.changes import Change, FeedEvent, change_from_events
from ..domain.errors import DatabaseUnavailable
from ..services.context import ServiceContext, known_error
from .background import BackgroundRunner
from .error_text import error_text

log = logging.getLogger("precinct_console.ui")


class AppContext(QObject):
    """Shared by all panels of one signed-in window."""

    changed = Signal(object)  # domain.changes.Change
    selected = Signal(str, int)  # entity, id: board row <-> map marker <-> unit board
    point_picked = Signal(float, float)  # lon, lat clicked on the map (intake takes it as the place)
    notified = Signal(str, str)  # text, level
    connection_state = Signal(str)
    reconnected = Signal()  # the database is back after an outage: reload what failed meanwhile
    tick = Signal()  # 1 Hz, for timers; handlers must only touch what the tick changes
    # The unit board's cover now (domain.allocation.move_up.CoverNow, or None without a plan in
    # force): the map draws its move-ups.
    cover_changed = Signal(object)

    def __init__(self, ctx: ServiceContext, settings: Settings, parent: QObject | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.settings = settings
        self.runner = BackgroundRunner(self)
        self._own_workstation = ctx.actor.workstation
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self.tick.emit)
        self._link = "connected"
        self._outage_text: str | None = None  # logged once per outage, not at every retry
        self.connection_state.connect(self._link_changed)

    # time -------------------------------------------------------------------------------
    def clock(self) -> datetime:
        return self.ctx.clock()

    def start_ticking(self) -> None:
        self._ticker.start()

    # background work ---------------------------------------------------------------------
    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        **kwargs: Any,
    ) -> None:
        self.runner.run(fn, *args, on_done=on_done, on_error=on_error or self.report_error, **kwargs)

    def report_error(self, exc: BaseException) -> None:
        """Known errors become a clear message; anything else goes to the crash handler."""
        known = known_error(exc)
        if known is None:
            raise exc
        text = error_text(known)
        if isinstance(known, DatabaseUnavailable):
            # Shown until the link is back (the main window clears it then); background retries
            # during the outage repeat it every few seconds, the log needs it once.
            if text != self._outage_text:
                log.error("notify: %s", text)
            self._outage_text = text
            self.notified.emit(text, "outage")
            return
        self.notify(text, "error")

    def _link_changed(self, state: str) -> None:
        was, self._link = self._link, state
        if state == "connected" and was != "connected":
            self._outage_text = None
            self.reconnected.emit()

    # changes -----------------------------------------------------------------------------
    def announce(self, change: Change) -> None:
        """After this seat's own write: panels refresh at once, before the feed echoes it."""
        if change:
            self.changed.emit(change)

    def on_feed(self, events: list[FeedEvent]) -> None:
        # This seat's own writes were announced already; the feed echo would refresh twice.
        foreign = [e for e in events if e.workstation != self._own_workstation]
        if foreign:
            self.changed.emit(change_from_events(foreign))

    # selection and messages ----------------------------------------------------------------
    def select(self, entity: str, entity_id: int) -> None:
        self.selected.emit(entity, entity_id)

    def notify(self, text: str, level: str = "info") -> None:
        log.log(logging.ERROR if level == "error" else logging.INFO, "notify: %s", text)
        self.notified.emit(text, level)
