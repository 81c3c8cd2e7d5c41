"""Loan servicing arithmetic with worked examples computed apart from the code.

Where an example comes from:
* The Rp50.000.000, 6% effective, 36-month annuity and its first month (instalment
  Rp1.521.097, interest Rp250.000, balance Rp48.728.903) are the worked example of
  the domain reference (docs/loan-servicing.md, "Worked example").
* Every other figure is a hand computation written out in the test, with the
  annuity formula A = P·r / (1 − (1 + r)^−n), r = annual rate / 12, evaluated by
  :func:`annuity` below in exact decimal arithmetic (not through the code under test).
"""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal, localcontext

import pytest

from juragan.domain import servicing
from juragan.domain.repayment import Due

SIX = servicing.flat_rate(6)


def annuity(principal: int, rate_percent: int, months: int) -> int:
    with localcontext() as context:
        context.prec = 40
        r = Decimal(rate_percent) / 1200
        value = principal * r / (1 - (1 + r) ** -months)
        return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def dues(lines):
    return [
        Due(line.number, line.due_on, line.principal_idr, line.interest_idr)
        for line in lines
    ]


@pytest.fixture
def fifty_million():
    """Disbursed 15 January 2026, first instalment 15 February 2026."""
    lines = servicing.schedule(servicing.Terms(50_000_000, SIX, 36, date(2026, 2, 15)))
    return dues(lines)


def test_the_reference_annuity(fifty_million):
    first = fifty_million[0]
    assert (first.principal_idr, first.interest_idr) == (1_271_097, 250_000)
    assert sum(d.principal_idr for d in fifty_million) == 50_000_000
    assert annuity(50_000_000, 6, 36) == 1_521_097


def test_payoff_on_the_day_of_disbursement_is_the_principal(fifty_million):
    quote = servicing.payoff_quote(
        fifty_million, [], date(2026, 1, 15), date(2026, 1, 15)
    )
    assert quote.accrued_interest_idr == 0
    assert quote.total_idr == 50_000_000


def test_payoff_mid_month_counts_the_running_months_interest_by_days(fifty_million):
    # Instalment 1 paid on its day; payoff on 1 March 2026.
    # Balance 48.728.903; instalment 2's interest 48.728.903 × 0,5% = 243.644,5
    # → 243.645. Its period 15 Feb–15 Mar has 28 days, 14 elapsed on 1 March:
    # 243.645 × 14/28 = 121.822,5 → 121.823. Payoff 48.728.903 + 121.823.
    paid = [(date(2026, 2, 15), 1_521_097)]
    quote = servicing.payoff_quote(
        fifty_million, paid, date(2026, 1, 15), date(2026, 3, 1)
    )
    assert quote.principal_idr == 48_728_903
    assert quote.accrued_interest_idr == 121_823
    assert quote.total_idr == 48_850_726
    # The interest of the 34 later instalments (Rp4.509.487 in all) is not owed.
    scheduled_left = sum(d.principal_idr + d.interest_idr for d in fifty_million[1:])
    assert scheduled_left - quote.total_idr > 4_000_000


def test_payoff_with_an_overdue_instalment(fifty_million):
    # Nothing paid: instalment 1 (1.521.097) is overdue on 1 March, plus the same
    # principal not yet due and accrued interest as above.
    quote = servicing.payoff_quote(
        fifty_million, [], date(2026, 1, 15), date(2026, 3, 1)
    )
    assert quote.overdue_idr == 1_521_097
    assert quote.total_idr == 1_521_097 + 48_728_903 + 121_823


def test_paid_ahead_money_counts_against_the_payoff(fifty_million):
    # Instalments 1 and 2 paid on 15 February; on 1 March instalment 2 is paid
    # ahead: 48.728.903 + 121.823 − 1.521.097.
    paid = [(date(2026, 2, 15), 2 * 1_521_097)]
    quote = servicing.payoff_quote(
        fifty_million, paid, date(2026, 1, 15), date(2026, 3, 1)
    )
    assert quote.paid_ahead_idr == 1_521_097
    assert quote.total_idr == 48_728_903 + 121_823 - 1_521_097


