"""a duty officer's move-up order

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-07 04:11:10.548219+00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A new table: no rows to carry over, nothing refers to it.
    op.create_table('move_up_orders',
    sa.Column('plan_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('unit_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('point_key', sa.String(length=80), nullable=False),
    sa.Column('point_name', sa.String(length=160), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('back', sa.Boolean(), nullable=False),
    sa.Column('ordered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ordered_by', sa.String(length=60), nullable=False),
    sa.Column('cover_before', sa.Float(), nullable=True),
    sa.Column('cover_after', sa.Float(), nullable=True),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('station_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['patrol_plans.id'], name=op.f('fk_move_up_orders_plan_id_patrol_plans')),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], name=op.f('fk_move_up_orders_station_id_stations')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_move_up_orders_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_move_up_orders'))
    )
    with op.batch_alter_table('move_up_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_move_up_orders_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_move_up_orders_station_id'), ['station_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('move_up_orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_move_up_orders_station_id'))
        batch_op.drop_index(batch_op.f('ix_move_up_orders_plan_id'))

    op.drop_table('move_up_orders')
