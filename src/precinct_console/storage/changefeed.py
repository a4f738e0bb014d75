"""Change-feed listener: PostgreSQL LISTEN/NOTIFY or SQLite data_version polling, then catch-up reads."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from enum import StrEnum

import psycopg
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from ..domain.changes import FeedEvent
from .database import Database
from .models import ChangeRecord
from .uow import NOTIFY_CHANNEL

log = logging.getLogger("precinct_console.sync")


LISTENER_APP_NAME = "precinct-console-listener"


class ConnectionState(StrEnum):
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    OFFLINE = "offline"


def latest_feed_id(db: Database) -> int:
    with db.sessions() as s:
        return int(s.scalar(select(func.coalesce(func.max(ChangeRecord.id), 0))) or 0)


def read_feed(db: Database, after_id: int, limit: int = 5000) -> list[FeedEvent]:
    """Everything written to the feed after `after_id`, oldest first."""
    with db.sessions() as s:
        rows = s.scalars(
            select(ChangeRecord).where(ChangeRecord.id > after_id).order_by(ChangeRecord.id).limit(limit)
        ).all()
    return [
        FeedEvent(r.id, r.station_id, r.at, r.entity, r.entity_id, r.action, r.username, r.workstation)
        for r in rows
    ]


class _Waker:
    """Blocks until the database says something may have changed, or the timeout passes."""

    def wait(self, timeout: float) -> bool:
        """True when woken by a change, False on timeout."""
        raise NotImplementedError

    def close(self) -> None:
        pass


class _PostgresWaker(_Waker):
    def __init__(self, db: Database):
        url = make_url(db.url)
        conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
        self.conn = psycopg.connect(
            conninfo, autocommit=True, connect_timeout=5, application_name=LISTENER_APP_NAME
        )
        self.conn.execute(f"LISTEN {NOTIFY_CHANNEL}")

    def wait(self, timeout: float) -> bool:
        # Returns at the first notification; the caller then reads the outbox, which covers
        # every notification that arrived meanwhile.
        woken = False
        for _ in self.conn.notifies(timeout=timeout, stop_after=1):
            woken = True
        if woken:
            # Drain what else is queued so one read answers a burst of commits.
            for _ in self.conn.notifies(timeout=0.0):
                pass
        return woken

    def close(self) -> None:
        try:
            self.conn.close()
        except psycopg.Error:
            pass


class _SqliteWaker(_Waker):
    """PRAGMA data_version changes when another connection commits: a cheap poll, no data read."""

    def __init__(self, db: Database, interval: float):
        path = db.sqlite_file
        if path is None:
            raise ValueError("the change feed needs a SQLite file, not an in-memory database")
        self.conn = sqlite3.connect(str(path), timeout=10, check_same_thread=False)
        self.interval = interval
        self.version = self._version()

    def _version(self) -> int:
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def wait(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while True:
            current = self._version()
            if current != self.version:
                self.version = current
                return True
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(self.interval, left))

    def close(self) -> None:
        self.conn.close()


class ChangeListener:
    """Delivers every feed event after a starting id, reconnecting by itself after an outage."""

    def __init__(
        self,
        db: Database,
        *,
        after_id: int | None = None,
        poll_interval: float = 0.1,
        heartbeat: float = 5.0,
        on_state: Callable[[ConnectionState], None] | None = None,
    ):
        self.db = db
        self.last_id = latest_feed_id(db) if after_id is None else after_id
        self.poll_interval = poll_interval
        self.heartbeat = heartbeat
        self.on_state = on_state or (lambda _s: None)
        self.state = ConnectionState.OFFLINE
        self._stop = threading.Event()
        self._waker: _Waker | None = None
        self._last_read = 0.0

    def _set_state(self, state: ConnectionState) -> None:
        if state != self.state:
            self.state = state
            log.info("change feed %s", state.value)
            self.on_state(state)

    def _connect(self) -> None:
        if self.db.is_sqlite:
            self._waker = _SqliteWaker(self.db, self.poll_interval)
        else:
            self._waker = _PostgresWaker(self.db)
        self._set_state(ConnectionState.CONNECTED)

    def stop(self) -> None:
        self._stop.set()

    def poll(self, timeout: float) -> list[FeedEvent]:
        """Wait up to `timeout` for a wake-up; return the events after the last one seen.

        The outbox is read only when woken, or once per heartbeat as a safety net, so an idle
        seat costs the server nothing but an open connection.
        """
        if self._waker is None:
            self._connect()
            self._last_read = 0.0  # read at once after (re)connecting: catch up on the outage
        assert self._waker is not None
        woken = self._waker.wait(timeout) if self._last_read else True
        if not woken and time.monotonic() - self._last_read < self.heartbeat:
            return []
        self._last_read = time.monotonic()
        events = read_feed(self.db, self.last_id)
        if events:
            self.last_id = events[-1].id
        return events

    def run(self, deliver: Callable[[list[FeedEvent]], None]) -> None:
        """Loop until stop(): deliver batches of events; on errors go reconnecting and back off."""
        backoff = 0.5
        while not self._stop.is_set():
            try:
                # Short waits keep stop() responsive.
                events = self.poll(0.5)
                backoff = 0.5
                if events:
                    deliver(events)
            except Exception as exc:  # any driver error means the link is gone: reconnect
                log.warning("change feed lost: %s", exc)
                self._close_waker()
                self._set_state(ConnectionState.RECONNECTING)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 10.0)
        self._close_waker()
        self._set_state(ConnectionState.OFFLINE)

    def _close_waker(self) -> None:
        if self._waker is not None:
            self._waker.close()
            self._waker = None
