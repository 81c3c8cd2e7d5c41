"""Every day of a leap year through the date logic that depends on today.

The suite passes on any day (``make test-clock`` runs it at a few awkward moments);
these walk each day of 2028 (and into 2029) through the rules that take ``today``
and check what must hold on every one: the place's date, due dates neither skipped
nor doubled across month ends, days past due that grow by one a day, ages and
months that never go back, month ranges that follow each other.
"""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from itertools import pairwise

import time_machine
from sqlalchemy import literal, select

from juragan import clock
from juragan.dashboards.figures import month_ends_before
from juragan.db import sqldates
from juragan.decision_sla import ageing, overdue_before
from juragan.domain import repayment
from juragan.domain.identifiers import resolve_birth_year
from juragan.domain.servicing import due_dates, interest_only_numbers
from juragan.domain.visit_schedule import CaseFacts, next_visit

DAYS = [date(2028, 1, 1) + timedelta(days=n) for n in range(366)]
assert DAYS[-1] == date(2028, 12, 31)


def months_after(day: date, months: int) -> date:
    """The same day ``months`` later, or that month's last day if it is shorter."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def test_walk_covers_the_leap_day():
    assert date(2028, 2, 29) in DAYS
    assert months_after(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert month_end(date(2027, 2, 3)) == date(2027, 2, 28)


def test_each_day_is_the_places_day_from_its_first_to_its_last_half_hour():
    for day in DAYS:
        wib_0030 = datetime.combine(day, time(0, 30), clock.WIB).astimezone(UTC)
        wib_2330 = datetime.combine(day, time(23, 30), clock.WIB).astimezone(UTC)
        wit_2330 = datetime.combine(day, time(23, 30), clock.WIT).astimezone(UTC)
        assert wib_0030 == datetime.combine(day - timedelta(days=1), time(17, 30), UTC)
        assert clock.date_in("35", wib_0030) == day
        assert clock.date_in("35", wib_2330) == day
        assert clock.date_in("91", wib_2330) == day + timedelta(days=1)
        assert clock.date_in("73", wit_2330) == day  # 22:30 WITA
        assert clock.date_in("91", wit_2330) == day
        with time_machine.travel(wib_0030, tick=False):
            assert clock.today() == day


def test_a_decision_waits_a_day_more_each_day_and_is_late_the_day_after_its_due():
    """Verified at 00:30 WIB on each day of 2028: due fourteen days later; from the
    day after, a day more overdue each day, and the SQL cut-off says the same."""
    for day in DAYS:
        verified_at = datetime.combine(day, time(0, 30), clock.WIB).astimezone(UTC)
        ages = [
            ageing(verified_at, day + timedelta(days=n), "35", 14) for n in range(17)
        ]
        assert [age.days for age in ages] == list(range(17))
        assert {age.due_on for age in ages} == {day + timedelta(days=14)}
        assert [age.overdue_days for age in ages] == [0] * 15 + [1, 2]
        for n, age in enumerate(ages):
            cutoff = overdue_before(day + timedelta(days=n), 14, "35")
            assert (verified_at < cutoff) is age.is_overdue, (day, n)


def test_a_nik_birthday_today_is_this_century_and_tomorrows_the_last():
    for day in DAYS:
        assert resolve_birth_year(28, day.month, day.day, day) == 2028
        assert resolve_birth_year(27, day.month, day.day, day) == 2027
        tomorrow = day + timedelta(days=1)
        if tomorrow.year == 2028:
            assert resolve_birth_year(28, tomorrow.month, tomorrow.day, day) == 1928


def test_the_next_visit_is_always_ahead_and_the_first_months_end_on_time():
    # Opened on 31 August 2027: its first six months end on 29 February 2028.
    opened = date(2027, 8, 31)
    for day in DAYS:
        young = day < date(2028, 2, 29)
        visit = next_visit(CaseFacts(last_contact=day, business_opened_on=opened))
        assert visit.due_on == day + timedelta(days=30 if young else 90), day
        assert visit.reasons == (("young_business",) if young else ("routine",))
        assert not visit.is_overdue(day)
        assert visit.is_overdue(visit.due_on + timedelta(days=1))
        late = next_visit(CaseFacts(last_contact=day, days_past_due=1))
        assert late.due_on == day + timedelta(days=14)


def test_a_lean_month_falls_once_a_year_from_any_first_due_date():
    for first_due in DAYS:
        for lean in (1, 2, 3, 12):
            numbers = sorted(
                interest_only_numbers(due_dates(first_due, 36), 0, frozenset({lean}))
            )
            assert len(numbers) == 3, (first_due, lean)
            assert [b - a for a, b in pairwise(numbers)] == [12, 12]
            assert months_after(first_due, numbers[0] - 1).month == lean


def _schedule(first_due: date, months: int = 24) -> list[repayment.Due]:
    return [
        repayment.Due(n, months_after(first_due, n - 1), 1_000_000, 50_000)
        for n in range(1, months + 1)
    ]


def test_due_dates_from_a_months_end_land_once_in_every_month():
    for first_due in DAYS:
        dues = [d.due_on for d in _schedule(first_due)]
        months = [d.year * 12 + d.month for d in dues]
        assert months == list(range(months[0], months[0] + 24)), first_due
        assert all(d.day == min(first_due.day, month_end(d).day) for d in dues)
    ends = [d.due_on for d in _schedule(date(2028, 1, 31))]
    assert ends[:3] == [date(2028, 1, 31), date(2028, 2, 29), date(2028, 3, 31)]
    assert all(day == month_end(day) for day in ends)


def test_days_past_due_grow_by_one_a_day_and_agree_month_by_month():
    schedule = _schedule(date(2028, 1, 31))
    # Instalments 1-3 paid on their day (31 Jan, 29 Feb, 31 Mar), then nothing.
    payments = [(d.due_on, d.principal_idr + d.interest_idr) for d in schedule[:3]]
    walk = [*DAYS, date(2029, 1, 1)]
    standings = repayment.month_end_standings(schedule, payments, walk)
    first_unpaid = date(2028, 4, 30)
    previous = None
    for (day, outstanding, late), expected_day in zip(standings, walk, strict=True):
        assert day == expected_day
        expected = max(0, (day - first_unpaid).days)
        assert late == expected == repayment.days_past_due(schedule, payments, day)
        assert outstanding == repayment.outstanding_principal(schedule, payments, day)
        assert outstanding == 1_000_000 * (24 - sum(p[0] <= day for p in payments))
        if previous is not None and day > first_unpaid:
            assert late == previous + 1
        previous = late
    # Paid on the due day every month: never a day late.
    paid_on_time = [(d.due_on, d.principal_idr + d.interest_idr) for d in schedule]
    assert all(
        repayment.days_past_due(schedule, paid_on_time, day) == 0 for day in walk
    )


def test_the_last_twelve_month_ends_follow_each_other():
    for day in DAYS:
        ends = month_ends_before(day)
        assert len(ends) == 12
        assert ends[-1] == day.replace(day=1) - timedelta(days=1)
        assert all(end == month_end(end) for end in ends)
        for earlier, later in pairwise(ends):
            assert later == month_end(earlier + timedelta(days=1))


def test_whole_months_since_a_day_never_go_back_nor_jump():
    counts = [sqldates.whole_months(n) for n in range(0, 2 * 366)]
    assert counts[0] == 0
    assert counts[31] == 1
    assert counts[365] == 12
    assert all(b - a in (0, 1) for a, b in pairwise(counts))


def test_months_added_in_sql_keep_the_day_or_the_months_end(db):
    dialect = db.engine.dialect.name
    for day in DAYS:
        for months in (1, -1, 12):
            sql = sqldates.plus_months(literal(day), months, dialect)
            got = db.session.scalar(select(sql))
            got = date.fromisoformat(got) if isinstance(got, str) else got
            assert got == months_after(day, months), (day, months)


def test_a_business_age_in_days_in_sql_counts_the_leap_day(db):
    dialect = db.engine.dialect.name
    sql = sqldates.days_between(
        literal(date(2028, 3, 1)), literal(date(2028, 2, 28)), dialect
    )
    assert db.session.scalar(select(sql)) == 2
    assert Decimal(sqldates.whole_months(366)) == 12


def test_an_age_never_goes_back_and_a_leap_day_birthday_comes_on_1_march():
    from juragan.services.loans.applying import _age

    born = date(2000, 2, 29)
    walk = [date(2028, 1, 1) + timedelta(days=n) for n in range(2 * 366)]
    ages = [_age(born, day) for day in walk]
    assert all(b - a in (0, 1) for a, b in pairwise(ages))
    assert _age(born, date(2028, 2, 28)) == 27
    assert _age(born, date(2028, 2, 29)) == 28
    assert _age(born, date(2029, 2, 28)) == 28
    assert _age(born, date(2029, 3, 1)) == 29
    assert sum(b > a for a, b in pairwise(ages)) == 2  # once a year
