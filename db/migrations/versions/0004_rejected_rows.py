"""rejected feed rows for MAPPA-identified prisoners, kept as data problems

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 08:00:00
"""

from alembic import op
import sqlalchemy as sa

import db.types


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('rejected_rows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('file', sa.String(length=255), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('prison_number', sa.String(length=7), nullable=False),
    sa.Column('establishment_code', sa.String(length=3), nullable=True),
    sa.Column('rejected_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('fixed_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rejected_rows'))
    )
    op.create_index(op.f('ix_rejected_rows_prison_number'), 'rejected_rows', ['prison_number'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_rejected_rows_prison_number'), table_name='rejected_rows')
    op.drop_table('rejected_rows')
