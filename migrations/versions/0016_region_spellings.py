"""Region names written closed, as Kemendagri and the regions spell them (Kota
Baubau, Kabupaten Fakfak, Kabupaten Tolitoli, Kota Pangkalpinang, Kota
Tanjungpinang, Kota Lubuklinggau): docs/identifiers.md section 4.

Revision ID: 0016_region_spellings
Revises: 0015_kur_rule_data
Create Date: 2026-12-02 18:15:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0016_region_spellings'
down_revision = '0015_kur_rule_data'
branch_labels = None
depends_on = None

NAMES = {
    "16.73": ("Kota Lubuk Linggau", "Kota Lubuklinggau"),
    "19.71": ("Kota Pangkal Pinang", "Kota Pangkalpinang"),
    "21.72": ("Kota Tanjung Pinang", "Kota Tanjungpinang"),
    "72.04": ("Kabupaten Toli-Toli", "Kabupaten Tolitoli"),
    "74.72": ("Kota Bau Bau", "Kota Baubau"),
    "92.03": ("Kabupaten Fak Fak", "Kabupaten Fakfak"),
}


def _rename(which: int) -> None:
    connection = op.get_bind()
    for code, names in NAMES.items():
        connection.execute(sa.text("UPDATE regencies SET name = :name WHERE code = :code"),
                           {"name": names[which], "code": code})


def upgrade():
    _rename(1)


def downgrade():
    _rename(0)
