"""Live sync for the window: the change-feed listener on its own thread, results by signal."""

from __future__ import annotations

import logging

from PySide6.QtCore import QThread, Signal

from ..domain.changes import FeedEvent
from ..services.sync import ChangeListener, ConnectionState, Database

log = logging.getLogger("precinct_console.sync")


class FeedThread(QThread):
    """Runs the listener; emits batches of events and connection-state changes (queued to the GUI)."""

    events = Signal(list)
    state_changed = Signal(str)

    def __init__(self, db: Database, after_id: int | None = None, parent=None):  # type: ignore[no-untyped-def]
        super().__init__(parent)
        self.setObjectName("change-feed")
        self.listener = ChangeListener(db, after_id=after_id, on_state=self._on_state)

    def _on_state(self, state: ConnectionState) -> None:
        self.state_changed.emit(state.value)

    def _deliver(self, batch: list[FeedEvent]) -> None:
        self.events.emit(batch)

    def run(self) -> None:
        self.listener.run(self._deliver)

    def stop(self, wait_ms: int = 3000) -> None:
        self.listener.stop()
        self.wait(wait_ms)