def test_prepayment_with_a_lower_instalment(fifty_million):
    # Rp10.000.000 on 1 March: 121.823 accrued interest, 9.878.177 principal.
    # Left 48.728.903 − 9.878.177 = 38.850.726 over the same 35 due dates.
    # 15 March: half a period on the new balance, 38.850.726 × 0,5% × 14/28 =
    # 97.126,8 → 97.127. Annuity 38.850.726, 6%, 35 months = 1.212.745.
    paid = [(date(2026, 2, 15), 1_521_097)]
    lines = servicing.prepay(
        fifty_million, paid, date(2026, 1, 15), date(2026, 3, 1), 10_000_000, SIX
    )
    assert lines[1].due_on == date(2026, 3, 1)
    assert (lines[1].principal_idr, lines[1].interest_idr) == (9_878_177, 121_823)
    assert lines[2].interest_idr == 97_127
    assert annuity(38_850_726, 6, 35) == 1_212_745
    assert lines[2].instalment_idr == lines[3].instalment_idr == 1_212_745
    assert lines[-1].due_on == date(2029, 1, 15)  # the same end date
    assert sum(line.principal_idr for line in lines) == 50_000_000
    assert lines[-1].balance_idr == 0


def test_prepayment_with_a_shorter_tenor(fifty_million):
    # The instalment kept: the annuity of 48.728.903 over the 35 instalments left,
    # 1.521.097 (as before). 38.850.726 repaid with it ends in June 2028, not
    # January 2029.
    paid = [(date(2026, 2, 15), 1_521_097)]
    lines = servicing.prepay(
        fifty_million,
        paid,
        date(2026, 1, 15),
        date(2026, 3, 1),
        10_000_000,
        SIX,
        servicing.SHORTER_TENOR,
    )
    assert annuity(48_728_903, 6, 35) == 1_521_097
    assert lines[2].instalment_idr == lines[3].instalment_idr == 1_521_097
    assert lines[-1].due_on == date(2028, 6, 15)
    assert lines[-1].instalment_idr < 1_521_097
    assert sum(line.principal_idr for line in lines) == 50_000_000


def test_a_prepayment_must_go_past_what_is_due(fifty_million):
    with pytest.raises(servicing.NotAPrepayment) as excinfo:
        servicing.prepay(
            fifty_million,
            [],
            date(2026, 1, 15),
            date(2026, 3, 1),
            1_521_097 + 121_823,
            SIX,
        )
    assert excinfo.value.needed_idr == 1_521_097 + 121_823 + 1
    with pytest.raises(servicing.BeyondPayoff) as excinfo:
        servicing.prepay(
            fifty_million, [], date(2026, 1, 15), date(2026, 3, 1), 51_000_000, SIX
        )
    assert excinfo.value.payoff_idr == 50_371_823


def test_the_whole_payoff_closes_the_schedule_on_its_day(fifty_million):
    paid = [(date(2026, 2, 15), 1_521_097)]
    lines = servicing.prepay(
        fifty_million, paid, date(2026, 1, 15), date(2026, 3, 1), 48_850_726, SIX
    )
    assert [line.due_on for line in lines] == [date(2026, 2, 15), date(2026, 3, 1)]
    assert lines[-1].balance_idr == 0


def test_lean_season_months_are_calendar_months():
    # Rp20.000.000, 6%, 12 months, first due 10 November 2026, January–March
    # interest only: instalments 3, 4 and 5 (January, February, March 2027). The
    # annuity runs over the 9 repaying months: 20.000.000 at 6% over 9 = 2.278.147.
    lines = servicing.schedule(
        servicing.Terms(
            20_000_000, SIX, 12, date(2026, 11, 10), lean_months=frozenset({1, 2, 3})
        )
    )
    assert [line.number for line in lines if not line.principal_idr] == [3, 4, 5]
    assert annuity(20_000_000, 6, 9) == 2_278_147
    assert lines[0].instalment_idr == 2_278_147
    # Interest only: the balance after December, 15.632.815 × 0,5% = 78.164.
    assert lines[2].interest_idr == lines[4].interest_idr == 78_164
    assert sum(line.principal_idr for line in lines) == 20_000_000
    # Disbursed in July instead, the same months are instalments 6, 7 and 8.
    july = servicing.schedule(
        servicing.Terms(
            20_000_000, SIX, 12, date(2026, 8, 10), lean_months=frozenset({1, 2, 3})
        )
    )
    assert [line.number for line in july if not line.principal_idr] == [6, 7, 8]


