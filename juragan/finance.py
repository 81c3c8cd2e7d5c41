"""The arithmetic of a business plan: instalments, profit, break-even, payback.

Everything is whole rupiah (``int``) or ``Decimal``; nothing passes through float.

Definitions (shown to users beside the figures):

* **Net profit** of a month = sales - cost of goods sold - operating costs.
* **Cash left** of a month = net profit - the owner's draw: what remains to repay a
  loan and to grow.
* **Margin** = total net profit / total sales over the projection.
* **Break-even month**: the first month in which the business has made up all its
  earlier monthly losses, i.e. cumulative net profit is zero or more and the month
  itself makes a profit.
* **Payback month**: the first month in which the cash left, added up from month
  one, reaches the whole capital the plan needs (investment and working capital).
* **Repayment capacity**: the average cash left per month over the months the loan
  runs (within the projection) divided by the KUR instalment. Banks usually want
  the instalment to take no more than about two thirds of it (capacity >= 1.5).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, localcontext

#: Capacity at or above which the instalment is comfortably covered.
COMFORTABLE_COVERAGE = Decimal("1.5")


def _whole(amount: Decimal) -> int:
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def annuity_instalment(
    principal: int, annual_rate_percent: Decimal, months: int
) -> int:
    """The fixed monthly instalment of an annuity loan, in whole rupiah.

    ``A = P * r / (1 - (1 + r) ** -n)`` with ``r`` the effective annual rate / 12,
    as bank KUR tables compute it (Rp50.000.000 at 6% over 36 months gives
    Rp1.521.097).

    :raises ValueError: for a negative principal or rate, or fewer than one month.
    """
    if principal < 0 or annual_rate_percent < 0 or months < 1:
        raise ValueError("principal and rate must not be negative, months >= 1")
    if principal == 0:
        return 0
    with localcontext() as context:
        context.prec = 40
        rate = Decimal(annual_rate_percent) / 1200
        if rate == 0:
            return _whole(Decimal(principal) / months)
        factor = 1 - (1 + rate) ** -months
        return _whole(Decimal(principal) * rate / factor)


@dataclass(frozen=True)
class ScheduleLine:
    month: int
    instalment_idr: int
    interest_idr: int
    principal_idr: int
    balance_idr: int


def annuity_schedule(
    principal: int, annual_rate_percent: Decimal, months: int
) -> list[ScheduleLine]:
    """Month-by-month repayment of an annuity loan.

    Each month's interest is the remaining balance times the monthly rate, rounded
    to the rupiah; the last instalment absorbs the rounding so the balance ends at 0.
    """
    instalment = annuity_instalment(principal, annual_rate_percent, months)
    rate = Decimal(annual_rate_percent) / 1200
    balance = principal
    lines = []
    for month in range(1, months + 1):
        interest = _whole(balance * rate)
        if month == months:
            repaid = balance
            payment = repaid + interest
        else:
            repaid = min(instalment - interest, balance)
            payment = instalment
        balance -= repaid
        lines.append(ScheduleLine(month, payment, interest, repaid, balance))
    return lines


def flat_instalment(principal: int, annual_rate_percent: Decimal, months: int) -> int:
    """The *flat* misreading (interest on the original principal), for comparison."""
    interest = Decimal(principal) * Decimal(annual_rate_percent) / 100 * months / 12
    return _whole((principal + interest) / months)


@dataclass(frozen=True)
class Month:
    """Projected figures of one month, as entered."""

    month: int
    sales_idr: int
    cogs_idr: int
    operating_costs_idr: int
    owner_draw_idr: int

    @property
    def net_profit_idr(self) -> int:
        return self.sales_idr - self.cogs_idr - self.operating_costs_idr

    @property
    def cash_left_idr(self) -> int:
        return self.net_profit_idr - self.owner_draw_idr


@dataclass(frozen=True)
class MonthResult:
    month: int
    sales_idr: int
    cogs_idr: int
    operating_costs_idr: int
    owner_draw_idr: int
    net_profit_idr: int
    cash_left_idr: int
    cumulative_profit_idr: int
    cumulative_cash_idr: int


@dataclass(frozen=True)
class Repayment:
    """How the KUR instalment compares with the cash the business leaves."""

    principal_idr: int
    rate_percent: Decimal
    tenor_months: int
    instalment_idr: int
    total_interest_idr: int
    #: Average cash left per month over the months the loan runs (in the projection).
    average_cash_idr: int
    #: ``average_cash / instalment``, two decimals; ``None`` without an instalment.
    coverage: Decimal | None
    #: Months (within the projection and the tenor) whose cash left is below the
    #: instalment.
    short_months: tuple[int, ...]

    @property
    def verdict(self) -> str:
        """``comfortable``, ``tight`` or ``insufficient``."""
        if self.coverage is None or self.coverage >= COMFORTABLE_COVERAGE:
            return "comfortable"
        return "tight" if self.coverage >= 1 else "insufficient"


@dataclass(frozen=True)
class PlanFigures:
    investment_idr: int
    working_capital_idr: int
    sources_by_kind: dict[str, int]
    months: list[MonthResult] = field(default_factory=list)
    repayment: Repayment | None = None

    @property
    def needs_idr(self) -> int:
        return self.investment_idr + self.working_capital_idr

    @property
    def sources_idr(self) -> int:
        return sum(self.sources_by_kind.values())

    @property
    def gap_idr(self) -> int:
        """Sources minus needs: positive when over-funded, negative when short."""
        return self.sources_idr - self.needs_idr

    @property
    def is_balanced(self) -> bool:
        return self.needs_idr > 0 and self.gap_idr == 0

    @property
    def kur_idr(self) -> int:
        return self.sources_by_kind.get("kur", 0)

    @property
    def total_sales_idr(self) -> int:
        return sum(m.sales_idr for m in self.months)

    @property
    def total_net_profit_idr(self) -> int:
        return sum(m.net_profit_idr for m in self.months)

    @property
    def average_net_profit_idr(self) -> int:
        if not self.months:
            return 0
        return _whole(Decimal(self.total_net_profit_idr) / len(self.months))

    @property
    def margin(self) -> Decimal | None:
        """Net margin as a fraction (0.25 is 25%), or ``None`` without sales."""
        if not self.total_sales_idr:
            return None
        return (Decimal(self.total_net_profit_idr) / self.total_sales_idr).quantize(
            Decimal("0.0001"), rounding=ROUND_HALF_UP
        )

    @property
    def break_even_month(self) -> int | None:
        for result in self.months:
            if result.net_profit_idr > 0 and result.cumulative_profit_idr >= 0:
                return result.month
        return None

    @property
    def payback_month(self) -> int | None:
        if self.needs_idr <= 0:
            return None
        for result in self.months:
            if result.cumulative_cash_idr >= self.needs_idr:
                return result.month
        return None


def project(months: Iterable[Month]) -> list[MonthResult]:
    """Net profit, cash left and running totals for each month."""
    results = []
    profit_so_far = cash_so_far = 0
    for month in sorted(months, key=lambda m: m.month):
        profit_so_far += month.net_profit_idr
        cash_so_far += month.cash_left_idr
        results.append(
            MonthResult(
                month=month.month,
                sales_idr=month.sales_idr,
                cogs_idr=month.cogs_idr,
                operating_costs_idr=month.operating_costs_idr,
                owner_draw_idr=month.owner_draw_idr,
                net_profit_idr=month.net_profit_idr,
                cash_left_idr=month.cash_left_idr,
                cumulative_profit_idr=profit_so_far,
                cumulative_cash_idr=cash_so_far,
            )
        )
    return results


def repayment_capacity(
    results: Sequence[MonthResult],
    principal: int,
    rate_percent: Decimal,
    tenor_months: int,
) -> Repayment:
    """Compare the instalment with the cash left while the loan runs."""
    instalment = annuity_instalment(principal, rate_percent, tenor_months)
    schedule = annuity_schedule(principal, rate_percent, tenor_months)
    during_loan = [r for r in results if r.month <= tenor_months]
    average = (
        _whole(Decimal(sum(r.cash_left_idr for r in during_loan)) / len(during_loan))
        if during_loan
        else 0
    )
    coverage = (
        (Decimal(average) / instalment).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if instalment
        else None
    )
    return Repayment(
        principal_idr=principal,
        rate_percent=Decimal(rate_percent),
        tenor_months=tenor_months,
        instalment_idr=instalment,
        total_interest_idr=sum(line.interest_idr for line in schedule),
        average_cash_idr=average,
        coverage=coverage,
        short_months=tuple(
            r.month for r in during_loan if instalment and r.cash_left_idr < instalment
        ),
    )


def plan_figures(
    capital: Iterable[tuple[str, int]],
    sources: Iterable[tuple[str, int]],
    months: Iterable[Month],
    kur_tenor_months: int | None,
    kur_rate_percent: Decimal | None,
) -> PlanFigures:
    """All figures of a plan from its line items, sources and monthly projection.

    ``capital`` and ``sources`` are ``(kind, amount)`` pairs; the KUR requested is
    the sum of the ``kur`` sources, repaid over ``kur_tenor_months``.
    """
    investment = working = 0
    for kind, amount in capital:
        if kind == "investment":
            investment += amount
        else:
            working += amount
    by_kind: dict[str, int] = {}
    for kind, amount in sources:
        by_kind[kind] = by_kind.get(kind, 0) + amount
    results = project(months)
    kur = by_kind.get("kur", 0)
    repayment = None
    if kur and kur_tenor_months and kur_rate_percent is not None:
        repayment = repayment_capacity(
            results, kur, Decimal(kur_rate_percent), kur_tenor_months
        )
    return PlanFigures(investment, working, by_kind, results, repayment)


def loan_schedule(
    principal: int,
    annual_rate_percent: Decimal,
    months: int,
    interest_only: frozenset[int] = frozenset(),
) -> list[ScheduleLine]:
    """An annuity schedule where some instalments pay interest only.

    ``interest_only`` holds instalment numbers (1-based): a grace period is the
    first few, a seasonal schedule the lean-season months. The annuity runs over
    the remaining months; each month's interest is the balance times the monthly
    rate, in whole rupiah; the last repaying month absorbs the rounding, so the
    principal sums exactly and the balance ends at zero.

    :raises ValueError: when no month is left to repay the principal.
    """
    repaying = [n for n in range(1, months + 1) if n not in interest_only]
    if principal > 0 and not repaying:
        raise ValueError("at least one month must repay principal")
    rate = Decimal(annual_rate_percent) / 1200
    balance = principal
    lines: list[ScheduleLine] = []
    instalment = 0
    for month in range(1, months + 1):
        interest = _whole(balance * rate)
        if month in interest_only:
            lines.append(ScheduleLine(month, interest, interest, 0, balance))
            continue
        if not instalment:
            # The annuity over the months still to repay, from the balance now.
            remaining = sum(1 for n in repaying if n >= month)
            instalment = annuity_instalment(balance, annual_rate_percent, remaining)
        if month == repaying[-1]:
            repaid = balance
        else:
            repaid = max(0, min(instalment - interest, balance))
        balance -= repaid
        lines.append(ScheduleLine(month, repaid + interest, interest, repaid, balance))
    return lines
