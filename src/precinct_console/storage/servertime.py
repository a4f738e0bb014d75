"""How far this seat's clock is from the database server's (PostgreSQL); zero on SQLite."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text

from ..domain.clock import Clock
from .database import Database


def server_clock_offset(db: Database, clock: Clock) -> timedelta:
    """Server time minus this seat's time, to the precision of one round trip.

    An embedded database has no other clock: every writer is on this machine.
    """
    if db.is_sqlite:
        return timedelta(0)
    with db.sessions() as s:
        s.execute(text("SELECT 1"))  # connect first: the connection's set-up is not the round trip
        before = clock()
        server = s.scalar(text("SELECT clock_timestamp()"))
        after = clock()
    # The server read its clock about halfway through the round trip.
    return server - (before + (after - before) / 2)
