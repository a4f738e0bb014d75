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
    assert diffs == [], "models and migrations differ: run scripts/regen_migration.sh"


def test_database_is_at_head_and_upgrading_again_changes_nothing(db):
    assert current_revision(db) == head_revision(db)
    result = upgrade_to_head(db)
    assert not result.changed and result.backup is None
