"""The arithmetic of a business plan: instalments, profit, tax, break-even, payback.

Everything is whole rupiah (``int``) or ``Decimal``; nothing passes through float.
docs/plan-figures.md gives each definition with its source; in short (shown to
users beside the figures):

* **Operating profit** (laba usaha) of a month = sales - cost of goods sold -
  operating costs. It is not net profit: interest and tax are still to be paid.
* **Interest** of a month: the interest part of that month's KUR instalment, from
  the plan's own annuity schedule (instalment 1 falls in projection month 1).
* **Tax** of a month: the final income tax on gross turnover of PP 55/2022, 0,5%
  of the month's sales; for an individual the first Rp500 juta of sales of each
  tax year (a calendar year, counted from the plan's planned start, else from
  month 1) pays none (Pasal 60 ayat (2) and (3)).
* **Net profit** (laba bersih) of a month = operating profit - interest - tax.
* **Cash left** of a month = operating profit - tax - the owner's draw: what
  remains to pay the KUR instalment (interest and principal) and to grow.
* **Operating margin** = total operating profit / total sales; **net margin** =
  total net profit / total sales, over the projection.
* **Break-even month**: the first month in which the business has made up all its
  earlier monthly losses, i.e. cumulative operating profit is zero or more and the
  month itself makes an operating profit.
* **Break-even sales a month**: fixed costs a month / contribution margin ratio,
  with fixed costs the average operating costs a month and the ratio (sales -
  cost of goods) / sales, both over the projection; rounded up to the rupiah.
* **Payback month**: the first month in which the cash left, added up from month
  one, reaches the whole capital the plan needs (investment and working capital).
* **Repayment capacity**: the average cash left per month over the months the loan
  runs (within the projection) divided by the KUR instalment. Banks usually want
  the instalment to take no more than about two thirds of it (capacity >= 1.5);
  each lender sets its own threshold (``lenders.min_repayment_coverage``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, localcontext
from typing import Any

#: Capacity at or above which the instalment is comfortably covered; also the
#: programme's threshold for a plan with no lender chosen yet (docs/plan-figures.md).
COMFORTABLE_COVERAGE = Decimal("1.5")

#: PP 55/2022: final income tax on the gross turnover of a taxpayer with a turnover
#: of at most Rp4,8 miliar a year (Pasal 56, 57), 0,5%; an individual pays none on
#: the first Rp500 juta of each tax year (Pasal 60 ayat (2)), counted cumulatively
#: from the year's first month (ayat (3)). See docs/plan-figures.md.
UMKM_FINAL_TAX_RATE = Decimal("0.005")
INDIVIDUAL_TAX_FREE_TURNOVER_IDR = 500_000_000


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
    def operating_profit_idr(self) -> int:
        """Laba usaha: before the loan's interest and before tax."""
        return self.sales_idr - self.cogs_idr - self.operating_costs_idr


@dataclass(frozen=True)
class MonthResult:
    month: int
    sales_idr: int
    cogs_idr: int
    operating_costs_idr: int
    owner_draw_idr: int
    #: Sales - cost of goods - operating costs (laba usaha).
    operating_profit_idr: int
    #: The interest part of this month's KUR instalment (0 without a KUR).
    interest_idr: int
    #: PP 55/2022 final tax on this month's sales.
    tax_idr: int
    #: Operating profit - interest - tax (laba bersih).
    net_profit_idr: int
    #: Operating profit - tax - owner's draw: what is left to pay the instalment.
    cash_left_idr: int
    #: Operating profit added up from month one.
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

    def is_below(self, threshold: Decimal) -> bool:
        """Whether the capacity falls short of a lender's ``threshold``."""
        return self.coverage is not None and self.coverage < threshold

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
    def total_cogs_idr(self) -> int:
        return sum(m.cogs_idr for m in self.months)

    @property
    def total_operating_costs_idr(self) -> int:
        return sum(m.operating_costs_idr for m in self.months)

    @property
    def total_operating_profit_idr(self) -> int:
        return sum(m.operating_profit_idr for m in self.months)

    @property
    def total_interest_idr(self) -> int:
        """KUR interest paid within the projection."""
        return sum(m.interest_idr for m in self.months)

    @property
    def total_tax_idr(self) -> int:
        return sum(m.tax_idr for m in self.months)

    @property
    def total_net_profit_idr(self) -> int:
        return sum(m.net_profit_idr for m in self.months)

    def _average(self, total: int) -> int:
        return _whole(Decimal(total) / len(self.months)) if self.months else 0

    @property
    def average_operating_profit_idr(self) -> int:
        return self._average(self.total_operating_profit_idr)

    @property
    def average_net_profit_idr(self) -> int:
        return self._average(self.total_net_profit_idr)

    def _share_of_sales(self, total: int) -> Decimal | None:
        if not self.total_sales_idr:
            return None
        return (Decimal(total) / self.total_sales_idr).quantize(
            Decimal("0.0001"), rounding=ROUND_HALF_UP
        )

    @property
    def operating_margin(self) -> Decimal | None:
        """Operating profit / sales as a fraction (0.25 is 25%); ``None`` without
        sales."""
        return self._share_of_sales(self.total_operating_profit_idr)

    @property
    def net_margin(self) -> Decimal | None:
        """Net profit / sales as a fraction; ``None`` without sales."""
        return self._share_of_sales(self.total_net_profit_idr)

    @property
    def break_even_month(self) -> int | None:
        """First month with cumulative operating profit >= 0 and a profit itself."""
        for result in self.months:
            if result.operating_profit_idr > 0 and result.cumulative_profit_idr >= 0:
                return result.month
        return None

    @property
    def fixed_costs_idr(self) -> int:
        """Fixed costs a month: the average operating costs over the projection."""
        return self._average(self.total_operating_costs_idr)

    @property
    def contribution_margin_ratio(self) -> Decimal | None:
        """(sales - cost of goods) / sales over the projection; ``None`` without
        sales."""
        return self._share_of_sales(self.total_sales_idr - self.total_cogs_idr)

    @property
    def break_even_sales_idr(self) -> int | None:
        """Sales a month at which operating profit is zero: fixed costs a month /
        contribution margin ratio, rounded up to the rupiah.

        Computed from the totals (not from the rounded ratio). ``None`` without
        sales or when the goods cost as much as they sell for (no sales cover the
        fixed costs).
        """
        sales = self.total_sales_idr
        contribution = sales - self.total_cogs_idr
        if not self.months or sales <= 0 or contribution <= 0:
            return None
        with localcontext() as context:
            context.prec = 40
            fixed = Decimal(self.total_operating_costs_idr) / len(self.months)
            amount = fixed * sales / contribution
        return int(amount.quantize(Decimal(1), rounding=ROUND_CEILING))

    @property
    def payback_month(self) -> int | None:
        if self.needs_idr <= 0:
            return None
        for result in self.months:
            if result.cumulative_cash_idr >= self.needs_idr:
                return result.month
        return None


