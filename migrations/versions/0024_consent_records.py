"""Consent per purpose: one record per person and purpose, with how it was given,
its proof (the scanned form, or the archive reference) and its withdrawal. The
single consent each returnee gave before (one text for everything, version
2026-11) becomes two records of method ``legacy``: the registry and mentoring, and
sharing with the lender (the text named KUR applications); messages were not in
it, so no contact consent is assumed.

Revision ID: 0024_consent_records
Revises: 0023_account_recovery
Create Date: 2026-12-05 09:00:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0024_consent_records'
down_revision = '0023_account_recovery'
branch_labels = None
depends_on = None

PURPOSES = "'registry', 'lender', 'contact_sms', 'contact_whatsapp', 'contact_email'"
#: The purposes the 2026-11 text covered.
LEGACY_PURPOSES = ('registry', 'lender')


def upgrade():
    op.create_table(
        'consent_records',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('returnee_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=20), nullable=False),
        sa.Column('wording_version', sa.String(length=10), nullable=False),
        sa.Column('wording', sa.Text(), nullable=False),
        sa.Column('method', sa.String(length=16), nullable=False),
        sa.Column('given_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('recorded_by_id', sa.Integer(), nullable=True),
        sa.Column('stored_name', sa.String(length=64), nullable=True),
        sa.Column('original_name', sa.String(length=200), nullable=True),
        sa.Column('content_type', sa.String(length=40), nullable=True),
        sa.Column('size_bytes', sa.Integer(), nullable=True),
        sa.Column('sha256', sa.String(length=64), nullable=True),
        sa.Column('form_reference', sa.String(length=80), nullable=True),
        sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('effective_on', sa.Date(), nullable=True),
        sa.Column('effective_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('withdrawal_method', sa.String(length=16), nullable=True),
        sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
        sa.Column('withdrawal_reason', sa.Text(), nullable=True),
        sa.CheckConstraint(f"purpose IN ({PURPOSES})",
                           name=op.f('ck_consent_records_purpose_known')),
        sa.CheckConstraint(
            "method IN ('online', 'paper', 'paper_archive', 'legacy')",
            name=op.f('ck_consent_records_method_known')),
        sa.CheckConstraint(
            "method <> 'paper' OR (stored_name IS NOT NULL AND content_type IS NOT "
            "NULL AND size_bytes > 0 AND sha256 IS NOT NULL)",
            name=op.f('ck_consent_records_paper_has_scan')),
        sa.CheckConstraint("method = 'paper' OR stored_name IS NULL",
                           name=op.f('ck_consent_records_scan_only_on_paper')),
        sa.CheckConstraint("method <> 'paper_archive' OR form_reference IS NOT NULL",
                           name=op.f('ck_consent_records_archive_has_reference')),
        sa.CheckConstraint(
            "(withdrawn_at IS NULL) = (effective_on IS NULL)"
            " AND (withdrawn_at IS NULL) = (effective_at IS NULL)"
            " AND (withdrawn_at IS NULL) = (withdrawal_method IS NULL)",
            name=op.f('ck_consent_records_withdrawal_complete')),
        sa.CheckConstraint("withdrawn_at IS NULL OR withdrawn_at >= given_at",
                           name=op.f('ck_consent_records_withdrawn_after_given')),
        sa.CheckConstraint("effective_at IS NULL OR effective_at >= withdrawn_at",
                           name=op.f('ck_consent_records_effective_from_withdrawal')),
        sa.CheckConstraint(
            "withdrawal_method IS NULL OR withdrawal_method IN ('online', 'paper')",
            name=op.f('ck_consent_records_withdrawal_method_known')),
        sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'],
                                name=op.f('fk_consent_records_recorded_by_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['returnee_id'], ['returnees.id'],
                                name=op.f('fk_consent_records_returnee_id_returnees'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['withdrawn_by_id'], ['users.id'],
                                name=op.f('fk_consent_records_withdrawn_by_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_records')),
    )
    with op.batch_alter_table('consent_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_records_returnee_id'),
                              ['returnee_id'], unique=False)
        batch_op.create_index('ix_consent_records_purpose_person',
                              ['purpose', 'returnee_id'], unique=False)
        batch_op.create_index('uq_consent_records_one_open', ['returnee_id', 'purpose'],
                              unique=True,
                              postgresql_where=sa.text('withdrawn_at IS NULL'),
                              sqlite_where=sa.text('withdrawn_at IS NULL'))
    # The consent given so far, per purpose it covered. An erased person's record
    # keeps no consent (erasure removes it).
    for purpose in LEGACY_PURPOSES:
        op.execute(
            "INSERT INTO consent_records (returnee_id, purpose, wording_version, "
            "wording, method, given_at, recorded_by_id) "
            f"SELECT id, '{purpose}', consent_version, consent_purpose, 'legacy', "
            "consent_at, registered_by_id FROM returnees WHERE erased_at IS NULL"
        )
    with op.batch_alter_table('returnees', schema=None) as batch_op:
        batch_op.drop_column('consent_purpose')
        batch_op.drop_column('consent_version')
        batch_op.drop_column('consent_at')


def downgrade():
    with op.batch_alter_table('returnees', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('consent_version', sa.String(length=10),
                                      nullable=True))
        batch_op.add_column(sa.Column('consent_purpose', sa.Text(), nullable=True))
    # The earliest registry consent stands for the one consent of before.
    first = ("(SELECT {column} FROM consent_records c WHERE c.returnee_id = "
             "returnees.id AND c.purpose = 'registry' ORDER BY c.given_at, c.id "
             "LIMIT 1)")
    op.execute(
        "UPDATE returnees SET "
        f"consent_at = COALESCE({first.format(column='given_at')}, created_at), "
        f"consent_version = COALESCE({first.format(column='wording_version')}, "
        "'2026-11'), "
        f"consent_purpose = COALESCE({first.format(column='wording')}, '')"
    )
    with op.batch_alter_table('returnees', schema=None) as batch_op:
        batch_op.alter_column('consent_at', existing_type=sa.DateTime(timezone=True),
                              nullable=False)
        batch_op.alter_column('consent_version', existing_type=sa.String(length=10),
                              nullable=False)
        batch_op.alter_column('consent_purpose', existing_type=sa.Text(),
                              nullable=False)
    with op.batch_alter_table('consent_records', schema=None) as batch_op:
        batch_op.drop_index('uq_consent_records_one_open',
                            postgresql_where=sa.text('withdrawn_at IS NULL'),
                            sqlite_where=sa.text('withdrawn_at IS NULL'))
        batch_op.drop_index('ix_consent_records_purpose_person')
        batch_op.drop_index(batch_op.f('ix_consent_records_returnee_id'))
    op.drop_table('consent_records')
