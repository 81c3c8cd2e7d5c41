"""Account recovery: one-time codes (only their keyed hashes), the e-mail addresses
and phone numbers each account proved it receives (keyed hashes too), and the
resets an official does in person after checking the KTP.

Revision ID: 0023_account_recovery
Revises: 0022_plan_lean_months
Create Date: 2026-12-10 09:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023_account_recovery'
down_revision = '0022_plan_lean_months'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'one_time_codes',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('purpose', sa.String(length=10), nullable=False),
        sa.Column('contact_kind', sa.String(length=5), nullable=True),
        sa.Column('destination_hash', sa.String(length=64), nullable=True),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('attempts', sa.SmallInteger(), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('ended_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('end_reason', sa.String(length=8), nullable=True),
        sa.CheckConstraint("purpose IN ('reset', 'in_person', 'verify')",
                           name=op.f('ck_one_time_codes_purpose_known')),
        sa.CheckConstraint("end_reason IS NULL OR end_reason IN ('used', 'replaced', "
                           "'attempts')", name=op.f('ck_one_time_codes_end_reason_known')),
        sa.CheckConstraint('(ended_at IS NULL) = (end_reason IS NULL)',
                           name=op.f('ck_one_time_codes_ended_with_reason')),
        sa.CheckConstraint('attempts >= 0',
                           name=op.f('ck_one_time_codes_attempts_not_negative')),
        sa.CheckConstraint('expires_at > created_at',
                           name=op.f('ck_one_time_codes_expires_after_creation')),
        sa.CheckConstraint("(purpose = 'verify') = (contact_kind IS NOT NULL AND "
                           "destination_hash IS NOT NULL)",
                           name=op.f('ck_one_time_codes_verify_names_its_contact')),
        sa.CheckConstraint("contact_kind IS NULL OR contact_kind IN ('email', 'phone')",
                           name=op.f('ck_one_time_codes_contact_kind_known')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_one_time_codes_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_one_time_codes')),
    )
    with op.batch_alter_table('one_time_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_one_time_codes_user_id'), ['user_id'],
                              unique=False)

    op.create_table(
        'verified_contacts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=5), nullable=False),
        sa.Column('value_hash', sa.String(length=64), nullable=False),
        sa.Column('verified_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('email', 'phone')",
                           name=op.f('ck_verified_contacts_kind_known')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_verified_contacts_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_verified_contacts')),
        sa.UniqueConstraint('kind', 'value_hash',
                            name=op.f('uq_verified_contacts_kind_value_hash')),
        sa.UniqueConstraint('user_id', 'kind',
                            name=op.f('uq_verified_contacts_user_id_kind')),
    )

    op.create_table(
        'access_resets',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('returnee_id', sa.Integer(), nullable=False),
        sa.Column('official_id', sa.Integer(), nullable=True),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('ktp_checked', sa.Boolean(), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.CheckConstraint('ktp_checked', name=op.f('ck_access_resets_ktp_checked')),
        sa.CheckConstraint('length(trim(note)) > 0',
                           name=op.f('ck_access_resets_note_not_blank')),
        sa.ForeignKeyConstraint(['official_id'], ['users.id'],
                                name=op.f('fk_access_resets_official_id_users'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['returnee_id'], ['returnees.id'],
                                name=op.f('fk_access_resets_returnee_id_returnees'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_access_resets')),
    )
    with op.batch_alter_table('access_resets', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_access_resets_returnee_id'), ['returnee_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('access_resets', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_access_resets_returnee_id'))
    op.drop_table('access_resets')
    op.drop_table('verified_contacts')
    with op.batch_alter_table('one_time_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_one_time_codes_user_id'))
    op.drop_table('one_time_codes')
