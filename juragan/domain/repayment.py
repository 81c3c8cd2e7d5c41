"""Repayments: allocating payments to instalments, days past due, collectibility, NPL.

Pure functions over plain values, so any date can be replayed: the state of a loan
on a day is the schedule with the payments made up to that day.

Allocation: each payment settles the oldest instalment not yet fully paid, interest
first, then principal, then goes on to the next instalment (an early payment pays
future instalments in order). Paying more than is owed is refused.

Collectibility is the *indicative* OJK class (POJK 40/2019, commercial banks) from
days past due: 1 Lancar (0), 2 Dalam Perhatian Khusus (1-90), 3 Kurang Lancar
(91-120), 4 Diragukan (121-180), 5 Macet (over 180). NPL = outstanding principal in
classes 3-5 over all outstanding principal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

#: Upper bounds of days past due for classes 1-4; beyond the last is class 5.
COLLECTIBILITY_BANDS = ((0, 1), (90, 2), (120, 3), (180, 4))
#: Kurang Lancar, Diragukan, Macet: the non-performing classes (NPL, POJK 40/2019).
NON_PERFORMING_CLASSES = frozenset({3, 4, 5})


@dataclass(frozen=True)
class Due:
    number: int
    due_on: date
    principal_idr: int
    interest_idr: int
    paid_principal_idr: int = 0
    paid_interest_idr: int = 0
    settled_on: date | None = None

    @property
    def owed_idr(self) -> int:
        return (
            self.principal_idr
            - self.paid_principal_idr
            + self.interest_idr
            - self.paid_interest_idr
        )

    @property
    def is_settled(self) -> bool:
        return self.owed_idr == 0


class Overpayment(ValueError):
    """The payments add up to more than the loan owes."""


def allocate(
    schedule: Sequence[Due], payments: Iterable[tuple[date, int]]
) -> list[Due]:
    """The schedule after the payments, oldest instalment first.

    :raises Overpayment: when a payment is more than what is left to pay.
    """
    dues = [
        replace(d, paid_principal_idr=0, paid_interest_idr=0, settled_on=None)
        for d in sorted(schedule, key=lambda d: d.number)
    ]
    index = 0
    for paid_on, amount in sorted(payments, key=lambda p: p[0]):
        left = amount
        while left > 0:
            while index < len(dues) and dues[index].is_settled:
                index += 1
            if index == len(dues):
                raise Overpayment(f"{left} more than owed")
            due = dues[index]
            to_interest = min(left, due.interest_idr - due.paid_interest_idr)
            left -= to_interest
            to_principal = min(left, due.principal_idr - due.paid_principal_idr)
            left -= to_principal
            due = replace(
                due,
                paid_interest_idr=due.paid_interest_idr + to_interest,
                paid_principal_idr=due.paid_principal_idr + to_principal,
            )
            if due.is_settled:
                due = replace(due, settled_on=paid_on)
            dues[index] = due
    return dues


def days_past_due(
    schedule: Sequence[Due], payments: Iterable[tuple[date, int]], on: date
) -> int:
    """Days since the oldest instalment due before ``on`` that was unpaid on ``on``."""
    made = [(day, amount) for day, amount in payments if day <= on]
    for due in allocate(schedule, made):
        if due.due_on < on and not due.is_settled:
            return (on - due.due_on).days
    return 0


def collectibility(days: int) -> int:
    """Indicative OJK collectibility class (1-5) for days past due."""
    for upper, grade in COLLECTIBILITY_BANDS:
        if days <= upper:
            return grade
    return 5


def is_non_performing(grade: int) -> bool:
    """Whether a loan of collectibility class ``grade`` (1-5) is non-performing: the
    one NPL rule, from the class alone (days past due count through the class)."""
    return grade in NON_PERFORMING_CLASSES


def outstanding_principal(
    schedule: Sequence[Due], payments: Iterable[tuple[date, int]], on: date
) -> int:
    made = [(day, amount) for day, amount in payments if day <= on]
    return sum(d.principal_idr - d.paid_principal_idr for d in allocate(schedule, made))


@dataclass(frozen=True)
class LoanStanding:
    """A loan on a day: for the NPL of a portfolio."""

    outstanding_idr: int
    grade: int


def npl_ratio(loans: Iterable[LoanStanding]) -> Decimal | None:
    """Outstanding principal in classes 3-5 over all outstanding principal."""
    total = bad = 0
    for loan in loans:
        total += loan.outstanding_idr
        if is_non_performing(loan.grade):
            bad += loan.outstanding_idr
    return npl_of(bad, total)


def npl_of(non_performing_idr: int, outstanding_idr: int) -> Decimal | None:
    """The NPL ratio of these sums (``None`` with nothing outstanding), to 4 places."""
    if not outstanding_idr:
        return None
    return (Decimal(non_performing_idr) / outstanding_idr).quantize(
        Decimal("0.0001"), rounding=ROUND_HALF_UP
    )


def month_end_standings(
    schedule: Sequence[Due], payments: Iterable[tuple[date, int]], days: Sequence[date]
) -> list[tuple[date, int, int]]:
    """``(day, outstanding principal, days past due)`` on each of ``days`` (ascending).

    The same answers as :func:`outstanding_principal` and :func:`days_past_due` on
    each day, in one pass over the payments: allocation settles instalments in order,
    so the state on a later day continues the state on an earlier one.
    """
    dues = sorted(schedule, key=lambda d: d.number)
    interest_left = [d.interest_idr for d in dues]
    principal_left = [d.principal_idr for d in dues]
    outstanding = sum(principal_left)
    pending = sorted(payments, key=lambda p: p[0])
    index = paid = 0
    result = []
    for day in days:
        while paid < len(pending) and pending[paid][0] <= day:
            left = pending[paid][1]
            paid += 1
            while left > 0 and index < len(dues):
                to_interest = min(left, interest_left[index])
                interest_left[index] -= to_interest
                left -= to_interest
                to_principal = min(left, principal_left[index])
                principal_left[index] -= to_principal
                outstanding -= to_principal
                left -= to_principal
                if interest_left[index] == 0 and principal_left[index] == 0:
                    index += 1
            if left > 0:
                raise Overpayment(f"{left} more than owed")
        while (
            index < len(dues)
            and interest_left[index] == 0
            and principal_left[index] == 0
        ):
            index += 1
        late = (
            (day - dues[index].due_on).days
            if (index < len(dues) and dues[index].due_on < day)
            else 0
        )
        result.append((day, outstanding, late))
    return result
