"""The programme in figures, for an official's region: aggregated in SQL.

Every figure starts from the returnees in the viewer's scope that pass the filters,
and is computed by the database (counts, sums, medians); nothing loads whole tables.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import and_, case, exists, func, select, text
from sqlalchemy.orm import Session

from juragan.models import (
    Business,
    BusinessPlan,
    BusinessStatusChange,
    Instalment,
    LoanApplication,
    Placement,
    Returnee,
    User,
    WellbeingCheck,
)
from juragan.policy import scoped

APPROVED = (
    "approved",
    "disbursed",
    "repaying",
    "paid_off",
    "restructured",
    "written_off",
)
LIVE = ("disbursed", "repaying", "restructured")


@dataclass(frozen=True)
class Filters:
    province_code: str | None = None
    regency_code: str | None = None
    returned_from: date | None = None
    returned_to: date | None = None
    sex: str | None = None
    country_code: str | None = None
    sector: str | None = None
    scheme: str | None = None
    lender: str | None = None


def returnee_ids(user: User, filters: Filters):
    """The ids of the returnees in scope that pass the filters (a subquery)."""
    stmt = scoped(select(Returnee.id), user, Returnee)
    if filters.province_code:
        stmt = stmt.where(Returnee.province_code == filters.province_code)
    if filters.regency_code:
        stmt = stmt.where(Returnee.regency_code == filters.regency_code)
    if filters.sex:
        stmt = stmt.where(Returnee.sex == filters.sex)
    placement = [Placement.returnee_id == Returnee.id]
    if filters.country_code:
        placement.append(Placement.country_code == filters.country_code)
    if filters.returned_from:
        placement.append(Placement.return_date >= filters.returned_from)
    if filters.returned_to:
        placement.append(Placement.return_date <= filters.returned_to)
    if len(placement) > 1:
        stmt = stmt.where(exists().where(and_(*placement)))
    if filters.sector:
        stmt = stmt.where(exists().where(Business.returnee_id == Returnee.id,
                                         Business.sector == filters.sector))  # fmt: skip
    if filters.scheme or filters.lender:
        loan = [LoanApplication.returnee_id == Returnee.id]
        if filters.scheme:
            loan.append(LoanApplication.scheme == filters.scheme)
        if filters.lender:
            loan.append(LoanApplication.lender == filters.lender)
        stmt = stmt.where(exists().where(and_(*loan)))
    return stmt


def _loans(user: User, filters: Filters):
    stmt = select(LoanApplication).where(
        LoanApplication.returnee_id.in_(returnee_ids(user, filters))
    )
    if filters.scheme:
        stmt = stmt.where(LoanApplication.scheme == filters.scheme)
    if filters.lender:
        stmt = stmt.where(LoanApplication.lender == filters.lender)
    return stmt.subquery()


def _median(session: Session, values_stmt) -> Decimal | None:
    """The median of one column, in the database where it can do it."""
    if session.get_bind().dialect.name == "postgresql":
        values = values_stmt.subquery()
        column = next(iter(values.c))
        value = session.scalar(select(func.percentile_cont(0.5).within_group(column)))
        return None if value is None else Decimal(str(value))
    values = [v for v in session.scalars(values_stmt) if v is not None]
    return Decimal(str(statistics.median(values))) if values else None


def _days(later, earlier, dialect: str):
    if dialect == "postgresql":
        return later - earlier
    return func.julianday(later) - func.julianday(earlier)


@dataclass(frozen=True)
class Headline:
    returnees: int
    businesses_operating: int
    workers: int
    kur_applied: int
    kur_applied_idr: int
    kur_approved: int
    kur_disbursed: int
    kur_disbursed_idr: int
    approval_rate: Decimal | None
    median_days_to_business: Decimal | None
    median_days_to_disbursement: Decimal | None
    npl_ratio: Decimal | None
    mean_wellbeing: Decimal | None


def headline(session: Session, user: User, filters: Filters, today: date) -> Headline:
    ids = returnee_ids(user, filters)
    dialect = session.get_bind().dialect.name
    returnees = session.scalar(select(func.count()).select_from(ids.subquery())) or 0
    business_where = [Business.returnee_id.in_(ids), Business.status == "operating"]
    if filters.sector:
        business_where.append(Business.sector == filters.sector)
    operating, workers = session.execute(
        select(func.count(Business.id),
               func.coalesce(func.sum(Business.workers_family + Business.workers_paid), 0))
        .where(*business_where)
    ).one()  # fmt: skip
    loans = _loans(user, filters)
    row = session.execute(select(
        func.count().filter(loans.c.status != "draft"),
        func.coalesce(func.sum(case((loans.c.status != "draft", loans.c.amount_requested_idr),
                                    else_=0)), 0),
        func.count().filter(loans.c.status.in_(APPROVED)),
        func.count().filter(loans.c.status == "rejected"),
        func.count().filter(loans.c.amount_disbursed_idr.is_not(None)),
        func.coalesce(func.sum(loans.c.amount_disbursed_idr), 0),
    )).one()  # fmt: skip
    applied, applied_idr, approved, rejected, disbursed, disbursed_idr = row
    decided = approved + rejected
    rate = (
        (Decimal(approved) / decided).quantize(Decimal("0.0001"), ROUND_HALF_UP)
        if decided
        else None
    )
    # Days from the last return before opening to the opening of each business.
    back = (select(func.max(Placement.return_date))
            .where(Placement.returnee_id == Business.returnee_id,
                   Placement.return_date <= Business.opened_on)
            .correlate(Business).scalar_subquery())  # fmt: skip
    to_business = select(_days(Business.opened_on, back, dialect).label("days")).where(
        Business.returnee_id.in_(ids), back.is_not(None)
    )
    if filters.sector:
        to_business = to_business.where(Business.sector == filters.sector)
    to_money = select(
        _days(loans.c.disbursed_on, loans.c.applied_on, dialect).label("days")
    ).where(loans.c.disbursed_on.is_not(None))
    return Headline(
        returnees=returnees, businesses_operating=operating, workers=int(workers),
        kur_applied=applied, kur_applied_idr=int(applied_idr), kur_approved=approved,
        kur_disbursed=disbursed, kur_disbursed_idr=int(disbursed_idr), approval_rate=rate,
        median_days_to_business=_median(session, to_business),
        median_days_to_disbursement=_median(session, to_money),
        npl_ratio=npl(session, loans, today),
        mean_wellbeing=_mean_wellbeing(session, ids),
    )  # fmt: skip


def npl(session: Session, loans, today: date) -> Decimal | None:
    """Outstanding principal in classes 3-5 (over 90 days past due) over all of it."""
    dialect = session.get_bind().dialect.name
    oldest_unpaid = (select(func.min(Instalment.due_on))
                     .where(Instalment.loan_id == loans.c.id, Instalment.settled_on.is_(None),
                            Instalment.due_on < today)
                     .correlate(loans).scalar_subquery())  # fmt: skip
    outstanding = (select(func.coalesce(func.sum(Instalment.principal_idr
                                                 - Instalment.paid_principal_idr), 0))
                   .where(Instalment.loan_id == loans.c.id).correlate(loans).scalar_subquery())  # fmt: skip
    late_days = _days(func.coalesce(oldest_unpaid, today), today, dialect) * -1 \
        if dialect != "postgresql" else (today - func.coalesce(oldest_unpaid, today))  # fmt: skip
    per_loan = (
        select(outstanding.label("out"), late_days.label("late"))
        .where(loans.c.status.in_(LIVE))
        .subquery()
    )
    total, bad = session.execute(select(
        func.coalesce(func.sum(per_loan.c.out), 0),
        func.coalesce(func.sum(case((per_loan.c.late > 90, per_loan.c.out), else_=0)), 0),
    )).one()  # fmt: skip
    if not total:
        return None
    return (Decimal(int(bad)) / Decimal(int(total))).quantize(
        Decimal("0.0001"), ROUND_HALF_UP
    )


def _mean_wellbeing(session: Session, ids) -> Decimal | None:
    latest = (select(WellbeingCheck.returnee_id, func.max(WellbeingCheck.id).label("id"))
              .where(WellbeingCheck.returnee_id.in_(ids))
              .group_by(WellbeingCheck.returnee_id).subquery())  # fmt: skip
    value = session.scalar(select(func.avg(WellbeingCheck.overall))
                           .join(latest, latest.c.id == WellbeingCheck.id))  # fmt: skip
    return (
        None
        if value is None
        else Decimal(str(value)).quantize(Decimal("0.001"), ROUND_HALF_UP)
    )


def by_country(session: Session, user: User, filters: Filters) -> list[tuple[str, int]]:
    """Returnees per destination country (of any placement), most first."""
    ids = returnee_ids(user, filters)
    rows = session.execute(
        select(Placement.country_code, func.count(func.distinct(Placement.returnee_id)))
        .where(Placement.returnee_id.in_(ids))
        .group_by(Placement.country_code).order_by(func.count(func.distinct(Placement.returnee_id)).desc())
    ).all()  # fmt: skip
    return [(code, n) for code, n in rows]


def by_sector(
    session: Session, user: User, filters: Filters
) -> list[tuple[str, int, int]]:
    """Businesses per line of business: all, and operating."""
    ids = returnee_ids(user, filters)
    rows = session.execute(
        select(Business.sector, func.count(Business.id),
               func.count().filter(Business.status == "operating"))
        .where(Business.returnee_id.in_(ids)).group_by(Business.sector)
        .order_by(func.count(Business.id).desc())
    ).all()  # fmt: skip
    return [(sector, n, operating) for sector, n, operating in rows]


def as_rows(items: list[tuple[Any, ...]]) -> list[list[Any]]:
    return [list(item) for item in items]


def _plus_months(column, months: int, dialect: str):
    if dialect == "postgresql":
        return column + text(f"interval '{int(months)} months'")
    return func.date(column, f"+{int(months)} months")


def funnel(
    session: Session, user: User, filters: Filters, today: date
) -> list[tuple[str, int]]:
    """From return to a business still operating twelve months after it opened.

    Stages, among people who came home: returned; wrote a business plan; had a plan
    ready for the bank; opened a business (with or without a ready plan); had a
    business operating twelve months after it opened (only businesses open for a
    year or more can count).
    """
    dialect = session.get_bind().dialect.name
    ids = returnee_ids(user, filters)
    returned = exists().where(Placement.returnee_id == Returnee.id,
                              Placement.return_date.is_not(None))  # fmt: skip
    planned = exists().where(BusinessPlan.returnee_id == Returnee.id)
    ready = exists().where(BusinessPlan.returnee_id == Returnee.id,
                           BusinessPlan.status == "ready")  # fmt: skip
    opened = exists().where(Business.returnee_id == Returnee.id)
    anniversary = _plus_months(Business.opened_on, 12, dialect)
    state_then = (select(BusinessStatusChange.to_status)
                  .where(BusinessStatusChange.business_id == Business.id,
                         BusinessStatusChange.changed_on <= anniversary)
                  .order_by(BusinessStatusChange.changed_on.desc(),
                            BusinessStatusChange.id.desc())
                  .limit(1).correlate(Business).scalar_subquery())  # fmt: skip
    lasting = exists().where(Business.returnee_id == Returnee.id,
                             anniversary <= today, state_then == "operating")  # fmt: skip
    base = Returnee.id.in_(ids)
    row = session.execute(select(
        func.count().filter(returned),
        func.count().filter(and_(returned, planned)),
        func.count().filter(and_(returned, planned, ready)),
        func.count().filter(and_(returned, opened)),
        func.count().filter(and_(returned, lasting)),
    ).select_from(Returnee).where(base)).one()  # fmt: skip
    names = ("returned", "planned", "ready", "opened", "lasting")
    return list(zip(names, row, strict=True))
