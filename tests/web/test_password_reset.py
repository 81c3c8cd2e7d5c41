"""A forgotten password, through the pages: the same answer for everyone, limits,
codes read from where the development backend writes them (the log), sessions
ended, an official's reset in person and the trail it leaves."""

from __future__ import annotations

import io
import logging
import re
from datetime import timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select, update

from juragan.models import (
    AccessReset,
    AuditEntry,
    OneTimeCode,
    Role,
    UserSession,
    utcnow,
)
from juragan.services import recovery
from tests.factories import PASSWORD, login

NEW_PASSWORD = "kebun salak di lereng"  # noqa: S105


@pytest.fixture
def outbox(caplog):
    """The messages the development backend wrote to the log, newest last."""
    caplog.set_level(logging.WARNING, logger="juragan.delivery")

    def messages() -> list[str]:
        return [r.getMessage() for r in caplog.records if r.name == "juragan.delivery"]

    return messages


def last_code(outbox) -> str:
    return re.findall(r"\b(\d{6})\b", outbox()[-1])[-1]


def post(client, url, data):
    """POST and close the response, as a server does once it is sent (messages go
    out then)."""
    response = client.post(url, data=data)
    response.close()
    return response


@pytest.fixture
def sri(db, cast):
    """The cast's returnee, with her phone and an e-mail verified."""
    user = cast.returnee_user
    recovery.set_contact(db.session, user, "email", "sri@example.com")
    for kind in ("phone", "email"):
        recovery.mark_verified(db.session, user, kind, utcnow())
    db.session.commit()
    return user


def answer(client, identifier):
    response = post(client, "/password/forgot", {"identifier": identifier})
    page = client.get(response.headers["Location"])
    return response.status_code, response.headers["Location"], page.text


def test_the_answer_is_the_same_whether_or_not_an_account_exists(
    client, sri, cast, outbox
):
    unverified = cast.mentor.username  # exists, with nothing verified
    answers = {
        name: answer(client, name)
        for name in (
            sri.username,
            "sri@example.com",
            "0812 3456 7890",
            unverified,
            "nobody.at.all",
            "nobody@example.com",
            "0813 0000 1111",
        )
    }
    status_and_place = {(status, where) for status, where, _ in answers.values()}
    assert status_and_place == {(302, "/password/code")}
    flashes = {
        re.search(r"alert-info[^>]*>\s*(.*?)\s*<", text, re.S).group(1)
        for _, _, text in answers.values()
    }
    assert len(flashes) == 1
    # Only the three names of Sri's account sent anything: one message each
    # (by username: her phone and her e-mail).
    assert len(outbox()) == 4
    assert all("0813" not in m and "nobody" not in m for m in outbox())


