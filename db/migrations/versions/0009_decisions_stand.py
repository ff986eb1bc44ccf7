"""each case remembers what its last decision read and until when it stands, so a steady night decides again only what moved

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 15:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column('cases', sa.Column('decided_inputs', sa.String(length=40), nullable=True))
    op.add_column('cases', sa.Column('decided_on', sa.Date(), nullable=True))
    op.add_column('cases', sa.Column('decide_again_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('cases') as batch:
        batch.drop_column('decide_again_on')
        batch.drop_column('decided_on')
        batch.drop_column('decided_inputs')
