"""Plan arithmetic against hand-worked examples (the annuity: docs/loan-servicing.md)."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from juragan.domain import servicing
from juragan.domain.finance import (
    Month,
    annuity_instalment,
    annuity_schedule,
    final_tax_by_month,
    flat_instalment,
    plan_figures,
)


@pytest.mark.parametrize(
    ("principal", "rate", "months", "instalment"),
    [
        (50_000_000, "6", 36, 1_521_097),  # the worked example
        (50_000_000, "7", 36, 1_543_855),  # old repeat-access tiers
        (50_000_000, "8", 36, 1_566_818),
        (50_000_000, "9", 36, 1_589_987),
        (10_000_000, "7", 12, 865_267),  # BRI's published table: Rp865.300
        (10_000_000, "7", 36, 308_771),  # ... and Rp308.800
        (10_000_000, "3", 24, 429_812),  # Super Mikro
        (12_000_000, "0", 12, 1_000_000),  # no interest: principal / months
        (0, "6", 12, 0),
    ],
)
def test_annuity_instalment_matches_bank_tables(principal, rate, months, instalment):
    assert annuity_instalment(principal, Decimal(rate), months) == instalment


def test_instalment_refuses_nonsense():
    with pytest.raises(ValueError):
        annuity_instalment(-1, Decimal(6), 12)
    with pytest.raises(ValueError):
        annuity_instalment(1_000_000, Decimal(6), 0)


def test_schedule_repays_the_principal_exactly():
    schedule = annuity_schedule(50_000_000, Decimal(6), 36)
    first, last = schedule[0], schedule[-1]
    # Month 1 of the worked example: interest 250.000, principal 1.271.097.
    assert (first.interest_idr, first.principal_idr) == (250_000, 1_271_097)
    assert first.balance_idr == 48_728_903
    assert last.balance_idr == 0
    assert sum(line.principal_idr for line in schedule) == 50_000_000
    # 36 x 1.521.096,86 = 54.759.487; rupiah rounding each month moves it by 1.
    assert sum(line.interest_idr for line in schedule) == 4_759_488
    assert all(line.instalment_idr == 1_521_097 for line in schedule[:-1])


def test_flat_misreading_is_only_a_comparison():
    assert flat_instalment(50_000_000, Decimal(6), 36) == 1_638_889


def worked_months(count):
    """Two slow months (a loss of 1 juta each), then 3 juta profit a month."""
    months = []
    for number in range(1, count + 1):
        if number <= 2:
            months.append(Month(number, 3_000_000, 2_000_000, 2_000_000, 0))
        else:
            months.append(Month(number, 8_000_000, 4_000_000, 1_000_000, 1_000_000))
    return months


CAPITAL = [("investment", 20_000_000), ("working_capital", 10_000_000)]
SOURCES = [("own_savings", 10_000_000), ("kur", 20_000_000)]


def test_worked_plan_over_twelve_months():
    figures = plan_figures(CAPITAL, SOURCES, worked_months(12), 24, Decimal(6))
    assert figures.needs_idr == 30_000_000
    assert figures.investment_idr == 20_000_000
    assert figures.is_balanced
    assert figures.gap_idr == 0
    assert figures.total_sales_idr == 86_000_000  # 2 x 3 jt + 10 x 8 jt
    # Operating profit (laba usaha), before interest and tax: -2 jt + 10 x 3 jt.
    assert figures.total_operating_profit_idr == 28_000_000
    assert figures.operating_margin == Decimal("0.3256")  # 28 / 86
    # KUR interest, by hand: month 1 is 20.000.000 x 6% / 12 = 100.000; month 2
    # is (20.000.000 - (886.412 - 100.000)) x 0,5% = 19.213.588 x 0,5% = 96.067,94.
    assert figures.months[0].interest_idr == 100_000
    assert figures.months[1].interest_idr == 96_068
    in_projection = annuity_schedule(20_000_000, Decimal(6), 24)[:12]
    assert figures.total_interest_idr == sum(m.interest_idr for m in in_projection)
    # 86 juta of sales in the year: below an individual's tax-free 500 juta.
    assert figures.total_tax_idr == 0
    # Net profit (laba bersih) = operating profit - interest - tax.
    assert figures.total_net_profit_idr == 28_000_000 - figures.total_interest_idr
    assert figures.months[0].net_profit_idr == -1_000_000 - 100_000
    assert figures.net_margin < figures.operating_margin
    # Cumulative profit: -1, -2, then +1 jt in month 3, a profitable month.
    assert figures.break_even_month == 3
    # Cash left adds up to 18 jt by month 12: the 30 jt are not yet paid back.
    assert figures.months[-1].cumulative_cash_idr == 18_000_000
    assert figures.payback_month is None
    repayment = figures.repayment
    assert repayment.instalment_idr == 886_412
    # The loan runs past the projection: the 12 projected months count.
    assert repayment.average_cash_idr == 1_500_000  # (-2 jt + 10 x 2 jt) / 12
    assert repayment.coverage == Decimal("1.69")  # 1.500.000 / 886.412
    assert repayment.short_months == (1, 2)
    assert repayment.verdict == "comfortable"


def test_payback_when_the_projection_is_long_enough():
    figures = plan_figures(CAPITAL, SOURCES, worked_months(36), 24, Decimal(6))
    # -2 jt + (k - 2) x 2 jt >= 30 jt from month k = 18.
    assert figures.payback_month == 18
    # Over the 24 months of the loan: (-2 jt + 22 x 2 jt) / 24 = 1.75 jt.
    assert figures.repayment.average_cash_idr == 1_750_000


def test_tight_and_insufficient_capacity():
    months = [Month(n, 5_000_000, 2_000_000, 1_500_000, 500_000) for n in range(1, 13)]
    # Cash left: 1 jt a month.
    tight = plan_figures([], [("kur", 10_000_000)], months, 12, Decimal(6))
    assert tight.repayment.instalment_idr == 860_664
    assert tight.repayment.coverage == Decimal("1.16")
    assert tight.repayment.verdict == "tight"
    short = plan_figures([], [("kur", 20_000_000)], months, 12, Decimal(6))
    assert short.repayment.verdict == "insufficient"
    assert short.repayment.short_months == tuple(range(1, 13))


def test_unbalanced_plan_reports_the_gap():
    figures = plan_figures(CAPITAL, [("own_savings", 25_000_000)], [], None, None)
    assert figures.gap_idr == -5_000_000
    assert not figures.is_balanced
    assert figures.repayment is None
    assert figures.operating_margin is None
    assert figures.break_even_month is None
    assert figures.break_even_sales_idr is None


def test_a_plan_that_never_breaks_even():
    months = [Month(n, 1_000_000, 800_000, 400_000, 0) for n in range(1, 13)]
    figures = plan_figures(CAPITAL, SOURCES, months, 24, Decimal(6))
    assert figures.break_even_month is None
    assert figures.payback_month is None
    assert figures.operating_margin == Decimal("-0.2000")


# Loan schedules with grace and seasonal months -------------------------------------


def loan_schedule(principal, rate, months, interest_only=frozenset()):
    """The servicing schedule over monthly due dates (any start)."""
    return servicing.amortise(
        principal,
        servicing.flat_rate(rate),
        servicing.due_dates(date(2026, 1, 15), months),
        interest_only,
    )


def test_plain_loan_schedule_is_the_annuity():
    lines = loan_schedule(50_000_000, Decimal(6), 36)
    plain = annuity_schedule(50_000_000, Decimal(6), 36)
    assert [(x.principal_idr, x.interest_idr, x.balance_idr) for x in lines] == [
        (x.principal_idr, x.interest_idr, x.balance_idr) for x in plain
    ]


def test_grace_months_pay_interest_only_then_the_annuity():
    lines = loan_schedule(12_000_000, Decimal(6), 15, frozenset({1, 2, 3}))
    assert [line.principal_idr for line in lines[:3]] == [0, 0, 0]
    assert [line.interest_idr for line in lines[:3]] == [60_000] * 3  # 12 jt x 0,5%
    # Then the 12-month annuity on 12 jt at 6%.
    assert lines[3].instalment_idr == annuity_instalment(12_000_000, Decimal(6), 12)
    assert sum(line.principal_idr for line in lines) == 12_000_000
    assert lines[-1].balance_idr == 0


def test_seasonal_schedule_skips_the_lean_months():
    lean = frozenset({4, 5, 16, 17})  # e.g. two lean months each year
    lines = loan_schedule(20_000_000, Decimal(6), 24, lean)
    assert all(lines[n - 1].principal_idr == 0 for n in lean)
    assert all(lines[n - 1].principal_idr > 0 for n in range(1, 25) if n not in lean)
    assert sum(line.principal_idr for line in lines) == 20_000_000
    assert lines[-1].balance_idr == 0


@settings(max_examples=300, deadline=None)
@given(
    principal=st.integers(min_value=1, max_value=500_000_000),
    rate=st.sampled_from([Decimal(r) for r in ("0", "3", "6", "7", "8", "9", "6.5")]),
    months=st.integers(min_value=1, max_value=84),
    data=st.data(),
)
def test_any_schedule_repays_exactly(principal, rate, months, data):
    interest_only = frozenset(
        data.draw(
            st.sets(st.integers(min_value=1, max_value=months), max_size=months - 1)
        )
    )
    lines = loan_schedule(principal, rate, months, interest_only)
    assert len(lines) == months
    assert sum(line.principal_idr for line in lines) == principal
    assert all(line.balance_idr >= 0 for line in lines)
    assert all(line.principal_idr >= 0 and line.interest_idr >= 0 for line in lines)
    assert lines[-1].balance_idr == 0
    for line in lines:
        assert line.instalment_idr == line.principal_idr + line.interest_idr


# Tax, net profit and break-even sales ------------------------------------------


def test_final_tax_of_an_individual_follows_the_published_example():
    """DDTCNews' illustration of PP 55/2022 (docs/plan-figures.md): Pak Adam, an
    individual, has a turnover of Rp1,2 miliar in a year; the first Rp500 juta pay
    nothing, the rest 0,5%: 0,5% x 700.000.000 = Rp3.500.000."""
    months = [Month(n, 100_000_000, 60_000_000, 10_000_000, 0) for n in range(1, 13)]
    taxes = final_tax_by_month(months, is_individual=True)
    assert sum(taxes.values()) == 3_500_000
    # Cumulatively from January (Pasal 60 ayat (3)): 500 juta is reached at the end
    # of month 5, so months 1-5 pay nothing and months 6-12 0,5% of 100 juta each.
    assert [taxes[n] for n in range(1, 13)] == [0] * 5 + [500_000] * 7


def test_final_tax_splits_the_month_that_crosses_rp500_juta():
    # 60 juta a month: 480 juta after month 8, 540 juta after month 9, so month 9
    # pays 0,5% of 40 juta = 200.000 and each later month 0,5% of 60 juta = 300.000.
    months = [Month(n, 60_000_000, 0, 0, 0) for n in range(1, 13)]
    taxes = final_tax_by_month(months, is_individual=True)
    assert taxes[8] == 0
    assert taxes[9] == 200_000
    assert taxes[10] == 300_000
    assert sum(taxes.values()) == 200_000 + 3 * 300_000  # 0,5% x (720 - 500) juta


def test_the_tax_free_turnover_is_per_calendar_year():
    # Started in July: months 1-6 are July-December (600 juta: 0,5% x 100 juta in
    # month 6), months 7-12 the next January-June (again 500.000 in month 12).
    months = [Month(n, 100_000_000, 0, 0, 0) for n in range(1, 13)]
    taxes = final_tax_by_month(months, is_individual=True, start=date(2026, 7, 1))
    assert [n for n, tax in taxes.items() if tax] == [6, 12]
    assert sum(taxes.values()) == 1_000_000


def test_a_cooperative_pays_on_all_its_turnover():
    # PP 55/2022 Pasal 57 ayat (1) huruf b: a cooperative has no tax-free part.
    months = [Month(n, 10_000_000, 0, 0, 0) for n in range(1, 4)]
    taxes = final_tax_by_month(months, is_individual=False)
    assert list(taxes.values()) == [50_000, 50_000, 50_000]  # 0,5% x 10 juta


def test_tax_comes_off_net_profit_and_cash_left():
    # 100 juta sales, 60 juta goods, 10 juta costs, 20 juta owner's draw a month:
    # operating profit 30 juta; from month 6, tax 500.000 (see Pak Adam above).
    months = [
        Month(n, 100_000_000, 60_000_000, 10_000_000, 20_000_000) for n in range(1, 13)
    ]
    figures = plan_figures([], [("kur", 100_000_000)], months, 12, Decimal(6))
    sixth = figures.months[5]
    assert sixth.operating_profit_idr == 30_000_000
    assert sixth.tax_idr == 500_000
    assert sixth.cash_left_idr == 30_000_000 - 500_000 - 20_000_000
    assert sixth.net_profit_idr == 30_000_000 - sixth.interest_idr - 500_000
    # Month 1 interest: 100 juta x 0,5% = 500.000.
    assert figures.months[0].interest_idr == 500_000
    # Capacity on the cash left after tax: (5 x 10 jt + 7 x 9,5 jt) / 12 = 9.708.333.
    assert figures.repayment.average_cash_idr == 9_708_333
    # A cooperative pays 500.000 every month.
    coop = plan_figures([], [], months, None, None, legal_form="cooperative")
    assert coop.total_tax_idr == 12 * 500_000
    assert coop.total_net_profit_idr == 12 * (30_000_000 - 500_000)


@pytest.mark.parametrize(
    ("sales", "cogs", "costs", "expected"),
    [
        # 2 jt fixed / ((10 - 6) / 10 = 0,4) = 5 jt.
        (10_000_000, 6_000_000, 2_000_000, 5_000_000),
        # 1,5 jt / 0,35 = 4.285.714,28...: rounded up to 4.285.715.
        (20_000_000, 13_000_000, 1_500_000, 4_285_715),
        # Goods cost all the sales: no level of sales covers the fixed costs.
        (10_000_000, 10_000_000, 1_000_000, None),
    ],
)
def test_break_even_sales(sales, cogs, costs, expected):
    months = [Month(n, sales, cogs, costs, 0) for n in range(1, 13)]
    figures = plan_figures([], [], months, None, None)
    assert figures.break_even_sales_idr == expected


def test_break_even_sales_of_the_worked_plan():
    figures = plan_figures(CAPITAL, SOURCES, worked_months(12), 24, Decimal(6))
    # Totals: sales 86 jt, goods 2 x 2 + 10 x 4 = 44 jt, operating costs
    # 2 x 2 + 10 x 1 = 14 jt. Fixed a month 14 jt / 12 = 1.166.666,67; ratio
    # 42 / 86 = 48,84%; 14 jt / 12 x 86 / 42 = 2.388.888,89, rounded up.
    assert figures.fixed_costs_idr == 1_166_667
    assert figures.contribution_margin_ratio == Decimal("0.4884")
    assert figures.break_even_sales_idr == 2_388_889
