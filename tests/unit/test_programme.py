"""Programme headline figures against numbers worked out by hand on a small data set."""

from datetime import date, timedelta
from decimal import Decimal

from juragan import clock
from juragan.dashboards.figures import Filters, by_country, by_sector, headline
from juragan.db import loan_reading
from juragan.domain.wellbeing import QUESTIONS
from juragan.models import Placement, utcnow
from juragan.services import loans as loan_service
from juragan.services import mentoring


def test_nothing_in_scope(db, cast):
    figures = headline(db.session, cast.official_other, Filters(), clock.today())
    assert figures.returnees == 1  # Central Java: only far_away
    assert figures.kur_applied == 0
    assert figures.approval_rate is None
    assert figures.npl_ratio is None
    assert figures.median_days_to_business is None
    assert figures.mean_wellbeing is None


def test_headline_from_a_hand_made_region(db, cast, make_loan):
    today = clock.today()
    # Returns: Sri (cast.returnee) came home 100 days before her business opened
    # (make_loan opens it 400 days ago); the neighbour has a rejected application.
    opened = today - timedelta(days=400)
    db.session.add(
        Placement(
            returnee_id=cast.returnee.id,
            country_code="TW",
            sector="caregiver",
            agency_name="PT A",
            departure_date=opened - timedelta(days=900),
            contract_months=24,
            return_date=opened - timedelta(days=100),
            return_reason="contract_completed",
        )
    )
    db.session.add(
        Placement(
            returnee_id=cast.neighbour.id,
            country_code="HK",
            sector="domestic_worker",
            agency_name="PT B",
            departure_date=date(2020, 1, 1),
            contract_months=24,
            return_date=date(2022, 1, 1),
            return_reason="contract_completed",
        )
    )
    db.session.flush()
    live = make_loan(cast, status="disbursed", amount=12_000_000, tenor=12)
    make_loan(cast, status="rejected", amount=20_000_000, returnee=cast.neighbour)
    # Sri's first instalment (due 40 days ago) is unpaid: class 2, not NPL.
    mentoring.record_wellbeing(
        db.session, cast.returnee, {q.code: 3 for q in QUESTIONS}, today, today
    )
    db.session.commit()

    figures = headline(db.session, cast.official_province, Filters(), today)
    assert figures.returnees == 2  # East Java: Sri and the neighbour
    assert figures.businesses_operating == 2
    assert figures.kur_applied == 2
    assert figures.kur_applied_idr == 32_000_000
    assert figures.kur_approved == 1
    assert figures.kur_disbursed == 1
    assert figures.kur_disbursed_idr == 12_000_000
    assert figures.approval_rate == Decimal("0.5000")
    # Sri: 100 days; the neighbour came home on 1 January 2022.
    neighbour_days = (opened - date(2022, 1, 1)).days
    assert figures.median_days_to_business == Decimal(100 + neighbour_days) / 2
    assert figures.median_days_to_disbursement == Decimal(
        "10"
    )  # applied 80, out 70 days ago
    assert figures.npl_ratio == Decimal("0.0000")
    assert figures.mean_wellbeing == Decimal("0.500")
    # 91 days later the unpaid instalment makes the whole balance non-performing.
    later = live.instalments[0].due_on + timedelta(days=91)
    assert headline(db.session, cast.official_province, Filters(), later).npl_ratio == 1
    # Filters narrow every figure.
    taiwan = headline(
        db.session, cast.official_province, Filters(country_code="TW"), today
    )
    assert (taiwan.returnees, taiwan.kur_applied, taiwan.approval_rate) == (1, 1, 1)
    assert (
        headline(db.session, cast.official_province, Filters(sex="M"), today).returnees
        == 0
    )
    # The regency official sees Kab. Malang only.
    assert headline(db.session, cast.official_regency, Filters(), today).returnees == 1
    assert by_country(db.session, cast.official_province, Filters()) in (
        [("TW", 1), ("HK", 1)],
        [("HK", 1), ("TW", 1)],
    )
    assert by_sector(db.session, cast.official_province, Filters()) == [
        ("culinary", 2, 2)
    ]


