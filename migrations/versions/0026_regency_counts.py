"""Returnees per regency and sex, kept with the summary cells, for the region
home: a national home read every regency's cells (some 280,000 rows at a million
returnees), now about a thousand rows. Filled from the cells.

Revision ID: 0026_regency_counts
Revises: 0025_arrears_indexes
Create Date: 2026-12-07 15:30:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0026_regency_counts'
down_revision = '0025_arrears_indexes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'regency_counts',
        sa.Column('province_code', sa.String(length=2), nullable=False),
        sa.Column('regency_code', sa.String(length=5), nullable=False),
        sa.Column('sex', sa.String(length=1), nullable=False),
        sa.Column('returnees', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('province_code', 'regency_code', 'sex',
                                name=op.f('pk_regency_counts')),
    )
    op.execute(
        "INSERT INTO regency_counts (province_code, regency_code, sex, returnees) "
        "SELECT province_code, regency_code, sex, SUM(returnees) FROM returnee_cells "
        "WHERE regency_code <> '' GROUP BY province_code, regency_code, sex "
        "HAVING SUM(returnees) <> 0"
    )


def downgrade():
    op.drop_table('regency_counts')
