"""The dashboards carry a restructured loan's class floor (POJK 40/2019: at most
the class before restructuring until three instalments in a row are paid on time):
``loan_facts.grade_floor`` today and ``loan_months.grade`` at each month end; the
summaries of an existing registry are rebuilt.

Revision ID: 0020_restructured_class
Revises: 0019_kbli_2025
Create Date: 2026-12-02 18:45:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0020_restructured_class'
down_revision = '0019_kbli_2025'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('loan_facts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grade_floor', sa.SmallInteger(), nullable=False,
                                      server_default='1'))
    with op.batch_alter_table('loan_months', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grade', sa.SmallInteger(), nullable=False,
                                      server_default='1'))
    # The dashboards' summaries of an existing registry: rebuilt here, the newest
    # revision that changes them, with the code written for the tables at head
    # (see 0005).
    from sqlalchemy.orm import Session

    from juragan.summaries import rebuild_all

    session = Session(bind=op.get_bind())
    rebuild_all(session)
    session.flush()


def downgrade():
    with op.batch_alter_table('loan_months', schema=None) as batch_op:
        batch_op.drop_column('grade')
    with op.batch_alter_table('loan_facts', schema=None) as batch_op:
        batch_op.drop_column('grade_floor')
