"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-26 06:27:42.559793
"""

from alembic import op
import sqlalchemy as sa

import db.types
from db.audit_guard import install_audit_guard, remove_audit_guard


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('allocations',
    sa.Column('prison_number', sa.String(length=7), nullable=False),
    sa.Column('crn', sa.String(length=7), nullable=True),
    sa.Column('com_name', sa.String(length=200), nullable=True),
    sa.Column('com_email', sa.String(length=254), nullable=True),
    sa.Column('spo_name', sa.String(length=200), nullable=True),
    sa.Column('spo_email', sa.String(length=254), nullable=True),
    sa.Column('pdu_code', sa.String(length=20), nullable=True),
    sa.Column('updated_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('prison_number', name=op.f('pk_allocations'))
    )
    with op.batch_alter_table('allocations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_allocations_pdu_code'), ['pdu_code'], unique=False)

    op.create_table('audit_events',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('prison_number', sa.String(length=7), nullable=True),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_events_prison_number'), ['prison_number'], unique=False)

    op.create_table('audit_head',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_head'))
    )
    op.create_table('cases',
    sa.Column('prison_number', sa.String(length=7), nullable=False),
    sa.Column('establishment_code', sa.String(length=3), nullable=True),
    sa.Column('tracked_since', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('key_date', sa.Date(), nullable=True),
    sa.Column('key_source', sa.String(length=10), nullable=True),
    sa.Column('planning_date', sa.Date(), nullable=True),
    sa.Column('request_date', sa.Date(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=True),
    sa.Column('final_warning_date', sa.Date(), nullable=True),
    sa.Column('last_step', sa.String(length=30), nullable=True),
    sa.Column('next_step', sa.String(length=30), nullable=True),
    sa.Column('next_step_date', sa.Date(), nullable=True),
    sa.Column('missing', sa.JSON(), nullable=False),
    sa.Column('problems', sa.JSON(), nullable=False),
    sa.Column('closed_state', sa.String(length=30), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('last_night', sa.Date(), nullable=True),
    sa.Column('updated_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('prison_number', name=op.f('pk_cases'))
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_establishment_code'), ['establishment_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_state'), ['state'], unique=False)

    op.create_table('establishments',
    sa.Column('code', sa.String(length=3), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('omu_mailbox', sa.String(length=254), nullable=True),
    sa.Column('head_of_omu_email', sa.String(length=254), nullable=True),
    sa.Column('updated_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_establishments'))
    )
    op.create_table('imported_files',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('imported_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('accepted', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_imported_files'))
    )
    op.create_table('mappa_information',
    sa.Column('prison_number', sa.String(length=7), nullable=False),
    sa.Column('category', sa.Integer(), nullable=True),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('meeting_date', sa.Date(), nullable=True),
    sa.Column('not_eligible', sa.Boolean(), nullable=False),
    sa.Column('confirmed_on', sa.Date(), nullable=True),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('recorded_by', sa.String(length=200), nullable=True),
    sa.Column('updated_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('prison_number', name=op.f('pk_mappa_information'))
    )
    op.create_table('notices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('prison_number', sa.String(length=7), nullable=False),
    sa.Column('establishment_code', sa.String(length=3), nullable=True),
    sa.Column('step', sa.String(length=30), nullable=False),
    sa.Column('night', sa.Date(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('to', sa.JSON(), nullable=False),
    sa.Column('cc', sa.JSON(), nullable=False),
    sa.Column('context', sa.JSON(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('sent_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('message_id', sa.String(length=250), nullable=True),
    sa.Column('run', sa.String(length=80), nullable=True),
    sa.Column('created_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notices')),
    sa.UniqueConstraint('key', name=op.f('uq_notices_key'))
    )
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_notices_night'), ['night'], unique=False)
        batch_op.create_index(batch_op.f('ix_notices_prison_number'), ['prison_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_notices_status'), ['status'], unique=False)

    op.create_table('pdus',
    sa.Column('code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=True),
    sa.Column('mailbox', sa.String(length=254), nullable=True),
    sa.Column('head_email', sa.String(length=254), nullable=True),
    sa.Column('mappa_coordinator_email', sa.String(length=254), nullable=True),
    sa.Column('updated_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_pdus'))
    )
    op.create_table('prisoners',
    sa.Column('prison_number', sa.String(length=7), nullable=False),
    sa.Column('first_name', sa.String(length=100), nullable=True),
    sa.Column('last_name', sa.String(length=100), nullable=True),
    sa.Column('date_of_birth', sa.Date(), nullable=True),
    sa.Column('establishment_code', sa.String(length=3), nullable=True),
    sa.Column('sentence_type', sa.String(length=20), nullable=True),
    sa.Column('crd', sa.Date(), nullable=True),
    sa.Column('ard', sa.Date(), nullable=True),
    sa.Column('ped', sa.Date(), nullable=True),
    sa.Column('hdced', sa.Date(), nullable=True),
    sa.Column('hdcad', sa.Date(), nullable=True),
    sa.Column('prrd', sa.Date(), nullable=True),
    sa.Column('ted', sa.Date(), nullable=True),
    sa.Column('thd', sa.Date(), nullable=True),
    sa.Column('mappa_category', sa.Integer(), nullable=True),
    sa.Column('crn', sa.String(length=7), nullable=True),
    sa.Column('released_on', sa.Date(), nullable=True),
    sa.Column('updated_at', db.types.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('prison_number', name=op.f('pk_prisoners'))
    )
    with op.batch_alter_table('prisoners', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_prisoners_establishment_code'), ['establishment_code'], unique=False)

    op.create_table('deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('notice_id', sa.Integer(), nullable=False),
    sa.Column('address', sa.String(length=254), nullable=False),
    sa.Column('role', sa.String(length=2), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('claimed_by', sa.String(length=80), nullable=True),
    sa.Column('claimed_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('sent_at', db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('message_id', sa.String(length=250), nullable=True),
    sa.ForeignKeyConstraint(['notice_id'], ['notices.id'], name=op.f('fk_deliveries_notice_id_notices')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_deliveries')),
    sa.UniqueConstraint('notice_id', 'address', name=op.f('uq_deliveries_notice_id'))
    )
    with op.batch_alter_table('deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_deliveries_notice_id'), ['notice_id'], unique=False)
        batch_op.create_index('ix_deliveries_status', ['status'], unique=False)
    op.execute("INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000')")
    install_audit_guard(op.get_bind())


def downgrade() -> None:
    remove_audit_guard(op.get_bind())
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_index('ix_deliveries_status')
        batch_op.drop_index(batch_op.f('ix_deliveries_notice_id'))

    op.drop_table('deliveries')
    with op.batch_alter_table('prisoners', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_prisoners_establishment_code'))

    op.drop_table('prisoners')
    op.drop_table('pdus')
    with op.batch_alter_table('notices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notices_status'))
        batch_op.drop_index(batch_op.f('ix_notices_prison_number'))
        batch_op.drop_index(batch_op.f('ix_notices_night'))

    op.drop_table('notices')
    op.drop_table('mappa_information')
    op.drop_table('imported_files')
    op.drop_table('establishments')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_state'))
        batch_op.drop_index(batch_op.f('ix_cases_establishment_code'))

    op.drop_table('cases')
    op.drop_table('audit_head')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_events_prison_number'))

    op.drop_table('audit_events')
    with op.batch_alter_table('allocations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_allocations_pdu_code'))

    op.drop_table('allocations')
