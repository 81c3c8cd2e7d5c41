"""A lender's threshold of repayment capacity (default 1,5) and the reviewer's
written reason for declaring ready a plan whose capacity is below it.

Revision ID: 0017_plan_ready_reason
Revises: 0016_region_spellings
Create Date: 2026-12-02 17:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_plan_ready_reason'
down_revision = '0016_region_spellings'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lenders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('min_repayment_coverage', sa.Numeric(precision=4, scale=2),
                                      server_default='1.50', nullable=False))
        batch_op.create_check_constraint(
            op.f('ck_lenders_min_coverage_range'), 'min_repayment_coverage BETWEEN 1 AND 5')

    with op.batch_alter_table('business_plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ready_reason', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('ready_threshold', sa.Numeric(precision=4, scale=2),
                                      nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_business_plans_ready_reason_when_ready'),
            "ready_reason IS NULL OR (status = 'ready'"
            " AND ready_threshold IS NOT NULL AND length(trim(ready_reason)) > 0)")
        batch_op.create_check_constraint(
            op.f('ck_business_plans_ready_threshold_with_reason'),
            '(ready_reason IS NULL) = (ready_threshold IS NULL)')


def downgrade():
    with op.batch_alter_table('business_plans', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_business_plans_ready_threshold_with_reason'), type_='check')
        batch_op.drop_constraint(op.f('ck_business_plans_ready_reason_when_ready'), type_='check')
        batch_op.drop_column('ready_threshold')
        batch_op.drop_column('ready_reason')

    with op.batch_alter_table('lenders', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_lenders_min_coverage_range'), type_='check')
        batch_op.drop_column('min_repayment_coverage')
