"""Migrations: empty to head, back to base and up again, and no drift from the models."""

from datetime import UTC

import flask_migrate
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, inspect, select

from juragan import create_app
from juragan.extensions import db
from juragan.models import Province, Regency
from tests.conftest import TEST_CONFIG
from tests.databases import throwaway_database


@pytest.fixture(scope="module")
def migration_app(tmp_path_factory):
    with throwaway_database(tmp_path_factory.mktemp("migrations")) as url:
        app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
        yield app
        with app.app_context():
            db.engine.dispose()


def tables(app):
    with app.app_context():
        return set(inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_round_trip(migration_app):
    with migration_app.app_context():
        flask_migrate.upgrade()
        assert tables(migration_app) == {
            "provinces",
            "regencies",
            "users",
            "returnees",
            "placements",
            "trainings",
            "invitations",
            "audit_log",
            "business_plans",
            "plan_capital_items",
            "plan_funding_sources",
            "plan_projection_months",
            "plan_versions",
            "plan_comments",
            "businesses",
            "business_status_changes",
            "loan_applications",
            "loan_transitions",
            "loan_approvals",
            "loan_documents",
            "loan_instalments",
            "loan_payments",
            "loan_schedule_revisions",
            "case_assignments",
            "visit_cadences",
            "visits",
            "action_items",
            "visit_photos",
            "wellbeing_checks",
            "business_reports",
            "returnee_facts",
            "returnee_cells",
            "regency_counts",
            "destination_counts",
            "business_facts",
            "loan_facts",
            "loan_months",
            "user_sessions",
            "erasure_requests",
            "lenders",
            "lender_branches",
            "registration_checks",
            "lender_terms",
            "loan_checks",
            "loan_events",
            "guarantee_claims",
            "kbli_codes",
            "one_time_codes",
            "verified_contacts",
            "access_resets",
            "consent_records",
        }
        with db.engine.connect() as connection:
            assert connection.scalar(select(func.count()).select_from(Regency)) == 514
        flask_migrate.downgrade(revision="base")
        assert tables(migration_app) == set()
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            assert connection.scalar(select(func.count()).select_from(Province)) == 38


def test_models_and_migrations_agree(migration_app):
    with migration_app.app_context():
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "compare_server_default": False}
            )
            diff = compare_metadata(context, db.metadata)
    assert diff == []


def _insert(connection, table, values, raw=None):
    """Insert a row giving every NOT NULL column some value (foreign keys are not
    checked while this runs), ``values`` overriding."""
    from datetime import date, datetime

    from sqlalchemy import text

    row = {}
    for column in inspect(connection).get_columns(table):
        if column["nullable"] or column.get("autoincrement") is True:
            continue
        kind = str(column["type"]).upper()
        row[column["name"]] = (
            1
            if "INT" in kind
            else 0
            if "NUMERIC" in kind
            else False
            if "BOOL" in kind
            else date(2026, 1, 1)
            if kind == "DATE"
            else datetime(2026, 1, 1, tzinfo=UTC)
            if "TIME" in kind
            else "{}"
            if "JSON" in kind
            else "x"
        )
    row.update(values)
    names = ", ".join(row)
    marks = ", ".join(f":{name}" for name in row)
    sql = f"INSERT INTO {table} ({names}) VALUES ({marks})"
    if raw is not None:  # SQLite's own connection (named parameters alike)
        raw.execute(
            sql,
            {
                k: v.isoformat() if hasattr(v, "isoformat") else v
                for k, v in row.items()
            },
        )
    else:
        connection.execute(text(sql), row)


