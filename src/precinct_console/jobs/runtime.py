"""What a scheduled job opens and writes to: the running seat's own database and export folder,
not a URL or folder frozen in the shared job store."""

from __future__ import annotations

import socket
from datetime import datetime

from ..services.accounts import system_actor
from ..services.context import ServiceContext
from ..storage.database import Database
from ..storage.models import Station

# Jobs live in the shared database's job store, which every seat can read. Storing the seat's
# full URL there would write its password into the database and tie every job to the host name
# one seat happened to use; jobs are therefore stored with THIS_DATABASE and resolve it here.
THIS_DATABASE = ""
# Likewise the export folder: a folder frozen in the store was the first seat's (by default a
# per-user folder on that machine) and never followed a changed setting or another leading seat.
THIS_SEATS_FOLDER = ""


class _SeatValue:
    """A value the running seat's scheduler sets at its start and its jobs resolve."""

    def __init__(self, what: str):
        self.what = what
        self.value: str | None = None

    def set(self, value: str) -> None:
        self.value = value

    def resolve(self, stored: str) -> str:
        """An explicit value stored with the job (older jobs, tests), else the seat's own."""
        if stored:
            return stored
        if self.value is None:
            raise RuntimeError(f"no {self.what} for scheduled jobs: the scheduler was not started")
        return self.value


_database = _SeatValue("database")
_folder = _SeatValue("export folder")


def set_seat_database(url: str) -> None:
    """Called by the seat's scheduler when it starts: the URL (with credentials) it runs on."""
    _database.set(url)


def job_database_url(stored: str) -> str:
    """The URL a job should open: an explicit one (older jobs, tests) or the seat's own."""
    return _database.resolve(stored)


def set_seat_export_folder(folder: str) -> None:
    """Called by the seat's scheduler when it starts: where this seat writes scheduled exports."""
    _folder.set(folder)


def job_export_folder(stored: str) -> str:
    """The folder a job writes to: an explicit one (tests) or the running seat's own."""
    return _folder.resolve(stored)


def station_job_context(db: Database, station_id: int, now: datetime) -> tuple[ServiceContext, str]:
    """The scheduler's own context on a station (no user: this machine's seat acts), and the
    station's code for file names; a station removed since the job was installed is an error."""
    with db.sessions() as s:
        station = s.get(Station, station_id)
        if station is None:
            raise LookupError(f"station {station_id} no longer exists")
        code = station.code
    return ServiceContext(db, system_actor(f"scheduler@{socket.gethostname()}", station_id),
                          lambda: now), code
