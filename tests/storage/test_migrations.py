"""Migrations: the upgraded schema equals the models; start-up upgrades an empty database."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from precinct_console.storage.migrate import (
    current_revision,
    head_revision,
    include_object,
    upgrade_to_head,
)
from precinct_console.storage.models import Base


def test_migrations_produce_exactly_the_models(db):
    with db.engine.connect() as conn:
        # APScheduler's job table (created by the scheduler tests) is not ours to compare.
        opts = {"compare_type": True, "include_object": include_object}
        diffs = compare_metadata(MigrationContext.configure(conn, opts=opts), Base.metadata)
    assert diffs == [], "models and migrations differ: add a revision with scripts/new_migration.sh"


def test_database_is_at_head_and_upgrading_again_changes_nothing(db):
    assert current_revision(db) == head_revision(db)
    result = upgrade_to_head(db)
    assert not result.changed and result.backup is None


def test_upgrading_a_database_from_the_first_release_keeps_its_units_in_service(tmp_path):
    """0002 adds units.active: every unit a station already had stays on the board."""
    from alembic import command

    from precinct_console.storage.database import Database
    from precinct_console.storage.migrate import alembic_config

    db = Database.open(f"sqlite:///{tmp_path / 'old.sqlite3'}")
    cfg = alembic_config(db)
    with db.engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    with db.engine.begin() as conn:
        conn.exec_driver_sql(
            "INSERT INTO stations (id, code, name, kind, branch, address, phone, is_demo) "
            "VALUES (1, 'S01', '城关派出所', 'station', '', '', '', 0)")
        conn.exec_driver_sql(
            "INSERT INTO units (id, station_id, call_sign, kind, seats, home_lon, home_lat, status, "
            "version) VALUES (1, 1, '巡1', 'car', 2, 116.4, 39.9, 'available', 1)")
    result = upgrade_to_head(db)
    assert (result.from_revision, result.to_revision) == ("0001", head_revision(db))
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT call_sign, active FROM units").all() == [("巡1", 1)]
    db.dispose()
