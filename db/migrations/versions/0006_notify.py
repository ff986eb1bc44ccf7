"""GOV.UK Notify: each delivery's reference, notification id and status, resends and re-routing

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 12:45:00
"""

from alembic import op
import sqlalchemy as sa

import db.types


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('deliveries') as batch:
        batch.add_column(sa.Column('notify_reference', sa.String(length=60), nullable=True))
        batch.add_column(sa.Column('notify_id', sa.String(length=36), nullable=True))
        batch.add_column(sa.Column('notify_status', sa.String(length=30), nullable=True))
        batch.add_column(sa.Column('notify_checked_at', db.types.UTCDateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('resent', sa.Integer(), nullable=False, server_default='0'))
        batch.add_column(sa.Column('rerouted', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch.create_index('ix_deliveries_notify_reference', ['notify_reference'])


def downgrade() -> None:
    with op.batch_alter_table('deliveries') as batch:
        batch.drop_index('ix_deliveries_notify_reference')
        batch.drop_column('rerouted')
        batch.drop_column('resent')
        batch.drop_column('notify_checked_at')
        batch.drop_column('notify_status')
        batch.drop_column('notify_id')
        batch.drop_column('notify_reference')
