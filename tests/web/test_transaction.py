"""One transaction per request and per command (juragan/web/transaction.py): a
request's writes are committed once when it answers below 400, and none of them
otherwise; a commit that fails is answered like the same error raised in the view."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Blueprint, Flask, abort, render_template_string
from flask_wtf import FlaskForm
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError
from wtforms import StringField

from juragan import create_app
from juragan.errors import DomainError
from juragan.extensions import db as _db
from juragan.models import Province, Role
from juragan.web.transaction import domain_errors
from tests.conftest import TEST_CONFIG, FreshContextClient

BLUEPRINTS = Path(__file__).resolve().parents[2] / "juragan" / "blueprints"

#: The commits a view makes by hand, each for a write that must stand whatever the
#: request goes on to do (its comment in the view says why). A new one is added
#: here only with that reason; every other write is committed by the request hook.
ALLOWED_COMMITS = {
    ("auth/views.py", "login"): 1,  # a wrong in-person code counts
    ("auth/views.py", "logout"): 1,  # the session ends before the cookie goes
    ("auth/views.py", "accept_invitation"): 1,  # the previous session ends
    ("auth/views.py", "forgot_password"): 1,  # the code, before the mailer
    ("auth/views.py", "enter_reset_code"): 1,  # a wrong code counts
    ("auth/views.py", "contact_code"): 1,  # the code, before the mailer
    ("auth/views.py", "verify_contact"): 1,  # a wrong code counts (a 422)
    ("loans/views.py", "download_document"): 1,  # logged before the file goes out
    ("mentoring/views.py", "log_visit"): 1,  # a double sending caught at commit
    ("returnees/consents.py", "consent_scan"): 1,  # logged before the file
    ("returnees/files.py", "confirm_import"): 1,  # before the upload is deleted
    ("returnees/files.py", "rejected_rows"): 1,  # logged before the file
    ("returnees/files.py", "export_returnees"): 1,  # logged before the file
    ("returnees/views.py", "duplicate_feedback"): 1,  # a NIK out of reach sought
    ("returnees/views.py", "own_data"): 1,  # logged before the file
}


class NameForm(FlaskForm):
    name = StringField("Name")


def _add(code: str, name: str | None = None) -> None:
    _db.session.add(Province(code=code, name=name or f"Test province {code}"))
    _db.session.flush()


probe = Blueprint("transaction_probe", __name__, url_prefix="/_transaction")


@probe.route("/ok", methods=["POST"])
def writes_and_succeeds():
    _add("Q1")
    return "saved"


@probe.route("/raises", methods=["POST"])
def writes_and_raises():
    _add("Q2")
    raise RuntimeError("half-way")


@probe.route("/aborts", methods=["POST"])
def writes_and_aborts():
    _add("Q3")
    abort(403)


@probe.route("/answers-422", methods=["POST"])
def writes_and_answers_an_error():
    _add("Q4")
    return "not saved", 422


@probe.route("/commit-conflicts", methods=["POST"])
def commit_fails_on_integrity():
    # Two provinces of one name: the unique constraint fails at the commit's flush.
    _db.session.add(Province(code="Q5", name="One name"))
    _db.session.add(Province(code="Q6", name="One name"))
    return "saved"


@probe.route("/commit-stale", methods=["POST"])
def commit_loses_an_update():
    _add("Q7")

    def lost_update(_session: Session) -> None:
        raise StaleDataError("the row changed meanwhile")

    event.listen(_db.session(), "before_commit", lost_update, once=True)
    return "saved"


@probe.route("/form", methods=["POST"])
def form_view():
    form = NameForm()
    with domain_errors(form) as refused:
        _add("Q8")
        raise DomainError("name", "This name is taken.")
    status = 422 if refused else 200
    return render_template_string(
        "{% for e in form.name.errors %}<p class=field-error>{{ e }}</p>{% endfor %}",
        form=form,
    ), status


@probe.route("/form-200", methods=["POST"])
def form_view_answering_200():
    # Refused, and the form shown again with a 200: the hook commits, but the
    # refused write was rolled back already.
    form = NameForm()
    with domain_errors(form):
        _add("Q9")
        raise DomainError(None, "Not now.")
    return render_template_string("{{ form.form_errors[0] }}", form=form)


@pytest.fixture(scope="module")
def probe_app(app: Flask, database_url: str, tmp_path_factory) -> Iterator[Flask]:
    """An app like the suite's, with the probe's views (routes can only be added
    before an app's first request); ``app`` has migrated the database."""
    made = create_app(
        {
            **TEST_CONFIG,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads")),
        }
    )
    made.register_blueprint(probe)
    made.test_client_class = FreshContextClient
    yield made
    # Its own pool: closed here, not left to the garbage collector.
    with made.app_context():
        _db.engine.dispose()


@pytest.fixture
def probe_db(probe_app: Flask) -> Iterator[Any]:
    """The probe app's database inside a transaction rolled back after the test
    (as ``db`` in conftest: the requests' commits are savepoints inside it)."""
    with probe_app.app_context():
        engines = _db.engines
        engine = engines[None]
        connection = engine.connect()
        transaction = connection.begin()
        engines[None] = connection
        try:
            yield _db
        finally:
            _db.session.remove()
            engines[None] = engine
            transaction.rollback()
            connection.close()


@pytest.fixture
def probe_client(probe_app: Flask, probe_db: Any):
    return probe_app.test_client()


@pytest.fixture
def commits(probe_db: Any) -> Iterator[list[Session]]:
    seen: list[Session] = []

    def count(session: Session) -> None:
        seen.append(session)

    event.listen(Session, "after_commit", count)
    yield seen
    event.remove(Session, "after_commit", count)


def _codes(db: Any) -> set[str]:
    db.session.expire_all()
    return set(
        db.session.scalars(select(Province.code).where(Province.code.like("Q%")))
    )


def test_a_view_that_succeeds_is_committed_once(probe_client, probe_db, commits):
    response = probe_client.post("/_transaction/ok")
    assert response.status_code == 200
    assert len(commits) == 1
    assert _codes(probe_db) == {"Q1"}


@pytest.mark.parametrize(
    ("path", "status"),
    [("raises", 500), ("aborts", 403), ("answers-422", 422)],
)
def test_a_view_that_writes_then_fails_leaves_nothing(
    probe_client, probe_db, commits, path, status
):
    response = probe_client.post(f"/_transaction/{path}")
    assert response.status_code == status
    assert commits == []
    assert _codes(probe_db) == set()


def test_a_commit_that_fails_gives_the_error_page(probe_client, probe_db):
    response = probe_client.post(
        "/_transaction/commit-conflicts", headers={"Accept": "text/html"}
    )
    assert response.status_code == 500
    assert "Nothing was saved" in response.get_data(as_text=True) or (
        "Tidak ada yang tersimpan" in response.get_data(as_text=True)
    )
    # The error page has the headers every page has.
    assert response.headers["X-Frame-Options"] == "DENY"
    assert _codes(probe_db) == set()
    # The session is usable again: the next request writes and commits.
    assert probe_client.post("/_transaction/ok").status_code == 200
    assert _codes(probe_db) == {"Q1"}


def test_a_lost_update_at_commit_is_a_409(probe_client, probe_db):
    response = probe_client.post("/_transaction/commit-stale")
    assert response.status_code == 409
    assert _codes(probe_db) == set()
    assert probe_client.post("/_transaction/ok").status_code == 200
    assert _codes(probe_db) == {"Q1"}


def test_a_domain_error_marks_the_field_and_writes_nothing(probe_client, probe_db):
    response = probe_client.post("/_transaction/form", data={"name": "x"})
    assert response.status_code == 422
    assert "<p class=field-error>This name is taken.</p>" in response.get_data(
        as_text=True
    )
    assert _codes(probe_db) == set()


def test_a_refusal_answered_with_200_still_writes_nothing(
    probe_client, probe_db, commits
):
    response = probe_client.post("/_transaction/form-200", data={"name": "x"})
    assert response.status_code == 200
    assert response.get_data(as_text=True) == "Not now."
    assert _codes(probe_db) == set()


def test_a_real_form_undoes_what_the_refused_service_wrote(
    client, db, make_user, monkeypatch
):
    """The admin's new-account form, its service refusing after it has written:
    the message beside the username, nothing kept."""
    from juragan.services import accounts
    from tests.factories import login

    def writes_then_refuses(session: Session, *_args: Any) -> None:
        session.add(Province(code="Q1", name="Written before the refusal"))
        session.flush()
        raise DomainError("username", "This username is not free.")

    admin = make_user(Role.ADMIN)
    login(client, admin.username)
    monkeypatch.setattr(accounts, "create_account", writes_then_refuses)
    response = client.post(
        "/admin/accounts/new",
        data={
            "username": "pendamping.baru",
            "full_name": "Budi Santoso",
            "email": "",
            "role": "mentor",
            "scope_province_code": "35",
            "scope_regency_code": "35.07",
            "password": "kata-sandi-awal",
        },
    )
    assert response.status_code == 200
    assert "This username is not free." in response.text
    assert "is-invalid" in response.text
    assert _codes(db) == set()


def test_a_command_that_fails_half_way_leaves_nothing(runner, db, monkeypatch):
    import juragan.seeding.catalogue as catalogue

    def half_way(session: Session) -> tuple[int, int]:
        session.add(Province(code="Q1", name="Written before the failure"))
        session.flush()
        raise RuntimeError("the data file ends mid-row")

    monkeypatch.setattr(catalogue, "load_regions", half_way)
    result = runner.invoke(args=["juragan", "load-reference"])
    assert result.exit_code != 0
    assert isinstance(result.exception, RuntimeError)
    assert _codes(db) == set()


def test_a_command_that_succeeds_commits(runner, db, monkeypatch):
    import juragan.seeding.catalogue as catalogue

    def loads(session: Session) -> tuple[int, int]:
        session.add(Province(code="Q1", name="Loaded"))
        return 1, 0

    monkeypatch.setattr(catalogue, "load_regions", loads)
    result = runner.invoke(args=["juragan", "load-reference"])
    assert result.exit_code == 0, result.output
    assert "1 added" in result.output
    assert _codes(db) == {"Q1"}


def _commits_by_function() -> dict[tuple[str, str], int]:
    found: dict[tuple[str, str], int] = {}
    for path in sorted(BLUEPRINTS.rglob("*.py")):
        function = None
        for line in path.read_text(encoding="utf-8").splitlines():
            defined = re.match(r"def (\w+)\(", line)
            if defined:
                function = defined.group(1)
            if "db.session.commit(" in line:
                key = (path.relative_to(BLUEPRINTS).as_posix(), function or "")
                found[key] = found.get(key, 0) + 1
    return found


def test_views_commit_by_hand_only_where_allowed():
    """New views leave the commit to the request hook: a commit by hand is a write
    that must stand whatever the request does, listed in ``ALLOWED_COMMITS``."""
    found = _commits_by_function()
    unexpected = {
        key: count
        for key, count in found.items()
        if count > ALLOWED_COMMITS.get(key, 0)
    }
    assert unexpected == {}, (
        "commit by hand outside the allow-list (the request commits on success): "
        f"{unexpected}"
    )
    # The list stays exact: a commit that went away leaves it too.
    assert found == ALLOWED_COMMITS
