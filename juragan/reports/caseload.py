"""A mentor's work list: who is due a visit, why, open action items and arrears."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session, selectinload

from juragan import clock
from juragan.db import loan_reading, plan_reading
from juragan.domain.visit_schedule import Cadence, CaseFacts, DueVisit, next_visit
from juragan.models import (
    ActionItem,
    Business,
    BusinessPlan,
    BusinessReport,
    CaseAssignment,
    LoanApplication,
    Returnee,
    User,
    Visit,
    VisitCadence,
    WellbeingCheck,
)
from juragan.policy import scoped


@dataclass
class CaseRow:
    returnee: Returnee
    last_visit: date | None
    due: DueVisit
    business: Business | None
    days_past_due: int


def _revenue_vs_plan(
    business: Business, reports: list[BusinessReport]
) -> tuple[tuple[int, int], ...]:
    """Actual and planned revenue for the latest reported months, newest first."""
    if business.plan is None or not business.plan.months:
        return ()
    months = plan_reading.figures_of(business.plan).months
    pairs = []
    for report in sorted(reports, key=lambda r: r.month, reverse=True):
        if report.revenue_idr is None:
            continue
        delta = relativedelta(report.month, business.opened_on.replace(day=1))
        index = delta.years * 12 + delta.months
        if 0 <= index < len(months):
            pairs.append((report.revenue_idr, months[index].sales_idr))
    return tuple(pairs)


def work_list(session: Session, mentor: User, today: date) -> list[CaseRow]:
    """Every returnee in the caseload with the next visit due, soonest first."""
    returnees = session.scalars(
        scoped(select(Returnee), mentor, Returnee).options(
            selectinload(Returnee.regency)
        )
    ).all()
    ids = [r.id for r in returnees]
    if not ids:
        return []
    last_visits = dict(
        session.execute(
            select(Visit.returnee_id, func.max(Visit.visited_on))
            .where(Visit.returnee_id.in_(ids))
            .group_by(Visit.returnee_id)
        ).all()
    )
    # The next visit agreed at each returnee's latest visit.
    latest = (
        select(Visit.returnee_id, func.max(Visit.visited_on).label("day"))
        .where(Visit.returnee_id.in_(ids))
        .group_by(Visit.returnee_id)
        .subquery()
    )
    agreed = dict(
        session.execute(
            select(Visit.returnee_id, Visit.next_visit_on)
            .join(
                latest,
                and_(
                    Visit.returnee_id == latest.c.returnee_id,
                    Visit.visited_on == latest.c.day,
                ),
            )
            .order_by(Visit.id)
        ).all()
    )
    assigned = dict(
        session.execute(
            select(CaseAssignment.returnee_id, func.max(CaseAssignment.assigned_at))
            .where(CaseAssignment.returnee_id.in_(ids))
            .group_by(CaseAssignment.returnee_id)
        ).all()
    )
    businesses: dict[int, Business] = {}
    for business in session.scalars(
        select(Business)
        .where(Business.returnee_id.in_(ids))
        .order_by(Business.opened_on)
        # The plan's figures are compared with the reports: loaded for all at once.
        .options(
            selectinload(Business.plan).options(
                selectinload(BusinessPlan.capital_items),
                selectinload(BusinessPlan.funding_sources),
                selectinload(BusinessPlan.months),
            )
        )
    ):
        businesses[business.returnee_id] = business
    reports: dict[int, list[BusinessReport]] = {}
    for report in session.scalars(
        select(BusinessReport).where(
            BusinessReport.business_id.in_([b.id for b in businesses.values()] or [0])
        )
    ):
        reports.setdefault(report.business_id, []).append(report)
    scores: dict[int, list[Any]] = {}
    for check in session.scalars(
        select(WellbeingCheck)
        .where(WellbeingCheck.returnee_id.in_(ids))
        .order_by(WellbeingCheck.taken_on.desc(), WellbeingCheck.id.desc())
    ):
        scores.setdefault(check.returnee_id, []).append(check.overall)
    arrears: dict[int, int] = {}
    for loan in session.scalars(
        select(LoanApplication)
        .where(
            LoanApplication.returnee_id.in_(ids),
            LoanApplication.status.in_(tuple(loan_reading.LIVE_STATES)),
        )
        .options(
            selectinload(LoanApplication.instalments),
            selectinload(LoanApplication.payments),
            selectinload(LoanApplication.revisions),
        )
    ):
        standing = loan_reading.standing(loan, today)
        if standing is not None:
            arrears[loan.returnee_id] = max(
                arrears.get(loan.returnee_id, 0), standing.days_past_due
            )
    cadence = cadence_for(session, mentor.scope_province_code)
    rows = []
    for returnee in returnees:
        business = businesses.get(returnee.id)
        last = last_visits.get(returnee.id)
        joined = assigned.get(returnee.id) or returnee.created_at
        facts = CaseFacts(
            last_contact=last or clock.date_in(returnee.province_code, joined),
            business_opened_on=business.opened_on if business else None,
            business_paused=business is not None and business.status == "paused",
            agreed_next_visit=agreed.get(returnee.id),
            days_past_due=arrears.get(returnee.id, 0),
            revenue_vs_plan=_revenue_vs_plan(business, reports.get(business.id, []))
            if business
            else (),
            wellbeing=tuple(scores.get(returnee.id, [])[:2]),
        )
        rows.append(
            CaseRow(
                returnee,
                last,
                next_visit(facts, cadence),
                business,
                arrears.get(returnee.id, 0),
            )
        )
    rows.sort(key=lambda row: row.due.due_on)
    return rows


def open_actions(session: Session, user: User, limit: int = 50) -> list[ActionItem]:
    """Action items not yet closed, for returnees in the user's scope."""
    in_scope = scoped(select(Returnee.id), user, Returnee)
    return list(
        session.scalars(
            select(ActionItem)
            .where(ActionItem.closed_at.is_(None), ActionItem.returnee_id.in_(in_scope))
            # Each item is shown with its visit's person.
            .options(selectinload(ActionItem.visit).selectinload(Visit.returnee))
            .order_by(ActionItem.due_on)
            .limit(limit)
        )
    )


def cadence_for(session: Session, province_code: str | None) -> Cadence:
    """The province's cadence, else the default row, else the built-in default."""
    rows = session.scalars(
        select(VisitCadence).where(
            (VisitCadence.province_code == province_code)
            | VisitCadence.province_code.is_(None)
        )
    ).all()
    row = next((r for r in rows if r.province_code == province_code), None) or next(
        (r for r in rows if r.province_code is None), None
    )
    if row is None:
        return Cadence()
    return Cadence(row.early_days, row.early_months, row.steady_days, row.risk_days)


def cadence_version(session: Session, province_code: str | None) -> int:
    """The version of the province's own cadence row; 0 while it has none."""
    return (
        session.scalar(
            select(VisitCadence.version).where(
                VisitCadence.province_code == province_code
            )
        )
        or 0
    )
