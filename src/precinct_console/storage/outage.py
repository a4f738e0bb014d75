"""Driver errors that mean the database is away, told in words a duty officer can act on."""

from __future__ import annotations

import logging

from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, PendingRollbackError

from ..domain.errors import DatabaseUnavailable

log = logging.getLogger("precinct_console.db")

# Driver text (psycopg, sqlite3) -> the reason shown; first match wins. The driver's own words
# go to the log, never to the status bar: "consuming input failed" tells an officer nothing.
_REASONS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("database is locked", "lock timeout", "lock_timeout"),
     "the database is busy with another seat's change"),
    (("disk is full", "no space left"), "the database disk is full"),
    (("readonly database", "read-only"), "the database file is read-only"),
    (("unable to open database file", "disk i/o error"), "the database file cannot be read"),
    (("server closed the connection", "terminating connection", "connection is closed",
      "consuming input failed", "connection already closed", "connection reset",
      "ssl syscall error", "broken pipe", "the connection is lost"),
     "the connection to the database server was lost"),
    (("connection refused", "could not connect", "connection failed", "timeout expired",
      "timed out", "name or service not known", "no route to host", "server is starting up",
      "shutting down", "too many clients"),
     "the database server does not answer"),
)
UNKNOWN_REASON = "the database reported an error (details in the log)"


def is_outage(exc: BaseException) -> bool:
    """Whether a driver error means the database cannot be used now (not a bug in a query)."""
    if isinstance(exc, OperationalError | InterfaceError | PendingRollbackError):
        return True
    return isinstance(exc, DBAPIError) and exc.connection_invalidated


def reason(exc: BaseException) -> str:
    """The short, translatable reason for an outage; the driver's text is logged."""
    text = str(getattr(exc, "orig", None) or exc)
    log.warning("database unavailable: %s", text)
    lowered = text.lower()
    for needles, why in _REASONS:
        if any(n in lowered for n in needles):
            return why
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return "the connection to the database server was lost"
    return UNKNOWN_REASON


def unavailable(exc: BaseException, *, saving: bool) -> DatabaseUnavailable:
    """The known error for an outage: a change not saved, or a database not reached."""
    if saving:
        return DatabaseUnavailable(f"the change was not saved: {reason(exc)}")
    return DatabaseUnavailable(f"the database cannot be reached: {reason(exc)}")
