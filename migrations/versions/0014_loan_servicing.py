"""Loan servicing: every schedule a loan has had (loan_schedule_revisions), what each
payment was (instalment, prepayment, payoff, arrears or a capitalisation), and the
requested grace and lean-season calendar months of an application. Each disbursed
loan gets its current schedule as its first revision.

Revision ID: 0014_loan_servicing
Revises: 0013_disclosure_keys
Create Date: 2026-12-02 17:30:00

"""
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '0014_loan_servicing'
down_revision = '0013_disclosure_keys'
branch_labels = None
depends_on = None

PAYMENT_KINDS = "('instalment', 'prepayment', 'payoff', 'arrears', 'capitalisation')"


def upgrade():
    op.create_table(
        'loan_schedule_revisions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('loan_id', sa.Integer(), nullable=False),
        sa.Column('number', sa.SmallInteger(), nullable=False),
        sa.Column('kind', sa.String(length=14), nullable=False),
        sa.Column('effective_on', sa.Date(), nullable=False),
        sa.Column('option', sa.String(length=16), nullable=True),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('principal_idr', sa.BigInteger(), nullable=False),
        sa.Column('arrears_principal_idr', sa.BigInteger(), nullable=False),
        sa.Column('arrears_interest_idr', sa.BigInteger(), nullable=False),
        sa.Column('accrued_interest_idr', sa.BigInteger(), nullable=False),
        sa.Column('grade_before', sa.SmallInteger(), nullable=True),
        sa.Column('lines', sa.JSON(), nullable=False),
        sa.Column('actor_id', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('disbursement', 'prepayment', 'payoff', 'restructuring')",
            name=op.f('ck_loan_schedule_revisions_kind_known')),
        sa.CheckConstraint(
            "option IS NULL OR option IN ('lower_instalment', 'shorter_tenor', "
            "'capitalise', 'settle')", name=op.f('ck_loan_schedule_revisions_option_known')),
        sa.CheckConstraint(
            "kind <> 'restructuring' OR (reason IS NOT NULL AND grade_before BETWEEN 1 AND 5"
            " AND option IN ('capitalise', 'settle'))",
            name=op.f('ck_loan_schedule_revisions_restructuring_complete')),
        sa.CheckConstraint(
            "kind <> 'prepayment' OR option IN ('lower_instalment', 'shorter_tenor')",
            name=op.f('ck_loan_schedule_revisions_prepayment_has_choice')),
        sa.CheckConstraint(
            "principal_idr >= 0 AND arrears_principal_idr >= 0 AND arrears_interest_idr >= 0"
            " AND accrued_interest_idr >= 0",
            name=op.f('ck_loan_schedule_revisions_amounts_not_negative')),
        sa.ForeignKeyConstraint(['actor_id'], ['users.id'],
                                name=op.f('fk_loan_schedule_revisions_actor_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['loan_id'], ['loan_applications.id'],
                                name=op.f('fk_loan_schedule_revisions_loan_id_loan_applications'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_loan_schedule_revisions')),
        sa.UniqueConstraint('loan_id', 'number',
                            name=op.f('uq_loan_schedule_revisions_loan_id_number')),
    )
    with op.batch_alter_table('loan_schedule_revisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loan_schedule_revisions_loan_id'), ['loan_id'])
    with op.batch_alter_table('loan_payments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=14), nullable=False,
                                      server_default='instalment'))
        batch_op.create_check_constraint('kind_known', f"kind IN {PAYMENT_KINDS}")
    with op.batch_alter_table('loan_applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grace_months', sa.SmallInteger(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('lean_months', sa.JSON(), nullable=False,
                                      server_default='[]'))
        batch_op.create_check_constraint(
            'grace_within_tenor', 'grace_months >= 0 AND grace_months < tenor_months')

    connection = op.get_bind()
    now = datetime.now(UTC)  # what juragan.clock.now() was: the moment, in UTC
    loans = connection.execute(sa.text(
        "SELECT id, amount_disbursed_idr, disbursed_on FROM loan_applications"
        " WHERE disbursed_on IS NOT NULL")).all()
    for loan_id, principal, disbursed_on in loans:
        lines = [
            [number, str(due_on), int(p), int(i)]
            for number, due_on, p, i in connection.execute(sa.text(
                "SELECT number, due_on, principal_idr, interest_idr FROM loan_instalments"
                " WHERE loan_id = :id ORDER BY number"), {"id": loan_id})
        ]
        connection.execute(sa.text(
            "INSERT INTO loan_schedule_revisions (loan_id, number, kind, effective_on,"
            " principal_idr, arrears_principal_idr, arrears_interest_idr,"
            " accrued_interest_idr, lines, at) VALUES (:loan, 1, 'disbursement', :on,"
            " :principal, 0, 0, 0, :lines, :at)"),
            {"loan": loan_id, "on": disbursed_on, "principal": principal,
             "lines": json.dumps(lines), "at": now})


def downgrade():
    with op.batch_alter_table('loan_applications', schema=None) as batch_op:
        batch_op.drop_constraint('grace_within_tenor', type_='check')
        batch_op.drop_column('lean_months')
        batch_op.drop_column('grace_months')
    with op.batch_alter_table('loan_payments', schema=None) as batch_op:
        batch_op.drop_constraint('kind_known', type_='check')
        batch_op.drop_column('kind')
    op.drop_table('loan_schedule_revisions')
