"""Lenders as organisations: lenders and their branches, each bank officer in one,
applications addressed to a lender of the table; who filed an application; and the
person every audit entry is about.

Existing bank officers have no branch yet: they see nothing until an administrator
puts them in one (nothing here can know which lender they work for).

Revision ID: 0011_lenders
Revises: 0010_record_versions
Create Date: 2026-12-02

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_lenders'
down_revision = '0010_record_versions'
branch_labels = None
depends_on = None

#: The lenders the first data knew, with their kind.
LENDERS = (
    ("bri", "BRI", "state"), ("bni", "BNI", "state"),
    ("mandiri", "Bank Mandiri", "state"), ("bsi", "BSI", "state"),
    ("bpd_jatim", "Bank Jatim", "regional"), ("bpd_jateng", "Bank Jateng", "regional"),
    ("bjb", "bank bjb", "regional"), ("sinarmas", "Bank Sinarmas", "private"),
    ("artha_graha", "Bank Artha Graha", "private"),
    ("bank_jakarta", "Bank Jakarta", "regional"),
)

#: Which record each audited table's rows are about, for the backfill.
_PERSON_OF = {
    "returnees": "SELECT id FROM returnees WHERE id = {oid}",
    "placements": "SELECT returnee_id FROM placements WHERE id = {oid}",
    "trainings": "SELECT returnee_id FROM trainings WHERE id = {oid}",
    "business_plans": "SELECT returnee_id FROM business_plans WHERE id = {oid}",
    "businesses": "SELECT returnee_id FROM businesses WHERE id = {oid}",
    "loan_applications": "SELECT returnee_id FROM loan_applications WHERE id = {oid}",
    "visits": "SELECT returnee_id FROM visits WHERE id = {oid}",
    "action_items": "SELECT returnee_id FROM action_items WHERE id = {oid}",
    "wellbeing_checks": "SELECT returnee_id FROM wellbeing_checks WHERE id = {oid}",
    "loan_documents": "SELECT l.returnee_id FROM loan_documents d JOIN loan_applications l ON l.id = d.loan_id WHERE d.id = {oid}",
    "loan_payments": "SELECT l.returnee_id FROM loan_payments p JOIN loan_applications l ON l.id = p.loan_id WHERE p.id = {oid}",
    "plan_capital_items": "SELECT p.returnee_id FROM plan_capital_items i JOIN business_plans p ON p.id = i.plan_id WHERE i.id = {oid}",
    "plan_funding_sources": "SELECT p.returnee_id FROM plan_funding_sources i JOIN business_plans p ON p.id = i.plan_id WHERE i.id = {oid}",
    "plan_comments": "SELECT p.returnee_id FROM plan_comments i JOIN business_plans p ON p.id = i.plan_id WHERE i.id = {oid}",
    "business_status_changes": "SELECT b.returnee_id FROM business_status_changes c JOIN businesses b ON b.id = c.business_id WHERE c.id = {oid}",
    "business_reports": "SELECT b.returnee_id FROM business_reports r JOIN businesses b ON b.id = r.business_id WHERE r.id = {oid}",
}


def upgrade():
    lenders = op.create_table('lenders',
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('is_active', sa.Boolean(), nullable=False),
    sa.CheckConstraint("code = lower(code)", name=op.f('ck_lenders_code_lowercase')),
    sa.CheckConstraint("kind IN ('state', 'regional', 'private')", name=op.f('ck_lenders_kind_known')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_lenders')),
    sa.UniqueConstraint('name', name=op.f('uq_lenders_name'))
    )
    op.bulk_insert(lenders, [
        {"code": code, "name": name, "kind": kind, "is_active": True}
        for code, name, kind in LENDERS
    ])
    op.create_table('lender_branches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lender_code', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('province_code', sa.String(length=2), nullable=False),
    sa.Column('regency_code', sa.String(length=5), nullable=True),
    sa.ForeignKeyConstraint(['lender_code'], ['lenders.code'], name=op.f('fk_lender_branches_lender_code_lenders'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['province_code', 'regency_code'], ['regencies.province_code', 'regencies.code'], name='fk_lender_branches_regency_in_province', ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['province_code'], ['provinces.code'], name=op.f('fk_lender_branches_province_code_provinces'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lender_branches')),
    sa.UniqueConstraint('id', 'lender_code', 'province_code', name='uq_lender_branches_id_lender_province'),
    sa.UniqueConstraint('lender_code', 'name', name=op.f('uq_lender_branches_lender_code_name'))
    )
    with op.batch_alter_table('lender_branches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lender_branches_lender_code'), ['lender_code'], unique=False)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lender_code', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('lender_branch_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_users_lender_code'), ['lender_code'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_users_lender_code_lenders'), 'lenders', ['lender_code'], ['code'], ondelete='RESTRICT')
        batch_op.create_foreign_key('fk_users_branch_lender_province', 'lender_branches', ['lender_branch_id', 'lender_code', 'scope_province_code'], ['id', 'lender_code', 'province_code'], ondelete='RESTRICT')
        batch_op.create_check_constraint(batch_op.f('ck_users_lender_only_for_bank_officers'), "role = 'bank_officer' OR (lender_code IS NULL AND lender_branch_id IS NULL)")
        batch_op.create_check_constraint(batch_op.f('ck_users_lender_with_branch'), "(lender_code IS NULL) = (lender_branch_id IS NULL)")

    with op.batch_alter_table('loan_applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_loan_applications_created_by_id_users'), 'users', ['created_by_id'], ['id'], ondelete='SET NULL')
        batch_op.drop_constraint(batch_op.f('ck_loan_applications_lender_known'), type_='check')
        batch_op.create_foreign_key(batch_op.f('fk_loan_applications_lender_lenders'), 'lenders', ['lender'], ['code'], ondelete='RESTRICT')
    # The filer of an existing application: whoever the audit trail says created it.
    op.execute(
        "UPDATE loan_applications SET created_by_id = (SELECT a.actor_id FROM audit_log a"
        " WHERE a.table_name = 'loan_applications' AND a.action = 'insert'"
        " AND a.object_id = CAST(loan_applications.id AS VARCHAR(64)) LIMIT 1)"
    )

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.add_column(sa.Column('returnee_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_log_returnee_id'), ['returnee_id'], unique=False)
        batch_op.drop_constraint(batch_op.f('ck_audit_log_action_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_audit_log_action_known'), "action IN ('insert', 'update', 'delete', 'view', 'search', 'erase', 'system')")
    for table, query in _PERSON_OF.items():
        inner = query.format(oid="CAST(audit_log.object_id AS INTEGER)")
        op.execute(
            f"UPDATE audit_log SET returnee_id = ({inner}) WHERE table_name = '{table}'"
            " AND object_id <> ''"
        )
    # The dashboards' summaries are rebuilt by the newest revision (see 0005).


def downgrade():
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_audit_log_action_known'), type_='check')
        batch_op.create_check_constraint(batch_op.f('ck_audit_log_action_known'), "action IN ('insert', 'update', 'delete', 'view', 'erase')")
        batch_op.drop_index(batch_op.f('ix_audit_log_returnee_id'))
        batch_op.drop_column('returnee_id')

    with op.batch_alter_table('loan_applications', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_loan_applications_lender_lenders'), type_='foreignkey')
        batch_op.create_check_constraint(batch_op.f('ck_loan_applications_lender_known'), "lender IN (" + ", ".join(f"'{code}'" for code, _n, _k in LENDERS) + ")")
        batch_op.drop_constraint(batch_op.f('fk_loan_applications_created_by_id_users'), type_='foreignkey')
        batch_op.drop_column('created_by_id')

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_lender_with_branch'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_users_lender_only_for_bank_officers'), type_='check')
        batch_op.drop_constraint('fk_users_branch_lender_province', type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_users_lender_code_lenders'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_users_lender_code'))
        batch_op.drop_column('lender_branch_id')
        batch_op.drop_column('lender_code')

    with op.batch_alter_table('lender_branches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lender_branches_lender_code'))

    op.drop_table('lender_branches')
    op.drop_table('lenders')
