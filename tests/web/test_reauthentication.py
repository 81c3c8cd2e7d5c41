"""A new phone number or e-mail needs the editor's password, given recently."""

from datetime import timedelta

from sqlalchemy import update

from juragan.models import UserSession, utcnow
from tests.factories import PASSWORD, login, profile_form


def age_sign_in(db, user, minutes=30):
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id)
        .values(authenticated_at=utcnow() - timedelta(minutes=minutes))
    )
    db.session.commit()


def test_changing_a_phone_asks_for_the_password(client, db, cast):
    login(client, cast.mentor.username)
    age_sign_in(db, cast.mentor)
    url = f"/returnees/{cast.returnee.id}/edit"
    form = profile_form(cast.returnee, phone="0812 9999 8888")
    page = client.post(url, data=form)
    assert page.status_code == 200
    assert "Masukkan kata sandi Anda sendiri" in page.text
    db.session.refresh(cast.returnee)
    assert cast.returnee.phone == "+6281234567890"  # nothing changed
    wrong = client.post(url, data={**form, "confirm_password": "not-mine"})
    assert "Kata sandi Anda salah." in wrong.text
    saved = client.post(url, data={**form, "confirm_password": PASSWORD})
    assert saved.status_code == 302
    db.session.refresh(cast.returnee)
    assert cast.returnee.phone == "+6281299998888"
    # Within the next minutes another change needs no password.
    again = client.post(url, data=profile_form(cast.returnee, phone="081277776666"))
    assert again.status_code == 302


def test_other_changes_need_no_password(client, db, cast):
    login(client, cast.mentor.username)
    age_sign_in(db, cast.mentor)
    response = client.post(
        f"/returnees/{cast.returnee.id}/edit",
        data=profile_form(cast.returnee, village="Sukorejo"),
    )
    assert response.status_code == 302


def test_an_account_email_change_asks_for_the_admins_password(client, db, cast):
    login(client, cast.admin.username)
    age_sign_in(db, cast.admin)
    user = cast.mentor
    form = {
        "full_name": user.full_name,
        "email": "siti@example.org",
        "role": "mentor",
        "scope_province_code": "35",
        "scope_regency_code": "35.07",
    }
    page = client.post(f"/admin/accounts/{user.id}", data=form)
    assert "Masukkan kata sandi Anda sendiri" in page.text
    db.session.refresh(user)
    assert user.email is None
    done = client.post(
        f"/admin/accounts/{user.id}", data={**form, "confirm_password": PASSWORD}
    )
    assert done.status_code == 302
    db.session.refresh(user)
    assert user.email == "siti@example.org"
