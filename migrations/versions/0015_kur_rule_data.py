"""KUR rule data: the kinds of other credit held (a bit mask, from the old three
values), the borrower's province at filing (the rates of some regions differ), and
two business KUR slots per returnee in place of one active business KUR (a second
KUR Mikro where the rules allow it).

Revision ID: 0015_kur_rule_data
Revises: 0014_loan_servicing
Create Date: 2026-12-02 17:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_kur_rule_data'
down_revision = '0014_loan_servicing'
branch_labels = None
depends_on = None

ACTIVE = ("kind = 'business' AND status IN ('submitted', 'verified', 'approved',"
          " 'disbursed', 'repaying', 'restructured')")
#: Bits of juragan.domain.kur_rules.CREDIT_KINDS as of this revision (append-only list):
#: productive_commercial is bit 10, allowed_unspecified bit 12.
PRODUCTIVE_COMMERCIAL = 1 << 10
ALLOWED_UNSPECIFIED = 1 << 12
#: Every bit of the 13 kinds.
ALL_KINDS = (1 << 13) - 1
#: Kinds that block KUR: kur_other_lender, productive_commercial,
#: government_programme (bits 9-11).
BLOCKING = (1 << 9) | (1 << 10) | (1 << 11)


def upgrade():
    # The partial unique index is dropped and made again outside the batch: SQLite
    # rebuilds the table and would not keep its WHERE clause.
    op.drop_index('uq_loan_applications_one_active_business',
                  table_name='loan_applications')
    with op.batch_alter_table('loan_applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('other_credit_mask', sa.Integer(),
                                      server_default='0', nullable=False))
        batch_op.add_column(sa.Column('rate_province_code', sa.String(length=2),
                                      nullable=True))
        batch_op.add_column(sa.Column('business_slot', sa.SmallInteger(), nullable=True))
    connection = op.get_bind()
    connection.execute(sa.text(
        "UPDATE loan_applications SET other_credit_mask = CASE other_credit"
        f" WHEN 'allowed' THEN {ALLOWED_UNSPECIFIED}"
        f" WHEN 'blocking' THEN {PRODUCTIVE_COMMERCIAL} ELSE 0 END"))
    # One active business KUR per returnee so far: every business row takes slot 1.
    connection.execute(sa.text(
        "UPDATE loan_applications SET business_slot = 1 WHERE kind = 'business'"))
    with op.batch_alter_table('loan_applications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_loan_applications_credit_known'),
                                 type_='check')
        batch_op.drop_column('other_credit')
        batch_op.alter_column('other_credit_mask', server_default=None)
        batch_op.create_foreign_key(
            batch_op.f('fk_loan_applications_rate_province_code_provinces'),
            'provinces', ['rate_province_code'], ['code'], ondelete='RESTRICT')
        batch_op.create_check_constraint(
            batch_op.f('ck_loan_applications_credit_kinds_known'),
            f"other_credit_mask BETWEEN 0 AND {ALL_KINDS}")
        batch_op.create_check_constraint(
            batch_op.f('ck_loan_applications_slot_known'),
            "business_slot IS NULL OR business_slot IN (1, 2)")
        batch_op.create_check_constraint(
            batch_op.f('ck_loan_applications_business_has_slot'),
            "(kind = 'business') = (business_slot IS NOT NULL)")
    op.create_index('uq_loan_applications_active_business_slot', 'loan_applications',
                    ['returnee_id', 'business_slot'], unique=True,
                    postgresql_where=sa.text(ACTIVE), sqlite_where=sa.text(ACTIVE))
    # The dashboards' summaries are rebuilt by the newest revision (see 0005).


def downgrade():
    """Back to one active business KUR per returnee: fails while a returnee holds
    two (withdraw or settle one first). The kinds fold into the three old values."""
    op.drop_index('uq_loan_applications_active_business_slot',
                  table_name='loan_applications')
    with op.batch_alter_table('loan_applications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_loan_applications_business_has_slot'),
                                 type_='check')
        batch_op.drop_constraint(batch_op.f('ck_loan_applications_slot_known'),
                                 type_='check')
        batch_op.drop_constraint(batch_op.f('ck_loan_applications_credit_kinds_known'),
                                 type_='check')
        batch_op.drop_constraint(
            batch_op.f('fk_loan_applications_rate_province_code_provinces'),
            type_='foreignkey')
        batch_op.add_column(sa.Column('other_credit', sa.String(length=10),
                                      server_default='none', nullable=False))
    op.get_bind().execute(sa.text(
        "UPDATE loan_applications SET other_credit = CASE"
        f" WHEN (other_credit_mask & {BLOCKING}) <> 0 THEN 'blocking'"
        " WHEN other_credit_mask <> 0 THEN 'allowed' ELSE 'none' END"))
    with op.batch_alter_table('loan_applications', schema=None) as batch_op:
        batch_op.alter_column('other_credit', server_default=None)
        batch_op.drop_column('business_slot')
        batch_op.drop_column('rate_province_code')
        batch_op.drop_column('other_credit_mask')
        batch_op.create_check_constraint(
            batch_op.f('ck_loan_applications_credit_known'),
            "other_credit IN ('none', 'allowed', 'blocking')")
    op.create_index('uq_loan_applications_one_active_business', 'loan_applications',
                    ['returnee_id'], unique=True,
                    postgresql_where=sa.text(ACTIVE), sqlite_where=sa.text(ACTIVE))
