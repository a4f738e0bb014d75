"""A database that goes away in the middle of a change: the officer is told so and nothing is half-saved."""

from __future__ import annotations

import sqlite3

import pytest
import sqlalchemy as sa

from precinct_console.domain.errors import DatabaseUnavailable
from precinct_console.services import roster
from precinct_console.services.context import known_error
from precinct_console.storage.database import Database
from precinct_console.storage.models import Officer


def _officers(db: Database) -> int:
    with db.sessions() as s:
        return s.scalar(sa.select(sa.func.count()).select_from(Officer)) or 0


# An embedded database has no server connection to lose.
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_change_cut_off_by_the_server_says_not_saved_and_writes_nothing(db, make_ctx):
    chief = make_ctx("station_chief")
    kept = roster.add_officer(chief, "031001", "张伟")
    before = _officers(db)
    with pytest.raises(DatabaseUnavailable) as refused, chief.uow() as uow:
        uow.add("officer.add", "officer", Officer(station_id=chief.station_id, badge="031002",
                                                  name="李强"))
        pid = uow.session.scalar(sa.text("SELECT pg_backend_pid()"))
        with db.engine.connect() as admin:  # the server drops this seat's connection
            admin.execute(sa.text("SELECT pg_terminate_backend(:p)"), {"p": pid})
            admin.commit()
        uow.get(Officer, kept.id)  # a read inside the change meets the outage, not the commit
        uow.commit()
    assert str(refused.value) == ("the change was not saved: "
                                  "the connection to the database server was lost")
    assert _officers(db) == before
    # The pool drops the dead connection: the next change goes through.
    roster.add_officer(chief, "031002", "李强")
    assert _officers(db) == before + 1


# PostgreSQL seats do not lock the whole database.
@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_change_while_another_program_holds_the_database_says_busy(db, make_ctx):
    chief = make_ctx("station_chief")
    # Wait 0.2 s instead of the console's 10 s for the lock to go.
    sa.event.listen(db.engine, "connect",
                    lambda c, _r: c.execute("PRAGMA busy_timeout=200"))
    db.engine.dispose()
    other = sqlite3.connect(db.engine.url.database, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(DatabaseUnavailable,
                           match="^the change was not saved: the database is busy with another "
                                 "seat's change$"):
            roster.add_officer(chief, "031001", "张伟")
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert _officers(db) == 0


def test_a_driver_error_from_an_outage_reaches_the_officer_as_a_known_error():
    driver = sa.exc.OperationalError("SELECT 1", {}, Exception(
        'connection failed: connection to server at "10.0.0.5", port 5432 failed: Connection refused'))
    known = known_error(driver)
    assert isinstance(known, DatabaseUnavailable)
    assert str(known) == "the database cannot be reached: the database server does not answer"
    assert known_error(ValueError("a defect")) is None  # a bug still goes to the crash handler
