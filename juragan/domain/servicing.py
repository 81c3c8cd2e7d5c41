"""Servicing a KUR loan: its schedule from dates and terms, payoff quotes, partial
prepayment, restructuring and the loan's class after it.

Pure functions over plain values (dates, whole rupiah, ``Decimal`` rates), so every
rule can be replayed for any day and tested without a database. The conventions,
with their sources, are in ``docs/loan-servicing.md``:

* **Interest** of a period is the balance times the effective annual rate / 12 in
  whole rupiah (the annuity convention of the banks' KUR tables,
  :func:`juragan.domain.finance.annuity_instalment`). A broken period (a payoff, a
  prepayment or a restructuring between two due dates) accrues the period's interest
  pro rata by days: ``interest * days elapsed / days in the period``.
* **Interest-only instalments** are the first ``grace_months`` instalments (a grace
  period, as the lender assesses it) and every instalment falling due in a lean-season
  calendar month. The annuity runs over the instalments that repay principal; the
  last one absorbs the rounding, so the principal sums exactly.
* **The rate can step over the loan's life** (the 2022 extra subsidy, regional relief
  rates): each instalment's interest uses the rate in force on its due date, and the
  annuity is recomputed from the balance when the rate changes.
* **Payoff** on a day = what is due and unpaid up to that day + the principal not yet
  due + interest accrued to that day - what was paid ahead. Future interest is not
  owed.
* **Partial prepayment** clears what is due and the interest accrued to the day, the
  rest repays principal; the remaining principal is laid out again with a lower
  instalment over the same due dates or the same instalment over fewer months, as the
  lender chooses.
* **Restructuring** (POJK 40/2019) starts a new schedule from the restructuring date;
  arrears are capitalised or settled with their scheduled amounts (never recomputed);
  the class after it is at most the class before until three consecutive instalments
  are paid on time.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

from dateutil.relativedelta import relativedelta

from juragan.domain.finance import annuity_instalment
from juragan.domain.kur_rules import LONGEST_TENOR_MONTHS
from juragan.domain.repayment import (
    Due,
    allocate,
    collectibility,
    days_past_due,
    month_end_standings,
)

#: A step function of the borrower's effective annual rate (percent) over calendar
#: time: ascending ``(starts_on, rate)``, the first starting at ``date.min``.
Rates = tuple[tuple[date, Decimal], ...]

LOWER_INSTALMENT = "lower_instalment"
SHORTER_TENOR = "shorter_tenor"
PREPAYMENT_OPTIONS = (LOWER_INSTALMENT, SHORTER_TENOR)
CAPITALISE = "capitalise"
SETTLE = "settle"
ARREARS_TREATMENTS = (CAPITALISE, SETTLE)
#: POJK 40/2019: a restructured credit may improve only after this many consecutive
#: instalments paid on time.
ON_TIME_TO_IMPROVE = 3
#: A schedule laid out again never runs past the longest tenor of the rule data.
MAX_INSTALMENTS = LONGEST_TENOR_MONTHS


def _whole(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def flat_rate(rate: Decimal | int | str) -> Rates:
    return ((date.min, Decimal(rate)),)


def rate_on(rates: Rates, day: date) -> Decimal:
    """The rate in force on ``day``."""
    current = rates[0][1]
    for starts_on, rate in rates:
        if starts_on <= day:
            current = rate
        else:
            break
    return Decimal(current)


def due_dates(first_due_on: date, count: int) -> list[date]:
    """Monthly due dates from the first, each counted from the first so a 31st stays
    the month's last day (31 January, 28 or 29 February, 31 March)."""
    return [first_due_on + relativedelta(months=n) for n in range(count)]


def interest_only_numbers(
    due_on: Sequence[date], grace_months: int, lean_months: Collection[int]
) -> frozenset[int]:
    """Positions (1-based) that pay interest only: the first ``grace_months`` and
    those falling due in a lean-season calendar month."""
    return frozenset(
        n
        for n, day in enumerate(due_on, start=1)
        if n <= grace_months or day.month in lean_months
    )


@dataclass(frozen=True)
class Line:
    number: int
    due_on: date
    principal_idr: int
    interest_idr: int
    #: Principal left after this instalment.
    balance_idr: int

    @property
    def instalment_idr(self) -> int:
        return self.principal_idr + self.interest_idr


