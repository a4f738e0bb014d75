"""Which database a scheduled job opens: the running seat's own, not a URL frozen in the job store."""

from __future__ import annotations

# Jobs live in the shared database's job store, which every seat can read. Storing the seat's
# full URL there would write its password into the database and tie every job to the host name
# one seat happened to use; jobs are therefore stored with THIS_DATABASE and resolve it here.
THIS_DATABASE = ""

_seat_url: str | None = None


def set_seat_database(url: str) -> None:
    """Called by the seat's scheduler when it starts: the URL (with credentials) it runs on."""
    global _seat_url
    _seat_url = url


def job_database_url(stored: str) -> str:
    """The URL a job should open: an explicit one (older jobs, tests) or the seat's own."""
    if stored:
        return stored
    if _seat_url is None:
        raise RuntimeError("no database for scheduled jobs: the scheduler was not started")
    return _seat_url
