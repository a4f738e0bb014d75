"""incidents keep their first feedback and closing through a reopening

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 17:20:00+00:00
"""

from __future__ import annotations

from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_REOPENED = ("EXISTS (SELECT 1 FROM incident_events r WHERE r.incident_id = incidents.id "
             "AND r.kind = 'reopened')")


def upgrade() -> None:
    # Plain ADD COLUMN (see 0002: a SQLite batch copy is refused by the foreign keys).
    for step in ("fed_back", "closed"):
        op.add_column("incidents", sa.Column(f"first_{step}_at", sa.DateTime(timezone=True),
                                             nullable=True))
        # Never reopened: the first is the step itself, as corrections left it.
        op.execute(f"UPDATE incidents SET first_{step}_at = {step}_at WHERE NOT {_REOPENED}")
        # Reopened (few): the earliest on record. A correction of it is applied the next time
        # the incident is written, as for the first handling (0003).
        op.execute(
            f"UPDATE incidents SET first_{step}_at = (SELECT MIN(e.at) FROM incident_events e "
            f"WHERE e.incident_id = incidents.id AND e.kind = '{step}') WHERE {_REOPENED}"
        )


def downgrade() -> None:
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_column("first_closed_at")
        batch_op.drop_column("first_fed_back_at")
