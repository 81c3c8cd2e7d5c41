"""When a returnee is next due a mentor's visit, and why.

The cadence depends on the stage: monthly (``early_days``) in a business's first
months, then quarterly (``steady_days``), also before a business opens. A risk sign
brings the visit forward to ``risk_days`` after the last one: days past due on a
loan, revenue below 60% of the plan two months running, a falling wellbeing score,
or a paused business. A next visit agreed at the last visit counts when it is
sooner. The earliest of these is the due date; each reason is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

#: Revenue below this share of the plan's projection counts as falling short.
REVENUE_SHORTFALL = Decimal("0.6")


@dataclass(frozen=True)
class Cadence:
    early_days: int = 30
    early_months: int = 6
    steady_days: int = 90
    risk_days: int = 14


@dataclass(frozen=True)
class CaseFacts:
    """What the work list knows about one returnee."""

    #: The last visit, or the day the returnee joined the caseload.
    last_contact: date
    business_opened_on: date | None = None
    business_paused: bool = False
    agreed_next_visit: date | None = None
    days_past_due: int = 0
    #: Actual and planned revenue of the most recent months, newest first.
    revenue_vs_plan: tuple[tuple[int, int], ...] = ()
    #: Wellbeing overall scores, newest first.
    wellbeing: tuple[Decimal, ...] = ()


@dataclass(frozen=True)
class DueVisit:
    due_on: date
    reasons: tuple[str, ...] = field(default_factory=tuple)

    def is_overdue(self, today: date) -> bool:
        return self.due_on < today


def _short_twice(pairs: tuple[tuple[int, int], ...]) -> bool:
    recent = pairs[:2]
    return len(recent) == 2 and all(
        planned > 0 and Decimal(actual) < REVENUE_SHORTFALL * planned
        for actual, planned in recent
    )


def risk_signs(facts: CaseFacts) -> list[str]:
    """Codes of the risk signs showing: ``arrears``, ``revenue``, ``wellbeing``, ``paused``."""
    signs = []
    if facts.days_past_due > 0:
        signs.append("arrears")
    if _short_twice(facts.revenue_vs_plan):
        signs.append("revenue")
    if len(facts.wellbeing) >= 2 and facts.wellbeing[0] < facts.wellbeing[1]:
        signs.append("wellbeing")
    if facts.business_paused:
        signs.append("paused")
    return signs


def next_visit(facts: CaseFacts, cadence: Cadence = Cadence()) -> DueVisit:
    """The due date of the next visit and every reason for it."""
    young = (
        facts.business_opened_on is not None
        and facts.last_contact
        < facts.business_opened_on + relativedelta(months=cadence.early_months)
    )
    candidates: list[tuple[date, str]] = [
        (
            facts.last_contact
            + timedelta(days=cadence.early_days if young else cadence.steady_days),
            "young_business" if young else "routine",
        )
    ]
    signs = risk_signs(facts)
    if signs:
        risk_due = facts.last_contact + timedelta(days=cadence.risk_days)
        candidates += [(risk_due, sign) for sign in signs]
    if facts.agreed_next_visit is not None:
        candidates.append((facts.agreed_next_visit, "agreed"))
    due = min(day for day, _ in candidates)
    return DueVisit(due, tuple(reason for day, reason in candidates if day == due))
