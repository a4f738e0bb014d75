"""a unit's reminder to set out for a timed duty is an alert

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 21:34:32.877886+00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Alerts raised so far are of incidents and tasks: no unit, no duty, an empty subject. A
    # batch operation is safe here (on SQLite it copies the table): no table refers to alerts.
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.add_column(sa.Column('due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('leave_by', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('subject', sa.String(length=160), nullable=False, server_default=''))
        batch_op.create_index(batch_op.f('ix_alerts_unit_id'), ['unit_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_alerts_unit_id'), ['unit_id', 'due_at', 'target', 'level'])
        batch_op.create_foreign_key(batch_op.f('fk_alerts_unit_id_units'), 'units', ['unit_id'], ['id'])
    # The model sets the subject itself; the default was only for the rows already there.
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.alter_column('subject', server_default=None)


def downgrade() -> None:
    with op.batch_alter_table('alerts', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_alerts_unit_id_units'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_alerts_unit_id'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_alerts_unit_id'))
        batch_op.drop_column('subject')
        batch_op.drop_column('leave_by')
        batch_op.drop_column('due_at')
        batch_op.drop_column('unit_id')

