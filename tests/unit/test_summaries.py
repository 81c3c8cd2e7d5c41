"""The dashboards' summary tables: what one person's rows say, worked out by hand, and
that rows kept current write by write equal a rebuild from scratch."""

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Date, delete, literal, select

from juragan import clock
from juragan.dashboards.summaries import ensure_current, rebuild_all
from juragan.db import loan_reading
from juragan.db.sqldates import plus_months, quarter_key
from juragan.domain.repayment import (
    Due,
    days_past_due,
    month_end_standings,
    outstanding_principal,
)
from juragan.domain.wellbeing import QUESTIONS
from juragan.models import (
    BusinessFact,
    LoanFact,
    LoanMonth,
    Placement,
    Returnee,
    ReturneeCell,
    ReturneeFact,
    utcnow,
)
from juragan.models.dashboard import SUMMARY_MODELS
from juragan.services import businesses, mentoring
from juragan.services import loans as loan_service
from juragan.services.businesses import BusinessData


def snapshot(session):
    ensure_current(session)
    return {
        model.__tablename__: sorted(
            tuple(str(value) for value in row)
            for row in session.execute(select(*model.__table__.c))
        )
        for model in SUMMARY_MODELS
    }


def place(session, returnee, country, departed, returned):
    placement = Placement(
        returnee_id=returnee.id,
        country_code=country,
        sector="caregiver",
        agency_name="PT A",
        departure_date=departed,
        contract_months=24,
        return_date=returned,
        return_reason="contract_completed" if returned else None,
    )
    session.add(placement)
    session.flush()
    return placement


def test_one_persons_facts_by_hand(db, cast, make_plan):
    session = db.session
    sri = cast.returnee
    place(session, sri, "HK", date(2012, 4, 2), date(2014, 4, 20))
    place(session, sri, "TW", date(2015, 1, 10), date(2018, 1, 15))
    plan = make_plan(sri, cast.returnee_user, status="ready")
    now = utcnow()
    business = businesses.open_business(
        session,
        cast.returnee_user,
        plan,
        BusinessData(date(2018, 7, 1)),
        clock.today(now),
        now,
    )
    # Paused for the winter, then open again.
    businesses.change_status(
        session,
        cast.mentor,
        business,
        "paused",
        date(2018, 12, 1),
        clock.today(now),
        now,
    )
    businesses.change_status(
        session,
        cast.mentor,
        business,
        "operating",
        date(2019, 3, 1),
        clock.today(now),
        now,
    )
    session.commit()

    fact = session.get(ReturneeFact, sri.id)
    assert (fact.province_code, fact.regency_code, fact.sex) == ("35", "35.07", "F")
    assert fact.country_code == "TW"  # the latest placement
    assert fact.last_return_on == date(2018, 1, 15)
    assert fact.return_quarter == 20181
    assert fact.sector == "culinary"
    assert (fact.has_plan, fact.has_ready_plan, fact.has_business) == (True, True, True)
    assert (fact.businesses, fact.operating) == (1, 1)
    # 15 Apr 2018 not open yet; 15 Jul open; 15 Jan 2019 paused; then open.
    assert [
        fact.operating_at_3,
        fact.operating_at_6,
        fact.operating_at_12,
        fact.operating_at_24,
        fact.operating_at_36,
    ] == [False, True, False, True, True]
    row = session.get(BusinessFact, business.id)
    assert row.days_from_return == (date(2018, 7, 1) - date(2018, 1, 15)).days
    assert row.anniversary_on == date(2019, 7, 1)
    assert row.is_operating_at_anniversary
    assert row.sector == "culinary"
    assert row.closed_on is None
    # Closing is a write: the facts follow at once.
    businesses.change_status(
        session,
        cast.mentor,
        business,
        "closed",
        date(2020, 2, 1),
        clock.today(now),
        now,
        close_reason="not_profitable",
    )
    ensure_current(session)
    session.expire_all()
    fact = session.get(ReturneeFact, sri.id)
    row = session.get(BusinessFact, business.id)
    assert (fact.operating, fact.operating_at_24, fact.operating_at_36) == (
        0,
        True,
        False,
    )
    assert row.closed_on == date(2020, 2, 1)


def test_a_loans_masks_facts_and_months(db, cast, make_loan):
    session = db.session
    loan = make_loan(cast, status="repaying", amount=12_000_000, tenor=12)
    fact = session.get(ReturneeFact, cast.returnee.id)
    assert fact.scheme_mask == 0b10  # mikro is the second scheme
    assert fact.lender_mask == 0b1  # bri is the first lender
    row = session.get(LoanFact, loan.id)
    assert row.outstanding_idr == sum(
        i.principal_idr - i.paid_principal_idr for i in loan.instalments
    )
    assert row.oldest_unpaid_due_on == loan.instalments[1].due_on
    assert row.days_to_disbursement == (loan.disbursed_on - loan.applied_on).days
    months = session.scalars(
        select(LoanMonth)
        .where(LoanMonth.loan_id == loan.id)
        .order_by(LoanMonth.month_end)
    ).all()
    assert months[0].month_end == loan.disbursed_on + relativedelta(day=31)
    assert months[-1].month_end == clock.today() + relativedelta(months=24, day=31)
    schedule = [
        Due(i.number, i.due_on, i.principal_idr, i.interest_idr)
        for i in loan.instalments
    ]
    paid = [(p.paid_on, p.amount_idr) for p in loan.payments]
    for month in months:
        assert month.outstanding_idr == outstanding_principal(
            schedule, paid, month.month_end
        )
        assert month.days_past_due == days_past_due(schedule, paid, month.month_end)
    # Paid off: the months stop the day before.
    today = clock.today()
    owed = loan_reading.quote(loan, today).total_idr
    loan_service.record_payment(
        session, cast.bank_officer, loan, today, owed, today, utcnow()
    )
    session.commit()
    last = session.scalar(
        select(LoanMonth.month_end)
        .where(LoanMonth.loan_id == loan.id)
        .order_by(LoanMonth.month_end.desc())
        .limit(1)
    )
    assert last < today + relativedelta(day=31)
    assert session.get(LoanFact, loan.id).outstanding_idr == 0


