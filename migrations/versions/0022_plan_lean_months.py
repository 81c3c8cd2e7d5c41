"""A plan names the lean-season months of the KUR it asks for (interest only in
those calendar months), so the simulator opened from the plan asks for them.

Revision ID: 0022_plan_lean_months
Revises: 0021_lender_desk
Create Date: 2026-12-03 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0022_plan_lean_months'
down_revision = '0021_lender_desk'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('business_plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kur_lean_months', sa.JSON(), nullable=False,
                                      server_default='[]'))


def downgrade():
    with op.batch_alter_table('business_plans', schema=None) as batch_op:
        batch_op.drop_column('kur_lean_months')