def test_grace_pays_interest_only_at_the_start():
    # PMI placement KUR: instalments start after six months of work abroad.
    # Rp30.000.000, 6%, 24 months, grace 6: six payments of 150.000 interest, then
    # the annuity of 30.000.000 over 18 months.
    lines = servicing.schedule(
        servicing.Terms(30_000_000, SIX, 24, date(2026, 1, 5), grace_months=6)
    )
    assert [line.instalment_idr for line in lines[:6]] == [150_000] * 6
    assert lines[6].instalment_idr == annuity(30_000_000, 6, 18)


def test_due_dates_keep_the_month_end():
    days = servicing.due_dates(date(2028, 1, 31), 4)
    assert days == [
        date(2028, 1, 31),
        date(2028, 2, 29),
        date(2028, 3, 31),
        date(2028, 4, 30),
    ]


def test_a_rate_step_recomputes_the_annuity():
    # The 2022 extra subsidy: 3% through 31 December 2022, then 6%. Rp12.000.000
    # over 12 months from 10 August 2022: annuity at 3% = 1.016.324 for August to
    # December; the balance then, 7.043.660, over the 7 months left at 6% =
    # 1.026.462.
    rates = ((date.min, Decimal(3)), (date(2023, 1, 1), Decimal(6)))
    lines = servicing.schedule(
        servicing.Terms(12_000_000, rates, 12, date(2022, 8, 10))
    )
    assert annuity(12_000_000, 3, 12) == 1_016_324
    assert lines[0].instalment_idr == 1_016_324
    assert lines[4].balance_idr == 7_043_660
    assert annuity(7_043_660, 6, 7) == 1_026_462
    assert lines[5].instalment_idr == 1_026_462
    assert sum(line.principal_idr for line in lines) == 12_000_000


def test_restructuring_capitalises_the_scheduled_arrears(fifty_million):
    # Nothing paid; restructured on 1 March 2026 over 36 months from 1 April:
    # arrears 1.271.097 principal + 250.000 interest, accrued 121.823; the new
    # principal is the payoff of the day, 50.371.823, laid out at 6% over 36.
    result = servicing.restructure(
        fifty_million,
        [],
        date(2026, 1, 15),
        date(2026, 3, 1),
        servicing.CAPITALISE,
        36,
        date(2026, 4, 1),
        SIX,
    )
    assert (result.arrears_principal_idr, result.arrears_interest_idr) == (
        1_271_097,
        250_000,
    )
    assert result.accrued_interest_idr == 121_823
    assert result.principal_idr == 50_371_823
    new = [line for line in result.lines if line.due_on > date(2026, 3, 1)]
    assert new[0].due_on == date(2026, 4, 1)
    assert new[0].instalment_idr == annuity(50_371_823, 6, 36)
    assert result.settled_idr == 1_521_097 + 121_823
    settled = servicing.restructure(
        fifty_million,
        [],
        date(2026, 1, 15),
        date(2026, 3, 1),
        servicing.SETTLE,
        36,
        date(2026, 4, 1),
        SIX,
    )
    assert settled.principal_idr == 48_728_903


def test_the_class_after_restructuring():
    # Restructured on 1 March at class 3 (Kurang Lancar): current afterwards, it stays
    # 3 until three instalments in a row are paid on time.
    lines = [Due(n, date(2026, 3 + n, 1), 1_000_000, 0) for n in range(1, 7)]
    on_time = [(date(2026, 3 + n, 1), 1_000_000) for n in range(1, 4)]
    grade = servicing.grade_after_restructuring
    assert grade(lines, on_time[:2], date(2026, 5, 15), date(2026, 3, 1), 3) == 3
    assert grade(lines, on_time, date(2026, 6, 1), date(2026, 3, 1), 3) == 1
    # One late payment restarts the count.
    late = [
        (date(2026, 4, 1), 1_000_000),
        (date(2026, 5, 3), 1_000_000),
        (date(2026, 6, 1), 1_000_000),
        (date(2026, 7, 1), 1_000_000),
    ]
    assert grade(lines, late, date(2026, 7, 1), date(2026, 3, 1), 3) == 3
    more = [*late, (date(2026, 8, 1), 1_000_000)]
    assert grade(lines, more, date(2026, 8, 1), date(2026, 3, 1), 3) == 1
    # Never better than before, but worse when the days past due say so: nothing
    # paid since 1 April is 153 days on 1 September, class 4 (121-180 days).
    assert grade(lines, [], date(2026, 9, 1), date(2026, 3, 1), 3) == 4
