"""The NIK at rest: encrypted (nik_ciphertext) with a keyed hash (nik_hash) for
lookups and uniqueness; the clear column goes. Uses the app's NIK keys.

Revision ID: 0007_nik_vault
Revises: 0006_server_sessions
Create Date: 2026-12-01

"""
import hashlib
import hmac

from alembic import op
import sqlalchemy as sa
from cryptography.fernet import Fernet, MultiFernet
from flask import current_app


# revision identifiers, used by Alembic.
revision = '0007_nik_vault'
down_revision = '0006_server_sessions'
branch_labels = None
depends_on = None

_BATCH = 5000


class _Vault:
    """The NIK vault as it was when this revision was written (``juragan.vault``
    then), copied so that the app's module may move or change: a Fernet token
    under the first encryption key (any key of the list decrypts), and the
    HMAC-SHA256 hex digest under the first HMAC key. The keys are the app's
    configuration, NIK_ENCRYPTION_KEYS and NIK_HMAC_KEYS, newest first."""

    def __init__(self, encryption_keys, hmac_keys):
        if not encryption_keys or not hmac_keys:
            raise ValueError("at least one encryption key and one HMAC key are needed")
        self.fernets = [Fernet(key.encode()) for key in encryption_keys]
        self.hmac_key = hmac_keys[0].encode()

    def encrypt(self, value):
        return self.fernets[0].encrypt(value.encode()).decode()

    def decrypt(self, token):
        return MultiFernet(self.fernets).decrypt(token.encode()).decode()

    def lookup_hash(self, value):
        return hmac.new(self.hmac_key, value.encode(), hashlib.sha256).hexdigest()


def _keys():
    config = current_app.config
    return _Vault(config["NIK_ENCRYPTION_KEYS"], config["NIK_HMAC_KEYS"])


def upgrade():
    with op.batch_alter_table('returnees', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nik_ciphertext', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('nik_hash', sa.String(length=64), nullable=True))
    keys = _keys()
    connection = op.get_bind()
    update = sa.text(
        "UPDATE returnees SET nik_ciphertext = :ciphertext, nik_hash = :hash WHERE id = :id"
    )
    last = 0
    while True:
        rows = connection.execute(
            sa.text("SELECT id, nik FROM returnees WHERE id > :last ORDER BY id LIMIT :n"),
            {"last": last, "n": _BATCH},
        ).all()
        if not rows:
            break
        connection.execute(update, [
            {"id": row.id, "ciphertext": keys.encrypt(row.nik),
             "hash": keys.lookup_hash(row.nik)}
            for row in rows
        ])
        last = rows[-1].id
    with op.batch_alter_table('returnees', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_returnees_nik'), type_='unique')
        batch_op.drop_constraint(batch_op.f('ck_returnees_nik_length'), type_='check')
        batch_op.drop_column('nik')
        batch_op.alter_column('nik_ciphertext', existing_type=sa.String(200), nullable=False)
        batch_op.alter_column('nik_hash', existing_type=sa.String(64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_returnees_nik_hash'), ['nik_hash'])
        batch_op.create_check_constraint(
            batch_op.f('ck_returnees_nik_hash_length'), 'length(nik_hash) = 64'
        )


def downgrade():
    with op.batch_alter_table('returnees', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nik', sa.String(length=16), nullable=True))
    keys = _keys()
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT id, nik_ciphertext FROM returnees")).all()
    if rows:
        connection.execute(
            sa.text("UPDATE returnees SET nik = :nik WHERE id = :id"),
            [{"id": row.id, "nik": keys.decrypt(row.nik_ciphertext)} for row in rows],
        )
    with op.batch_alter_table('returnees', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_returnees_nik_hash_length'), type_='check')
        batch_op.drop_constraint(batch_op.f('uq_returnees_nik_hash'), type_='unique')
        batch_op.drop_column('nik_hash')
        batch_op.drop_column('nik_ciphertext')
        batch_op.alter_column('nik', existing_type=sa.String(16), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_returnees_nik'), ['nik'])
        batch_op.create_check_constraint(batch_op.f('ck_returnees_nik_length'), 'length(nik) = 16')