def amortise(
    principal: int,
    rates: Rates,
    due_on: Sequence[date],
    interest_only: Collection[int] = frozenset(),
    first_period: Decimal = Decimal(1),
    start_number: int = 1,
) -> list[Line]:
    """An annuity over ``due_on``: interest-only at the positions in
    ``interest_only`` (1-based), the annuity recomputed from the balance whenever the
    rate changes; the first period's interest scaled by ``first_period``.

    :raises ValueError: when no instalment is left to repay the principal.
    """
    repaying = [n for n in range(1, len(due_on) + 1) if n not in interest_only]
    if principal > 0 and not repaying:
        raise ValueError("at least one instalment must repay principal")
    balance = principal
    lines: list[Line] = []
    instalment, instalment_rate = 0, None
    for n, day in enumerate(due_on, start=1):
        rate = rate_on(rates, day)
        with localcontext() as context:
            context.prec = 40
            interest = _whole(
                balance * rate / 1200 * (first_period if n == 1 else Decimal(1))
            )
        if n in interest_only or balance == 0:
            lines.append(Line(start_number + n - 1, day, 0, interest, balance))
            continue
        if instalment_rate != rate:
            remaining = sum(1 for m in repaying if m >= n)
            instalment, instalment_rate = (
                annuity_instalment(balance, rate, remaining),
                rate,
            )
        repaid = (
            balance
            if n == repaying[-1]
            else max(0, min(instalment - interest, balance))
        )
        balance -= repaid
        lines.append(Line(start_number + n - 1, day, repaid, interest, balance))
    return lines


def amortise_with_instalment(
    principal: int,
    rates: Rates,
    first_due_on: date,
    instalment: int,
    lean_months: Collection[int] = frozenset(),
    first_period: Decimal = Decimal(1),
    start_number: int = 1,
) -> list[Line]:
    """Keep ``instalment`` and repay ``principal`` in as few months as it takes (the
    last instalment is what is left); lean-season months pay interest only.

    :raises ValueError: when the instalment does not cover the interest, or the
        schedule would run past :data:`MAX_INSTALMENTS`.
    """
    balance, lines = principal, []
    n = 0
    while balance > 0:
        if n == MAX_INSTALMENTS:
            raise ValueError("the instalment does not repay the principal in time")
        day = first_due_on + relativedelta(months=n)
        rate = rate_on(rates, day)
        interest = _whole(
            balance * rate / 1200 * (first_period if n == 0 else Decimal(1))
        )
        if day.month in lean_months:
            repaid = 0
        else:
            repaid = min(balance, instalment - interest)
            if repaid <= 0:
                raise ValueError("the instalment does not cover the interest")
        balance -= repaid
        lines.append(Line(start_number + n, day, repaid, interest, balance))
        n += 1
    return lines


@dataclass(frozen=True)
class Terms:
    """What a schedule is laid out from, at disbursement or in the simulator."""

    principal_idr: int
    rates: Rates
    tenor_months: int
    first_due_on: date
    grace_months: int = 0
    lean_months: frozenset[int] = frozenset()


def schedule(terms: Terms) -> list[Line]:
    """The schedule of a new loan: the simulator and the disbursement both lay it
    out here, so the simulator shows exactly the schedule the loan will have."""
    days = due_dates(terms.first_due_on, terms.tenor_months)
    return amortise(
        terms.principal_idr,
        terms.rates,
        days,
        interest_only_numbers(days, terms.grace_months, terms.lean_months),
    )


def regular_instalment(lines: Sequence[Line]) -> int:
    """The instalment that repays principal (after any grace): the first one."""
    return next((line.instalment_idr for line in lines if line.principal_idr), 0)


# Payoff and prepayment -------------------------------------------------------------


def _period_fraction(start: date, end: date, on: date) -> Decimal:
    """The part of the period ``start``..``end`` elapsed on ``on`` (0 to 1)."""
    length = (end - start).days
    if length <= 0:
        return Decimal(1)
    elapsed = min(max((on - start).days, 0), length)
    return Decimal(elapsed) / length


def _current_period(
    lines: Sequence[Due], opened_on: date, on: date
) -> tuple[Due | None, date]:
    """The first instalment due after ``on`` and the day its period began."""
    previous = opened_on
    for due in lines:
        if due.due_on > on:
            return due, previous
        previous = due.due_on
    return None, previous


@dataclass(frozen=True)
class Quote:
    """What settles the loan on ``on``."""

    on: date
    #: Instalments due on or before ``on`` and not paid.
    overdue_idr: int
    #: Principal of the instalments not yet due.
    principal_idr: int
    #: Interest of the running period, pro rata to ``on``.
    accrued_interest_idr: int
    #: Paid ahead towards instalments not yet due.
    paid_ahead_idr: int

    @property
    def total_idr(self) -> int:
        return (
            self.overdue_idr
            + self.principal_idr
            + self.accrued_interest_idr
            - self.paid_ahead_idr
        )


