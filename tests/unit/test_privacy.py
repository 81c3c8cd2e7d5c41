"""The right of access and the right to erasure, without a request."""

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import inspect, select, text

from juragan import clock
from juragan.dashboards import figures as programme
from juragan.dashboards.figures import Filters
from juragan.domain.wellbeing import QUESTIONS
from juragan.errors import DomainError
from juragan.models import AuditEntry, LoanDocument, Placement, Returnee, utcnow
from juragan.policy import Action, can
from juragan.services import accounts, mentoring, privacy


def every_stored_text(db) -> str:
    names = inspect(db.engines[None]).get_table_names()
    return "\n".join(
        " ".join(str(v) for v in row)
        for name in names
        for row in db.session.execute(text(f'SELECT * FROM "{name}"'))  # noqa: S608 - our tables
    )


@pytest.fixture
def sri(db, cast, make_loan, tmp_path, app):
    """Sri with a journey, a plan, a business, a paid-off KUR and a wellbeing check."""
    app.config["UPLOAD_FOLDER"] = str(tmp_path)
    cast.returnee.phone = "+6285712340987"  # hers alone (the cast shares one)
    db.session.add(
        Placement(
            returnee_id=cast.returnee.id,
            country_code="TW",
            sector="caregiver",
            agency_name="PT Bina Tenaga",
            occupation="Perawat lansia",
            departure_date=date(2015, 1, 10),
            contract_months=36,
            return_date=date(2018, 1, 15),
            return_reason="contract_completed",
            skills="Bahasa Mandarin",
            remittances_idr=190_000_000,
        )
    )
    db.session.flush()
    loan = make_loan(cast, status="paid_off", amount=12_000_000, tenor=12)
    mentoring.record_wellbeing(
        db.session,
        cast.returnee,
        {q.code: 4 for q in QUESTIONS},
        clock.today(),
        clock.today(),
    )
    db.session.commit()
    return cast.returnee, loan


def test_a_person_gets_everything_held_about_them(db, cast, sri):
    returnee, loan = sri
    data = privacy.personal_data(db.session, returnee)
    assert data["profile"]["nik"] == returnee.nik
    assert "nik_hash" not in data["profile"]
    assert data["profile"]["phone"] == returnee.phone
    assert data["account"]["username"] == cast.returnee_user.username
    assert "password_hash" not in data["account"]
    assert data["placements"][0]["occupation"] == "Perawat lansia"
    assert data["business_plans"][0]["capital_items"]
    assert data["businesses"][0]["history"]
    (application,) = data["kur_applications"]
    assert application["status"] == "paid_off"
    assert application["documents"]
    assert "stored_name" not in application["documents"][0]
    assert application["payments"]
    assert data["wellbeing_checks"][0]["overall"] == "0.625"  # 4s, three reversed
    assert data["record_history"][0]["action"] == "insert"
    json.dumps(data)  # plain values throughout


def figures(db, user):
    today = clock.today()
    return (
        programme.headline(db.session, user, Filters(), today),
        programme.funnel(db.session, user, Filters(), today),
        programme.by_country(db.session, user, Filters()),
        programme.by_sector(db.session, user, Filters()),
        programme.cohorts(db.session, user, Filters(), today),
        programme.npl_trends(db.session, user, Filters(), today),
    )


def test_erasure_keeps_the_figures_and_removes_the_person(db, cast, sri, tmp_path):
    returnee, loan = sri
    name, nik, phone = returnee.full_name, returnee.nik, returnee.phone
    username = cast.returnee_user.username
    files = [tmp_path / "loans" / d.stored_name for d in loan.documents]
    assert all(f.exists() for f in files)
    before = figures(db, cast.official_province)
    request = privacy.request_erasure(db.session, returnee, "Saya pindah.", utcnow())
    with pytest.raises(DomainError):
        privacy.request_erasure(db.session, returnee, None, utcnow())
    privacy.erase(db.session, cast.official_province, request, utcnow(), tmp_path)
    db.session.commit()
    assert figures(db, cast.official_province) == before
    db.session.expire_all()
    person = db.session.get(Returnee, returnee.id)
    assert person.erased_at is not None
    assert person.full_name == privacy.ERASED_NAME
    assert person.nik != nik
    assert person.nik.startswith("00")
    assert person.phone is None
    assert person.birth_date == date(returnee.birth_date.year, 1, 1)
    assert not any(f.exists() for f in files)
    assert (
        db.session.scalar(select(LoanDocument).where(LoanDocument.loan_id == loan.id))
        is None
    )
    stored = every_stored_text(db)
    for secret in (
        name,
        nik,
        phone,
        "Perawat lansia",
        "Bahasa Mandarin",
        "Saya pindah.",
    ):
        assert secret not in stored, secret
    # The account cannot sign in, and the record can no longer be changed.
    assert accounts.authenticate(db.session, username, "correct-horse-battery") is None
    assert not can(cast.official_province, Action.EDIT_RETURNEE, person)
    assert not can(cast.mentor, Action.LOG_VISIT, person)
    assert can(cast.official_province, Action.VIEW_RETURNEE, person)
    # The trail keeps who did what, when; the erasure itself is on it.
    erased = db.session.scalar(
        select(AuditEntry).where(
            AuditEntry.action == "erase", AuditEntry.object_id == str(returnee.id)
        )
    )
    assert erased.actor_id == cast.official_province.id


def test_no_erasure_while_money_is_out_and_refusals_say_why(
    db, cast, make_loan, tmp_path
):
    make_loan(cast, status="repaying")
    request = privacy.request_erasure(db.session, cast.returnee, None, utcnow())
    with pytest.raises(DomainError, match="sisa pinjaman"):
        privacy.erase(db.session, cast.official_province, request, utcnow(), tmp_path)
    with pytest.raises(DomainError) as no_reason:
        privacy.refuse_erasure(
            db.session, cast.official_province, request, " ", utcnow()
        )
    assert no_reason.value.field == "note"
    privacy.refuse_erasure(
        db.session,
        cast.official_province,
        request,
        "KUR masih berjalan sampai 2027.",
        utcnow(),
    )
    assert privacy.latest_request(db.session, cast.returnee).status == "refused"
    with pytest.raises(DomainError):
        privacy.erase(db.session, cast.official_province, request, utcnow(), tmp_path)
    # A new request may follow a refusal.
    later = privacy.request_erasure(
        db.session, cast.returnee, None, utcnow() + timedelta(days=1)
    )
    assert later.status == "pending"


def test_requests_are_listed_inside_the_region(db, cast):
    privacy.request_erasure(db.session, cast.returnee, None, utcnow())
    privacy.request_erasure(db.session, cast.far_away, None, utcnow())
    assert [
        r.returnee_id
        for r in privacy.pending_requests(db.session, cast.official_province)
    ] == [cast.returnee.id]
    assert [
        r.returnee_id for r in privacy.pending_requests(db.session, cast.official_other)
    ] == [cast.far_away.id]
