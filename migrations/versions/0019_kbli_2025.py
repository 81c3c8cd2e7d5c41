"""KBLI 2025 (Perba BPS 7/2025, replacing Perba BPS 2/2020): the reference table
kbli_codes (22 categories to 1,559 five-digit subclasses, from juragan/data/kbli2025),
a five-digit kbli_code on plans and businesses, and their section letters moved from
KBLI 2020 (A-U) to KBLI 2025 categories (A-V) by the mapping of docs/kbli.md, in the
rows and in the plans' stored versions. Existing rows get no code: only their owner
knows which subclass they are.

Revision ID: 0019_kbli_2025
Revises: 0018_loan_checks_events
Create Date: 2026-12-02

"""
import json

from alembic import op
import sqlalchemy as sa

from juragan.kbli import (
    CATEGORY_2025_TO_2020,
    LINE_OVERRIDES_2020,
    SECTION_2020_TO_2025,
    section_from_2020,
    table_rows,
)


# revision identifiers, used by Alembic.
revision = '0019_kbli_2025'
down_revision = '0018_loan_checks_events'
branch_labels = None
depends_on = None

SECTIONS_2020 = "('A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', 'P', 'Q', 'R', 'S', 'T', 'U')"
CATEGORIES_2025 = "('A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', 'P', 'Q', 'R', 'S', 'T', 'U', 'V')"
TABLES = ("business_plans", "businesses")


def upgrade():
    kbli = op.create_table('kbli_codes',
    sa.Column('code', sa.String(length=5), nullable=False),
    sa.Column('edition', sa.String(length=4), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('parent_code', sa.String(length=5), nullable=True),
    sa.Column('category', sa.String(length=1), nullable=False),
    sa.CheckConstraint("(level = 'category' AND parent_code IS NULL AND code = category) OR (level <> 'category' AND parent_code IS NOT NULL)", name=op.f('ck_kbli_codes_parent_by_level')),
    sa.CheckConstraint(f"category IN {CATEGORIES_2025}", name=op.f('ck_kbli_codes_category_known')),
    sa.CheckConstraint("edition = '2025'", name=op.f('ck_kbli_codes_edition_known')),
    sa.CheckConstraint("level IN ('category', 'division', 'group', 'class', 'subclass')", name=op.f('ck_kbli_codes_level_known')),
    sa.ForeignKeyConstraint(['parent_code'], ['kbli_codes.code'], name=op.f('fk_kbli_codes_parent_code_kbli_codes'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_kbli_codes')),
    sa.UniqueConstraint('code', 'category', name=op.f('uq_kbli_codes_code_category'))
    )
    # Reference data: every level of KBLI 2025, parents first.
    op.bulk_insert(kbli, table_rows())

    connection = op.get_bind()
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'ck_{table}_kbli_known'), type_='check')
        # KBLI 2020 section (and, for G, the line of business) to KBLI 2025, in
        # one statement so that no row is moved twice (K→L, then L→M...).
        overrides = " ".join(
            f"WHEN kbli_section = '{old}' AND sector = '{sector}' THEN '{new}'"
            for (old, sector), new in LINE_OVERRIDES_2020.items())
        connection.execute(sa.text(
            f"UPDATE {table} SET kbli_section = CASE {overrides} "
            + _cases(SECTION_2020_TO_2025) + " END"))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column('kbli_code', sa.String(length=5), nullable=True))
            batch_op.create_index(batch_op.f(f'ix_{table}_kbli_code'), ['kbli_code'], unique=False)
            batch_op.create_foreign_key(f'fk_{table}_kbli_code_in_category', 'kbli_codes', ['kbli_code', 'kbli_section'], ['code', 'category'], ondelete='RESTRICT')
            batch_op.create_check_constraint(batch_op.f(f'ck_{table}_kbli_known'), f"kbli_section IN {CATEGORIES_2025}")
            batch_op.create_check_constraint(batch_op.f(f'ck_{table}_kbli_code_subclass'), "kbli_code IS NULL OR length(kbli_code) = 5")

    _recode_versions(connection, lambda section, sector: section_from_2020(section, sector),
                     code=True)


def downgrade():
    connection = op.get_bind()
    _recode_versions(connection, lambda section, sector: CATEGORY_2025_TO_2020.get(section),
                     code=False)
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_constraint(batch_op.f(f'ck_{table}_kbli_code_subclass'), type_='check')
            batch_op.drop_constraint(batch_op.f(f'ck_{table}_kbli_known'), type_='check')
            batch_op.drop_constraint(f'fk_{table}_kbli_code_in_category', type_='foreignkey')
            batch_op.drop_index(batch_op.f(f'ix_{table}_kbli_code'))
            batch_op.drop_column('kbli_code')
        connection.execute(sa.text(
            f"UPDATE {table} SET kbli_section = CASE "
            + _cases(CATEGORY_2025_TO_2020) + " END"))
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_check_constraint(batch_op.f(f'ck_{table}_kbli_known'), f"kbli_section IN {SECTIONS_2020}")
    op.drop_table('kbli_codes')


def _cases(mapping):
    return " ".join(f"WHEN kbli_section = '{old}' THEN '{new}'"
                    for old, new in mapping.items())


def _recode_versions(connection, recode, code):
    """A stored version names its section in the edition of the day: recode it, so
    that a letter is read in one edition only (a 2020 K is finance, a 2025 K is
    telecommunications)."""
    rows = connection.execute(sa.text("SELECT id, content FROM plan_versions")).all()
    changed = []
    for row in rows:
        content = row.content if isinstance(row.content, dict) else json.loads(row.content)
        text = content.get("text") or {}
        if text.get("kbli_section"):
            text["kbli_section"] = recode(text["kbli_section"], text.get("sector"))
        if code:
            text.setdefault("kbli_code", None)
        else:
            text.pop("kbli_code", None)
        changed.append({"id": row.id, "content": json.dumps(content)})
    if changed:
        cast = "CAST(:content AS JSON)" if connection.dialect.name == "postgresql" else ":content"
        connection.execute(sa.text(f"UPDATE plan_versions SET content = {cast} WHERE id = :id"),
                           changed)
