"""What the board, alert and unit panels of one window share: the open-incident cache and its upkeep.

One load at start; after that only the incidents a change names are fetched, off the GUI thread,
coalesced so that a surge of changes costs one query at a time, never one per change.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterable
from functools import partial
from typing import Any

from PySide6.QtCore import QObject, Signal

from ...domain.changes import Change
from ...services.incidents.profile import get_response_profile
from ...services.incidents.queries import get_incident_rows, list_open_incidents
from ...services.incidents.views import IncidentRow
from ..context import AppContext
from .model import BoardModel

log = logging.getLogger("precinct_console.ui")


class BoardState(QObject):
    """The shared open-incident model of a window, kept current from the change feed."""

    loaded = Signal()
    rows_changed = Signal(object)  # list[IncidentRow] that changed (open or just closed)
    ticked = Signal()

    def __init__(self, app: AppContext):
        super().__init__(app)
        self.app = app
        self.model = BoardModel(app.clock)
        self.is_loaded = False
        self._pending: set[int] = set()
        self._fetching = False
        app.changed.connect(self.on_change)
        app.tick.connect(self.on_tick)
        app.reconnected.connect(self._reconnected)

    # -- loading ---------------------------------------------------------------------------
    def load(self) -> None:
        def fetch(ctx: Any) -> tuple[Any, list[IncidentRow]]:
            return get_response_profile(ctx), list_open_incidents(ctx)

        self.app.run(fetch, self.app.ctx, on_done=self._loaded)

    def _loaded(self, result: tuple[Any, list[IncidentRow]]) -> None:
        profile, rows = result
        if profile != self.model.profile:
            # A different profile has different timer columns: rebuild the model's columns once.
            self.model.beginResetModel()
            self.model.profile = profile
            self.model.columns = self.model._columns()
            self.model._live_cols = [i for i, c in enumerate(self.model.columns) if c.live]
            self.model._timer_cols = {i: c.key[6:] for i, c in enumerate(self.model.columns)
                                      if c.key.startswith("timer:")}
            self.model.endResetModel()
        self.model.now = self.app.clock()
        self.model.set_rows(rows)
        first = not self.is_loaded
        self.is_loaded = True
        self.loaded.emit()
        if first:
            # What exists once the board is up (modules, Qt wrappers, the first rows) lives as long
            # as the window: take it out of the cyclic collector's full passes, which otherwise
            # walk it all and stall the GUI thread ~60 ms each during a surge of new incidents.
            gc.collect()
            gc.freeze()

    # -- changes ---------------------------------------------------------------------------
    def on_change(self, change: Change) -> None:
        ids = change.ids("incident")
        if ids and self.is_loaded:
            self.on_change_ids(ids)

    def on_change_ids(self, ids: set[int]) -> None:
        self._pending |= ids
        self._fetch_next()

    def _fetch_next(self) -> None:
        if self._fetching or not self._pending:
            return
        ids, self._pending = self._pending, set()
        self._fetching = True
        self.app.run(get_incident_rows, self.app.ctx, sorted(ids),
                     on_done=partial(self._fetched, ids),
                     on_error=partial(self._fetch_failed, ids))

    def _fetched(self, ids: set[int], rows: list[IncidentRow]) -> None:
        self._fetching = False
        self.apply(ids, rows)
        self._fetch_next()

    def _fetch_failed(self, ids: set[int], exc: BaseException) -> None:
        self._fetching = False
        # Fetched again when the database is back: a change seen during an outage is not dropped.
        self._pending |= ids
        self.app.report_error(exc)

    def _reconnected(self) -> None:
        if not self.is_loaded:
            self.load()
        else:
            self._fetch_next()

    def apply(self, ids: Iterable[int], rows: list[IncidentRow]) -> None:
        """Fresh rows for these ids: open ones are upserted, closed or vanished ones removed."""
        found = {r.id for r in rows}
        self.model.upsert([r for r in rows if r.is_open])
        gone = [r.id for r in rows if not r.is_open] + [i for i in ids if i not in found]
        self.model.remove(gone)
        self.rows_changed.emit(rows)

    def put(self, row: IncidentRow) -> None:
        """A row this seat's own write returned: shown at once, no second query."""
        self.apply([row.id], [as_row(row)])

    # -- the tick --------------------------------------------------------------------------
    def on_tick(self) -> None:
        if self.is_loaded:
            self.model.set_now(self.app.clock())
            self.ticked.emit()


def as_row(row: IncidentRow) -> IncidentRow:
    """A service's IncidentView (a row plus its change) as the plain row the cache compares."""
    if type(row) is IncidentRow:
        return row
    return IncidentRow(**{f: getattr(row, f) for f in IncidentRow.__dataclass_fields__})


def board_state(app: AppContext) -> BoardState:
    """The window's one BoardState (created and loaded on first use)."""
    state: BoardState | None = getattr(app, "_board_state", None)
    if state is None:
        state = BoardState(app)
        app._board_state = state  # type: ignore[attr-defined]
        state.load()
    return state