def test_the_whole_reset_ends_every_session_and_the_old_password(
    app, client, db, sri, outbox
):
    signed_in = app.test_client()
    login(signed_in, sri.username)
    assert signed_in.get("/").status_code == 200
    post(client, "/password/forgot", {"identifier": "sri@example.com"})
    assert "sri@example.com" not in outbox()[-1]  # the recipient is masked in logs
    wrong = post(client, "/password/code", {"code": "000000"})
    assert "Kode ini salah" in wrong.text
    confirmed = post(client, "/password/code", {"code": last_code(outbox)})
    assert confirmed.headers["Location"] == "/password/new"
    weak = post(
        client,
        "/password/new",
        {"new_password": "password", "confirm_password": "password"},
    )
    assert "terlalu mudah ditebak" in weak.text  # the change-password rules
    done = post(
        client,
        "/password/new",
        {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert done.headers["Location"] == "/login"
    assert signed_in.get("/").status_code == 302  # that session has ended
    assert login(client, sri.username, PASSWORD).status_code == 200  # refused
    assert login(client, sri.username, NEW_PASSWORD).status_code == 302
    # The code is used up: the page to choose a password sends back to the start.
    client.post("/logout")
    again = post(client, "/password/code", {"code": last_code(outbox)})
    assert again.status_code in (200, 302)
    assert (
        db.session.scalar(
            select(OneTimeCode.end_reason).where(OneTimeCode.user_id == sri.id)
        )
        == "used"
    )


def test_the_trail_says_who_reset_and_never_the_code(client, db, sri, outbox):
    post(client, "/password/forgot", {"identifier": sri.username})
    code = last_code(outbox)
    post(client, "/password/code", {"code": code})
    post(
        client,
        "/password/new",
        {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    entries = db.session.scalars(
        select(AuditEntry)
        .where(AuditEntry.table_name.in_(("users", "one_time_codes", "user_sessions")))
        .order_by(AuditEntry.id)
    ).all()
    issued = [
        e for e in entries if e.table_name == "one_time_codes" and e.action == "insert"
    ]
    assert issued
    assert issued[-1].actor_label == "password-reset"
    assert issued[-1].changes["code_hash"] == ["***", "***"]
    changed = [
        e for e in entries if e.table_name == "users" and "password_hash" in e.changes
    ]
    assert changed[-1].actor_label == sri.username
    assert all(code not in str(e.changes) for e in entries)


def test_requests_are_limited_per_account_without_saying_so(client, sri, outbox):
    for _ in range(3):
        post(client, "/password/forgot", {"identifier": "sri@example.com"})
    assert len(outbox()) == 3
    fourth = post(client, "/password/forgot", {"identifier": "sri@example.com"})
    assert fourth.headers["Location"] == "/password/code"  # the same answer
    assert len(outbox()) == 3  # and nothing sent
    # Another name for the same account counts against the account too.
    post(client, "/password/forgot", {"identifier": "0812 3456 7890"})
    assert len(outbox()) == 3


def test_requests_and_codes_are_limited_per_address(client, sri):
    for n in range(10):
        assert (
            post(client, "/password/forgot", {"identifier": f"nobody{n}"}).status_code
            == 302
        )
    assert post(client, "/password/forgot", {"identifier": "x"}).status_code == 429
    for _ in range(30):
        assert post(client, "/password/code", {"code": "123456"}).status_code == 200
    assert post(client, "/password/code", {"code": "123456"}).status_code == 429


def test_five_wrong_codes_and_the_right_one_no_longer_works(client, sri, outbox):
    post(client, "/password/forgot", {"identifier": sri.username})
    code = last_code(outbox)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(recovery.MAX_ATTEMPTS):
        post(client, "/password/code", {"code": wrong})
    late = post(client, "/password/code", {"code": code})
    assert late.status_code == 200
    assert "Kode ini salah" in late.text


def test_the_new_password_page_needs_a_confirmed_code(client):
    response = client.get("/password/new")
    assert response.headers["Location"] == "/password/forgot"
    assert client.get("/password/code").headers["Location"] == "/password/forgot"


def test_the_sign_in_page_offers_the_reset(client):
    page = client.get("/login")
    assert 'href="/password/forgot"' in page.text
    assert "Lupa kata sandi?" in page.text


# Verifying a contact -----------------------------------------------------------


def test_a_returnee_verifies_a_new_email_with_a_code(client, db, cast, outbox):
    user = cast.returnee_user
    login(client, user.username)
    page = client.get("/account/contacts")
    assert page.status_code == 200
    assert "Nomor HP" in page.text
    bad = post(client, "/account/contacts/email/code", {"email-value": "not-an-email"})
    assert bad.status_code == 422
    assert "Ini bukan alamat e-mail" in bad.text
    sent = post(
        client, "/account/contacts/email/code", {"email-value": "Sri@Example.com"}
    )
    assert sent.status_code == 302
    db.session.refresh(user)
    assert user.email == "sri@example.com"
    assert not recovery.is_verified(db.session, user, "email")
    wrong = post(client, "/account/contacts/email/verify", {"email-code-code": "1"})
    assert wrong.status_code == 422
    done = post(
        client, "/account/contacts/email/verify", {"email-code-code": last_code(outbox)}
    )
    assert done.status_code == 302
    assert recovery.is_verified(db.session, user, "email")
    assert "Terverifikasi" in client.get("/account/contacts").text


def test_changing_a_contact_asks_for_the_password_again(client, db, sri, outbox):
    login(client, sri.username)
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == sri.id)
        .values(authenticated_at=utcnow() - timedelta(minutes=30))
    )
    db.session.commit()
    refused = post(
        client, "/account/contacts/phone/code", {"phone-value": "0812 9999 8888"}
    )
    assert refused.status_code == 422
    assert "Masukkan kata sandi Anda sendiri" in refused.text
    assert outbox() == []
    # Sending a code to the number already held needs no password.
    resent = post(
        client, "/account/contacts/phone/code", {"phone-value": "+62 812-3456-7890"}
    )
    assert resent.status_code == 302
    assert len(outbox()) == 1


def test_staff_have_no_phone_to_verify_here(client, cast):
    login(client, cast.mentor.username)
    assert (
        post(
            client, "/account/contacts/phone/code", {"phone-value": "081234567890"}
        ).status_code
        == 404
    )
    assert "Nomor HP" not in client.get("/account/contacts").text


# In person ---------------------------------------------------------------------


def reset_form(note="Lupa kata sandi, HP hilang"):
    return {"ktp_checked": "y", "note": note}


def test_an_official_resets_in_person_and_the_returnee_chooses_a_password(
    app, client, db, cast
):
    person = cast.returnee
    returnee_client = app.test_client()
    login(returnee_client, cast.returnee_user.username)
    login(client, cast.official_regency.username)
    assert "Atur ulang akses" in client.get(f"/returnees/{person.id}").text
    unchecked = post(client, f"/returnees/{person.id}/access/reset", {"note": "lupa"})
    assert unchecked.status_code == 422
    assert db.session.scalar(select(AccessReset)) is None
    shown = post(client, f"/returnees/{person.id}/access/reset", reset_form())
    assert shown.status_code == 200
    assert shown.headers["Cache-Control"] == "no-store"
    code = re.search(r'id="temporary-code">([\d ]+)<', shown.text).group(1)
    assert len(code.replace(" ", "")) == recovery.IN_PERSON_DIGITS
    assert returnee_client.get("/").status_code == 302  # signed out everywhere
    # The returnee signs in with the code and must choose a password first.
    visitor = app.test_client()
    assert login(visitor, cast.returnee_user.username, PASSWORD).status_code == 200
    first = login(visitor, cast.returnee_user.username, code)
    assert first.headers["Location"] == "/password/new"
    assert visitor.get("/").status_code == 302  # not signed in yet
    post(
        visitor,
        "/password/new",
        {"new_password": NEW_PASSWORD, "confirm_password": NEW_PASSWORD},
    )
    assert login(visitor, cast.returnee_user.username, code).status_code == 200
    assert login(visitor, cast.returnee_user.username, NEW_PASSWORD).status_code == 302
    # Who, when and why, in the person's own processing log.
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.table_name == "access_resets")
    )
    assert entry.returnee_id == person.id
    assert entry.actor_id == cast.official_regency.id
    assert entry.changes["note"][1] == "Lupa kata sandi, HP hilang"
    assert entry.changes["ktp_checked"][1] is True
    # And in their own download, readable.
    pdf = visitor.get(f"/returnees/{person.id}/data.pdf")
    assert pdf.status_code == 200
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.data)).pages)
    assert "KTP diperiksa langsung" in text
    assert "Lupa kata sandi, HP hilang" in text


