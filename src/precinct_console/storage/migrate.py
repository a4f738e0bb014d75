"""Schema migrations with Alembic: upgrade to head on start (backup first for SQLite), refuse newer."""

from __future__ import annotations

import logging
import os
import sqlite3
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from ..domain.errors import DatabaseTooNew
from .database import Database

log = logging.getLogger("precinct_console.db")


# Tables in our database that our models do not own: APScheduler creates and migrates its job
# store itself (jobs/scheduler.py), so autogenerate and the model check must leave it alone.
FOREIGN_TABLES = frozenset({"scheduled_jobs"})


def include_object(obj: object, name: str | None, type_: str, reflected: bool, compare_to: object) -> bool:
    """Alembic's filter: skip the foreign tables (and their indexes)."""
    if type_ == "table":
        return name not in FOREIGN_TABLES
    table = getattr(obj, "table", None)
    return getattr(table, "name", None) not in FOREIGN_TABLES


def migrations_dir() -> Path:
    """db/ beside the sources, or inside a frozen build."""
    override = os.environ.get("PRECINCT_MIGRATIONS")
    candidates = [Path(override)] if override else []
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        candidates.append(Path(frozen) / "db")
    candidates.append(Path(__file__).resolve().parents[3] / "db")
    for candidate in candidates:
        if (candidate / "env.py").is_file():
            return candidate
    raise FileNotFoundError(f"Alembic migrations not found (looked in {candidates})")


def alembic_config(db: Database) -> Config:
    directory = migrations_dir()
    cfg = Config(str(directory / "alembic.ini"))
    cfg.set_main_option("script_location", str(directory))
    cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    return cfg


def head_revision(db: Database) -> str:
    return ScriptDirectory.from_config(alembic_config(db)).get_current_head() or ""


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


@dataclass(frozen=True)
class UpgradeResult:
    from_revision: str | None
    to_revision: str
    backup: Path | None

    @property
    def changed(self) -> bool:
        return self.from_revision != self.to_revision


def _backup_sqlite(path: Path, revision: str | None) -> Path:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    target = path.with_name(f"{path.stem}.before-{revision or 'empty'}.{stamp}{path.suffix}")
    # The online backup API copies a consistent snapshot, WAL included.
    with sqlite3.connect(str(path)) as source, sqlite3.connect(str(target)) as dest:
        source.backup(dest)
    return target


def upgrade_to_head(db: Database) -> UpgradeResult:
    """Bring the database to this console's schema; refuse one written by a newer console."""
    cfg = alembic_config(db)
    script = ScriptDirectory.from_config(cfg)
    head = script.get_current_head() or ""
    current = current_revision(db)
    if current == head:
        return UpgradeResult(current, head, None)
    if current is not None and not _known(script, current):
        raise DatabaseTooNew(
            f"the database is at schema {current}, newer than this console knows "
            f"(its newest is {head}); install the newer Precinct Console"
        )
    backup = None
    path = db.sqlite_file
    if path is not None and path.exists() and current is not None:
        backup = _backup_sqlite(path, current)
        log.info("database backed up to %s before upgrading", backup)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    log.info("database upgraded from %s to %s", current, head)
    return UpgradeResult(current, head, backup)


def _known(script: ScriptDirectory, revision: str) -> bool:
    try:
        return script.get_revision(revision) is not None
    except Exception:  # alembic raises several kinds for an unknown id
        return False
