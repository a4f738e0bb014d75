"""Version and upgrade: a newer console upgrades an older database (SQLite backed up first); an older one refuses a newer database."""

from __future__ import annotations

import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from precinct_console import __version__
from precinct_console.cli import main as cli_main
from precinct_console.domain.errors import DatabaseTooNew
from precinct_console.storage.database import Database
from precinct_console.storage.migrate import (
    current_revision,
    head_revision,
    migrations_dir,
    upgrade_to_head,
)
from precinct_console.storage.models import Station

NEXT_REVISION = "9001"

_NEXT_RELEASE = '''"""a later release: a table this console does not know"""

from alembic import op
import sqlalchemy as sa

revision = "{rev}"
down_revision = "{down}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "later_release_notes",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("text", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("later_release_notes")
'''


@pytest.fixture
def next_release(tmp_path: Path) -> Path:
    """The migrations of the next release: this console's revisions plus one more on top."""
    this_head = head_revision(Database.open("sqlite://"))
    folder = tmp_path / "next-release-db"
    shutil.copytree(migrations_dir(), folder, ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "versions" / f"{NEXT_REVISION}_later.py").write_text(
        _NEXT_RELEASE.format(rev=NEXT_REVISION, down=this_head), encoding="utf-8"
    )
    return folder


def _run_as(monkeypatch: pytest.MonkeyPatch, migrations: Path | None) -> None:
    """Act as the console whose migrations these are (None: this console)."""
    if migrations is None:
        monkeypatch.delenv("PRECINCT_MIGRATIONS", raising=False)
    else:
        monkeypatch.setenv("PRECINCT_MIGRATIONS", str(migrations))


def _add_station(db: Database) -> None:
    with db.sessions() as s:
        s.add(Station(code="S01", name="城关派出所", branch="示范分局", lon=116.4, lat=39.9))
        s.commit()


def _stations(url: str) -> list[str]:
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        names = list(conn.execute(sa.text("SELECT name FROM stations")).scalars())
    engine.dispose()
    return names


def test_newer_console_upgrades_an_older_sqlite_file_after_a_backup(sqlite_url, next_release, monkeypatch):
    db = Database.open(sqlite_url)
    this_release = current_revision(db)
    _add_station(db)
    _run_as(monkeypatch, next_release)

    result = upgrade_to_head(db)

    assert (result.from_revision, result.to_revision) == (this_release, NEXT_REVISION)
    assert current_revision(db) == NEXT_REVISION
    assert _stations(sqlite_url) == ["城关派出所"]  # the data came along
    assert result.backup is not None and result.backup.exists()
    assert result.backup.parent == db.sqlite_file.parent
    assert f"before-{this_release}" in result.backup.name
    # The backup is a whole, openable database at the old schema with the same data.
    with sqlite3.connect(result.backup) as backup:
        assert backup.execute("SELECT version_num FROM alembic_version").fetchone() == (this_release,)
        assert backup.execute("SELECT name FROM stations").fetchall() == [("城关派出所",)]
        assert backup.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.dispose()


def test_up_to_date_database_is_left_alone_without_a_backup(sqlite_url):
    db = Database.open(sqlite_url)
    result = upgrade_to_head(db)
    assert not result.changed and result.backup is None
    assert list(db.sqlite_file.parent.glob("*.before-*")) == []
    db.dispose()


def test_older_console_refuses_a_newer_sqlite_database_and_touches_nothing(sqlite_url, next_release, monkeypatch):
    _run_as(monkeypatch, next_release)
    db = Database.open(sqlite_url)
    upgrade_to_head(db)  # the newer console has been here
    db.dispose()
    for old in db.sqlite_file.parent.glob("*.before-*"):
        old.unlink()
    _run_as(monkeypatch, None)

    db = Database.open(sqlite_url)
    with pytest.raises(DatabaseTooNew) as err:
        upgrade_to_head(db)
    message = str(err.value)
    assert NEXT_REVISION in message and "newer than this console" in message
    assert "install the newer Precinct Console" in message
    assert current_revision(db) == NEXT_REVISION
    assert list(db.sqlite_file.parent.glob("*.before-*")) == []
    db.dispose()


def test_unknown_future_revision_is_refused(sqlite_url):
    engine = sa.create_engine(sqlite_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE alembic_version SET version_num = 'f00dfeed2031'"))
    engine.dispose()
    db = Database.open(sqlite_url)
    with pytest.raises(DatabaseTooNew, match="f00dfeed2031"):
        upgrade_to_head(db)
    db.dispose()


def test_cli_db_upgrade_reports_the_backup_and_refuses_clearly(sqlite_url, next_release, monkeypatch, capsys):
    this_head = head_revision(Database.open("sqlite://"))
    _run_as(monkeypatch, next_release)
    assert cli_main(["db", "upgrade", "--db", sqlite_url]) == 0
    out = capsys.readouterr().out
    assert f"from {this_head} to {NEXT_REVISION}" in out and "backup: " in out
    assert Path(out.split("backup: ")[1].strip()).exists()

    _run_as(monkeypatch, None)
    assert cli_main(["db", "status", "--db", sqlite_url]) == 0  # status only reads
    assert cli_main(["db", "upgrade", "--db", sqlite_url]) == 1
    err = capsys.readouterr().err
    assert "newer than this console knows" in err and "Traceback" not in err


def test_version_is_shown(capsys):
    assert cli_main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"precinct-console {__version__}"


@pytest.fixture
def fresh_pg() -> Iterator[str]:
    """A PostgreSQL database of its own: stamping the shared test database would upset others."""
    admin_url = os.environ.get("PRECINCT_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        conn = admin.connect()
    except Exception as exc:  # any failure means: no server here
        if os.environ.get("PRECINCT_REQUIRE_PG") == "1":
            pytest.fail(f"no PostgreSQL server at {admin_url}: {exc} (PRECINCT_REQUIRE_PG=1)")
        pytest.skip(f"no PostgreSQL server at {admin_url}")
    name = f"precinct_up_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield sa.engine.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    conn.close()
    admin.dispose()


@pytest.mark.pg
def test_postgresql_upgrades_forward_and_older_console_refuses(fresh_pg, next_release, monkeypatch):
    db = Database.open(fresh_pg)
    first = upgrade_to_head(db)  # an empty server database gets this console's schema
    assert first.from_revision is None and first.backup is None
    _add_station(db)
    this_release = current_revision(db)
    db.dispose()

    _run_as(monkeypatch, next_release)
    db = Database.open(fresh_pg)
    result = upgrade_to_head(db)
    assert (result.from_revision, result.to_revision) == (this_release, NEXT_REVISION)
    assert result.backup is None  # a server database is backed up by the server's own tools
    assert _stations(fresh_pg) == ["城关派出所"]
    db.dispose()

    _run_as(monkeypatch, None)
    db = Database.open(fresh_pg)
    with pytest.raises(DatabaseTooNew, match="install the newer Precinct Console"):
        upgrade_to_head(db)
    assert current_revision(db) == NEXT_REVISION
    db.dispose()