def test_a_loan_paid_off_early_leaves_the_npl(db, cast, make_loan):
    today = clock.today()
    loan = make_loan(cast, status="disbursed", amount=12_000_000, tenor=12)
    owed = loan_reading.quote(loan, today).total_idr
    loan_service.record_payment(
        db.session, cast.bank_officer, loan, today, owed, today, utcnow()
    )
    db.session.commit()
    figures = headline(db.session, cast.official_province, Filters(), today)
    assert loan.status == "paid_off"
    assert figures.npl_ratio is None  # nothing outstanding
    assert figures.kur_disbursed == 1


def test_funnel_counts_businesses_still_operating_a_year_on(db, cast, make_loan):
    from juragan.dashboards.figures import funnel
    from juragan.services import businesses

    today = clock.today()
    for person in (cast.returnee, cast.neighbour):
        db.session.add(
            Placement(
                returnee_id=person.id,
                country_code="HK",
                sector="domestic_worker",
                agency_name="PT A",
                departure_date=date(2019, 1, 1),
                contract_months=24,
                return_date=date(2021, 1, 1),
                return_reason="contract_completed",
            )
        )
    db.session.flush()
    kept = make_loan(cast, status="draft")  # opens a business 400 days ago, ready plan
    paused = make_loan(cast, status="draft", returnee=cast.neighbour)
    business = paused.business
    # Paused 100 days after opening, reopened after its anniversary.
    businesses.change_status(
        db.session,
        cast.official_province,
        business,
        "paused",
        business.opened_on + timedelta(days=100),
        today,
        utcnow(),
    )
    businesses.change_status(
        db.session,
        cast.official_province,
        business,
        "operating",
        business.opened_on + timedelta(days=380),
        today,
        utcnow(),
    )
    db.session.commit()
    assert kept.business.status == "operating"
    stages = dict(funnel(db.session, cast.official_province, Filters(), today))
    assert stages == {
        "returned": 2,
        "planned": 2,
        "ready": 2,
        "opened": 2,
        "lasting": 1,
    }
    # A year from opening is not yet reached 300 days ago: nobody counts as lasting.
    earlier = dict(
        funnel(
            db.session, cast.official_province, Filters(), today - timedelta(days=300)
        )
    )
    assert earlier["lasting"] == 0
    assert (
        dict(funnel(db.session, cast.official_other, Filters(), today))["returned"] == 0
    )


def test_a_restructured_loan_keeps_its_class_on_the_dashboards(db, cast, make_loan):
    """Restructured today at class 2 (an instalment 40 days late), the loan is
    current by days but stays in class 2 on the dashboards until three new
    instalments are paid on time (POJK 40/2019, docs/loan-servicing.md)."""
    from juragan.dashboards.figures import collectibility_mix
    from juragan.dashboards.summaries import ensure_current
    from juragan.models import LoanFact, LoanMonth

    today = clock.today()
    loan = make_loan(cast, status="restructured", amount=12_000_000, tenor=12)
    assert loan.revisions[-1].grade_before == 2
    assert loan_reading.standing(loan, today).days_past_due == 0
    ensure_current(db.session)
    fact = db.session.get(LoanFact, loan.id)
    assert fact.grade_floor == 2
    mix = collectibility_mix(
        db.session, cast.official_province, Filters(), today, "lender"
    )
    outstanding = loan_reading.standing(loan, today).outstanding_idr
    assert [m.outstanding for m in mix] == [(0, outstanding, 0, 0, 0)]
    month = db.session.scalars(
        db.select(LoanMonth)
        .where(LoanMonth.loan_id == loan.id, LoanMonth.month_end >= today)
        .order_by(LoanMonth.month_end)
    ).first()
    assert (month.days_past_due, month.grade) == (0, 2)
