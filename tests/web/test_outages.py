"""The database or Redis away: a friendly 503 (never a 500), and back to normal as
soon as they return, without a restart.

The database outage is played on the app's own engine: the connections it holds are
cut (on PostgreSQL its server processes are terminated, as a restart would) and new
ones are refused until the outage ends. ``bench/trust.py`` does the same for real,
stopping PostgreSQL and Redis under load.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from contextlib import contextmanager

import flask_migrate
import pytest
from flask_login import current_user
from sqlalchemy import create_engine, event, text
from sqlalchemy.pool import NullPool

from juragan import create_app
from juragan.extensions import db
from juragan.models import Role
from juragan.services.accounts import AccountData, create_account
from tests.conftest import TEST_CONFIG, FreshContextClient
from tests.databases import throwaway_database

PASSWORD = "kopi-tubruk-malang-2026"
FRIENDLY = "Sebentar tidak tersedia"


@pytest.fixture(scope="module")
def outage_app(tmp_path_factory):
    with throwaway_database(tmp_path_factory.mktemp("outage")) as url:
        app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
        app.test_client_class = FreshContextClient
        with app.app_context():
            flask_migrate.upgrade()
            create_account(
                db.session,
                AccountData(
                    "rina", "Rina Kusumawati", Role.OFFICIAL, scope_province_code="35"
                ),
                PASSWORD,
            )
            db.session.commit()
        yield app
        with app.app_context():
            db.engine.dispose()


@contextmanager
def database_away(app):
    """New connections are refused and the open ones are cut, until the block ends."""
    with app.app_context():
        engine = db.engine
        dbapi = engine.dialect.dbapi

        def refuse(*_args):
            raise dbapi.OperationalError(
                "connection refused (outage played by the test)"
            )

        if engine.dialect.name == "postgresql":
            with engine.connect() as connection:
                name = connection.scalar(text("SELECT current_database()"))
            event.listen(engine, "do_connect", refuse)
            # Cut every connection of this database, the pooled ones included, from
            # a connection of its own.
            admin = create_engine(engine.url, poolclass=NullPool)
            with admin.connect() as connection:
                cut = connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name AND pid <> pg_backend_pid()"
                    ),
                    {"name": name},
                ).all()
            admin.dispose()
            assert cut, "the app held no connection to cut"
        else:
            event.listen(engine, "do_connect", refuse)
            engine.dispose()
    try:
        yield
    finally:
        with app.app_context():
            event.remove(db.engine, "do_connect", refuse)


def sign_in(client):
    response = client.post("/login", data={"username": "rina", "password": PASSWORD})
    assert response.status_code == 302


def test_an_outage_is_a_friendly_503_and_the_app_recovers_by_itself(outage_app):
    client = outage_app.test_client()
    sign_in(client)
    assert client.get("/").status_code == 200

    with database_away(outage_app):
        for path in ("/", "/returnees/", "/dashboard/", "/healthz"):
            response = client.get(path)
            assert response.status_code == 503, path
            assert response.headers["Retry-After"] == "5"
            page = response.get_data(as_text=True)
            assert FRIENDLY in page
            assert "Coba lagi" in page  # a GET can simply be tried again
        # Signing in and sending a form meet the same page.
        visitor = outage_app.test_client()
        response = visitor.post(
            "/login", data={"username": "rina", "password": PASSWORD}
        )
        assert response.status_code == 503
        assert FRIENDLY in response.get_data(as_text=True)
        answer = client.get("/returnees/", headers={"Accept": "application/json"})
        assert answer.status_code == 503
        assert answer.get_json()["status"] == 503

    # Back: the very next request works, and the sign-in survived the outage.
    response = client.get("/returnees/")
    assert response.status_code == 200
    assert "Rina Kusumawati" in response.get_data(as_text=True)


def test_the_outage_page_keeps_the_readers_language(outage_app):
    client = outage_app.test_client()
    client.post("/language", data={"locale": "en", "next": "/login"})
    with database_away(outage_app):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert "Briefly unavailable" in response.get_data(as_text=True)


REDIS_AWAY = textwrap.dedent(
    """
    import json, sys, tempfile, os
    import flask_migrate
    from juragan import create_app
    from juragan.extensions import db
    from juragan.models import Role
    from juragan.services.accounts import AccountData, create_account

    folder = tempfile.mkdtemp()
    app = create_app({
        "TESTING": True, "WTF_CSRF_ENABLED": False, "SECRET_KEY": "x" * 40,
        "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_COST": 8, "ARGON2_PARALLELISM": 1,
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + os.path.join(folder, "db.sqlite"),
    })
    with app.app_context():
        flask_migrate.upgrade()
        create_account(db.session, AccountData("rina", "Rina", Role.ADMIN), sys.argv[1])
        db.session.commit()
    client = app.test_client()
    statuses = [client.post("/login", data={"username": "rina", "password": "salah"})
                .status_code for _ in range(7)]
    print(json.dumps({"storage": app.config["RATELIMIT_STORAGE_URI"],
                      "wrong_passwords": statuses,
                      "health": client.get("/healthz").status_code}))
    """
)


def lose_the_sessions_connection(monkeypatch, sqlite_method):
    """The connection the request's session holds dies, as when PostgreSQL stops in
    the middle of a request: on PostgreSQL its server process is terminated; on
    SQLite the dialect's ``sqlite_method`` fails from now on. Either way the failure
    reads as a disconnect, as "server closed the connection unexpectedly" does:
    SQLAlchemy invalidates the connection, and the session refuses to go on until it
    is rolled back."""
    engine = db.engine
    monkeypatch.setattr(engine.dialect, "is_disconnect", lambda *_args: True)
    if engine.dialect.name == "postgresql":
        pid = db.session.scalar(text("SELECT pg_backend_pid()"))
        admin = create_engine(engine.url, poolclass=NullPool)
        with admin.connect() as connection:
            connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        admin.dispose()
    else:
        db.session.scalar(text("SELECT 1"))  # a transaction is open, as on PostgreSQL
        dbapi = engine.dialect.dbapi

        def connection_gone(*_args):
            raise dbapi.OperationalError("disk I/O error (played by the test)")

        monkeypatch.setattr(engine.dialect, sqlite_method, connection_gone)


def test_the_database_lost_once_the_answer_is_ready_is_no_error(
    outage_app, monkeypatch
):
    # Found by bench/trust.py: PostgreSQL stopped between a page's last query and the
    # end of the request, and the closing ROLLBACK turned a finished page into a 500.
    with outage_app.app_context():
        lose_the_sessions_connection(monkeypatch, "do_rollback")
        # Leaving the context ends the request: it must not raise.
    monkeypatch.undo()
    with outage_app.app_context():
        assert db.session.scalar(text("SELECT 1")) == 1
    client = outage_app.test_client()
    sign_in(client)
    assert client.get("/returnees/").status_code == 200


def test_the_database_lost_after_a_commit_is_a_503(outage_app, monkeypatch):
    # Found by bench/trust.py: a visit was saved, PostgreSQL stopped, and reading the
    # account again for the 503 page (a commit expires it) raised a second error.
    client = outage_app.test_client()
    sign_in(client)

    def save_then_lose_the_database():
        assert current_user.is_authenticated  # loaded, as the sign-in check does
        db.session.commit()  # expires the signed-in account, as saving a visit does
        lose_the_sessions_connection(monkeypatch, "do_execute")
        return current_user.full_name  # reading it again meets the lost connection

    monkeypatch.setitem(
        outage_app.view_functions, "main.home", save_then_lose_the_database
    )
    response = client.get("/")
    assert response.status_code == 503
    assert FRIENDLY in response.get_data(as_text=True)
    monkeypatch.undo()
    assert client.get("/").status_code == 200


def test_with_redis_away_limits_still_hold_in_memory_and_nothing_fails(tmp_path):
    # A separate process: the limiter is one object per process, bound at start-up
    # to the storage the configuration names (here a Redis nobody listens on).
    environment = {**os.environ, "REDIS_URL": "redis://127.0.0.1:1/0"}
    environment.pop("DATABASE_URL", None)
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", REDIS_AWAY, PASSWORD],
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["storage"] == "redis://127.0.0.1:1/0"
    # Five wrong passwords a minute for one account, then 429: counted in memory.
    assert outcome["wrong_passwords"] == [200] * 5 + [429, 429]
    assert outcome["health"] == 200
