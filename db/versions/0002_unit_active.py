"""units can be retired

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03 13:40:00+00:00
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every unit a station already has stays in service. A plain ALTER TABLE ADD COLUMN, not a
    # batch operation: on SQLite a batch copies the table and drops the old one, which the
    # foreign keys from dispatches, roster entries and patrol logs refuse.
    op.add_column("units", sa.Column("active", sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_column("active")
