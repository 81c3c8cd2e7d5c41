"""The rules of one-time codes and verified contacts (juragan.services.recovery)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from juragan.errors import DomainError
from juragan.models import AccessReset, OneTimeCode, Role, UserSession, utcnow
from juragan.services import accounts, recovery
from tests.factories import PASSWORD


def code_in(message) -> str:
    return re.search(r"\b(\d{6})\b", message.body).group(1)


@pytest.fixture
def sri(db, make_user, make_returnee):
    """A returnee whose phone and e-mail are verified."""
    user = make_user(Role.RETURNEE, username="sri.wahyuni.1001")
    make_returnee(user=user, phone="+6281234567890")
    recovery.set_contact(db.session, user, "email", "sri@example.com")
    for kind in ("phone", "email"):
        recovery.mark_verified(db.session, user, kind, utcnow())
    db.session.commit()
    return user


def ask(db, identifier, now):
    target = recovery.find_reset_target(db.session, identifier)
    return recovery.start_reset(db.session, target, now)


def test_a_code_is_six_digits_sent_in_the_persons_language_and_only_hashed(db, sri):
    now = utcnow()
    messages = ask(db, "Sri.Wahyuni.1001", now)
    assert {(m.channel, m.recipient) for m in messages} == {
        ("sms", "+6281234567890"),
        ("email", "sri@example.com"),
    }
    code = code_in(messages[0])
    assert all(code_in(m) == code for m in messages)  # one code, every contact
    assert "Jangan berikan kode ini" in messages[0].body  # Indonesian by default
    row = db.session.scalar(select(OneTimeCode).where(OneTimeCode.user_id == sri.id))
    assert code not in row.code_hash
    assert len(row.code_hash) == 64
    assert row.expires_at - row.created_at == timedelta(minutes=recovery.CODE_MINUTES)


def test_each_way_of_naming_the_account_reaches_only_that_contact(db, sri):
    now = utcnow()
    by_phone = ask(db, "0812-3456-7890", now)
    assert [(m.channel, m.recipient) for m in by_phone] == [("sms", "+6281234567890")]
    by_email = ask(db, "SRI@example.com", now)
    assert [(m.channel, m.recipient) for m in by_email] == [
        ("email", "sri@example.com")
    ]
    assert ask(db, "nobody.here", now) == []
    assert ask(db, "+6281299999999", now) == []


def test_the_code_expires(db, sri):
    now = utcnow()
    code = code_in(ask(db, sri.username, now)[0])
    late = now + timedelta(minutes=recovery.CODE_MINUTES, seconds=1)
    assert recovery.confirm_reset_code(db.session, sri.username, code, late) is None
    almost = now + timedelta(minutes=recovery.CODE_MINUTES - 1)
    assert recovery.confirm_reset_code(db.session, sri.username, code, almost)


def test_five_wrong_tries_kill_the_code(db, sri):
    now = utcnow()
    code = code_in(ask(db, sri.username, now)[0])
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    for _ in range(recovery.MAX_ATTEMPTS):
        assert recovery.confirm_reset_code(db.session, sri.username, wrong, now) is None
    assert recovery.confirm_reset_code(db.session, sri.username, code, now) is None
    row = db.session.scalar(select(OneTimeCode).where(OneTimeCode.user_id == sri.id))
    assert (row.end_reason, row.attempts) == ("attempts", recovery.MAX_ATTEMPTS)


def test_a_new_request_ends_the_previous_code(db, sri):
    now = utcnow()
    first = code_in(ask(db, sri.username, now)[0])
    second = code_in(ask(db, sri.username, now + timedelta(seconds=1))[0])
    if first != second:
        assert recovery.confirm_reset_code(db.session, sri.username, first, now) is None
    assert recovery.confirm_reset_code(db.session, sri.username, second, now)
    reasons = db.session.scalars(
        select(OneTimeCode.end_reason)
        .where(OneTimeCode.user_id == sri.id)
        .order_by(OneTimeCode.id)
    ).all()
    assert reasons == ["replaced", None]


def test_a_code_works_once_and_ends_every_session(db, sri):
    now = utcnow()
    accounts.start_session(db.session, sri, now)
    code = code_in(ask(db, sri.username, now)[0])
    row = recovery.confirm_reset_code(
        db.session, sri.username, f" {code[:3]} {code[3:]} ", now
    )
    assert row is not None
    with pytest.raises(DomainError) as refused:
        recovery.finish_reset(db.session, row, "sri", now)
    assert refused.value.field == "new_password"  # the change-password rules
    recovery.finish_reset(db.session, row, "kebun salak di lereng", now)
    assert accounts.authenticate(db.session, sri.username, PASSWORD) is None
    assert accounts.authenticate(db.session, sri.username, "kebun salak di lereng")
    assert recovery.confirmed_code(db.session, row.id, sri.id, now) is None
    assert recovery.confirm_reset_code(db.session, sri.username, code, now) is None
    live = db.session.scalars(
        select(UserSession).where(
            UserSession.user_id == sri.id, UserSession.ended_at.is_(None)
        )
    ).all()
    assert live == []


def test_only_a_verified_contact_receives_a_code(db, make_user, make_returnee):
    user = make_user(Role.RETURNEE)
    make_returnee(user=user, phone="+6281311112222")
    assert ask(db, user.username, utcnow()) == []
    assert ask(db, "081311112222", utcnow()) == []


def test_verification_proves_the_value_the_code_went_to(db, make_user, make_returnee):
    user = make_user(Role.RETURNEE)
    record = make_returnee(user=user, phone="+6281311112222")
    now = utcnow()
    message = recovery.send_verification(db.session, user, "phone", now)
    assert message.recipient == "+6281311112222"
    record.phone = "+6281399998888"  # changed meanwhile (a mentor's edit)
    db.session.flush()
    with pytest.raises(DomainError, match="sebelum alamat atau nomornya diganti"):
        recovery.verify_contact(db.session, user, "phone", code_in(message), now)
    assert not recovery.is_verified(db.session, user, "phone")
    message = recovery.send_verification(db.session, user, "phone", now)
    recovery.verify_contact(db.session, user, "phone", code_in(message), now)
    assert recovery.is_verified(db.session, user, "phone")
    record.phone = "+6281377776666"  # a later change is not verified
    db.session.flush()
    assert not recovery.is_verified(db.session, user, "phone")


def test_a_number_is_verified_for_its_latest_holder(db, sri, make_user, make_returnee):
    """Operators recycle numbers: whoever proves it last receives the codes."""
    newcomer = make_user(Role.RETURNEE)
    make_returnee(user=newcomer, phone="+6281234567890")
    recovery.mark_verified(db.session, newcomer, "phone", utcnow())
    assert not recovery.is_verified(db.session, sri, "phone")
    assert recovery.is_verified(db.session, newcomer, "phone")
    target = recovery.find_reset_target(db.session, "081234567890")
    assert target.user.id == newcomer.id


def test_staff_verify_an_email_but_have_no_phone_here(db, make_user):
    mentor = make_user(Role.MENTOR, "35", "35.07")
    assert recovery.contact_kinds(mentor) == ("email",)
    with pytest.raises(DomainError):
        recovery.set_contact(db.session, mentor, "phone", "081234567890")
    with pytest.raises(DomainError, match="bukan alamat e-mail"):
        recovery.set_contact(db.session, mentor, "email", "not an address")


def test_in_person_reset_needs_the_ktp_and_a_reason(db, cast):
    now = utcnow()
    official = cast.official_regency
    with pytest.raises(DomainError) as no_ktp:
        recovery.reset_in_person(
            db.session, official, cast.returnee, False, "lupa", now
        )
    assert no_ktp.value.field == "ktp_checked"
    with pytest.raises(DomainError) as no_note:
        recovery.reset_in_person(db.session, official, cast.returnee, True, "  ", now)
    assert no_note.value.field == "note"


def test_in_person_reset_replaces_the_password_and_works_once(db, cast):
    now = utcnow()
    user = cast.returnee_user
    accounts.start_session(db.session, user, now)
    code = recovery.reset_in_person(
        db.session,
        cast.official_regency,
        cast.returnee,
        True,
        "Lupa kata sandi, HP hilang",
        now,
    )
    assert len(code) == recovery.IN_PERSON_DIGITS
    assert accounts.authenticate(db.session, user.username, PASSWORD) is None
    assert accounts.end_sessions(db.session, user, "logout", now) == 0  # all ended
    reset = db.session.scalar(select(AccessReset))
    assert (reset.official_id, reset.returnee_id, reset.note) == (
        cast.official_regency.id,
        cast.returnee.id,
        "Lupa kata sandi, HP hilang",
    )
    # A six-digit guess or a password is not tried against the code at all.
    assert (
        recovery.redeem_in_person_code(db.session, user.username, "123456", now) is None
    )
    row = recovery.redeem_in_person_code(
        db.session, user.username, recovery.formatted_code(code), now
    )
    assert row is not None
    recovery.finish_reset(db.session, row, "sawah hijau di kepanjen", now)
    assert recovery.redeem_in_person_code(db.session, user.username, code, now) is None
    assert accounts.authenticate(db.session, user.username, "sawah hijau di kepanjen")


def test_in_person_codes_live_a_day(db, cast):
    now = utcnow()
    code = recovery.reset_in_person(
        db.session, cast.official_regency, cast.returnee, True, "lupa", now
    )
    later = now + timedelta(hours=recovery.IN_PERSON_HOURS, minutes=1)
    username = cast.returnee_user.username
    assert recovery.redeem_in_person_code(db.session, username, code, later) is None


def test_a_staff_account_is_never_reset_in_person(db, cast, make_returnee):
    """A record wrongly linked to a staff account still does not reset it."""
    record = make_returnee(user=cast.mentor)
    with pytest.raises(DomainError, match="hanya akun Purna PMI"):
        recovery.reset_in_person(
            db.session, cast.official_regency, record, True, "lupa", utcnow()
        )
    assert (
        recovery.redeem_in_person_code(
            db.session, cast.mentor.username, "12345678", utcnow()
        )
        is None
    )


def test_nobody_can_end_an_in_person_code_by_guessing_or_asking(db, cast):
    """Anyone who knows the username can type wrong eight-digit passwords or ask
    for a reset code: neither ends the code the official gave (the password is
    gone by then, so that would lock the person out)."""
    now = utcnow()
    code = recovery.reset_in_person(
        db.session, cast.official_regency, cast.returnee, True, "HP hilang", now
    )
    username = cast.returnee_user.username
    wrong = "00000000" if code != "00000000" else "11111111"
    for _ in range(recovery.MAX_ATTEMPTS + 2):
        assert recovery.redeem_in_person_code(db.session, username, wrong, now) is None
    recovery.issue_code(db.session, cast.returnee_user, recovery.RESET, now)
    row = recovery.redeem_in_person_code(db.session, username, code, now)
    assert row is not None
    assert row.attempts == 0