def payoff_quote(
    lines: Sequence[Due],
    payments: Iterable[tuple[date, int]],
    opened_on: date,
    on: date,
) -> Quote:
    """The payoff on ``on``: outstanding principal plus interest accrued to that day
    (and anything overdue), never the future instalments' interest.

    ``opened_on`` is the day the first period began (disbursement); ``payments`` are
    those made so far.
    """
    dues = sorted(lines, key=lambda d: d.number)
    states = allocate(dues, list(payments))
    overdue = sum(s.owed_idr for s in states if s.due_on <= on)
    later = [s for s in states if s.due_on > on]
    current, start = _current_period(dues, opened_on, on)
    accrued = (
        _whole(current.interest_idr * _period_fraction(start, current.due_on, on))
        if current is not None
        else 0
    )
    return Quote(
        on=on,
        overdue_idr=overdue,
        principal_idr=sum(s.principal_idr for s in later),
        accrued_interest_idr=accrued,
        paid_ahead_idr=sum(s.paid_principal_idr + s.paid_interest_idr for s in later),
    )


class NotAPrepayment(ValueError):
    """The money does not reach past what is due and the interest to date."""

    def __init__(self, needed_idr: int) -> None:
        super().__init__(needed_idr)
        self.needed_idr = needed_idr


class BeyondPayoff(ValueError):
    def __init__(self, payoff_idr: int) -> None:
        super().__init__(payoff_idr)
        self.payoff_idr = payoff_idr


def prepay(
    lines: Sequence[Due],
    payments: Sequence[tuple[date, int]],
    opened_on: date,
    on: date,
    amount_idr: int,
    rates: Rates,
    option: str = LOWER_INSTALMENT,
    lean_months: Collection[int] = frozenset(),
) -> list[Line]:
    """The schedule after ``amount_idr`` paid on ``on`` ahead of the schedule.

    Instalments due on or before ``on`` stay; a line due on ``on`` takes the interest
    accrued to that day and the principal repaid early; the principal left is laid
    out again from the next due date, over the same dates with a lower instalment
    (:data:`LOWER_INSTALMENT`) or with the same instalment over fewer months
    (:data:`SHORTER_TENOR`). Paying the whole payoff leaves no instalment after
    ``on``. ``payments`` are those made before, not ``amount_idr``.

    :raises NotAPrepayment: when the money does not go past what is due and the
        interest accrued; :raises BeyondPayoff: when it is more than the payoff.
    """
    dues = sorted(lines, key=lambda d: d.number)
    quote = payoff_quote(dues, payments, opened_on, on)
    if amount_idr > quote.total_idr:
        raise BeyondPayoff(quote.total_idr)
    kept = [d for d in dues if d.due_on <= on]
    later = [d for d in dues if d.due_on > on]
    paid = sum(amount for _day, amount in payments) + amount_idr
    due_so_far = sum(d.principal_idr + d.interest_idr for d in kept)
    early_principal = paid - due_so_far - quote.accrued_interest_idr
    if early_principal <= 0:
        raise NotAPrepayment(
            quote.overdue_idr + quote.accrued_interest_idr - quote.paid_ahead_idr + 1
        )
    remaining = quote.principal_idr - early_principal
    result = [
        Line(d.number, d.due_on, d.principal_idr, d.interest_idr, 0) for d in kept
    ]
    number = (kept[-1].number if kept else 0) + 1
    result.append(
        Line(number, on, early_principal, quote.accrued_interest_idr, remaining)
    )
    if remaining == 0:
        return result
    current, start = _current_period(dues, opened_on, on)
    assert current is not None  # a principal left is owed on a later instalment
    # The rest of the running period accrues on the new, lower balance.
    rest_of_period = 1 - _period_fraction(start, current.due_on, on)
    if option == SHORTER_TENOR:
        # The instalment the schedule would have from now on, kept.
        instalment = annuity_instalment(
            quote.principal_idr,
            rate_on(rates, current.due_on),
            sum(1 for d in later if d.principal_idr > 0) or 1,
        )
        result += amortise_with_instalment(
            remaining,
            rates,
            current.due_on,
            instalment,
            lean_months,
            rest_of_period,
            number + 1,
        )
    else:
        days = [d.due_on for d in later]
        interest_only = {n for n, d in enumerate(later, 1) if d.principal_idr == 0}
        if len(interest_only) == len(later):
            interest_only.discard(len(later))
        result += amortise(
            remaining, rates, days, interest_only, rest_of_period, number + 1
        )
    return result


# Restructuring -----------------------------------------------------------------------


@dataclass(frozen=True)
class Restructuring:
    """A new schedule from the restructuring date and what it did with the arrears."""

    lines: list[Line]
    #: Unpaid principal and interest of the instalments due on or before the date,
    #: and the interest accrued in the running period: their scheduled amounts.
    arrears_principal_idr: int
    arrears_interest_idr: int
    accrued_interest_idr: int
    #: What the capitalisation (or the borrower's settlement) pays on the date.
    settled_idr: int
    #: The principal of the new schedule.
    principal_idr: int


