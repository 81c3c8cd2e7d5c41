"""SIKP, SLIK and BPJS Ketenagakerjaan checks as recorded steps of an application;
late penalties, guarantee claims and recoveries as recorded events; the lenders'
agreement terms (penalty, guarantor). Loans disbursed before this revision get the
SIKP check their checkbox said ("registered", dated at the akad).

Revision ID: 0018_loan_checks_events
Revises: 0017_plan_ready_reason
Create Date: 2026-12-02 18:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_loan_checks_events'
down_revision = '0017_plan_ready_reason'
branch_labels = None
depends_on = None

_RESULTS = (
    "(kind = 'sikp' AND result IN ('registered', 'not_registered', 'rejected'))"
    " OR (kind = 'slik' AND result IN ('clean', 'arrears', 'not_found'))"
    " OR (kind = 'bpjs_tk' AND result IN ('member', 'not_member'))"
)


def upgrade():
    op.create_table('lender_terms',
    sa.Column('lender_code', sa.String(length=16), nullable=False),
    sa.Column('penalty_basis', sa.String(length=10), nullable=False),
    sa.Column('penalty_rate_percent', sa.Numeric(precision=6, scale=3), nullable=True),
    sa.Column('penalty_fixed_idr', sa.BigInteger(), nullable=True),
    sa.Column('guarantor', sa.String(length=12), nullable=True),
    sa.Column('guarantee_cover_percent', sa.Numeric(precision=5, scale=2), nullable=True),
    sa.CheckConstraint("penalty_basis IN ('none', 'per_day', 'per_month', 'fixed')", name=op.f('ck_lender_terms_basis_known')),
    sa.CheckConstraint("guarantor IS NULL OR guarantor IN ('askrindo', 'jamkrindo', 'other')", name=op.f('ck_lender_terms_guarantor_known')),
    sa.CheckConstraint("(penalty_basis IN ('per_day', 'per_month')) = (penalty_rate_percent IS NOT NULL)", name=op.f('ck_lender_terms_rate_with_rate_basis')),
    sa.CheckConstraint("(penalty_basis = 'fixed') = (penalty_fixed_idr IS NOT NULL)", name=op.f('ck_lender_terms_amount_with_fixed_basis')),
    sa.CheckConstraint('penalty_rate_percent IS NULL OR penalty_rate_percent > 0', name=op.f('ck_lender_terms_rate_positive')),
    sa.CheckConstraint('penalty_fixed_idr IS NULL OR penalty_fixed_idr > 0', name=op.f('ck_lender_terms_fixed_positive')),
    sa.CheckConstraint('guarantee_cover_percent IS NULL OR guarantee_cover_percent BETWEEN 0 AND 100', name=op.f('ck_lender_terms_cover_range')),
    sa.ForeignKeyConstraint(['lender_code'], ['lenders.code'], name=op.f('fk_lender_terms_lender_code_lenders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('lender_code', name=op.f('pk_lender_terms'))
    )
    op.create_table('loan_checks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('result', sa.String(length=16), nullable=False),
    sa.Column('worst_collectibility', sa.SmallInteger(), nullable=True),
    sa.Column('reference', sa.String(length=40), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('checked_on', sa.Date(), nullable=False),
    sa.Column('checked_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('sikp', 'slik', 'bpjs_tk')", name=op.f('ck_loan_checks_kind_known')),
    sa.CheckConstraint(_RESULTS, name=op.f('ck_loan_checks_result_of_kind')),
    sa.CheckConstraint("(result = 'arrears') = (worst_collectibility IS NOT NULL)", name=op.f('ck_loan_checks_arrears_have_collectibility')),
    sa.CheckConstraint('worst_collectibility IS NULL OR worst_collectibility BETWEEN 2 AND 5', name=op.f('ck_loan_checks_collectibility_range')),
    sa.CheckConstraint("result <> 'rejected' OR reason IS NOT NULL", name=op.f('ck_loan_checks_rejection_has_reason')),
    sa.ForeignKeyConstraint(['checked_by_id'], ['users.id'], name=op.f('fk_loan_checks_checked_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['loan_id'], ['loan_applications.id'], name=op.f('fk_loan_checks_loan_id_loan_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loan_checks'))
    )
    op.create_index(op.f('ix_loan_checks_loan_id'), 'loan_checks', ['loan_id'], unique=False)
    op.create_table('loan_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('occurred_on', sa.Date(), nullable=False),
    sa.Column('amount_idr', sa.BigInteger(), nullable=False),
    sa.Column('basis', sa.String(length=200), nullable=True),
    sa.Column('reference', sa.String(length=40), nullable=True),
    sa.Column('guarantor_share_idr', sa.BigInteger(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("kind IN ('penalty_charge', 'penalty_waiver', 'penalty_payment', 'recovery')", name=op.f('ck_loan_events_kind_known')),
    sa.CheckConstraint('amount_idr > 0', name=op.f('ck_loan_events_amount_positive')),
    sa.CheckConstraint("kind <> 'penalty_charge' OR basis IS NOT NULL", name=op.f('ck_loan_events_charge_has_basis')),
    sa.CheckConstraint("guarantor_share_idr IS NULL OR (kind = 'recovery' AND guarantor_share_idr >= 0 AND guarantor_share_idr <= amount_idr)", name=op.f('ck_loan_events_share_of_recovery')),
    sa.ForeignKeyConstraint(['loan_id'], ['loan_applications.id'], name=op.f('fk_loan_events_loan_id_loan_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_loan_events_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_loan_events'))
    )
    op.create_index(op.f('ix_loan_events_loan_id'), 'loan_events', ['loan_id'], unique=False)
    op.create_table('guarantee_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('loan_id', sa.Integer(), nullable=False),
    sa.Column('guarantor', sa.String(length=12), nullable=False),
    sa.Column('submitted_on', sa.Date(), nullable=False),
    sa.Column('claimed_idr', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('settled_on', sa.Date(), nullable=True),
    sa.Column('paid_idr', sa.BigInteger(), nullable=True),
    sa.Column('rejection_reason', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("guarantor IN ('askrindo', 'jamkrindo', 'other')", name=op.f('ck_guarantee_claims_guarantor_known')),
    sa.CheckConstraint("status IN ('submitted', 'paid', 'rejected')", name=op.f('ck_guarantee_claims_status_known')),
    sa.CheckConstraint('claimed_idr > 0', name=op.f('ck_guarantee_claims_claimed_positive')),
    sa.CheckConstraint("(status = 'paid') = (paid_idr IS NOT NULL)", name=op.f('ck_guarantee_claims_paid_has_amount')),
    sa.CheckConstraint('paid_idr IS NULL OR (paid_idr > 0 AND paid_idr <= claimed_idr)', name=op.f('ck_guarantee_claims_paid_within_claim')),
    sa.CheckConstraint("(status = 'rejected') = (rejection_reason IS NOT NULL)", name=op.f('ck_guarantee_claims_rejection_has_reason')),
    sa.CheckConstraint("(status = 'submitted') = (settled_on IS NULL)", name=op.f('ck_guarantee_claims_settled_has_date')),
    sa.ForeignKeyConstraint(['loan_id'], ['loan_applications.id'], name=op.f('fk_guarantee_claims_loan_id_loan_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_guarantee_claims_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_guarantee_claims'))
    )
    op.create_index(op.f('ix_guarantee_claims_loan_id'), 'guarantee_claims', ['loan_id'], unique=False)
    op.create_index('uq_guarantee_claims_one_standing', 'guarantee_claims', ['loan_id'], unique=True, postgresql_where=sa.text("status <> 'rejected'"), sqlite_where=sa.text("status <> 'rejected'"))
    # Loans the old checkbox said were registered in SIKP keep that, as a check
    # dated at their akad (who checked is not known).
    op.execute(
        "INSERT INTO loan_checks (loan_id, kind, result, checked_on, note, recorded_at)"
        " SELECT id, 'sikp', 'registered', akad_on, 'migrated from the SIKP checkbox',"
        " CURRENT_TIMESTAMP FROM loan_applications"
        " WHERE is_sikp_registered AND akad_on IS NOT NULL"
    )


def downgrade():
    op.drop_index('uq_guarantee_claims_one_standing', table_name='guarantee_claims', postgresql_where=sa.text("status <> 'rejected'"), sqlite_where=sa.text("status <> 'rejected'"))
    op.drop_index(op.f('ix_guarantee_claims_loan_id'), table_name='guarantee_claims')
    op.drop_table('guarantee_claims')
    op.drop_index(op.f('ix_loan_events_loan_id'), table_name='loan_events')
    op.drop_table('loan_events')
    op.drop_index(op.f('ix_loan_checks_loan_id'), table_name='loan_checks')
    op.drop_table('loan_checks')
    op.drop_table('lender_terms')
