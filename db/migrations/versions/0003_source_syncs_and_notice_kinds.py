"""source syncs; notices that are not about one case

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 08:00:00
"""

from alembic import op
import sqlalchemy as sa

import db.types


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('source_syncs',
    sa.Column('establishment_code', sa.String(length=3), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('last_success_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_success_night', sa.Date(), nullable=True),
    sa.Column('last_attempt_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('establishment_code', name=op.f('pk_source_syncs'))
    )
    with op.batch_alter_table('notices') as batch:
        batch.add_column(sa.Column('kind', sa.String(length=30), server_default='case', nullable=False))
        batch.alter_column('prison_number', existing_type=sa.String(length=7), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table('notices') as batch:
        batch.alter_column('prison_number', existing_type=sa.String(length=7), nullable=False)
        batch.drop_column('kind')
    op.drop_table('source_syncs')
