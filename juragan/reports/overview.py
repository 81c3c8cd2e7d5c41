"""What each role's home page shows, scoped to what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session, selectinload

from juragan.dashboards.summaries import ensure_current
from juragan.domain import loan_lifecycle
from juragan.models import (
    AuditEntry,
    BusinessPlan,
    LoanApplication,
    Regency,
    RegistrationCheck,
    Returnee,
    Role,
    User,
)
from juragan.models.dashboard import LoanFact, RegencyCount
from juragan.policy import region_clause, scoped, summary_clause


def own_profile(session: Session, user: User) -> Returnee | None:
    return session.scalar(
        select(Returnee)
        .options(selectinload(Returnee.mentor), selectinload(Returnee.regency))
        .where(Returnee.user_id == user.id)
    )


def own_registration_check(session: Session, user: User) -> RegistrationCheck | None:
    """The latest check of a self-registration that clashed, if any."""
    return session.scalar(
        select(RegistrationCheck)
        .where(RegistrationCheck.user_id == user.id)
        .order_by(RegistrationCheck.id.desc())
        .limit(1)
    )


def caseload(session: Session, mentor: User, limit: int = 50) -> list[Returnee]:
    stmt = scoped(select(Returnee), mentor, Returnee)
    return list(
        session.scalars(
            stmt.options(selectinload(Returnee.regency))
            .order_by(Returnee.full_name, Returnee.id)
            .limit(limit)
        )
    )


def count_returnees(session: Session, user: User) -> int:
    """The returnees the user may see. An official's (a region, or the country)
    come from the regency counts, a bank officer's from the loan facts: what the
    writes keep current, so a home page does not count the whole registry."""
    if user.role == Role.OFFICIAL:
        return _regency_total(session, user, RegencyCount.returnees)
    if user.role == Role.BANK_OFFICER:
        return _lender_distinct(session, user, LoanFact.returnee_id)
    stmt = scoped(select(func.count()).select_from(Returnee), user, Returnee)
    return session.scalar(stmt) or 0


def _regency_total(session: Session, user: User, *measures: Any) -> int:
    """An official's sum of :class:`RegencyCount` columns over their region (kept
    by the writes: some 1,000 rows for the country)."""
    ensure_current(session)
    return int(
        session.scalar(
            select(func.coalesce(func.sum(sum(measures[1:], measures[0])), 0)).where(
                summary_clause(user, RegencyCount)
            )
        )
    )


def _lender_distinct(
    session: Session, user: User, column: Any, *where: ColumnElement[bool]
) -> int:
    """How many distinct ``column`` values a bank officer's loan facts hold (kept
    by the writes): their borrowers, or the plans of their loans."""
    ensure_current(session)
    counted = select(func.count(func.distinct(column))).where(
        *_lenders_borrowers(user), *where
    )
    return session.scalar(counted) or 0


def _lenders_borrowers(user: User) -> list[ColumnElement[bool]]:
    """The loan facts that make a person a bank officer's to see: as on every other
    path, an application sent to the lender, of the branch's region, shared while
    the consent holds (the summary scope of loan facts), never a draft."""
    return [
        summary_clause(user, LoanFact),
        LoanFact.status != loan_lifecycle.LoanStatus.DRAFT,
    ]


@dataclass(frozen=True)
class RegionCount:
    regency_code: str
    regency_name: str
    returnees: int
    women: int


def returnees_by_regency(
    session: Session, user: User, limit: int = 15
) -> list[RegionCount]:
    """Returnees per regency inside the user's scope, largest first (an official's
    from the regency counts kept with the summary cells, a bank officer's from the
    loan facts)."""
    if user.role == Role.OFFICIAL:
        ensure_current(session)
        counted = RegencyCount
        count = func.sum(counted.returnees)
        women = func.sum(case((counted.sex == "F", counted.returnees), else_=0))
        stmt = (
            select(counted.regency_code, Regency.name, count, women)
            .join(Regency, Regency.code == counted.regency_code)
            .where(summary_clause(user, counted))
            .group_by(counted.regency_code, Regency.name)
            .order_by(count.desc(), counted.regency_code)
            .limit(limit)
        )
    elif user.role == Role.BANK_OFFICER:
        ensure_current(session)
        fact = LoanFact
        count = func.count(func.distinct(fact.returnee_id))
        women = func.count(
            func.distinct(case((fact.sex == "F", fact.returnee_id), else_=None))
        )
        stmt = (
            select(fact.regency_code, Regency.name, count, women)
            .join(Regency, Regency.code == fact.regency_code)
            .where(*_lenders_borrowers(user))
            .group_by(fact.regency_code, Regency.name)
            .order_by(count.desc(), fact.regency_code)
            .limit(limit)
        )
    else:
        stmt = scoped(
            select(
                Returnee.regency_code,
                Regency.name,
                func.count(),
                func.sum(case((Returnee.sex == "F", 1), else_=0)),
            )
            .join(Regency, Regency.code == Returnee.regency_code)
            .group_by(Returnee.regency_code, Regency.name)
            .order_by(func.count().desc(), Returnee.regency_code)
            .limit(limit),
            user,
            Returnee,
        )
    return [
        RegionCount(code, name, int(n), int(women or 0))
        for code, name, n, women in session.execute(stmt)
    ]


def mentors_in_scope(session: Session, user: User) -> int:
    """Active mentors whose own scope lies inside ``user``'s region."""
    stmt = (
        select(func.count())
        .select_from(User)
        .where(
            User.role == Role.MENTOR,
            User.is_active_account.is_(True),
            region_clause(user, User.scope_province_code, User.scope_regency_code),
        )
    )
    return session.scalar(stmt) or 0


