"""The people without a mentor by name, for the country, a province and a regency:
the mentor assignment page's first view reads a page of names from an index
instead of sorting everyone without a mentor in the region (285-337 ms at a
million returnees).

Revision ID: 0027_unassigned_by_name
Revises: 0026_regency_counts
Create Date: 2026-12-07 16:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0027_unassigned_by_name'
down_revision = '0026_regency_counts'
branch_labels = None
depends_on = None

INDEXES = (
    ('ix_returnees_unassigned_name', []),
    ('ix_returnees_unassigned_province_name', ['province_code']),
    ('ix_returnees_unassigned_region_name', ['province_code', 'regency_code']),
)


def upgrade():
    with op.batch_alter_table('returnees', schema=None) as batch_op:
        for name, columns in INDEXES:
            batch_op.create_index(name, [*columns, 'full_name', 'id'], unique=False,
                                  postgresql_where=sa.text('mentor_id IS NULL'),
                                  sqlite_where=sa.text('mentor_id IS NULL'))


def downgrade():
    with op.batch_alter_table('returnees', schema=None) as batch_op:
        for name, _columns in reversed(INDEXES):
            batch_op.drop_index(name)