def test_the_in_person_reset_asks_for_the_officials_password(client, db, cast):
    login(client, cast.official_regency.username)
    db.session.execute(
        update(UserSession)
        .where(UserSession.user_id == cast.official_regency.id)
        .values(authenticated_at=utcnow() - timedelta(minutes=30))
    )
    db.session.commit()
    url = f"/returnees/{cast.returnee.id}/access/reset"
    refused = post(client, url, reset_form())
    assert refused.status_code == 422
    assert db.session.scalar(select(AccessReset)) is None
    done = post(client, url, {**reset_form(), "confirm_password": PASSWORD})
    assert "temporary-code" in done.text


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("official_other", 404),  # another province: the person does not exist for them
        ("mentor", 403),  # the caseload's mentor sees the person, but checks no KTP
        ("bank_officer", 404),
        ("admin", 403),
    ],
)
def test_only_officials_of_the_region_reset_in_person(client, db, cast, who, status):
    login(client, cast.user(who).username)
    url = f"/returnees/{cast.returnee.id}/access/reset"
    assert client.get(url).status_code == status
    assert post(client, url, reset_form()).status_code == status
    assert db.session.scalar(select(AccessReset)) is None
    assert db.session.scalar(select(OneTimeCode)) is None


def test_a_person_without_an_account_is_invited_instead(client, db, cast):
    login(client, cast.official_province.username)
    url = f"/returnees/{cast.neighbour.id}/access/reset"
    assert "undangan" in client.get(url).text
    assert post(client, url, reset_form()).status_code == 422


def test_staff_accounts_are_not_reset_by_an_official(client, db, cast, make_returnee):
    record = make_returnee(user=cast.other_mentor)
    login(client, cast.official_province.username)
    response = post(client, f"/returnees/{record.id}/access/reset", reset_form())
    assert response.status_code == 422
    db.session.refresh(cast.other_mentor)
    assert (
        login(
            client.application.test_client(), cast.other_mentor.username, PASSWORD
        ).status_code
        == 302
    )
    assert cast.other_mentor.role == Role.MENTOR
