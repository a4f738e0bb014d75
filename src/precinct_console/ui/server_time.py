"""Keeps this seat's clock on the database server's time and says so when the seat's is off."""

from __future__ import annotations

import logging
from datetime import timedelta

from PySide6.QtCore import QObject, QTimer

from ..domain.clock import ServerClock
from ..storage.servertime import server_clock_offset
from .board.guard import guarded
from .context import AppContext

log = logging.getLogger("precinct_console.ui")

# Beyond this the seat's own clock is wrong enough for the officer to be told (and IT to fix it).
SKEW_WARNING = timedelta(seconds=30)
REMEASURE_MS = 10 * 60 * 1000  # clocks drift, and an administrator may correct one mid-shift


class ServerTimeKeeper(QObject):
    """Measures the offset at start, every ten minutes and after an outage."""

    def __init__(self, app: AppContext, clock: ServerClock):
        super().__init__(app)
        self.app = app
        self.clock = clock
        self._warned = False
        self._timer = QTimer(self)
        self._timer.setInterval(REMEASURE_MS)
        self._timer.timeout.connect(self.measure)
        self._timer.start()
        app.reconnected.connect(self.measure)

    def measure_now(self) -> None:
        """Once before the window opens, so the first write already carries the server's time."""
        try:
            self._measured(server_clock_offset(self.app.ctx.db, self.clock.base))
        except Exception:  # the database answered the sign-in a moment ago: try again later
            log.warning("cannot read the database server's clock", exc_info=True)

    def measure(self) -> None:
        self.app.run(server_clock_offset, self.app.ctx.db, self.clock.base,
                     on_done=guarded(self, self._measured), on_error=self._failed)

    def _measured(self, offset: timedelta) -> None:
        self.clock.offset = offset
        seconds = round(offset.total_seconds())
        if abs(offset) > SKEW_WARNING:
            log.warning("this seat's clock is %+d s off the database server's", -seconds)
            if not self._warned:
                self._warned = True
                self.app.notify(self.tr("This computer's clock is %1 s off the database server's; "
                                        "times are recorded by the server's clock")
                                .replace("%1", f"{-seconds:+d}"), "warning")

    def _failed(self, exc: BaseException) -> None:
        # Keep the last offset; the outage itself is reported by whatever needed the database.
        log.warning("cannot read the database server's clock: %s", exc)
