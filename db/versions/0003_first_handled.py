"""incidents keep their first handling through a reopening

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-04 15:10:00+00:00
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMN (see 0002: a SQLite batch copy is refused by the foreign keys).
    op.add_column("incidents", sa.Column("first_handled_at", sa.DateTime(timezone=True),
                                         nullable=True))
    # Never reopened: the first handling is the handling, as corrections left it.
    op.execute("UPDATE incidents SET first_handled_at = handled_at WHERE NOT EXISTS (SELECT 1 "
               "FROM incident_events r WHERE r.incident_id = incidents.id AND r.kind = 'reopened')")
    # Reopened (few): the earliest handling on record. A correction of that handling is applied
    # the next time the incident is written.
    op.execute(
        "UPDATE incidents SET first_handled_at = (SELECT MIN(e.at) FROM incident_events e "
        "WHERE e.incident_id = incidents.id AND e.kind = 'handled') WHERE EXISTS (SELECT 1 "
        "FROM incident_events r WHERE r.incident_id = incidents.id AND r.kind = 'reopened')"
    )


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_column("first_handled_at")
