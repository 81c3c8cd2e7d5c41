"""The portfolio page's NPL (``/kur/portfolio``): today's figures are summed from the
loan facts, and they must be what replaying every loan's schedule gives, for every
reader, with loans late into every class, a restructuring and a payment dated
after the day asked about."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from juragan import clock
from juragan.db import scope
from juragan.reports import loans as loan_reports
from juragan.services import loans
from tests.factories import login

#: The loans are laid out in the first days of March 2026 (first due dates in
#: April); the checks run months later, when the unpaid ones are in classes 3-5.
LAID_OUT = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


def _replayed(session, user, on):
    """The oracle: every live loan in scope replayed from its schedule."""
    return loan_reports._portfolio_of(
        loan_reports._replayed_standings(session, user, on, None)
    )


@pytest.fixture
def portfolio(app, db, cast, make_loan, make_returnee):
    """Loans of East Java and of Central Java at BRI, paid in different measure."""
    with time_machine.travel(LAID_OUT, tick=False):
        made = {"late": make_loan(cast, status="disbursed")}
        made["repaying"] = make_loan(cast, status="repaying", returnee=make_returnee())
        for name, regency in (("paid", "35.07"), ("other", "33.74"), ("part", "35.07")):
            made[name] = make_loan(
                cast, status="disbursed", returnee=make_returnee(regency=regency)
            )
        made["restructured"] = make_loan(
            cast, status="restructured", returnee=make_returnee()
        )
        made["closed"] = make_loan(cast, status="paid_off", returnee=make_returnee())
    # Paid in full up to the fourth instalment, on time; part of the first only.
    for name, count in (("paid", 4), ("part", 1)):
        loan = made[name]
        for line in loan.instalments[:count]:
            with time_machine.travel(
                datetime.combine(line.due_on, datetime.min.time(), UTC), tick=False
            ):
                amount = line.principal_idr + line.interest_idr
                if name == "part":
                    amount //= 3
                loans.record_payment(
                    db.session,
                    cast.bank_officer,
                    loan,
                    line.due_on,
                    amount,
                    clock.today(),
                    datetime.now(UTC),
                )
                db.session.commit()
    return made


@pytest.mark.parametrize("months_later", [1, 4, 7])
@pytest.mark.parametrize(
    "reader", ["bank_officer", "official_province", "official_national"]
)
def test_todays_figures_from_the_facts_are_the_replayed_ones(
    db, cast, portfolio, reader, months_later
):
    user = getattr(cast, reader)
    moment = LAID_OUT + timedelta(days=30 * months_later + 10)
    with time_machine.travel(moment, tick=False), scope.as_user(user):
        today = clock.today()
        from_facts = loan_reports.portfolio_npl(db.session, user, today)
        assert from_facts == _replayed(db.session, user, today)
    assert from_facts["count"] >= 4
    assert from_facts["all"] is not None
    if months_later == 7:
        assert from_facts["all"] > 0  # loans in classes 3-5 count


def test_a_payment_dated_after_the_day_is_replayed(db, cast, portfolio):
    """A payment recorded today for the day: on a day before it, the facts (which
    hold it) are not the standing, and the loan is replayed."""
    loan = portfolio["late"]
    when = LAID_OUT + timedelta(days=200)
    with time_machine.travel(when, tick=False):
        loans.record_payment(
            db.session,
            cast.bank_officer,
            loan,
            clock.today(),
            loan.instalments[0].principal_idr,
            clock.today(),
            datetime.now(UTC),
        )
        db.session.commit()
    # The clock back a day: "today" is before the payment's date.
    with (
        time_machine.travel(when - timedelta(days=1), tick=False),
        scope.as_user(cast.bank_officer),
    ):
        today = clock.today()
        figures = loan_reports.portfolio_npl(db.session, cast.bank_officer, today)
        assert figures == _replayed(db.session, cast.bank_officer, today)


def test_another_day_and_the_page(client, db, cast, portfolio, count_queries):
    """Another day is replayed; the page shows today's figures in a constant
    number of queries."""
    with time_machine.travel(LAID_OUT + timedelta(days=160), tick=False):
        login(client, cast.official_national.username)
        with count_queries() as counted:
            page = client.get("/kur/portfolio")
        assert page.status_code == 200
        assert "Jawa Timur" in page.text
        assert "Jawa Tengah" in page.text
        client.post("/logout")
        login(client, cast.official_province.username)
        page = client.get("/kur/portfolio")
        assert "Jawa Timur" in page.text
        assert "Jawa Tengah" not in page.text
        earlier = clock.today() - timedelta(days=60)
        with scope.as_user(cast.official_province):
            assert loan_reports.portfolio_npl(
                db.session, cast.official_province, earlier
            ) == _replayed(db.session, cast.official_province, earlier)
    assert counted["n"] <= 16, counted["statements"]
