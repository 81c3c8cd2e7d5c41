"""Migrations: empty to head, back to base and up again, and no drift from the models."""

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
            "loan_documents",
            "loan_instalments",
            "loan_payments",
            "case_assignments",
            "visit_cadences",
            "visits",
            "action_items",
            "visit_photos",
            "wellbeing_checks",
            "business_reports",
            "returnee_facts",
            "returnee_cells",
            "business_facts",
            "loan_facts",
            "loan_months",
            "user_sessions",
            "erasure_requests",
            "lenders",
            "lender_branches",
            "registration_checks",
            "kbli_codes",
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