@dataclass(frozen=True)
class RoleCount:
    role: Role
    active: int
    inactive: int


def account_counts(session: Session) -> list[RoleCount]:
    rows = session.execute(
        select(User.role, User.is_active_account, func.count()).group_by(
            User.role, User.is_active_account
        )
    ).all()
    counts = {role: [0, 0] for role in Role}
    for role, active, n in rows:
        counts[Role(role)][0 if active else 1] += n
    return [RoleCount(role, a, i) for role, (a, i) in counts.items()]


def recent_audit(session: Session, limit: int = 10) -> list[AuditEntry]:
    return list(
        session.scalars(
            select(AuditEntry)
            .options(selectinload(AuditEntry.actor))
            .order_by(AuditEntry.id.desc())
            .limit(limit)
        )
    )


def active_plan(session: Session, returnee: Returnee) -> BusinessPlan | None:
    """The plan the returnee is working on, if any."""
    return session.scalar(
        select(BusinessPlan).where(
            BusinessPlan.returnee_id == returnee.id, BusinessPlan.is_active
        )
    )


#: Plans a reviewer has to deal with: sent, or with the review under way.
TO_REVIEW = ("submitted", "in_review")


#: The plan states an official's home counts from the regency counts.
_PLANS_COUNTED = {
    "submitted": RegencyCount.plans_submitted,
    "in_review": RegencyCount.plans_in_review,
}


def plans_in_state(session: Session, user: User, *statuses: str) -> int:
    """Plans in the user's scope in these states (:data:`TO_REVIEW`: waiting for
    a reviewer). An official's waiting plans come from the regency counts, a bank
    officer's from the loan facts."""
    if user.role == Role.OFFICIAL and set(statuses) <= _PLANS_COUNTED.keys():
        return _regency_total(
            session, user, *(_PLANS_COUNTED[status] for status in sorted(set(statuses)))
        )
    if user.role == Role.BANK_OFFICER:
        # The plans of the lender's loans, as the scope gives them (a plan with
        # two applications counts once), from the loan facts.
        return _lender_distinct(
            session, user, LoanFact.plan_id, LoanFact.plan_status.in_(statuses)
        )
    stmt = scoped(select(func.count(BusinessPlan.id)), user, BusinessPlan).where(
        BusinessPlan.status.in_(statuses)
    )
    return session.scalar(stmt) or 0


def current_loan(session: Session, returnee: Returnee) -> LoanApplication | None:
    """The returnee's latest KUR application, if any."""
    return session.scalar(
        select(LoanApplication)
        .where(LoanApplication.returnee_id == returnee.id)
        .order_by(LoanApplication.id.desc())
        .limit(1)
    )


def loans_in_state(session: Session, user: User, states: tuple[str, ...]) -> int:
    """Applications in the user's scope in these states. An official's waiting
    for the documents' check come from the regency counts."""
    if user.role == Role.OFFICIAL and set(states) == loan_lifecycle.TO_VERIFY:
        return _regency_total(session, user, RegencyCount.loans_to_verify)
    stmt = scoped(select(func.count(LoanApplication.id)), user, LoanApplication).where(
        LoanApplication.status.in_(states)
    )
    return session.scalar(stmt) or 0
