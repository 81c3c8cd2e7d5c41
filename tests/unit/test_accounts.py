from datetime import timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from juragan.errors import DomainError
from juragan.models import Role, User, utcnow
from juragan.services import accounts
from juragan.services.accounts import AccountData, authenticate, create_account
from tests.factories import PASSWORD

LIMITS = accounts.SessionLimits(
    idle=timedelta(minutes=60),
    absolute=timedelta(hours=12),
    reauthenticate=timedelta(minutes=10),
)


def data(**overrides):
    values = {
        "username": "Siti.R",
        "full_name": " Siti Rahma ",
        "role": Role.MENTOR,
        "scope_province_code": "35",
        "scope_regency_code": "35.07",
    }
    values.update(overrides)
    return AccountData(**values)


def test_create_account_normalises_and_hashes(db):
    user = create_account(db.session, data(email="Siti@Example.ORG"), PASSWORD)
    assert user.username == "siti.r"
    assert user.full_name == "Siti Rahma"
    assert user.email == "siti@example.org"
    assert user.password_hash.startswith("$argon2id$")
    assert PASSWORD not in user.password_hash


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (
            {"scope_province_code": None, "scope_regency_code": None},
            "scope_province_code",
        ),
        ({"scope_regency_code": "33.01"}, "scope_regency_code"),
        (
            {
                "role": Role.BANK_OFFICER,
                "scope_province_code": None,
                "scope_regency_code": None,
            },
            "lender_branch_id",
        ),
    ],
)
def test_scope_must_fit_the_role(db, overrides, field):
    with pytest.raises(DomainError) as caught:
        create_account(db.session, data(**overrides), PASSWORD)
    assert caught.value.field == field


def test_scope_is_dropped_for_roles_without_one(db):
    user = create_account(db.session, data(role=Role.RETURNEE), PASSWORD)
    assert user.scope_province_code is None
    assert user.scope_regency_code is None


def test_national_official_has_no_province(db):
    user = create_account(
        db.session,
        data(role=Role.OFFICIAL, scope_province_code=None, scope_regency_code=None),
        PASSWORD,
    )
    assert user.is_national


def test_username_and_email_unique(db):
    create_account(db.session, data(email="a@example.org"), PASSWORD)
    with pytest.raises(DomainError) as caught:
        create_account(db.session, data(username="SITI.R"), PASSWORD)
    assert caught.value.field == "username"
    with pytest.raises(DomainError) as caught:
        create_account(
            db.session, data(username="other", email="A@example.org"), PASSWORD
        )
    assert caught.value.field == "email"


@pytest.mark.parametrize("password", ["", "short", "x" * 257])
def test_password_length(db, password):
    with pytest.raises(DomainError) as caught:
        create_account(db.session, data(), password)
    assert caught.value.field == "password"


def test_long_passphrase_allowed(db):
    create_account(db.session, data(), "kata sandi yang panjang sekali " * 3)


def test_authenticate(db, make_user):
    user = make_user(Role.OFFICIAL, "35")
    assert authenticate(db.session, user.username.upper(), PASSWORD) == user
    assert user.last_login_at is not None
    assert authenticate(db.session, user.username, "wrong-password") is None
    assert authenticate(db.session, "nobody", PASSWORD) is None
    accounts.set_active(db.session, make_user(Role.ADMIN), user, False)
    assert authenticate(db.session, user.username, PASSWORD) is None


def test_deactivation_ends_sessions_and_admins_keep_their_own(db, make_user):
    admin, user = make_user(Role.ADMIN), make_user()
    now = utcnow()
    tokens = [accounts.start_session(db.session, user, now) for _ in range(2)]
    accounts.set_active(db.session, admin, user, False)
    for token in tokens:
        assert accounts.find_session(db.session, token, now, LIMITS) == (
            None,
            "deactivated",
        )
    with pytest.raises(DomainError):
        accounts.set_active(db.session, admin, admin, False)


def test_rehash_when_parameters_change(db, make_user):
    user = make_user()
    old_hash = user.password_hash
    accounts.configure_hashing(time_cost=2, memory_cost=16, parallelism=1)
    try:
        authenticate(db.session, user.username, PASSWORD)
        assert user.password_hash != old_hash
        assert "t=2" in user.password_hash
    finally:
        accounts.configure_hashing(time_cost=1, memory_cost=8, parallelism=1)


@pytest.mark.parametrize(
    "sql",
    [
        # A mentor without a province.
        "INSERT INTO users (username, full_name, password_hash, role, locale, is_active,"
        " created_at, updated_at) VALUES ('m', 'M', 'x', 'mentor', 'id',"
        " true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        # A regency outside the scope province.
        "INSERT INTO users (username, full_name, password_hash, role, locale, is_active,"
        " scope_province_code, scope_regency_code, created_at, updated_at)"
        " VALUES ('m', 'M', 'x', 'official', 'id', true, '35', '33.01',"
        " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        # An unknown role.
        "INSERT INTO users (username, full_name, password_hash, role, locale, is_active,"
        " created_at, updated_at) VALUES ('m', 'M', 'x', 'king', 'id',"
        " true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
        # An upper-case username.
        "INSERT INTO users (username, full_name, password_hash, role, locale, is_active,"
        " created_at, updated_at) VALUES ('Siti', 'S', 'x', 'admin', 'id',"
        " true, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)",
    ],
)
def test_database_enforces_account_invariants(db, sql):
    with pytest.raises(IntegrityError), db.session.begin_nested():
        db.session.execute(text(sql))


def test_user_repr_and_session_id(db, make_user):
    user = make_user(Role.ADMIN, username="root")
    assert user.get_id() is None  # no session yet
    token = accounts.start_session(db.session, user, utcnow())
    assert user.get_id() == token
    assert isinstance(db.session.get(User, user.id), User)
