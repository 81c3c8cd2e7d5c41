"""Returnees per country of their latest placement, for the whole programme: the
order of the country lists. Every form with a country list summed the country
level's cells (18,139 rows at a million returnees, 8 ms); it now reads a row per
country. Filled from the returnee facts.

Revision ID: 0031_destination_counts
Revises: 0030_loan_facts_plans
Create Date: 2026-12-07 23:40:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0031_destination_counts'
down_revision = '0030_loan_facts_plans'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'destination_counts',
        sa.Column('country_code', sa.String(length=2), nullable=False),
        sa.Column('returnees', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('country_code', name=op.f('pk_destination_counts')),
    )
    op.execute(
        "INSERT INTO destination_counts (country_code, returnees) "
        "SELECT country_code, COUNT(*) FROM returnee_facts WHERE country_code <> '' "
        "GROUP BY country_code"
    )


def downgrade():
    op.drop_table('destination_counts')
