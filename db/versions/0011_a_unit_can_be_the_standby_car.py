"""a unit can be the station's standby car

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 20:00:00+00:00
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Every unit a station already has stays a patrol unit until the chief marks it; its standby
    # history still keeps it for standby as before. A plain ADD COLUMN, not a batch operation: on
    # SQLite a batch copies the table, which the foreign keys to units refuse (see 0002).
    op.add_column("units", sa.Column("standby", sa.Boolean(), nullable=False,
                                     server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_column("standby")
