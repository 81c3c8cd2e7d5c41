"""Businesses: opening from a plan, NIB checks, pausing, closing and reopening."""

from datetime import date, timedelta

import pytest

from juragan.errors import DomainError, FieldErrors
from juragan.models import utcnow
from juragan.services import businesses
from juragan.services.businesses import BusinessData

TODAY = date(2026, 11, 20)


@pytest.fixture
def business(db, cast, make_plan):
    plan = make_plan(cast.returnee, cast.returnee_user, status="ready")
    return businesses.open_business(
        db.session,
        cast.returnee_user,
        plan,
        BusinessData(date(2026, 3, 1), nib="1234 5678 90123", workers_family=1),
        TODAY,
        utcnow(),
    )


def test_opening_copies_the_plan_and_starts_the_history(db, cast, business):
    assert business.name == "Warung Makan Sari"
    assert business.sector == "culinary"
    assert business.regency_code == "35.07"
    assert business.nib == "1234567890123"
    assert business.status == "operating"
    assert business.status_since == date(2026, 3, 1)
    [opening] = business.status_changes
    assert (opening.from_status, opening.to_status) == (None, "operating")
    with pytest.raises(DomainError):
        businesses.open_business(
            db.session, cast.mentor, business.plan, BusinessData(TODAY), TODAY, utcnow()
        )


def test_opening_checks_date_nib_and_workers(db, cast, make_plan, make_returnee):
    plan = make_plan(cast.neighbour, cast.official_province, status="ready")
    with pytest.raises(FieldErrors) as excinfo:
        businesses.open_business(
            db.session,
            cast.official_province,
            plan,
            BusinessData(TODAY + timedelta(days=1), nib="12345", workers_paid=-1),
            TODAY,
            utcnow(),
        )
    assert set(dict(excinfo.value.errors)) == {"opened_on", "nib", "workers_paid"}


def test_a_nib_belongs_to_one_business(db, cast, business, make_plan):
    plan = make_plan(cast.neighbour, cast.official_province, status="ready")
    with pytest.raises(FieldErrors) as excinfo:
        businesses.open_business(
            db.session,
            cast.official_province,
            plan,
            BusinessData(TODAY, nib="1234567890123"),
            TODAY,
            utcnow(),
        )
    assert "nib" in dict(excinfo.value.errors)


def test_pause_close_and_reopen_keep_the_history(db, cast, business):
    now = utcnow()
    businesses.change_status(
        db.session,
        cast.mentor,
        business,
        "paused",
        date(2026, 6, 1),
        TODAY,
        now,
        note="Sakit",
    )
    with pytest.raises(FieldErrors) as excinfo:
        businesses.change_status(
            db.session, cast.mentor, business, "closed", date(2026, 7, 1), TODAY, now
        )
    assert "close_reason" in dict(excinfo.value.errors)
    businesses.change_status(
        db.session,
        cast.mentor,
        business,
        "closed",
        date(2026, 7, 1),
        TODAY,
        now,
        close_reason="capital_ran_out",
    )
    businesses.change_status(
        db.session,
        cast.returnee_user,
        business,
        "operating",
        date(2026, 9, 1),
        TODAY,
        now,
    )
    history = [
        (c.from_status, c.to_status, c.close_reason) for c in business.status_changes
    ]
    assert history == [
        (None, "operating", None),
        ("operating", "paused", None),
        ("paused", "closed", "capital_ran_out"),
        ("closed", "operating", None),
    ]
    assert business.status == "operating"
    assert business.status_since == date(2026, 9, 1)


def test_status_changes_refuse_the_impossible(db, cast, business):
    now = utcnow()
    cases = [
        ("operating", date(2026, 5, 1), "to_status"),  # the same state
        ("paused", date(2026, 2, 1), "changed_on"),  # before the opening
        ("paused", TODAY + timedelta(days=1), "changed_on"),  # the future
    ]
    for to_status, on, field in cases:
        with pytest.raises(FieldErrors) as excinfo:
            businesses.change_status(
                db.session, cast.mentor, business, to_status, on, TODAY, now
            )
        assert field in dict(excinfo.value.errors)
    assert business.status == "operating"


def test_correcting_the_opening_date(db, cast, business):
    businesses.update_business(
        db.session, business, BusinessData(date(2026, 2, 1)), TODAY
    )
    assert business.opened_on == date(2026, 2, 1)
    assert business.status_changes[0].changed_on == date(2026, 2, 1)
    assert business.nib is None  # cleared by the correction
    businesses.change_status(
        db.session, cast.mentor, business, "paused", date(2026, 4, 1), TODAY, utcnow()
    )
    with pytest.raises(FieldErrors):
        businesses.update_business(
            db.session, business, BusinessData(date(2026, 5, 1)), TODAY
        )
