"""the web pages' access log: who viewed which case, and each download

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-02 12:40:00
"""

from alembic import op
import sqlalchemy as sa

import db.types


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('web_access_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=254), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('prison_number', sa.String(length=7), nullable=True),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_web_access_log'))
    )
    op.create_index(op.f('ix_web_access_log_at'), 'web_access_log', ['at'], unique=False)
    op.create_index(op.f('ix_web_access_log_prison_number'), 'web_access_log', ['prison_number'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_web_access_log_prison_number'), table_name='web_access_log')
    op.drop_index(op.f('ix_web_access_log_at'), table_name='web_access_log')
    op.drop_table('web_access_log')
