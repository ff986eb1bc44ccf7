"""the caseload's order as an index on the open cases, so deep pages need no sort

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 10:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

OPEN = sa.text("closed_state IS NULL")


def upgrade() -> None:
    op.create_index(
        'ix_cases_open_order',
        'cases',
        [sa.text('(planning_date IS NULL)'), 'planning_date', 'prison_number', 'state'],
        unique=False,
        sqlite_where=OPEN,
        postgresql_where=OPEN,
    )


def downgrade() -> None:
    op.drop_index('ix_cases_open_order', table_name='cases')
