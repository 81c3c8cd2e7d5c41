"""Migrations take nothing from the live app: what a revision needs (reference data,
the NIK vault's format, the clock, the dashboards' rebuild) is frozen in the revision
or in ``migrations/data/``, so that moving or changing the app's modules never
changes or breaks ``flask db upgrade`` from an empty database. These tests check
that no revision imports the app, and that the frozen copies give what the app gave
when each revision was written."""

from __future__ import annotations

import ast
import hashlib
import hmac
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import flask_migrate
import pytest
import sqlalchemy as sa
from cryptography.fernet import Fernet
from dateutil.relativedelta import relativedelta
from sqlalchemy import inspect, text

from juragan import create_app
from juragan.db.vault import configure as configure_vault
from juragan.db.vault import current as current_vault
from juragan.db.vault import make_vault
from juragan.extensions import db
from tests.conftest import TEST_CONFIG
from tests.databases import throwaway_database
from tests.test_migrations import _insert

ROOT = Path(__file__).resolve().parents[1]
VERSIONS = ROOT / "migrations" / "versions"
DATA = ROOT / "migrations" / "data"
APP = "juragan"

#: Two keys of each kind, the newest first, as during a rotation: a revision
#: seals under the first and opens with any.
ENCRYPTION_KEYS = [Fernet.generate_key().decode(), Fernet.generate_key().decode()]
HMAC_KEYS = ["h" * 40, "older-hmac-key-still-listed-for-lookups"]


# No revision imports the app ---------------------------------------------------------


def _is_app(name: str) -> bool:
    return name == APP or name.startswith(APP + ".")


def _named_module(node: ast.AST) -> str | None:
    """The module an import_module()/__import__() call names, if it is written out
    (the literal start of an f-string counts)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr) and node.values:
        first = node.values[0]
        if isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
    return None


def app_imports(source: str) -> list[str]:
    """Every import of the app in ``source``, at any depth (inside functions and
    classes too), including importlib.import_module() and __import__() calls."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if _is_app(alias.name)]
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module and _is_app(node.module):
                found.append(node.module)
        elif isinstance(node, ast.Call) and node.args:
            function = node.func
            name = (
                function.attr
                if isinstance(function, ast.Attribute)
                else getattr(function, "id", None)
            )
            module = _named_module(node.args[0])
            if name in {"import_module", "__import__"} and module and _is_app(module):
                found.append(module)
    return found


@pytest.mark.parametrize(
    ("source", "found"),
    [
        ("from juragan.reference import region_rows", ["juragan.reference"]),
        ("import juragan.vault as v", ["juragan.vault"]),
        ("from juragan import clock", ["juragan"]),
        ("def _keys():\n    from juragan.vault import make_vault\n", ["juragan.vault"]),
        ("class A:\n    def f(self):\n        import juragan\n", ["juragan"]),
        (
            "import importlib\nm = importlib.import_module('juragan.kbli')",
            ["juragan.kbli"],
        ),
        ("def f(x):\n    return __import__(f'juragan.{x}')", ["juragan."]),
        ("import json\nfrom flask import current_app\nimport juraganic", []),
        ("from sqlalchemy.orm import Session\nimport sqlalchemy as sa", []),
    ],
)
def test_the_check_finds_imports_of_the_app_wherever_they_are(source, found):
    assert app_imports(source) == found


