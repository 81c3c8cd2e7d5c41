"""Observers: a role that reads the programme's figures for a region, never a person.

Revision ID: 0009_observer_role
Revises: 0008_erasure
Create Date: 2026-12-01

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0009_observer_role'
down_revision = '0008_erasure'
branch_labels = None
depends_on = None


def _checks(roles, regional):
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_users_role'), type_='check')
        batch_op.drop_constraint(
            batch_op.f('ck_users_scope_only_for_regional_roles'), type_='check'
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_users_role'),
            "role IN (" + ", ".join(f"'{r}'" for r in roles) + ")",
        )
        batch_op.create_check_constraint(
            batch_op.f('ck_users_scope_only_for_regional_roles'),
            "role IN (" + ", ".join(f"'{r}'" for r in regional) + ") "
            "OR (scope_province_code IS NULL AND scope_regency_code IS NULL)",
        )


def upgrade():
    _checks(('returnee', 'mentor', 'official', 'bank_officer', 'admin', 'observer'),
            ('mentor', 'official', 'bank_officer', 'observer'))


def downgrade():
    op.execute("DELETE FROM users WHERE role = 'observer'")
    _checks(('returnee', 'mentor', 'official', 'bank_officer', 'admin'),
            ('mentor', 'official', 'bank_officer'))