def test_writes_keep_the_summaries_equal_to_a_rebuild(db, cast, make_loan, make_plan):
    session = db.session
    for person, country in (
        (cast.returnee, "TW"),
        (cast.neighbour, "HK"),
        (cast.far_away, "MY"),
    ):
        place(session, person, country, date(2019, 1, 1), date(2021, 3, 1))
    session.commit()
    make_loan(cast, status="repaying")
    make_loan(cast, status="rejected", returnee=cast.neighbour)
    mentoring.record_wellbeing(
        session,
        cast.returnee,
        {q.code: 4 for q in QUESTIONS},
        clock.today(),
        clock.today(),
    )
    placement = place(session, cast.far_away, "SA", date(2022, 1, 1), None)
    session.commit()
    # Someone moves house, a placement is corrected, another removed.
    cast.neighbour.regency_code = "35.07"
    placement.country_code = "AE"
    session.commit()
    session.delete(placement)
    session.commit()
    kept = snapshot(session)
    rebuild_all(session)
    assert snapshot(session) == kept
    # A person removed from the registry leaves every cell.
    session.execute(delete(Placement).where(Placement.returnee_id == cast.far_away.id))
    far_away = session.get(Returnee, cast.far_away.id)
    session.delete(far_away)
    session.commit()
    assert session.get(ReturneeFact, cast.far_away.id) is None
    assert (
        session.scalar(select(ReturneeCell).where(ReturneeCell.province_code == "33"))
        is None
    )
    kept = snapshot(session)
    rebuild_all(session)
    assert snapshot(session) == kept


def test_cells_sum_the_facts_at_every_level(db, cast):
    session = db.session
    place(session, cast.returnee, "TW", date(2019, 1, 1), date(2021, 3, 1))
    place(session, cast.neighbour, "TW", date(2019, 1, 1), date(2021, 2, 1))
    session.commit()
    cells = session.execute(
        select(
            ReturneeCell.province_code,
            ReturneeCell.regency_code,
            ReturneeCell.returnees,
        ).where(ReturneeCell.country_code == "TW")
    ).all()
    assert sorted(cells) == [
        ("", "", 2),
        ("35", "", 2),
        ("35", "35.07", 1),
        ("35", "35.78", 1),
    ]


def test_a_rollback_leaves_the_summaries_alone(db, cast):
    session = db.session
    before = snapshot(session)
    place(session, cast.returnee, "JP", date(2019, 1, 1), date(2021, 3, 1))
    session.rollback()
    assert snapshot(session) == before


@settings(max_examples=60, deadline=None)
@given(
    instalments=st.lists(
        st.tuples(st.integers(0, 3_000_000), st.integers(0, 200_000)),
        min_size=1,
        max_size=12,
    ),
    payments=st.lists(
        st.tuples(st.integers(0, 500), st.integers(1, 4_000_000)), max_size=10
    ),
    days=st.lists(st.integers(0, 600), min_size=1, max_size=8, unique=True),
)
def test_month_end_standings_replay_the_loan_on_each_day(instalments, payments, days):
    start = date(2024, 1, 15)
    schedule = [
        Due(n + 1, start + relativedelta(months=n + 1), principal, interest)
        for n, (principal, interest) in enumerate(instalments)
    ]
    owed = sum(p + i for p, i in instalments)
    paid, total = [], 0
    for offset, amount in sorted(payments):
        amount = min(amount, owed - total)
        if amount > 0:
            paid.append((start + timedelta(days=offset), amount))
            total += amount
    on = sorted(start + timedelta(days=d) for d in days)
    for day, outstanding, late in month_end_standings(schedule, paid, on):
        assert outstanding == outstanding_principal(schedule, paid, day)
        assert late == days_past_due(schedule, paid, day)


@settings(max_examples=40, deadline=None)
@given(day=st.dates(date(1990, 1, 1), date(2040, 12, 31)), months=st.integers(-40, 40))
def test_sql_months_and_quarters_follow_dateutil(app, day, months):
    from juragan.extensions import db as database

    with app.app_context():
        dialect = database.engine.dialect.name
        with database.engine.connect() as connection:
            value = literal(day, Date)
            moved, quarter = connection.execute(
                select(plus_months(value, months, dialect), quarter_key(value, dialect))
            ).one()
    moved = moved if isinstance(moved, date) else date.fromisoformat(moved)
    assert moved == day + relativedelta(months=months)
    assert quarter == day.year * 10 + (day.month + 2) // 3
