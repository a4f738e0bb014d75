"""One handle on a database: its engine, its session factory and what kind it is."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from .engine import is_sqlite, make_engine, make_session_factory, normalise_url, sqlite_path


@dataclass
class Database:
    url: str
    engine: Engine
    sessions: sessionmaker[Session]

    @classmethod
    def open(cls, url: str) -> Database:
        url = normalise_url(url)
        engine = make_engine(url)
        return cls(url=url, engine=engine, sessions=make_session_factory(engine))

    @property
    def is_sqlite(self) -> bool:
        return is_sqlite(self.engine)

    @property
    def sqlite_file(self) -> Path | None:
        return sqlite_path(self.engine)

    @property
    def display_url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    def dispose(self) -> None:
        self.engine.dispose()
