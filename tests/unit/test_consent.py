"""Consent per purpose (docs/consent.md): when a withdrawal takes effect in each
time zone, consent given again, what the database refuses, and whether a message
may be sent."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from juragan import clock, consent_rules
from juragan.db import scope
from juragan.errors import DomainError
from juragan.models import ConsentRecord, Role, utcnow
from juragan.services import consent
from tests.factories import PDF_BYTES

#: 00:30 on 2 December 2026 where the person lives: still 1 December in UTC.
HALF_PAST_MIDNIGHT = {
    "35.07": datetime(2026, 12, 1, 17, 30, tzinfo=UTC),  # WIB, Kab. Malang
    "73.71": datetime(2026, 12, 1, 16, 30, tzinfo=UTC),  # WITA, Kota Makassar
    "91.71": datetime(2026, 12, 1, 15, 30, tzinfo=UTC),  # WIT, Kota Jayapura
}
#: The start of 3 December there, in UTC.
MIDNIGHT_OF_THE_3RD = {
    "35.07": datetime(2026, 12, 2, 17, 0, tzinfo=UTC),
    "73.71": datetime(2026, 12, 2, 16, 0, tzinfo=UTC),
    "91.71": datetime(2026, 12, 2, 15, 0, tzinfo=UTC),
}


def _records(db, person, purpose=None):
    with scope.system("tests"):
        stmt = select(ConsentRecord).where(ConsentRecord.returnee_id == person.id)
        if purpose:
            stmt = stmt.where(ConsentRecord.purpose == purpose)
        return db.session.scalars(stmt.order_by(ConsentRecord.id)).all()


def _aware(moment):
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@pytest.mark.parametrize("regency", sorted(HALF_PAST_MIDNIGHT))
def test_a_withdrawal_takes_effect_from_the_persons_date(
    db, make_user, make_returnee, regency
):
    """At 00:30 local the person's today is the 2nd (UTC still says the 1st): the
    1st is refused as past, the 2nd stops at once, the 3rd from its midnight there."""
    now = HALF_PAST_MIDNIGHT[regency]
    with time_machine.travel(now - timedelta(days=30), tick=False):
        user = make_user(Role.RETURNEE)
        person = make_returnee(regency, user=user)
    with time_machine.travel(now, tick=False):
        with pytest.raises(DomainError) as caught:
            consent.withdraw_consent(
                db.session, user, person, "contact_sms", date(2026, 12, 1), None, now
            )
        assert set(dict(caught.value.errors)) == {"effective_on"}
        sms = consent.withdraw_consent(
            db.session, user, person, "contact_sms", date(2026, 12, 2), None, now
        )
        # Today has begun: it stops now, not at a midnight already past.
        assert _aware(sms.effective_at) == now
        assert sms.withdrawal_method == "online"
        assert not consent_rules.holds_now(db.session, person.id, "contact_sms")
        lender = consent.withdraw_consent(
            db.session, user, person, "lender", date(2026, 12, 3), "Pindah bank", now
        )
        assert _aware(lender.effective_at) == MIDNIGHT_OF_THE_3RD[regency]
        db.session.commit()
        assert consent_rules.holds_now(db.session, person.id, "lender")
    before = MIDNIGHT_OF_THE_3RD[regency] - timedelta(minutes=1)
    assert consent_rules.holds_at(lender, before)
    assert not consent_rules.holds_at(lender, MIDNIGHT_OF_THE_3RD[regency])
    with time_machine.travel(MIDNIGHT_OF_THE_3RD[regency], tick=False):
        assert not consent_rules.holds_now(db.session, person.id, "lender")


def test_the_date_is_today_or_later_within_a_year():
    today = date(2026, 12, 2)
    assert consent_rules.effective_date_problem(today, today) is None
    assert consent_rules.effective_date_problem(today - timedelta(days=1), today)
    assert consent_rules.effective_date_problem(today + timedelta(days=367), today)
    assert consent_rules.effective_date_problem(None, today)


def test_consent_given_again_is_a_new_record_and_history_stays(db, cast, tmp_path):
    person, mentor = cast.returnee, cast.mentor
    now = utcnow()
    today = clock.date_in("35", now)
    with pytest.raises(DomainError) as caught:
        consent.give_consent(
            db.session,
            cast.returnee_user,
            person,
            consent.online({"lender"}),
            now,
            tmp_path,
        )
    assert caught.value.field == "purposes"  # it is given already
    first = consent.withdraw_consent(
        db.session, mentor, person, "lender", today, "Surat tanggal 2 Desember", now
    )
    assert first.withdrawal_method == "paper"
    later = now + timedelta(minutes=5)
    [again] = consent.give_consent(
        db.session,
        mentor,
        person,
        consent.on_paper({"lender"}, consent.Scan("form.pdf", PDF_BYTES)),
        later,
        tmp_path,
    )
    db.session.commit()
    rows = _records(db, person, "lender")
    assert [r.id for r in rows] == [first.id, again.id]
    assert rows[0].withdrawn_at is not None
    assert rows[1].withdrawn_at is None
    assert again.method == "paper"
    assert again.recorded_by_id == mentor.id
    assert (tmp_path / "consents" / again.stored_name).read_bytes() == PDF_BYTES
    assert consent_rules.holding(rows, "lender", later) == again


def test_staff_say_how_a_withdrawal_reached_them(db, cast):
    now = utcnow()
    today = clock.date_in("35", now)
    with pytest.raises(DomainError) as caught:
        consent.withdraw_consent(
            db.session, cast.mentor, cast.returnee, "lender", today, "  ", now
        )
    assert "reason" in dict(caught.value.errors)


def test_the_registry_consent_is_withdrawn_by_erasure_only(db, cast):
    now = utcnow()
    with pytest.raises(DomainError) as caught:
        consent.withdraw_consent(
            db.session,
            cast.returnee_user,
            cast.returnee,
            "registry",
            clock.date_in("35", now),
            None,
            now,
        )
    assert caught.value.message == consent_rules.REGISTRY_WITHDRAWAL
    assert all(r.withdrawn_at is None for r in _records(db, cast.returnee))


def _row(person_id, **values):
    given = datetime(2026, 12, 1, 3, tzinfo=UTC)
    return ConsentRecord(
        **{
            "returnee_id": person_id,
            "purpose": "contact_email",
            "wording_version": "t",
            "wording": "Saya setuju.",
            "method": "online",
            "given_at": given,
            **values,
        }
    )


def _store(db, row):
    db.session.add(row)
    db.session.flush()


@pytest.mark.parametrize(
    "values",
    [
        # On paper without the scan of the form.
        {"method": "paper"},
        # A scan on a consent that was not given on paper.
        {
            "stored_name": "a.pdf",
            "content_type": "application/pdf",
            "size_bytes": 1,
            "sha256": "0" * 64,
        },
        # From the archive without its reference.
        {"method": "paper_archive"},
        # Withdrawn before it was given.
        {
            "withdrawn_at": datetime(2026, 11, 30, tzinfo=UTC),
            "effective_on": date(2026, 11, 30),
            "effective_at": datetime(2026, 11, 30, tzinfo=UTC),
            "withdrawal_method": "online",
        },
        # Taking effect before the withdrawal was made.
        {
            "withdrawn_at": datetime(2026, 12, 2, tzinfo=UTC),
            "effective_on": date(2026, 12, 1),
            "effective_at": datetime(2026, 12, 1, tzinfo=UTC),
            "withdrawal_method": "online",
        },
        # A withdrawal without its date.
        {
            "withdrawn_at": datetime(2026, 12, 2, tzinfo=UTC),
            "withdrawal_method": "online",
        },
        # An unknown purpose or method.
        {"purpose": "marketing"},
        {"method": "ticked_by_mentor"},
    ],
)
def test_the_database_refuses_what_proves_nothing(db, make_returnee, values):
    person = make_returnee(consents=())
    with pytest.raises(IntegrityError), db.session.begin_nested():
        _store(db, _row(person.id, **values))


def test_one_open_consent_per_person_and_purpose(db, make_returnee):
    person = make_returnee(consents=())
    db.session.add(_row(person.id))
    db.session.flush()
    with pytest.raises(IntegrityError), db.session.begin_nested():
        _store(db, _row(person.id))
    # A withdrawn one beside an open one is history, not a clash.
    moment = datetime(2026, 12, 2, tzinfo=UTC)
    db.session.add(
        _row(
            person.id,
            withdrawn_at=moment,
            effective_on=date(2026, 12, 2),
            effective_at=moment,
            withdrawal_method="online",
        )
    )
    db.session.flush()


def test_may_contact_covers_whole_days_of_the_channels_consent(
    db, make_user, make_returnee
):
    user = make_user(Role.RETURNEE)
    person = make_returnee(
        "73.71", user=user, consents=("registry", "contact_whatsapp")
    )
    now = HALF_PAST_MIDNIGHT["73.71"]
    record = _records(db, person, "contact_whatsapp")[0]
    record.given_at = now - timedelta(days=10)
    db.session.flush()
    assert consent_rules.may_contact(person, "whatsapp", date(2026, 12, 2))
    assert not consent_rules.may_contact(person, "sms", date(2026, 12, 2))
    with pytest.raises(KeyError):
        consent_rules.may_contact(person, "pigeon", date(2026, 12, 2))
    consent.withdraw_consent(
        db.session, user, person, "contact_whatsapp", date(2026, 12, 4), None, now
    )
    assert consent_rules.may_contact(person, "whatsapp", date(2026, 12, 3))
    assert not consent_rules.may_contact(person, "whatsapp", date(2026, 12, 4))
    # Not before it was given either.
    assert not consent_rules.may_contact(person, "whatsapp", date(2026, 11, 1))