def project(
    months: Iterable[Month],
    interest_by_month: Mapping[int, int] | None = None,
    tax_by_month: Mapping[int, int] | None = None,
) -> list[MonthResult]:
    """Operating and net profit, cash left and running totals for each month.

    ``interest_by_month`` and ``tax_by_month`` map a projection month to its KUR
    interest and its tax (missing months are 0).
    """
    interest_by_month = interest_by_month or {}
    tax_by_month = tax_by_month or {}
    results = []
    profit_so_far = cash_so_far = 0
    for month in sorted(months, key=lambda m: m.month):
        operating = month.operating_profit_idr
        interest = interest_by_month.get(month.month, 0)
        tax = tax_by_month.get(month.month, 0)
        cash_left = operating - tax - month.owner_draw_idr
        profit_so_far += operating
        cash_so_far += cash_left
        results.append(
            MonthResult(
                month=month.month,
                sales_idr=month.sales_idr,
                cogs_idr=month.cogs_idr,
                operating_costs_idr=month.operating_costs_idr,
                owner_draw_idr=month.owner_draw_idr,
                operating_profit_idr=operating,
                interest_idr=interest,
                tax_idr=tax,
                net_profit_idr=operating - interest - tax,
                cash_left_idr=cash_left,
                cumulative_profit_idr=profit_so_far,
                cumulative_cash_idr=cash_so_far,
            )
        )
    return results


def final_tax_by_month(
    months: Iterable[Month], is_individual: bool, start: date | None = None
) -> dict[int, int]:
    """PP 55/2022 final income tax on each month's gross sales, whole rupiah.

    0,5% of the sales; for an individual, sales until the year's total reaches
    Rp500 juta pay nothing, the part of a month's sales above it pays 0,5%. A tax
    year is a calendar year: with a planned ``start``, projection month 1 is that
    month of its year; without one, months 1-12 are the first year, 13-24 the
    second. Each month's tax is rounded half up to the rupiah.
    """
    first_month_of_year = start.month if start is not None else 1
    sales_this_year: dict[int, int] = {}
    taxes = {}
    for month in sorted(months, key=lambda m: m.month):
        year = (first_month_of_year - 1 + month.month - 1) // 12
        before = sales_this_year.get(year, 0)
        after = before + month.sales_idr
        sales_this_year[year] = after
        if is_individual:
            free = INDIVIDUAL_TAX_FREE_TURNOVER_IDR
            taxable = max(0, after - max(before, free))
        else:
            taxable = month.sales_idr
        taxes[month.month] = _whole(taxable * UMKM_FINAL_TAX_RATE)
    return taxes


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
    legal_form: str = "individual",
    start: date | None = None,
) -> PlanFigures:
    """All figures of a plan from its line items, sources and monthly projection.

    ``capital`` and ``sources`` are ``(kind, amount)`` pairs; the KUR requested is
    the sum of the ``kur`` sources, repaid over ``kur_tenor_months`` from month 1.
    ``legal_form`` (``individual`` has the Rp500 juta tax-free turnover) and the
    planned ``start`` (which months share a tax year) set the tax.
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
    months = list(months)
    kur = by_kind.get("kur", 0)
    loan = (
        (Decimal(kur_rate_percent), kur_tenor_months)
        if kur and kur_tenor_months and kur_rate_percent is not None
        else None
    )
    interest = (
        {
            line.month: line.interest_idr
            for line in annuity_schedule(kur, loan[0], loan[1])
        }
        if loan is not None
        else {}
    )
    taxes = final_tax_by_month(months, legal_form == "individual", start)
    results = project(months, interest, taxes)
    repayment = None
    if loan is not None:
        repayment = repayment_capacity(results, kur, loan[0], loan[1])
    return PlanFigures(investment, working, by_kind, results, repayment)


def figures_from_content(content: dict[str, Any]) -> PlanFigures:
    """The figures of a plan or of a stored version."""
    kur = content["kur"]
    rate = kur["rate_percent"]
    start = content["text"].get("planned_start")
    return plan_figures(
        [(line["kind"], line["amount_idr"]) for line in content["capital"]],
        [(line["kind"], line["amount_idr"]) for line in content["funding"]],
        [Month(*row) for row in content["months"]],
        kur["tenor_months"],
        Decimal(rate) if rate is not None else None,
        legal_form=content["text"].get("legal_form") or "individual",
        start=date.fromisoformat(start) if start else None,
    )
