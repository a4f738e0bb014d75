"""patrol lines (巡逻线路): routes patrolled in a daily window, given to a planned unit as a timed duty

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06 18:29:25+00:00
"""
from __future__ import annotations

from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A new table: nothing stored before needs filling.
    op.create_table('patrol_lines',
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('geometry', sa.JSON().with_variant(postgresql.JSONB(), "postgresql"), nullable=False),
    sa.Column('length_m', sa.Float(), nullable=False),
    sa.Column('window_start', sa.String(length=5), nullable=False),
    sa.Column('window_end', sa.String(length=5), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True, nullable=False),
    sa.Column('station_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['station_id'], ['stations.id'], name=op.f('fk_patrol_lines_station_id_stations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patrol_lines')),
    sa.UniqueConstraint('station_id', 'code', name=op.f('uq_patrol_lines_station_id'))
    )
    with op.batch_alter_table('patrol_lines', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patrol_lines_station_id'), ['station_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('patrol_lines', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patrol_lines_station_id'))

    op.drop_table('patrol_lines')