def test_kbli_2020_sections_become_2025_categories(migration_app):
    # docs/kbli.md, "From KBLI 2020": I stays I; K (finance) → L; S → T;
    # J → K; G stays G for a warung but → T for a services line (vehicle repair).
    import json

    from sqlalchemy import text

    plans = [
        (1, "culinary", "I"),
        (2, "other", "K"),
        (3, "services", "S"),
        (4, "other", "J"),
        (5, "warung", "G"),
        (6, "services", "G"),
    ]
    with migration_app.app_context():
        flask_migrate.downgrade(revision="base")
        flask_migrate.upgrade(revision="0013_disclosure_keys")
        with db.engine.connect() as connection:
            raw = None
            if connection.dialect.name == "sqlite":
                # Outside SQLAlchemy's transaction, where the pragma would be ignored.
                raw = connection.connection.driver_connection
                if raw.in_transaction:
                    raw.execute("COMMIT")
                raw.execute("PRAGMA foreign_keys = OFF")
            else:
                connection.execute(text("SET session_replication_role = replica"))
            _insert(
                connection,
                "returnees",
                {
                    "id": 1,
                    "nik_hash": "0" * 64,
                    "sex": "F",
                    "education": "sd",
                    "marital_status": "married",
                    "province_code": "35",
                    "regency_code": "35.07",
                    "dependants": 0,
                },
                raw,
            )
            for pid, sector, section in plans:
                _insert(
                    connection,
                    "business_plans",
                    {
                        "id": pid,
                        "sector": sector,
                        "kbli_section": section,
                        "status": "draft",
                        "legal_form": "individual",
                        "projection_months": 12,
                        "workers_planned": 0,
                    },
                    raw,
                )
            _insert(
                connection,
                "businesses",
                {
                    "id": 1,
                    "sector": "other",
                    "kbli_section": "U",
                    "legal_form": "individual",
                    "status": "operating",
                    "workers_family": 0,
                    "workers_paid": 0,
                    "province_code": "35",
                    "regency_code": "35.07",
                },
                raw,
            )
            _insert(
                connection,
                "plan_versions",
                {
                    "id": 1,
                    "plan_id": 2,
                    "number": 1,
                    "content": json.dumps(
                        {"text": {"sector": "other", "kbli_section": "K"}}
                    ),
                },
                raw,
            )
            if raw is not None:
                if raw.in_transaction:
                    raw.execute("COMMIT")
                raw.execute("PRAGMA foreign_keys = ON")
            else:
                connection.execute(text("SET session_replication_role = DEFAULT"))
                connection.commit()
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            found = dict(
                connection.execute(
                    text("SELECT id, kbli_section FROM business_plans")
                ).all()
            )
            assert found == {1: "I", 2: "L", 3: "T", 4: "K", 5: "G", 6: "T"}
            assert connection.execute(
                text("SELECT kbli_section, kbli_code FROM businesses")
            ).one() == ("V", None)
            content = connection.execute(
                text("SELECT content FROM plan_versions")
            ).scalar_one()
            content = content if isinstance(content, dict) else json.loads(content)
            assert content["text"] == {
                "sector": "other",
                "kbli_section": "L",
                "kbli_code": None,
            }
        flask_migrate.downgrade(revision="0013_disclosure_keys")
        with db.engine.connect() as connection:
            back = dict(
                connection.execute(
                    text("SELECT id, kbli_section FROM business_plans")
                ).all()
            )
            # Back to 2020 letters; K (from old J) returns to J, T to S.
            assert back == {1: "I", 2: "K", 3: "S", 4: "J", 5: "G", 6: "S"}
        with db.engine.begin() as connection:
            for table in ("plan_versions", "businesses", "business_plans", "returnees"):
                connection.execute(text(f"DELETE FROM {table}"))
        flask_migrate.upgrade()


def test_the_one_consent_of_before_becomes_records_per_purpose(migration_app):
    """0024: each returnee's single consent (2026-11) becomes a legacy record for
    the registry and one for sharing with the lender; an erased person gets none;
    going back restores the columns from the registry record."""
    from datetime import datetime

    from sqlalchemy import text

    given = datetime(2026, 3, 4, 5, 6, tzinfo=UTC)
    with migration_app.app_context():
        flask_migrate.downgrade(revision="base")
        flask_migrate.upgrade(revision="0023_account_recovery")
        with db.engine.begin() as connection:
            for person_id, erased in ((1, None), (2, given)):
                _insert(
                    connection,
                    "returnees",
                    {
                        "id": person_id,
                        "nik_hash": f"{person_id}" * 64,
                        "sex": "F",
                        "education": "sd",
                        "marital_status": "married",
                        "province_code": "35",
                        "regency_code": "35.07",
                        "dependants": 0,
                        "consent_at": given,
                        "consent_version": "2026-11",
                        "consent_purpose": "Saya setuju.",
                        "erased_at": erased,
                        "registered_by_id": None,
                        "user_id": None,
                        "mentor_id": None,
                        "nik_verified_by_id": None,
                    },
                )
        flask_migrate.upgrade()
        with db.engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT returnee_id, purpose, method, wording_version, wording "
                    "FROM consent_records ORDER BY purpose"
                )
            ).all()
            assert [tuple(r) for r in rows] == [
                (1, "lender", "legacy", "2026-11", "Saya setuju."),
                (1, "registry", "legacy", "2026-11", "Saya setuju."),
            ]
            columns = {c["name"] for c in inspect(connection).get_columns("returnees")}
            assert not columns & {"consent_at", "consent_version", "consent_purpose"}
        flask_migrate.downgrade(revision="0023_account_recovery")
        with db.engine.connect() as connection:
            back = connection.execute(
                text(
                    "SELECT consent_version, consent_purpose FROM returnees WHERE id = 1"
                )
            ).one()
            assert tuple(back) == ("2026-11", "Saya setuju.")
        with db.engine.begin() as connection:
            connection.execute(text("DELETE FROM returnees"))
        flask_migrate.upgrade()
