"""KBLI 2025 (Perba BPS 7/2025, replacing Perba BPS 2/2020): the reference table
kbli_codes (22 categories to 1,559 five-digit subclasses, from juragan/data/kbli2025
as it was then, copied unmodified to migrations/data/0019_kbli_2025/kbli2025),
a five-digit kbli_code on plans and businesses, and their section letters moved from
KBLI 2020 (A-U) to KBLI 2025 categories (A-V) by the mapping of docs/kbli.md, in the
rows and in the plans' stored versions. Existing rows get no code: only their owner
knows which subclass they are.

Revision ID: 0019_kbli_2025
Revises: 0018_loan_checks_events
Create Date: 2026-12-02

"""
import json
from pathlib import Path

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_kbli_2025'
down_revision = '0018_loan_checks_events'
branch_labels = None
depends_on = None

SECTIONS_2020 = "('A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', 'P', 'Q', 'R', 'S', 'T', 'U')"
CATEGORIES_2025 = "('A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O', 'P', 'Q', 'R', 'S', 'T', 'U', 'V')"
TABLES = ("business_plans", "businesses")

# What this revision takes from juragan.kbli as it was when it was written, copied
# here so that the app's module and data may move or change: the mapping of
# docs/kbli.md ("From KBLI 2020") and the shipped KBLI 2025 files, of which this
# revision keeps its own unmodified copy (their licence forbids changing them).

#: KBLI 2020 section → KBLI 2025 category (J splits, mostly into the new K).
SECTION_2020_TO_2025 = {
    "A": "A", "B": "B", "C": "C", "D": "D", "E": "E", "F": "F", "G": "G",
    "H": "H", "I": "I", "J": "K", "K": "L", "L": "M", "M": "N", "N": "O",
    "O": "P", "P": "Q", "Q": "R", "R": "S", "S": "T", "T": "U", "U": "V",
}
#: Old G for a services business is vehicle repair, which KBLI 2025 puts in T.
LINE_OVERRIDES_2020 = {("G", "services"): "T"}
#: Back from a 2025 category to the 2020 section most of it came from.
CATEGORY_2025_TO_2020 = {
    "A": "A", "B": "B", "C": "C", "D": "D", "E": "E", "F": "F", "G": "G",
    "H": "H", "I": "I", "J": "J", "K": "J", "L": "K", "M": "L", "N": "M",
    "O": "N", "P": "O", "Q": "P", "R": "Q", "S": "R", "T": "S", "U": "T", "V": "U",
}
DATA = Path(__file__).resolve().parents[1] / "data" / "0019_kbli_2025" / "kbli2025"
#: The files from the top level down, and the key naming each row's parent.
FILES = (
    ("01_kategori.json", None),
    ("02_golongan_pokok.json", "kategori_code"),
    ("03_golongan.json", "golongan_pokok_code"),
    ("04_subgolongan.json", "golongan_code"),
    ("05_kelompok.json", "subgolongan_code"),
)
LEVELS = ("category", "division", "group", "class", "subclass")


def section_from_2020(section, line=None):
    if section not in SECTION_2020_TO_2025:
        return None
    return LINE_OVERRIDES_2020.get((section, line), SECTION_2020_TO_2025[section])


def table_rows():
    """The rows of kbli_codes, parents before children, whitespace collapsed."""
    rows = {}
    for name, parent_key in FILES:
        with (DATA / name).open(encoding="utf-8") as f:
            entries = json.load(f)
        for entry in entries:
            code = entry["code"].strip()
            parent = entry[parent_key].strip() if parent_key else None
            rows[code] = {
                "edition": "2025",
                "code": code,
                "level": LEVELS[0] if code.isalpha() else LEVELS[len(code) - 1],
                "title": " ".join(entry["title"].split()),
                "description": " ".join(entry["description"].split()) or None,
                "parent_code": parent,
                "category": code if parent is None else rows[parent]["category"],
            }
    return list(rows.values())


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
