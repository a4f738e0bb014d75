"""must-patrol points have a code

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06 05:17:05+00:00
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A code, as grids, zones, key sites and posts have, so that a GeoJSON import matches a
    # point to the one already stored. Points from before (no release had a way to add them)
    # get one from their id.
    op.add_column("patrol_points", sa.Column("code", sa.String(length=40), nullable=True))
    op.execute("UPDATE patrol_points SET code = 'PP' || CAST(id AS VARCHAR(20))")
    # A batch copy on SQLite is safe here: no table refers to patrol_points (compare 0002).
    with op.batch_alter_table("patrol_points", schema=None) as batch_op:
        batch_op.alter_column("code", existing_type=sa.String(length=40), nullable=False)
        batch_op.create_unique_constraint(batch_op.f("uq_patrol_points_station_id"),
                                          ["station_id", "code"])


def downgrade() -> None:
    with op.batch_alter_table("patrol_points", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_patrol_points_station_id"), type_="unique")
        batch_op.drop_column("code")
