"""a timed duty checked by roll call

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 07:07:43.136837+00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Checks so far were all judged by a live position, with its distance. A batch operation is
    # safe here (on SQLite it copies the table): no table refers to duty_checks.
    with op.batch_alter_table('duty_checks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('source', sa.String(length=12), nullable=False,
                                      server_default='position'))
        batch_op.add_column(sa.Column('confirmed_by', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True))
        batch_op.alter_column('distance_m', existing_type=sa.FLOAT(), nullable=True)
        batch_op.create_foreign_key(batch_op.f('fk_duty_checks_confirmed_by_users'), 'users', ['confirmed_by'], ['id'])
    # The model sets the source itself; the default was only for the rows already there.
    with op.batch_alter_table('duty_checks', schema=None) as batch_op:
        batch_op.alter_column('source', server_default=None)


def downgrade() -> None:
    # A roll call's check has no distance: those checks go, the rest stay as they were.
    op.execute("DELETE FROM duty_checks WHERE distance_m IS NULL")
    with op.batch_alter_table('duty_checks', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_duty_checks_confirmed_by_users'), type_='foreignkey')
        batch_op.alter_column('distance_m', existing_type=sa.FLOAT(), nullable=False)
        batch_op.drop_column('confirmed_by')
        batch_op.drop_column('source')
