"""The lender's work queue from the loan facts: each fact carries when its
application entered its state, and an index on lender, province, state and that
moment orders a lender's queue of a province. The queue's counts and pages probed
every waiting application of the lender for its borrower's province and consent
(13 ms each at a million returnees). Filled from the applications.

Revision ID: 0032_loan_facts_queue
Revises: 0031_destination_counts
Create Date: 2026-12-07 23:55:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0032_loan_facts_queue'
down_revision = '0031_destination_counts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('loan_facts', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('status_changed_at', sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE loan_facts SET status_changed_at = (SELECT l.status_changed_at "
        "FROM loan_applications l WHERE l.id = loan_facts.loan_id)"
    )
    with op.batch_alter_table('loan_facts', schema=None) as batch_op:
        batch_op.create_index(
            'ix_loan_facts_lender_queue',
            ['lender', 'province_code', 'status', 'status_changed_at', 'loan_id'],
            unique=False)


def downgrade():
    with op.batch_alter_table('loan_facts', schema=None) as batch_op:
        batch_op.drop_index('ix_loan_facts_lender_queue')
        batch_op.drop_column('status_changed_at')
