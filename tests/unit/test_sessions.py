"""Server-side sessions and password rules, without a request."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from juragan.errors import DomainError
from juragan.models import Role, UserSession, utcnow
from juragan.services import accounts
from tests.factories import PASSWORD

LIMITS = accounts.SessionLimits(
    idle=timedelta(minutes=60),
    absolute=timedelta(hours=12),
    reauthenticate=timedelta(minutes=10),
)


def test_a_token_is_stored_only_hashed(db, make_user):
    user = make_user()
    token = accounts.start_session(db.session, user, utcnow(), "Mozilla/5.0 " * 40)
    row = db.session.scalar(select(UserSession).where(UserSession.user_id == user.id))
    assert token not in row.token_hash
    assert len(row.token_hash) == 64
    assert len(row.user_agent) == 200
    assert accounts.find_session(db.session, token, utcnow(), LIMITS)[0] == row
    assert accounts.find_session(db.session, token + "x", utcnow(), LIMITS) == (
        None,
        None,
    )


def test_idle_and_absolute_limits(db, make_user):
    user = make_user()
    start = utcnow()
    token = accounts.start_session(db.session, user, start)
    # Used every 50 minutes: alive for 12 hours, then expired whatever the activity.
    moment = start
    while moment + timedelta(minutes=50) <= start + LIMITS.absolute:
        moment += timedelta(minutes=50)
        row, reason = accounts.find_session(db.session, token, moment, LIMITS)
        assert row is not None, moment - start
    later = start + LIMITS.absolute + timedelta(minutes=1)
    assert accounts.find_session(db.session, token, later, LIMITS) == (None, "expired")
    # Idle for more than an hour.
    other = accounts.start_session(db.session, user, start)
    idle = start + LIMITS.idle + timedelta(seconds=1)
    assert accounts.find_session(db.session, other, idle, LIMITS) == (None, "idle")
    # Ended stays ended, even inside the limits again.
    assert accounts.find_session(db.session, other, start, LIMITS) == (None, "idle")


def test_last_seen_is_written_at_most_once_a_minute(db, make_user):
    user = make_user()
    start = utcnow()
    token = accounts.start_session(db.session, user, start)
    row, _ = accounts.find_session(
        db.session, token, start + timedelta(seconds=30), LIMITS
    )
    assert accounts._aware(row.last_seen_at) == start
    assert not db.session.dirty
    accounts.find_session(db.session, token, start + timedelta(seconds=90), LIMITS)
    assert accounts._aware(row.last_seen_at) == start + timedelta(seconds=90)


def test_a_new_password_ends_every_session(db, make_user):
    user = make_user()
    now = utcnow()
    tokens = [accounts.start_session(db.session, user, now) for _ in range(2)]
    accounts.change_own_password(db.session, user, PASSWORD, "a brand new sentence")
    for token in tokens:
        assert accounts.find_session(db.session, token, now, LIMITS) == (
            None,
            "password",
        )
    assert accounts.end_sessions(db.session, user, "logout", now) == 0


def test_confirming_the_password_opens_a_short_window(db, make_user):
    user = make_user()
    start = utcnow()
    token = accounts.start_session(db.session, user, start)
    row, _ = accounts.find_session(db.session, token, start, LIMITS)
    assert accounts.recently_authenticated(row, start + timedelta(minutes=9), LIMITS)
    later = start + timedelta(minutes=30)
    assert not accounts.recently_authenticated(row, later, LIMITS)
    with pytest.raises(DomainError) as wrong:
        accounts.confirm_password(db.session, user, row, "not it", later)
    assert wrong.value.field == "confirm_password"
    accounts.confirm_password(db.session, user, row, PASSWORD, later)
    assert accounts.recently_authenticated(row, later + timedelta(minutes=5), LIMITS)
    assert not accounts.recently_authenticated(None, later, LIMITS)


@pytest.mark.parametrize(
    "password",
    [
        "password",
        "12345678",
        "iloveyou",
        "qwertyuiop",
        "PASSWORD1",
        "sayangku",
        "bismillah",
        "siti.rahma",
        "Siti.Rahma2026!",
    ],
)
def test_common_and_personal_passwords_are_refused(db, make_user, password):
    user = make_user(Role.MENTOR, "35", username="siti.rahma")
    with pytest.raises(DomainError) as refused:
        accounts.set_password(db.session, user, password)
    assert refused.value.field == "password"


@pytest.mark.parametrize(
    "password",
    ["kopi susu di warung bu sri", "x" * 64, "a" * 256, "Tiga-ekor-kambing-2027"],
)
def test_long_and_uncommon_passwords_are_welcome(db, make_user, password):
    user = make_user()
    accounts.set_password(db.session, user, password)
    assert accounts.password_matches(user, password)


def test_the_shipped_list_is_large_and_clean():
    common = accounts.common_passwords()
    assert len(common) > 2000
    assert all(len(p) >= 8 and p == p.strip().lower() for p in common)
