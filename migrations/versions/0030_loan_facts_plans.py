"""A bank officer's count of plans ready, and the lender's lists, from the loan
facts: each fact carries the plan its loan was made on and that plan's state, and
an index on lender, province and loan orders a lender's loans of a province. The
count probed every loan of the lender for its borrower's province and consent
(86-117 ms at a million returnees). Filled from the applications and plans.

Revision ID: 0030_loan_facts_plans
Revises: 0029_regency_work_counts
Create Date: 2026-12-07 23:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0030_loan_facts_plans'
down_revision = '0029_regency_work_counts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('loan_facts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('plan_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('plan_status', sa.String(length=12), nullable=True))
        batch_op.create_index('ix_loan_facts_lender_region',
                              ['lender', 'province_code', 'loan_id'], unique=False)
    op.execute(
        "UPDATE loan_facts SET plan_id = (SELECT l.plan_id FROM loan_applications l "
        "WHERE l.id = loan_facts.loan_id)"
    )
    op.execute(
        "UPDATE loan_facts SET plan_status = (SELECT p.status FROM business_plans p "
        "WHERE p.id = loan_facts.plan_id) WHERE plan_id IS NOT NULL"
    )


def downgrade():
    with op.batch_alter_table('loan_facts', schema=None) as batch_op:
        batch_op.drop_index('ix_loan_facts_lender_region')
        batch_op.drop_column('plan_status')
        batch_op.drop_column('plan_id')
