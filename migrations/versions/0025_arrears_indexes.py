"""The arrears list, paged by keyset: the instalments not yet paid by due date, and
the payments and schedules dated after a day (their loans are replayed one by one).

Revision ID: 0025_arrears_indexes
Revises: 0024_consent_records
Create Date: 2026-12-07 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0025_arrears_indexes'
down_revision = '0024_consent_records'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('loan_instalments', schema=None) as batch_op:
        batch_op.create_index('ix_loan_instalments_open', ['due_on', 'loan_id'],
                              unique=False,
                              postgresql_where=sa.text('settled_on IS NULL'),
                              sqlite_where=sa.text('settled_on IS NULL'))
    with op.batch_alter_table('loan_payments', schema=None) as batch_op:
        batch_op.create_index('ix_loan_payments_paid_on', ['paid_on'], unique=False)
    with op.batch_alter_table('loan_schedule_revisions', schema=None) as batch_op:
        batch_op.create_index('ix_loan_schedule_revisions_effective_on',
                              ['effective_on'], unique=False)


def downgrade():
    with op.batch_alter_table('loan_schedule_revisions', schema=None) as batch_op:
        batch_op.drop_index('ix_loan_schedule_revisions_effective_on')
    with op.batch_alter_table('loan_payments', schema=None) as batch_op:
        batch_op.drop_index('ix_loan_payments_paid_on')
    with op.batch_alter_table('loan_instalments', schema=None) as batch_op:
        batch_op.drop_index('ix_loan_instalments_open')
