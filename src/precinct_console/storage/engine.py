"""Engines for the embedded SQLite file (WAL, foreign keys, durable commits) and shared PostgreSQL."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError
from sqlalchemy.orm import Session, sessionmaker

log = logging.getLogger("precinct_console.db")


class DatabaseUrlError(ValueError):
    """The --db value is not a URL this console can open."""


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: an acknowledged commit survives a power cut, not only a process crash.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


WRITE_OPTION = "precinct_write"


def _sqlite_begin(conn: Any) -> None:
    # A writing unit of work takes the write lock up front (BEGIN IMMEDIATE), so two seats
    # never deadlock upgrading a read lock to a write lock; readers stay deferred and never
    # wait for a writer under WAL.
    if conn.get_execution_options().get(WRITE_OPTION):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
    else:
        conn.exec_driver_sql("BEGIN")


def is_sqlite(engine_or_url: Engine | str) -> bool:
    url = engine_or_url.url if isinstance(engine_or_url, Engine) else make_url(engine_or_url)
    return url.get_backend_name() == "sqlite"


def sqlite_path(engine: Engine) -> Path | None:
    database = engine.url.database
    if not is_sqlite(engine) or not database or database == ":memory:":
        return None
    return Path(database)


def normalise_url(url: str) -> str:
    """Accept postgresql:// and postgres:// for psycopg 3; reject anything we do not ship a driver for."""
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise DatabaseUrlError(f"'{url}' is not a database URL: {exc}") from exc
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres"):
        if parsed.drivername in ("postgresql", "postgres"):
            parsed = parsed.set(drivername="postgresql+psycopg")
        elif parsed.drivername != "postgresql+psycopg":
            raise DatabaseUrlError(
                f"'{parsed.drivername}' is not supported; use postgresql+psycopg://USER@HOST/DB"
            )
    elif backend != "sqlite":
        raise DatabaseUrlError(
            f"'{backend}' databases are not supported; use sqlite:///PATH or "
            "postgresql+psycopg://USER@HOST/DB"
        )
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, *, echo: bool = False) -> Engine:
    url = normalise_url(url)
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, connect_args={"timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        # Let SQLAlchemy emit BEGIN itself (pysqlite's implicit transactions are unreliable).
        event.listen(engine, "connect", lambda c, _r: setattr(c, "isolation_level", None))
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(
        url,
        echo=echo,
        pool_pre_ping=True,
        pool_size=5,
        max_overflow=5,
        connect_args={"connect_timeout": 5, "application_name": "precinct-console"},
    )


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False, autoflush=True)
