"""a timed duty's check of whether the unit was there

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07 00:21:14.140298+00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A new table: no rows to carry over, nothing refers to it.
    op.create_table('duty_checks',
    sa.Column('unit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ends_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('subject', sa.String(length=160), nullable=False),
    sa.Column('verdict', sa.String(length=8), nullable=False),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('distance_m', sa.Float(), nullable=False),
    sa.Column('there', sa.Boolean(), nullable=False),
    sa.Column('seen_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('station_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], name=op.f('fk_duty_checks_station_id_stations')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_duty_checks_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duty_checks')),
    sa.UniqueConstraint('unit_id', 'due_at', name=op.f('uq_duty_checks_unit_id'))
    )
    with op.batch_alter_table('duty_checks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duty_checks_due_at'), ['due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_duty_checks_station_id'), ['station_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_duty_checks_unit_id'), ['unit_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('duty_checks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_duty_checks_unit_id'))
        batch_op.drop_index(batch_op.f('ix_duty_checks_station_id'))
        batch_op.drop_index(batch_op.f('ix_duty_checks_due_at'))

    op.drop_table('duty_checks')
