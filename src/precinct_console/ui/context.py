"""AppContext: what every panel receives (services, background runner, change and selection signals)."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from ..config import Settings
from ..domain.changes import Change, FeedEvent, change_from_events
from ..domain.errors import AccountChanged, DatabaseUnavailable
from ..services.context import ServiceContext, known_error
from .background import BackgroundRunner
from .error_text import error_text

log = logging.getLogger("precinct_console.ui")

# The form whose input a write started now carries (its title), for the sign-out notice to
# name when the write is refused because the account was disabled (ui/forms.submit_form).
_saving: ContextVar[str] = ContextVar("saving", default="")


@contextmanager
def saving(title: str) -> Iterator[None]:
    """Writes started inside carry the input of the form titled so."""
    token = _saving.set(title)
    try:
        yield
    finally:
        _saving.reset(token)


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
    # An administrator disabled the signed-in account or gave it another role (the refusal,
    # domain.errors.AccountChanged): the seat has stopped its work and signs out (the main window
    # says so, naming what was not saved). Emitted once.
    account_changed = Signal(object)

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
        self.closed = False  # signed out: no more background work, no more change feed
        self.unsaved: list[str] = []  # forms whose input a refused write carried
        self.connection_state.connect(self._link_changed)

    # time -------------------------------------------------------------------------------
    def clock(self) -> datetime:
        return self.ctx.clock()

    def start_ticking(self) -> None:
        self._ticker.start()

    def close(self) -> None:
        """The seat signs out: the 1 Hz timers (alerts, duty checks, reminders) stop, and no
        background work starts any more; what is on its way finishes unheard."""
        self.closed = True
        self._ticker.stop()

    # background work ---------------------------------------------------------------------
    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        **kwargs: Any,
    ) -> None:
        if self.closed:
            log.debug("signed out: %s not run", getattr(fn, "__name__", fn))
            return
        handler = on_error or self.report_error
        form = _saving.get()

        def failed(exc: BaseException) -> None:
            # Whoever asked (a form, the alert timers) is not told: the seat signs out, once.
            if isinstance(exc, AccountChanged):
                self._signed_off(exc, form)
            elif not self.closed:
                handler(exc)

        self.runner.run(fn, *args, on_done=on_done, on_error=failed, **kwargs)

    def _signed_off(self, exc: AccountChanged, form: str = "") -> None:
        if form and form not in self.unsaved:
            self.unsaved.append(form)
        if self.closed:
            return
        self.close()
        log.warning("signing out: %s", exc)
        self.account_changed.emit(exc)

    def report_error(self, exc: BaseException) -> None:
        """Known errors become a clear message; anything else goes to the crash handler."""
        if isinstance(exc, AccountChanged):
            self._signed_off(exc)
            return
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
        if self.closed:
            return
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