def restructure(
    lines: Sequence[Due],
    payments: Sequence[tuple[date, int]],
    opened_on: date,
    on: date,
    treatment: str,
    tenor_months: int,
    first_due_on: date,
    rates: Rates,
    grace_months: int = 0,
    lean_months: Collection[int] = frozenset(),
) -> Restructuring:
    """Lay the loan out again from ``on`` over ``tenor_months`` from ``first_due_on``.

    The instalments due on or before ``on`` stay as they were; a line due on ``on``
    carries the interest accrued in the running period. With :data:`CAPITALISE` what
    is unpaid of them (principal, interest, accrued interest: the scheduled amounts,
    not recomputed) becomes principal of the new schedule and is settled on ``on`` by
    the capitalisation; with :data:`SETTLE` the borrower pays it on ``on`` and the
    new schedule repays only the principal not yet due.
    """
    if treatment not in ARREARS_TREATMENTS:
        raise ValueError(treatment)
    dues = sorted(lines, key=lambda d: d.number)
    quote = payoff_quote(dues, payments, opened_on, on)
    states = allocate(dues, list(payments))
    kept = [s for s in states if s.due_on <= on]
    arrears_principal = sum(s.principal_idr - s.paid_principal_idr for s in kept)
    arrears_interest = sum(s.interest_idr - s.paid_interest_idr for s in kept)
    # Paid ahead towards instalments that are replaced counts against the arrears.
    settled = max(
        0, quote.overdue_idr + quote.accrued_interest_idr - quote.paid_ahead_idr
    )
    # Money paid ahead beyond that stays paid ahead on the new schedule.
    principal = quote.principal_idr + (settled if treatment == CAPITALISE else 0)
    result = [
        Line(d.number, d.due_on, d.principal_idr, d.interest_idr, 0) for d in kept
    ]
    number = (kept[-1].number if kept else 0) + 1
    if quote.accrued_interest_idr:
        result.append(Line(number, on, 0, quote.accrued_interest_idr, principal))
        number += 1
    days = due_dates(first_due_on, tenor_months)
    first_period = _period_fraction(
        first_due_on - relativedelta(months=1), first_due_on, on
    )
    result += amortise(
        principal,
        rates,
        days,
        interest_only_numbers(days, grace_months, lean_months),
        1 - first_period if first_period < 1 else Decimal(1),
        number,
    )
    return Restructuring(
        lines=result,
        arrears_principal_idr=arrears_principal,
        arrears_interest_idr=arrears_interest,
        accrued_interest_idr=quote.accrued_interest_idr,
        settled_idr=settled,
        principal_idr=principal,
    )


def grade_after_restructuring(
    lines: Sequence[Due],
    payments: Iterable[tuple[date, int]],
    on: date,
    restructured_on: date,
    grade_before: int,
) -> int:
    """The indicative class on ``on`` of a loan restructured on ``restructured_on``.

    POJK 40/2019: at most the class before restructuring (never better) until
    :data:`ON_TIME_TO_IMPROVE` consecutive instalments of the new schedule are paid
    on time; from then on it follows the days past due.
    """
    made = [(day, amount) for day, amount in payments if day <= on]
    by_days = collectibility(days_past_due(lines, made, on))
    return max(
        by_days, restructuring_floor(lines, made, on, restructured_on, grade_before)
    )


def restructuring_floor(
    lines: Sequence[Due],
    payments: Iterable[tuple[date, int]],
    on: date,
    restructured_on: date,
    grade_before: int,
) -> int:
    """The class a restructured loan cannot be better than on ``on``: the class
    before restructuring until :data:`ON_TIME_TO_IMPROVE` consecutive instalments
    of the new schedule are paid on time, then 1."""
    made = [(day, amount) for day, amount in payments if day <= on]
    run = 0
    for due in allocate(lines, made):
        if not restructured_on < due.due_on <= on:
            continue
        on_time = due.settled_on is not None and due.settled_on <= due.due_on
        run = run + 1 if on_time else 0
        if run >= ON_TIME_TO_IMPROVE:
            return 1
    return grade_before


def standings_across(
    schedules: Sequence[tuple[date, Sequence[Due]]],
    payments: Sequence[tuple[date, int]],
    days: Sequence[date],
) -> list[tuple[date, int, int]]:
    """:func:`juragan.domain.repayment.month_end_standings` on each day, replayed on the
    schedule in force that day: ``schedules`` are ``(effective_on, lines)`` in
    order, the last one in force now."""
    result: list[tuple[date, int, int]] = []
    for index, (start, lines) in enumerate(schedules):
        end = schedules[index + 1][0] if index + 1 < len(schedules) else None
        segment = [
            day
            for day in days
            if (index == 0 or day >= start) and (end is None or day < end)
        ]
        if segment:
            result += month_end_standings(lines, payments, segment)
    return result
