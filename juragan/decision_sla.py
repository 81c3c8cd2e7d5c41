"""How long an application has waited in its state, and when the bank's decision is
due: the arithmetic of the lender's work queue, apart from any request.

An application enters a state at a moment (``status_changed_at``, UTC). Its age is
counted in whole calendar days on the date of the place that reads the queue (the
officer's province, ``docs/time.md``): an application verified at 00:30 WIB on the
2nd (17:30 UTC on the 1st) is 0 days old all of the 2nd and 1 day old on the 3rd.
Only a verified application waits for the decision, so only it has a due date: the
day it was verified plus the lender's service level (``Lender.decision_sla_days``,
calendar days). On the due date it is still on time; from the day after it is
overdue by one day more each day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from juragan.clock import date_in, zone_of

#: The state in which an application waits for the lender's decision.
DECIDING = "verified"


@dataclass(frozen=True)
class Ageing:
    """An application's wait in its state, as of one day."""

    #: The date (in the place's zone) it entered the state.
    entered_on: date
    #: Whole days since then (0 on the day itself).
    days: int
    #: The last day to decide on time; ``None`` for states without a service level.
    due_on: date | None = None
    #: Days past ``due_on`` (0 while on time).
    overdue_days: int = 0

    @property
    def is_overdue(self) -> bool:
        return self.overdue_days > 0


def ageing(
    entered_at: datetime,
    today: date,
    province_code: str | None,
    sla_days: int | None = None,
) -> Ageing:
    """The age of an application that entered its state at ``entered_at``.

    :param entered_at: the moment it entered the state (UTC; naive means UTC).
    :param today: the date where the queue is read (``clock.today()``).
    :param province_code: the province whose calendar counts the days.
    :param sla_days: the lender's service level, for an application waiting for
        the decision; ``None`` for the other states (no due date).
    """
    entered_on = date_in(province_code, entered_at)
    days = max((today - entered_on).days, 0)
    if sla_days is None:
        return Ageing(entered_on, days)
    due_on = entered_on + timedelta(days=sla_days)
    return Ageing(entered_on, days, due_on, max((today - due_on).days, 0))


def overdue_before(today: date, sla_days: int, province_code: str | None) -> datetime:
    """The moment (UTC) before which an application must have entered the deciding
    state to be overdue on ``today``: the start of the local day ``sla_days``
    before. The SQL twin of :func:`ageing`'s ``overdue_days > 0``."""
    start = datetime.combine(
        today - timedelta(days=sla_days), time(0), tzinfo=zone_of(province_code)
    )
    return start.astimezone(UTC)
