"""The work queue's arithmetic: whole days in a state on the place's calendar, the
decision's due date and how late it is, at the awkward moments of docs/time.md."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from juragan import clock
from juragan.decision_sla import ageing, overdue_before

#: 00:30 WIB on 2 December 2026: still 1 December in UTC.
JUST_AFTER_MIDNIGHT_WIB = datetime(2026, 12, 1, 17, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "days"),
    [
        (datetime(2026, 12, 1, 17, 30, tzinfo=UTC), 0),  # the moment itself
        (datetime(2026, 12, 2, 16, 59, 59, tzinfo=UTC), 0),  # 23:59:59 WIB, the 2nd
        (datetime(2026, 12, 2, 17, 0, tzinfo=UTC), 1),  # 00:00 WIB, the 3rd
        (datetime(2026, 12, 31, 17, 30, tzinfo=UTC), 30),  # 00:30 WIB, 1 January
    ],
)
def test_days_in_state_are_counted_on_the_local_calendar(now, days):
    with time_machine.travel(now, tick=False):
        today = clock.date_in("35")
        age = ageing(JUST_AFTER_MIDNIGHT_WIB, today, "35")
    assert age.entered_on == date(2026, 12, 2)  # not the UTC date, the 1st
    assert age.days == days
    assert age.due_on is None
    assert age.overdue_days == 0
    assert not age.is_overdue


def test_the_zones_disagree_on_the_day():
    # 23:30 WIB on 30 April 2027 is 00:30 WITA and 01:30 WIT on 1 May.
    at = datetime(2027, 4, 30, 16, 30, tzinfo=UTC)
    assert ageing(at, date(2027, 5, 1), "35").entered_on == date(2027, 4, 30)
    assert ageing(at, date(2027, 5, 1), "35").days == 1
    assert ageing(at, date(2027, 5, 1), "73").entered_on == date(2027, 5, 1)
    assert ageing(at, date(2027, 5, 1), "73").days == 0
    assert ageing(at, date(2027, 5, 1), "91").days == 0


def test_a_stored_moment_without_its_zone_is_utc():
    naive = datetime(2026, 12, 1, 17, 30)  # as SQLite gives it back
    assert ageing(naive, date(2026, 12, 2), "35").entered_on == date(2026, 12, 2)


def test_a_moment_ahead_of_today_is_zero_days_old():
    assert ageing(JUST_AFTER_MIDNIGHT_WIB, date(2026, 11, 30), "35").days == 0


@pytest.mark.parametrize(
    ("verified_at", "sla", "today", "due_on", "overdue"),
    [
        # Verified at 00:30 WIB on 31 January 2027 (still the 30th in UTC).
        (
            datetime(2027, 1, 30, 17, 30, tzinfo=UTC),
            14,
            date(2027, 2, 14),
            date(2027, 2, 14),
            0,
        ),  # the due date itself: on time
        (
            datetime(2027, 1, 30, 17, 30, tzinfo=UTC),
            14,
            date(2027, 2, 15),
            date(2027, 2, 14),
            1,
        ),
        (
            datetime(2027, 1, 30, 17, 30, tzinfo=UTC),
            28,
            date(2027, 2, 28),
            date(2027, 2, 28),
            0,
        ),
        (
            datetime(2027, 1, 30, 17, 30, tzinfo=UTC),
            28,
            date(2027, 3, 1),
            date(2027, 2, 28),
            1,
        ),  # across the end of February
        (
            datetime(2027, 1, 30, 17, 30, tzinfo=UTC),
            28,
            date(2027, 3, 31),
            date(2027, 2, 28),
            31,
        ),
        # A leap year: 31 January 2028 + 29 days is the 29th of February.
        (
            datetime(2028, 1, 30, 17, 30, tzinfo=UTC),
            29,
            date(2028, 3, 1),
            date(2028, 2, 29),
            1,
        ),
        # Verified at 23:30 WIB on 30 April 2027: due 14 May, whatever UTC says.
        (
            datetime(2027, 4, 30, 16, 30, tzinfo=UTC),
            14,
            date(2027, 5, 15),
            date(2027, 5, 14),
            1,
        ),
        # The shortest and the longest service levels.
        (
            datetime(2026, 12, 31, 17, 30, tzinfo=UTC),
            1,
            date(2027, 1, 2),
            date(2027, 1, 2),
            0,
        ),
        (
            datetime(2026, 12, 31, 17, 30, tzinfo=UTC),
            90,
            date(2027, 4, 2),
            date(2027, 4, 1),
            1,
        ),
    ],
)
def test_due_date_and_days_overdue(verified_at, sla, today, due_on, overdue):
    age = ageing(verified_at, today, "35", sla)
    assert age.due_on == due_on
    assert age.overdue_days == overdue
    assert age.is_overdue is (overdue > 0)
    assert age.days == (today - clock.date_in("35", verified_at)).days


def test_overdue_when_frozen_at_half_past_midnight():
    """Verified at 00:30 WIB; with time frozen at 00:30 WIB fourteen and fifteen
    days later (17:30 UTC the day before), the decision is due, then a day late."""
    verified_at = JUST_AFTER_MIDNIGHT_WIB  # 2 December, WIB
    for days_later, late in ((14, 0), (15, 1), (16, 2)):
        with time_machine.travel(verified_at + timedelta(days=days_later), tick=False):
            today = clock.today()  # outside a request: the capital's date
            assert clock.now().date() == today - timedelta(days=1)  # UTC lags
            age = ageing(verified_at, today, "35", 14)
        assert age.due_on == date(2026, 12, 16)
        assert age.overdue_days == late, days_later


@pytest.mark.parametrize("province", ["35", "73", "91"])
@pytest.mark.parametrize("sla", [1, 14, 90])
def test_the_sql_cut_off_agrees_with_the_arithmetic(province, sla):
    """``status_changed_at < overdue_before(...)`` is the SQL twin of
    ``ageing(...).is_overdue``: checked every 20 minutes over three days around
    the cut-off."""
    today = date(2027, 3, 1)
    cutoff = overdue_before(today, sla, province)
    assert cutoff.tzinfo is UTC
    start = cutoff - timedelta(days=1, minutes=10)
    for step in range(3 * 72):
        at = start + timedelta(minutes=20 * step)
        assert ageing(at, today, province, sla).is_overdue is (at < cutoff), at
    assert not ageing(cutoff, today, province, sla).is_overdue
    assert ageing(cutoff - timedelta(microseconds=1), today, province, sla).is_overdue
