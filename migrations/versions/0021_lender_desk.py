"""The lender's desk: a decision service level per lender, when each application
entered its state (the work queue ages it from there), the facts the applicant
declared (the verdict is worked out again at the decision), the officers'
approvals (four eyes on an exception), and who declared a plan ready and when
(the mentor's endorsement).

Revision ID: 0021_lender_desk
Revises: 0020_restructured_class
Create Date: 2026-12-02 20:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_lender_desk'
down_revision = '0020_restructured_class'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('lenders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision_sla_days', sa.SmallInteger(),
                                      server_default='14', nullable=False))
        batch_op.create_check_constraint(op.f('ck_lenders_sla_range'),
                                         'decision_sla_days BETWEEN 1 AND 90')

    with op.batch_alter_table('loan_applications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status_changed_at', sa.DateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('declared_facts', sa.JSON(), server_default='{}',
                                      nullable=False))
    # An application entered its state at its last transition (or when it was made).
    op.execute(
        "UPDATE loan_applications SET status_changed_at = COALESCE("
        "(SELECT max(t.at) FROM loan_transitions t WHERE t.loan_id = loan_applications.id),"
        " loan_applications.created_at)"
    )
    with op.batch_alter_table('loan_applications', schema=None) as batch_op:
        batch_op.alter_column('status_changed_at', existing_type=sa.DateTime(timezone=True),
                              nullable=False)
        batch_op.create_index('ix_loan_applications_queue',
                              ['lender', 'status', 'status_changed_at', 'id'], unique=False)

    with op.batch_alter_table('business_plans', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ready_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('ready_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_business_plans_ready_by_id_users'),
                                    'users', ['ready_by_id'], ['id'], ondelete='SET NULL')

    op.create_table(
        'loan_approvals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('loan_id', sa.Integer(), nullable=False),
        sa.Column('officer_id', sa.Integer(), nullable=True),
        sa.Column('lender_code', sa.String(length=16), nullable=False),
        sa.Column('step', sa.SmallInteger(), nullable=False),
        sa.Column('exceptions', sa.JSON(), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint('step IN (1, 2)', name=op.f('ck_loan_approvals_step_known')),
        sa.CheckConstraint('reason IS NULL OR length(trim(reason)) > 0',
                           name=op.f('ck_loan_approvals_reason_not_blank')),
        sa.ForeignKeyConstraint(['lender_code'], ['lenders.code'],
                                name=op.f('fk_loan_approvals_lender_code_lenders'),
                                ondelete='RESTRICT'),
        sa.ForeignKeyConstraint(['loan_id'], ['loan_applications.id'],
                                name=op.f('fk_loan_approvals_loan_id_loan_applications'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['officer_id'], ['users.id'],
                                name=op.f('fk_loan_approvals_officer_id_users'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_loan_approvals')),
        sa.UniqueConstraint('loan_id', 'officer_id',
                            name=op.f('uq_loan_approvals_loan_id_officer_id')),
        sa.UniqueConstraint('loan_id', 'step', name=op.f('uq_loan_approvals_loan_id_step')),
    )
    with op.batch_alter_table('loan_approvals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loan_approvals_loan_id'), ['loan_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('loan_approvals', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loan_approvals_loan_id'))
    op.drop_table('loan_approvals')
    with op.batch_alter_table('business_plans', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_business_plans_ready_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('ready_at')
        batch_op.drop_column('ready_by_id')
    with op.batch_alter_table('loan_applications', schema=None) as batch_op:
        batch_op.drop_index('ix_loan_applications_queue')
        batch_op.drop_column('declared_facts')
        batch_op.drop_column('status_changed_at')
    with op.batch_alter_table('lenders', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_lenders_sla_range'), type_='check')
        batch_op.drop_column('decision_sla_days')
