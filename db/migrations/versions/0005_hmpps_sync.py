"""the HMPPS sync: teams, probation checks, legal status, prison MAPPA level, team codes

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-02 09:00:00
"""

from alembic import op
import sqlalchemy as sa

import db.types


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('teams',
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('pdu_code', sa.String(length=20), nullable=True),
    sa.Column('spo_name', sa.String(length=200), nullable=True),
    sa.Column('spo_email', sa.String(length=254), nullable=True),
    sa.Column('updated_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_teams'))
    )
    op.create_table('probation_checks',
    sa.Column('prison_number', sa.String(length=7), nullable=False),
    sa.Column('establishment_code', sa.String(length=3), nullable=True),
    sa.Column('asked_on', sa.Date(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('registration_problem', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('prison_number', name=op.f('pk_probation_checks'))
    )
    with op.batch_alter_table('prisoners') as batch:
        batch.add_column(sa.Column('legal_status', sa.String(length=40), nullable=True))
        batch.add_column(sa.Column('prison_mappa_level', sa.Integer(), nullable=True))
    with op.batch_alter_table('allocations') as batch:
        batch.add_column(sa.Column('team_code', sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('allocations') as batch:
        batch.drop_column('team_code')
    with op.batch_alter_table('prisoners') as batch:
        batch.drop_column('prison_mappa_level')
        batch.drop_column('legal_status')
    op.drop_table('probation_checks')
    op.drop_table('teams')
