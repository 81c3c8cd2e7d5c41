"""Payment allocation, days past due, collectibility bands and NPL."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from juragan.domain.repayment import (
    Due,
    LoanStanding,
    Overpayment,
    allocate,
    collectibility,
    days_past_due,
    npl_ratio,
    outstanding_principal,
)

# Three instalments of 1.000.000 principal + 100.000 interest, due on the 10th.
SCHEDULE = [
    Due(1, date(2026, 1, 10), 1_000_000, 100_000),
    Due(2, date(2026, 2, 10), 1_000_000, 100_000),
    Due(3, date(2026, 3, 10), 1_000_000, 100_000),
]


def test_a_partial_payment_goes_to_interest_first():
    [first, second, third] = allocate(SCHEDULE, [(date(2026, 1, 10), 400_000)])
    assert (first.paid_interest_idr, first.paid_principal_idr) == (100_000, 300_000)
    assert first.settled_on is None
    assert second.paid_interest_idr == third.paid_interest_idr == 0


def test_payments_settle_the_oldest_instalment_first():
    dues = allocate(SCHEDULE, [(date(2026, 2, 15), 1_500_000)])  # late, one and a half
    assert dues[0].is_settled
    assert dues[0].settled_on == date(2026, 2, 15)
    assert (dues[1].paid_interest_idr, dues[1].paid_principal_idr) == (100_000, 300_000)


def test_an_early_payment_pays_future_instalments():
    dues = allocate(SCHEDULE, [(date(2026, 1, 5), 2_200_000)])
    assert dues[0].is_settled
    assert dues[1].is_settled
    assert dues[1].settled_on == date(2026, 1, 5)
    assert not dues[2].is_settled
    assert (
        days_past_due(SCHEDULE, [(date(2026, 1, 5), 2_200_000)], date(2026, 3, 1)) == 0
    )


def test_paying_more_than_owed_is_refused():
    with pytest.raises(Overpayment):
        allocate(SCHEDULE, [(date(2026, 1, 1), 3_300_001)])
    assert all(
        d.is_settled for d in allocate(SCHEDULE, [(date(2026, 1, 1), 3_300_000)])
    )


def test_days_past_due_for_any_date():
    payments = [(date(2026, 1, 10), 1_100_000), (date(2026, 3, 20), 1_100_000)]
    assert days_past_due(SCHEDULE, payments, date(2026, 2, 10)) == 0  # due today
    assert days_past_due(SCHEDULE, payments, date(2026, 2, 11)) == 1
    assert days_past_due(SCHEDULE, payments, date(2026, 3, 19)) == 37
    # The payment of 20 March settles February's instalment; March's is then 10 days late.
    assert days_past_due(SCHEDULE, payments, date(2026, 3, 20)) == 10
    assert outstanding_principal(SCHEDULE, payments, date(2026, 3, 20)) == 1_000_000


@pytest.mark.parametrize(
    ("days", "grade"),
    [
        (0, 1),
        (1, 2),
        (90, 2),
        (91, 3),
        (120, 3),
        (121, 4),
        (180, 4),
        (181, 5),
        (900, 5),
    ],
)
def test_collectibility_band_edges(days, grade):
    assert collectibility(days) == grade


@pytest.mark.parametrize(
    ("late", "grade"), [(90, 2), (91, 3), (120, 3), (121, 4), (181, 5)]
)
def test_collectibility_from_a_schedule(late, grade):
    on = SCHEDULE[0].due_on + timedelta(days=late)
    assert collectibility(days_past_due(SCHEDULE, [], on)) == grade


def test_npl_counts_classes_three_to_five():
    loans = [
        LoanStanding(10_000_000, 1),
        LoanStanding(5_000_000, 2),
        LoanStanding(3_000_000, 3),
        LoanStanding(2_000_000, 5),
    ]
    assert npl_ratio(loans) == Decimal("0.2500")  # 5 jt of 20 jt
    assert npl_ratio([]) is None
    assert npl_ratio([LoanStanding(1, 1)]) == 0
