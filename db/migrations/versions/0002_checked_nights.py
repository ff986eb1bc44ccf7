"""checked nights

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 07:04:25.977962
"""

from alembic import op
import sqlalchemy as sa

import db.types


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('checked_nights',
    sa.Column('night', sa.Date(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=False),
    sa.Column('cases', sa.Integer(), nullable=False),
    sa.Column('completed_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('night', name=op.f('pk_checked_nights'))
    )


def downgrade() -> None:
    op.drop_table('checked_nights')
