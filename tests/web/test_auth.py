from datetime import timedelta

import pytest

from juragan.models import Role, utcnow
from juragan.services import accounts
from juragan.web import drafts
from tests.factories import PASSWORD, login


def test_sign_in_and_out(client, make_user):
    user = make_user(Role.OFFICIAL, "35")
    response = login(client, user.username)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    assert user.full_name in home.text
    response = client.post("/logout")
    assert response.status_code == 302
    # Visit drafts kept on the phone go with the session (docs/offline-visits.md).
    assert response.headers["Clear-Site-Data"] == '"storage"'
    assert client.get("/").headers["Location"].startswith("/login")


def test_wrong_password_is_shown_beside_the_field(client, make_user):
    user = make_user()
    response = login(client, user.username, "not-the-password")
    assert response.status_code == 200
    assert "Nama pengguna atau kata sandi salah." in response.text
    assert 'class="form-control is-invalid"' in response.text


def test_empty_form_is_refused_without_error(client):
    response = client.post("/login", data={})
    assert response.status_code == 200
    assert "is-invalid" in response.text


def test_deactivated_account_cannot_sign_in(client, db, make_user):
    user = make_user()
    user.is_active_account = False
    db.session.commit()
    assert login(client, user.username).status_code == 200


def test_session_is_renewed_on_sign_in(client, make_user):
    user = make_user()
    client.get("/login")
    with client.session_transaction() as session:
        session["planted"] = "by-an-attacker"
    login(client, user.username)
    with client.session_transaction() as session:
        assert "planted" not in session
        token = session["_user_id"]
    # The cookie holds a random token, not the account; the server holds its hash.
    assert str(user.id) != token
    assert len(token) >= 40


def session_cookie(client):
    return client.get_cookie("session").value


def replay(client, cookie):
    client.set_cookie("session", cookie)
    return client.get("/")


def test_deactivation_ends_an_open_session(client, db, make_user):
    user = make_user(Role.MENTOR, "35")
    login(client, user.username)
    assert client.get("/").status_code == 200
    accounts.set_active(db.session, make_user(Role.ADMIN), user, False)
    db.session.commit()
    assert client.get("/").status_code == 302


def test_an_old_cookie_is_refused_after_logout(client, make_user):
    user = make_user()
    login(client, user.username)
    cookie = session_cookie(client)
    assert replay(client, cookie).status_code == 200
    client.post("/logout")
    # The cookie a thief copied before the logout is worth nothing now.
    assert replay(client, cookie).status_code == 302


def test_an_old_cookie_is_refused_after_a_password_change(app, client, make_user):
    user = make_user()
    thief = app.test_client()
    login(client, user.username)
    thief.set_cookie("session", session_cookie(client))
    assert thief.get("/").status_code == 200
    client.post(
        "/account/password",
        data={
            "current_password": PASSWORD,
            "new_password": "a-new-long-secret",
            "confirm_password": "a-new-long-secret",
        },
    )
    # The person's own device signs in afresh; the copied cookie is worth nothing.
    assert client.get("/").status_code == 200
    assert thief.get("/").status_code == 302


def test_idle_and_old_sessions_end_with_a_message(app, client, db, make_user):
    from sqlalchemy import update

    from juragan.models import UserSession

    user = make_user()
    login(client, user.username)
    limits = app.config["SESSION_LIMITS"]
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id)
        .values(last_seen_at=utcnow() - limits.idle - timedelta(minutes=1))
    )
    db.session.commit()
    response = client.get("/", follow_redirects=True)
    assert "tanpa aktivitas" in response.text
    assert "/login" in response.request.path
    login(client, user.username)
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(created_at=utcnow() - limits.absolute - timedelta(minutes=1))
    )
    db.session.commit()
    response = client.get("/", follow_redirects=True)
    assert "Sesi berlaku" in response.text


def test_session_cookie_flags(client, make_user):
    user = make_user()
    response = login(client, user.username)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"],
)
def test_next_never_leaves_the_site(client, make_user, target):
    user = make_user()
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"username": user.username, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/"


def test_next_within_the_site_is_followed(client, make_user):
    user = make_user(Role.OFFICIAL, "35")
    response = client.post(
        "/login",
        query_string={"next": "/returnees/"},
        data={"username": user.username, "password": PASSWORD},
    )
    assert response.headers["Location"] == "/returnees/"


def test_logout_needs_post(client, make_user):
    login(client, make_user().username)
    assert client.get("/logout").status_code == 405


def test_login_throttled_per_account(client, make_user):
    user = make_user()
    for _ in range(5):
        assert login(client, user.username, "wrong-password").status_code == 200
    response = login(client, user.username, PASSWORD)
    assert response.status_code == 429
    assert "Terlalu banyak percobaan" in response.text
    # Another account from the same address is still let through.
    assert login(client, make_user().username).status_code == 302


def test_signing_in_often_is_not_guessing(client, make_user):
    # One person on a phone and a laptop: sign-ins do not use up the account's limit.
    user = make_user()
    for _ in range(8):
        assert login(client, user.username).status_code == 302
        client.post("/logout")
    assert login(client, user.username, "wrong-password").status_code == 200


def test_login_throttled_per_address(client, make_user):
    for n in range(20):
        assert login(client, f"nobody{n}", "wrong-password").status_code == 200
    response = login(client, make_user().username)
    assert response.status_code == 429


def test_csrf_protects_forms(app, client, make_user):
    user = make_user()
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        response = client.post(
            "/login", data={"username": user.username, "password": PASSWORD}
        )
        assert response.status_code == 400
        assert "Formulir" in response.text
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_change_password(app, client, db, make_user):
    user = make_user()
    other_device = app.test_client()
    login(other_device, user.username)
    login(client, user.username)
    form = {
        "current_password": PASSWORD,
        "new_password": "a-new-long-secret",
        "confirm_password": "a-new-long-secret",
    }
    for overrides, message in [
        ({"current_password": "wrong-one"}, "Kata sandi Anda saat ini salah"),
        ({"confirm_password": "different"}, "berbeda"),
        ({"new_password": "short", "confirm_password": "short"}, "minimal 8"),
        ({"new_password": PASSWORD, "confirm_password": PASSWORD}, "belum pernah"),
    ]:
        response = client.post("/account/password", data={**form, **overrides})
        assert response.status_code == 200
        assert message in response.text, overrides
    response = client.post("/account/password", data=form)
    assert response.status_code == 302
    assert client.get("/").status_code == 200  # this device stays signed in
    assert other_device.get("/").status_code == 302  # the other one is signed out
    client.post("/logout")
    assert login(client, user.username, "a-new-long-secret").status_code == 302


def test_pages_name_the_account_to_the_draft_store_by_an_opaque_tag(
    app, client, make_user
):
    """The tag ties a phone's visit drafts to an account: the same on every page,
    different per account and per secret key, and neither the id nor the name."""
    user, other = make_user(Role.MENTOR, "35"), make_user(Role.MENTOR, "35")
    assert 'data-draft-owner=""' in client.get("/login").text
    login(client, user.username)
    tag = drafts.owner_tag(app.config["SECRET_KEY"], user.id)
    home = client.get("/").text
    assert f'data-draft-owner="{tag}"' in home
    assert "data-user=" not in home
    assert len(tag) == 32
    assert user.username not in tag
    assert tag != drafts.owner_tag(app.config["SECRET_KEY"], other.id)
    assert tag != drafts.owner_tag("another-secret-key-of-32-characters!", user.id)
