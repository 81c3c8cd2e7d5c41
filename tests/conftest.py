"""Fixtures: one app per run on a migrated throwaway database; each test inside a
transaction that is rolled back, so tests never see each other's rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient

from juragan import create_app
from juragan.db import scope
from juragan.extensions import db as _db
from juragan.extensions import limiter
from tests import frozen_clock
from tests.databases import throwaway_database

pytest_plugins = ["tests.factories"]


def pytest_configure(config: pytest.Config) -> None:
    # Before anything is collected or made: see tests/frozen_clock.py.
    frozen_clock.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    frozen_clock.stop()


def pytest_report_header(config: pytest.Config) -> str | None:
    moment = frozen_clock.chosen_moment()
    return f"clock started at {moment.isoformat()}" if moment else None


TEST_CONFIG: dict[str, Any] = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-that-is-long-enough-for-tests",
    "WTF_CSRF_ENABLED": False,
    # Cheap hashing for the suite only.
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 8,
    "ARGON2_PARALLELISM": 1,
    "RATELIMIT_STORAGE_URI": "memory://",
    "PAGE_SIZE": 10,
}


class FreshContextClient(FlaskClient):
    """Runs each request in its own app context, as a real server would.

    Without this a request would reuse the test's app context, and with it ``g``
    (where Flask-Login caches the user) and the test's database session.
    """

    def open(self, *args: Any, **kwargs: Any) -> Any:
        with self.application.app_context():
            return super().open(*args, **kwargs)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with throwaway_database(tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def app(database_url: str, tmp_path_factory) -> Iterator[Flask]:
    uploads = str(tmp_path_factory.mktemp("uploads"))
    app = create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "UPLOAD_FOLDER": uploads,
        }
    )
    app.test_client_class = FreshContextClient
    # Sessions join the test's outer transaction through savepoints, so a view's
    # commit or rollback stays inside the test.
    _db.session.session_factory.configure(join_transaction_mode="create_savepoint")
    with app.app_context():
        flask_migrate.upgrade()
    yield app
    with app.app_context():
        _db.engine.dispose()


@pytest.fixture
def db(app: Flask) -> Iterator[Any]:
    """The database inside a transaction rolled back after the test."""
    with app.app_context():
        engines = _db.engines
        engine = engines[None]
        connection = engine.connect()
        transaction = connection.begin()
        engines[None] = connection
        try:
            # The test's own reads and writes span every scope; each request the
            # client makes is scoped to its signed-in account all the same.
            with scope.system("tests"):
                yield _db
        finally:
            _db.session.remove()
            engines[None] = engine
            transaction.rollback()
            connection.close()


@pytest.fixture(autouse=True)
def _fresh_rate_limits(app: Flask) -> Iterator[None]:
    with app.app_context():
        limiter.reset()
    return


@pytest.fixture
def client(app: Flask, db: Any) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask, db: Any):
    return app.test_cli_runner()


@pytest.fixture
def count_queries(db: Any):
    """``with count_queries() as counter:`` counts SQL statements sent meanwhile
    (``counter["n"]``), and keeps them (``counter["statements"]``)."""
    from contextlib import contextmanager

    from sqlalchemy import event

    connection = db.engines[None]

    @contextmanager
    def counting():
        counter: dict[str, Any] = {"n": 0, "statements": []}

        def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            counter["n"] += 1
            counter["statements"].append(statement)

        event.listen(connection, "before_cursor_execute", count)
        try:
            yield counter
        finally:
            event.remove(connection, "before_cursor_execute", count)

    return counting