def test_no_migration_imports_the_app():
    files = sorted(VERSIONS.glob("*.py"))
    revisions = {path.name for path in files if "\nrevision = " in path.read_text()}
    assert len(files) >= 24
    assert revisions == {path.name for path in files}
    offenders = {
        path.name: imports
        for path in files
        if (imports := app_imports(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, (
        "A migration must not import the live app (it may move or change): "
        "copy what it needs into the revision or migrations/data/."
    )


# The frozen data ---------------------------------------------------------------------

#: SHA-256 of every file a revision reads: frozen, so never edited (a change of
#: the reference data belongs in a new revision). The KBLI files must also stay as
#: published (their licence, migrations/data/0019_kbli_2025/LICENSE-kbli-2025.md).
FROZEN_FILES = {
    "0001_foundation/provinces.csv": "ee9e5b5aaca298c41aef1aa0888285e103856f1414134bbb7afc68b294c9a89d",
    "0001_foundation/regencies.csv": "e0363b7a2a369224078e3809eb570a9b07af0ef86a34f36a201205668fcbedf2",
    "0019_kbli_2025/kbli2025/01_kategori.json": "795e03b5d02c3b574cf2f5ce987b0f7f3ae245f3c64f7e6f996423215639121c",
    "0019_kbli_2025/kbli2025/02_golongan_pokok.json": "baf5527848cc43331cacc013c07723729cc17089eb5068922fac1f9655377646",
    "0019_kbli_2025/kbli2025/03_golongan.json": "e909b65b1900d41dc3bf41e139a7f03448d717a1feec6830b09ae1a40cd111bc",
    "0019_kbli_2025/kbli2025/04_subgolongan.json": "bc9e98d492f7da52542bf0bbc2ce5114eb1339eb36122d18385d6374939408ae",
    "0019_kbli_2025/kbli2025/05_kelompok.json": "30f59058afe7a3347982d5b611226c3f088c9bca39e53c59ee7bbd31fce07cc0",
}


def test_the_frozen_data_files_are_unchanged():
    found = {
        name: hashlib.sha256((DATA / name).read_bytes()).hexdigest()
        for name in FROZEN_FILES
    }
    assert found == FROZEN_FILES


# Upgrades on a database of their own ---------------------------------------------------


@pytest.fixture(scope="module")
def frozen_app(tmp_path_factory):
    # Making an app configures the process's vault with its keys; the suite's
    # app (and its rows) goes on under the suite's keys afterwards.
    suite_vault = current_vault()
    with throwaway_database(tmp_path_factory.mktemp("frozen")) as url:
        app = create_app(
            {
                **TEST_CONFIG,
                "SQLALCHEMY_DATABASE_URI": url,
                "NIK_ENCRYPTION_KEYS": ENCRYPTION_KEYS,
                "NIK_HMAC_KEYS": HMAC_KEYS,
            }
        )
        try:
            yield app
        finally:
            with app.app_context():
                db.engine.dispose()
            configure_vault(suite_vault)


def _digest(connection, sql: str) -> str:
    rows = [list(row) for row in connection.execute(text(sql))]
    return hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode()).hexdigest()


#: What an upgrade from empty inserted before the reference data was frozen (the
#: app's region and KBLI files of 2026-12; 0016's spellings included).
REGION_ROWS = "60e1dd0ff3f632c44747d926e297bbecb268d920da633df4f1f48bdd45d539d2"
KBLI_ROWS = "7177fb6d29fad3caf0827120ff670654597127c0ace4b60b27e495d49c3a7592"


def test_empty_to_head_inserts_the_same_reference_rows_and_back_to_base(frozen_app):
    with frozen_app.app_context():
        flask_migrate.downgrade(revision="base")
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            count = connection.scalar
            assert count(text("SELECT count(*) FROM provinces")) == 38
            assert count(text("SELECT count(*) FROM regencies")) == 514
            assert (
                count(text("SELECT name FROM regencies WHERE code = '74.72'"))
                == "Kota Baubau"
            )
            levels = dict(
                connection.execute(
                    text("SELECT level, count(*) FROM kbli_codes GROUP BY level")
                ).all()
            )
            assert levels == {
                "category": 22,
                "division": 87,
                "group": 257,
                "class": 519,
                "subclass": 1559,
            }
            regions = _digest(
                connection,
                "SELECT p.code, p.name, r.code, r.name FROM regencies r"
                " JOIN provinces p ON p.code = r.province_code ORDER BY r.code",
            )
            kbli = _digest(
                connection,
                "SELECT code, edition, level, title, description, parent_code, category"
                " FROM kbli_codes ORDER BY code",
            )
        assert (regions, kbli) == (REGION_ROWS, KBLI_ROWS)
        flask_migrate.downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        flask_migrate.upgrade()


def _app_vault():
    return make_vault(ENCRYPTION_KEYS, HMAC_KEYS)


def _person(connection, person_id: int, **values) -> None:
    _insert(
        connection,
        "returnees",
        {
            "id": person_id,
            "sex": "F",
            "education": "sd",
            "marital_status": "married",
            "province_code": "35",
            "regency_code": "35.07",
            "dependants": 0,
            "birth_date": date(1990, 1, 1),
            **values,
        },
    )


def _loan(connection, loan_id: int, person_id: int, **values) -> None:
    _insert(
        connection,
        "loan_applications",
        {
            "id": loan_id,
            "returnee_id": person_id,
            "kind": "business",
            "scheme": "mikro",
            "lender": "bri",
            "purpose": "working_capital",
            "status": "submitted",
            "other_credit": "none",
            "tenor_months": 12,
            "amount_requested_idr": 12_000_000,
            "applied_on": date(2025, 1, 2),
            **values,
        },
    )


def test_the_nik_and_npwp_are_sealed_as_the_app_seals_them_and_opened_again(
    frozen_app,
):
    """0007 and 0012, with rows: the ciphertext is a Fernet token under the first
    encryption key, the hash the HMAC-SHA256 under the first HMAC key (the app
    finds the person by it); the NPWP leaves the audit trail; going back opens
    them with any listed key."""
    nik, npwp = "3507014101900001", "0123456789012345"
    older = Fernet(ENCRYPTION_KEYS[1].encode())
    with frozen_app.app_context():
        flask_migrate.downgrade(revision="base")
        flask_migrate.upgrade(revision="0006_server_sessions")
        with db.engine.begin() as connection:
            _person(connection, 1, nik=nik)
            _person(connection, 2, nik="3507014101900002")
            _loan(connection, 1, 1, npwp=npwp)
            _loan(connection, 2, 2)
            _insert(
                connection,
                "audit_log",
                {
                    "actor_label": "x",
                    "action": "update",
                    "table_name": "loan_applications",
                    "object_id": "1",
                    "changes": json.dumps(
                        {"npwp": [None, npwp], "status": ["draft", "submitted"]}
                    ),
                },
            )
        flask_migrate.upgrade(revision="0012_checks_npwp")
        vault = _app_vault()
        with db.engine.connect() as connection:
            sealed = connection.execute(
                text("SELECT nik_ciphertext, nik_hash FROM returnees WHERE id = 1")
            ).one()
            loan = connection.execute(
                text(
                    "SELECT npwp_ciphertext, npwp_hash FROM loan_applications WHERE id = 1"
                )
            ).one()
            unsealed = connection.execute(
                text(
                    "SELECT npwp_ciphertext, npwp_hash FROM loan_applications WHERE id = 2"
                )
            ).one()
            changes = connection.execute(
                text(
                    "SELECT changes FROM audit_log WHERE table_name = 'loan_applications'"
                )
            ).scalar_one()
        first = Fernet(ENCRYPTION_KEYS[0].encode())
        assert first.decrypt(sealed.nik_ciphertext.encode()).decode() == nik
        assert sealed.nik_hash == vault.lookup_hash(nik)
        assert (
            sealed.nik_hash
            == hmac.new(HMAC_KEYS[0].encode(), nik.encode(), hashlib.sha256).hexdigest()
        )
        assert first.decrypt(loan.npwp_ciphertext.encode()).decode() == npwp
        assert loan.npwp_hash == vault.lookup_hash(npwp)
        assert tuple(unsealed) == (None, None)
        changes = changes if isinstance(changes, dict) else json.loads(changes)
        assert changes == {"npwp": ["***", "***"], "status": ["draft", "submitted"]}
        # Sealed under the older key (not yet rotated): going back still opens it.
        with db.engine.begin() as connection:
            connection.execute(
                text("UPDATE returnees SET nik_ciphertext = :token WHERE id = 2"),
                {"token": older.encrypt(b"3507014101900002").decode()},
            )
        flask_migrate.downgrade(revision="0006_server_sessions")
        with db.engine.connect() as connection:
            assert dict(
                connection.execute(text("SELECT id, nik FROM returnees")).all()
            ) == {1: nik, 2: "3507014101900002"}
            assert (
                connection.execute(
                    text("SELECT npwp FROM loan_applications WHERE id = 1")
                ).scalar_one()
                == npwp
            )
        with db.engine.begin() as connection:
            for table in ("audit_log", "loan_applications", "returnees"):
                connection.execute(text(f"DELETE FROM {table}"))
        flask_migrate.upgrade()


def _month_ends(first: date, last: date) -> list[date]:
    ends, month = [], first.replace(day=1)
    while month <= last:
        ends.append(month + relativedelta(months=1, days=-1))
        month += relativedelta(months=1)
    return ends


def _schedule(loan_id: int, dues: list[date], principal: int, interest: int):
    return [
        {
            "loan_id": loan_id,
            "number": n,
            "due_on": due,
            "principal_idr": principal,
            "interest_idr": interest,
            "paid_principal_idr": 0,
            "paid_interest_idr": 0,
        }
        for n, due in enumerate(dues, 1)
    ]


def test_the_summaries_of_a_registry_are_rebuilt_with_the_class_floor(frozen_app):
    """0014 gives each disbursed loan its schedule as its first revision; 0020
    rebuilds the dashboards' summaries of an existing registry, with a restructured
    loan's class floor (POJK 40/2019): the class before until three instalments in
    a row are paid on time. Worked by hand below."""
    ours = sa.table(
        "loan_schedule_revisions",
        sa.column("loan_id"),
        sa.column("number"),
        sa.column("kind"),
        sa.column("effective_on", sa.Date),
        sa.column("grade_before"),
        sa.column("lines", sa.JSON),
        sa.column("reason"),
        sa.column("option"),
        sa.column("principal_idr"),
        sa.column("arrears_principal_idr"),
        sa.column("arrears_interest_idr"),
        sa.column("accrued_interest_idr"),
        sa.column("at", sa.DateTime(timezone=True)),
    )
    with frozen_app.app_context():
        flask_migrate.downgrade(revision="base")
        flask_migrate.upgrade(revision="0013_disclosure_keys")
        with db.engine.begin() as connection:
            # Sri, East Java (WIB), home from Malaysia 15 August 2024, runs a warung
            # since 1 March 2025; Made, Bali (WITA), home from Hong Kong.
            _person(connection, 1, nik_hash="1" * 64, disclosure_key=7)
            _person(
                connection,
                2,
                nik_hash="2" * 64,
                sex="M",
                province_code="51",
                regency_code="51.71",
                disclosure_key=11,
            )
            for pid, person, country, back in (
                (1, 1, "MY", date(2024, 8, 15)),
                (2, 2, "HK", date(2024, 11, 2)),
            ):
                _insert(
                    connection,
                    "placements",
                    {
                        "id": pid,
                        "returnee_id": person,
                        "country_code": country,
                        "sector": "domestic_worker",
                        "is_independent": True,
                        "departure_date": date(2020, 1, 1),
                        "contract_months": 24,
                        "return_date": back,
                        "return_reason": "contract_completed",
                    },
                )
            _insert(
                connection,
                "businesses",
                {
                    "id": 1,
                    "returnee_id": 1,
                    "sector": "warung",
                    "kbli_section": "G",
                    "legal_form": "individual",
                    "status": "operating",
                    "province_code": "35",
                    "regency_code": "35.07",
                    "opened_on": date(2025, 3, 1),
                    "status_since": date(2025, 3, 1),
                    "workers_family": 1,
                    "workers_paid": 2,
                    "disclosure_key": 5,
                },
            )
            _insert(
                connection,
                "business_status_changes",
                {
                    "id": 1,
                    "business_id": 1,
                    "to_status": "operating",
                    "changed_on": date(2025, 3, 1),
                },
            )
            # A: one instalment paid, then nothing. B: restructured on 1 April
            # 2025 from class 3, its third new instalment paid late. C: restructured
            # too, three paid on time, then paid off on 1 September in Bali (still
            # 31 August in Jakarta).
            disbursed = {
                "status": "repaying",
                "amount_disbursed_idr": 3_000_000,
                "amount_requested_idr": 3_000_000,
                "disbursed_on": date(2025, 1, 15),
            }
            # (A is a placement KUR: one business KUR at a time, at this revision.)
            _loan(
                connection,
                1,
                1,
                disclosure_key=100,
                kind="placement",
                scheme="pmi",
                **disbursed,
            )
            _loan(
                connection,
                2,
                1,
                disclosure_key=200,
                **{**disbursed, "status": "restructured"},
            )
            _loan(
                connection,
                3,
                2,
                disclosure_key=300,
                scheme="kecil",
                lender="bni",
                **{**disbursed, "status": "paid_off"},
            )
            old = [date(2025, 2, 15), date(2025, 3, 15), date(2025, 4, 15)]
            new = [
                date(2025, 5, 15),
                date(2025, 6, 15),
                date(2025, 7, 15),
                date(2025, 8, 15),
            ]
            instalments = (
                _schedule(1, old, 1_000_000, 10_000)
                + _schedule(2, new, 1_000_000, 10_000)
                + _schedule(3, new, 1_000_000, 10_000)
            )
            instalments[0] |= {
                "paid_principal_idr": 1_000_000,
                "paid_interest_idr": 10_000,
                "settled_on": date(2025, 2, 10),
            }
            for row in instalments:
                _insert(connection, "loan_instalments", row)
            payments = [
                (1, date(2025, 2, 10)),
                (2, date(2025, 5, 15)),
                (2, date(2025, 6, 14)),
                (2, date(2025, 7, 20)),
                (2, date(2025, 8, 15)),
                (3, date(2025, 5, 15)),
                (3, date(2025, 6, 15)),
                (3, date(2025, 7, 14)),
                (3, date(2025, 8, 15)),
            ]
            for pid, (loan_id, day) in enumerate(payments, 1):
                _insert(
                    connection,
                    "loan_payments",
                    {
                        "id": pid,
                        "loan_id": loan_id,
                        "paid_on": day,
                        "amount_idr": 1_010_000,
                    },
                )
            _insert(
                connection,
                "loan_transitions",
                {
                    "id": 1,
                    "loan_id": 3,
                    "to_status": "paid_off",
                    "at": datetime(2025, 8, 31, 16, 30, tzinfo=UTC),
                },
            )
        before = datetime.now(UTC) - timedelta(seconds=1)
        flask_migrate.upgrade(revision="0019_kbli_2025")
        after = datetime.now(UTC) + timedelta(seconds=1)
        with db.engine.begin() as connection:
            first = connection.execute(
                sa.select(
                    ours.c.loan_id,
                    ours.c.number,
                    ours.c.kind,
                    ours.c.effective_on,
                    ours.c.lines,
                ).order_by(ours.c.loan_id)
            ).all()
            moments = (
                connection.execute(text("SELECT at FROM loan_schedule_revisions"))
                .scalars()
                .all()
            )
            assert [tuple(r[:4]) for r in first] == [
                (loan, 1, "disbursement", date(2025, 1, 15)) for loan in (1, 2, 3)
            ]
            assert first[1].lines == [
                [n, str(d), 1_000_000, 10_000] for n, d in enumerate(new, 1)
            ]
            for moment in moments:
                moment = (
                    moment
                    if isinstance(moment, datetime)
                    else datetime.fromisoformat(moment)
                )
                moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
                assert before <= moment <= after
            # B and C were laid out again: first on the old schedule, then anew.
            original = [[n, str(d), 1_000_000, 10_000] for n, d in enumerate(old, 1)]
            connection.execute(
                sa.update(ours).where(ours.c.loan_id.in_([2, 3])).values(lines=original)
            )
            for loan_id in (2, 3):
                connection.execute(
                    sa.insert(ours).values(
                        loan_id=loan_id,
                        number=2,
                        kind="restructuring",
                        effective_on=date(2025, 4, 1),
                        grade_before=3,
                        reason="Banjir.",
                        option="capitalise",
                        principal_idr=4_000_000,
                        arrears_principal_idr=0,
                        arrears_interest_idr=0,
                        accrued_interest_idr=0,
                        lines=[],
                        at=datetime.now(UTC),
                    )
                )
        flask_migrate.upgrade(revision="0020_restructured_class")
        with db.engine.connect() as connection:
            facts = {
                row.returnee_id: row
                for row in connection.execute(text("SELECT * FROM returnee_facts"))
            }
            loans = {
                row.loan_id: row
                for row in connection.execute(text("SELECT * FROM loan_facts"))
            }
            business = connection.execute(text("SELECT * FROM business_facts")).one()
            months = {}
            for row in connection.execute(
                text(
                    "SELECT loan_id, month_end, outstanding_idr, days_past_due, grade,"
                    " record_key, scheme_mask FROM loan_months ORDER BY loan_id, month_end"
                )
            ):
                day = row.month_end
                day = day if isinstance(day, date) else date.fromisoformat(day)
                months.setdefault(row.loan_id, {})[day] = tuple(row[2:])
            nation = connection.execute(
                text(
                    "SELECT sum(returnees), sum(opened), sum(workers), sum(key_sum),"
                    " sum(operating_at_12) FROM returnee_cells"
                    " WHERE province_code = '' AND regency_code = ''"
                )
            ).one()
        sri, made = facts[1], facts[2]
        assert (
            sri.province_code,
            sri.regency_code,
            sri.sex,
            sri.return_quarter,
            sri.country_code,
            sri.sector,
            sri.scheme_mask,
            sri.lender_mask,
        ) == ("35", "35.07", "F", 20243, "MY", "warung", 2 | 16, 1)
        assert (
            made.return_quarter,
            made.country_code,
            made.sector,
            made.scheme_mask,
            made.lender_mask,
        ) == (20244, "HK", "", 4, 2)
        assert (sri.businesses, sri.operating, sri.workers) == (1, 1, 3)
        assert sri.record_key == 7
        # Home 15 August 2024, operating from 1 March 2025: not yet at 3 and 6
        # months, operating at 12, 24 and 36 (still open).
        assert [
            bool(sri._mapping[f"operating_at_{m}"]) for m in (3, 6, 12, 24, 36)
        ] == [False, False, True, True, True]
        assert (
            business.days_from_return,
            bool(business.is_operating_at_anniversary),
            business.workers,
            business.owner_key,
        ) == (198, True, 3, 7)
        assert tuple(nation) == (2, 1, 3, 18, 1)
        assert {
            k: (v.grade_floor, v.outstanding_idr, v.record_key)
            for k, v in loans.items()
        } == {1: (1, 2_000_000, 100), 2: (3, 4_000_000, 200), 3: (1, 4_000_000, 300)}
        a, b, c = months[1], months[2], months[3]
        today = datetime.now(UTC).astimezone(ZoneInfo("Asia/Jakarta")).date()
        horizon = _month_ends(date(2025, 1, 15), today + relativedelta(months=24))
        assert list(a) == horizon == list(b)
        # C closed on 1 September where Made lives: its last month is August.
        assert list(c) == horizon[:8]
        assert a[date(2025, 1, 31)] == (3_000_000, 0, 1, 100, 18)
        assert a[date(2025, 2, 28)] == (2_000_000, 0, 1, 100, 18)
        assert a[date(2025, 3, 31)] == (2_000_000, 16, 2, 100, 18)
        assert a[date(2025, 7, 31)] == (2_000_000, 138, 4, 100, 18)
        assert a[date(2025, 12, 31)] == (2_000_000, 291, 5, 100, 18)
        # Before the restructuring, on the old schedule: 44 days late is class 2.
        assert [b[d][:3] for d in horizon[:3]] == [
            (3_000_000, 0, 1),
            (3_000_000, 13, 2),
            (3_000_000, 44, 2),
        ]
        # After it, never better than class 3: the third new instalment was late.
        assert [b[d][:3] for d in horizon[3:8]] == [
            (4_000_000, 0, 3),
            (3_000_000, 0, 3),
            (2_000_000, 0, 3),
            (1_000_000, 0, 3),
            (0, 0, 3),
        ]
        assert {b[d][2] for d in horizon[8:]} == {3}
        # Three on time by 15 July: back to the class by days past due.
        assert [c[d][2] for d in horizon[3:8]] == [3, 3, 3, 1, 1]
        with db.engine.begin() as connection:
            for table in (
                "loan_months",
                "loan_facts",
                "business_facts",
                "returnee_cells",
                "returnee_facts",
                "loan_transitions",
                "loan_payments",
                "loan_schedule_revisions",
                "loan_instalments",
                "loan_applications",
                "business_status_changes",
                "businesses",
                "placements",
                "returnees",
            ):
                connection.execute(text(f"DELETE FROM {table}"))
        flask_migrate.upgrade()
