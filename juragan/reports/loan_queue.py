"""The lender's work queue: the applications waiting for the bank, by state, the
oldest in its state first, with their age and the decision's due date.

Each page is one query (the rows, with the applicant's name and regency joined in)
and the tabs' counts one grouped query, whatever the number of rows; both go through
the data layer's scope (:mod:`juragan.db.scope`), so an officer counts and lists only
their lender's applications of their branch's region. A bank officer's page is found
and counted on the loan facts (kept by the writes, indexed by lender, province, state
and age), and the page's rows are loaded through the scope. The arithmetic of ages
and due dates is :mod:`juragan.decision_sla`'s.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Integer,
    Select,
    and_,
    case,
    false,
    func,
    literal,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import Session

from juragan.dashboards.summaries import ensure_current
from juragan.decision_sla import DECIDING, Ageing, ageing, overdue_before
from juragan.domain import loan_lifecycle
from juragan.domain.loan_lifecycle import LoanStatus
from juragan.models import (
    Lender,
    LoanApplication,
    LoanApproval,
    Regency,
    Returnee,
    Role,
    User,
)
from juragan.models.dashboard import LoanFact
from juragan.models.lender import DEFAULT_DECISION_SLA_DAYS
from juragan.policy import region_clause, scoped, summary_clause

#: The states in which an application waits for someone: the documents' check
#: (the mentor or BP3MI), the bank's decision, the disbursement.
QUEUE_STATES = loan_lifecycle.ordered(loan_lifecycle.AWAITING)
#: The queue's tabs and the states each shows, the default first.
TABS: dict[str, tuple[str, ...]] = {
    "verified": (LoanStatus.VERIFIED,),
    "approved": (LoanStatus.APPROVED,),
    "submitted": (LoanStatus.SUBMITTED,),
    "open": QUEUE_STATES,
}
DEFAULT_TAB = "verified"


@dataclass(frozen=True)
class QueueFilter:
    """What the officer asked the queue for."""

    tab: str = DEFAULT_TAB
    scheme: str | None = None
    regency_code: str | None = None
    #: A part of the applicant's name.
    name: str | None = None
    #: Only applications past the decision's due date (verified ones, then).
    overdue_only: bool = False

    @property
    def states(self) -> tuple[str, ...]:
        return (DECIDING,) if self.overdue_only else TABS[self.tab]


#: What a page cursor looks like in the address (``Cursor.token``).
CURSOR_PATTERN = r"^(\d{1,16})-(\d{1,12})$"
_TOKEN = re.compile(CURSOR_PATTERN)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Cursor:
    """Where a page ends: the last row's ``(status_changed_at, id)``."""

    at: datetime
    id: int

    def token(self) -> str:
        """``<microseconds since 1970>-<id>``, for the ``after`` of the next page."""
        at = self.at if self.at.tzinfo else self.at.replace(tzinfo=UTC)
        return f"{(at - _EPOCH) // timedelta(microseconds=1)}-{self.id}"

    @classmethod
    def parse(cls, token: str | None) -> Cursor | None:
        """The cursor a token names; ``None`` for anything else."""
        found = _TOKEN.match(token or "")
        if found is None:
            return None
        micros, loan_id = (int(part) for part in found.groups())
        return cls(_EPOCH + timedelta(microseconds=micros), loan_id)


@dataclass(frozen=True)
class QueueRow:
    """One application as the queue shows it."""

    id: int
    full_name: str
    scheme: str
    amount_idr: int
    status: str
    lender: str
    regency_name: str | None
    ageing: Ageing
    #: A first officer approved it over an exception: a second officer's turn.
    awaits_second: bool = False


@dataclass
class QueuePage:
    rows: list[QueueRow]
    #: Pass as ``after`` to get the next page; ``None`` on the last page.
    next_after: str | None


@dataclass(frozen=True)
class QueueCounts:
    """How many applications wait in each state, and how many decisions are late."""

    by_state: Mapping[str, int] = field(default_factory=dict)
    overdue: int = 0

    def of(self, tab: str) -> int:
        return sum(self.by_state.get(state, 0) for state in TABS[tab])


def decision_slas(session: Session) -> dict[str, int]:
    """Every lender's service level for the decision, in days (reference data)."""
    return dict(session.execute(select(Lender.code, Lender.decision_sla_days)).all())


def overdue_clause(
    slas: Mapping[str, int],
    today: date,
    province_code: str | None,
    loans: Any = LoanApplication,
) -> ColumnElement[bool]:
    """Verified applications past their lender's decision due date on ``today``
    (``loans``: the applications, or their facts)."""
    late = [
        and_(
            loans.lender == code,
            loans.status_changed_at < overdue_before(today, days, province_code),
        )
        for code, days in sorted(slas.items())
    ]
    if not late:
        return false()
    return and_(loans.status == DECIDING, or_(*late))


def _from_facts(user: User, filters: QueueFilter | None) -> bool:
    """Whether the queue is read from the loan facts: a bank officer's, unless a
    name is asked for (the facts hold no names)."""
    return user.role == Role.BANK_OFFICER and not (filters and filters.name)


def _facts_narrowed(stmt: Select[Any], filters: QueueFilter | None) -> Select[Any]:
    if filters is not None and filters.scheme:
        stmt = stmt.where(LoanFact.scheme == filters.scheme)
    if filters is not None and filters.regency_code:
        stmt = stmt.where(LoanFact.regency_code == filters.regency_code)
    return stmt


def _narrowed(stmt: Select[Any], filters: QueueFilter, joined: bool) -> Select[Any]:
    """``stmt`` with every filter but the state; ``joined``: ``Returnee`` is in it."""
    if filters.scheme:
        stmt = stmt.where(LoanApplication.scheme == filters.scheme)
    if filters.regency_code or filters.name:
        if not joined:
            stmt = stmt.join(Returnee, Returnee.id == LoanApplication.returnee_id)
        if filters.regency_code:
            stmt = stmt.where(Returnee.regency_code == filters.regency_code)
        if filters.name:
            stmt = stmt.where(
                Returnee.full_name.icontains(filters.name.strip(), autoescape=True)
            )
    return stmt


def queue_page(
    session: Session,
    user: User,
    filters: QueueFilter,
    today: date,
    province_code: str | None,
    slas: Mapping[str, int],
    after: Cursor | None,
    size: int,
) -> QueuePage:
    """One page of the queue, the longest-waiting first: ``size`` rows after
    ``after`` (keyset on ``(status_changed_at, id)``, never an OFFSET)."""
    stmt = (
        scoped(
            select(
                LoanApplication.id,
                Returnee.full_name,
                LoanApplication.scheme,
                LoanApplication.amount_requested_idr,
                LoanApplication.status,
                LoanApplication.lender,
                Regency.name,
                LoanApplication.status_changed_at,
                select(LoanApproval.id)
                .where(LoanApproval.loan_id == LoanApplication.id)
                .exists()
                .label("approved_once"),
            ),
            user,
            LoanApplication,
        )
        .select_from(LoanApplication)
        .join(Returnee, Returnee.id == LoanApplication.returnee_id)
        .outerjoin(Regency, Regency.code == Returnee.regency_code)
        .where(LoanApplication.status.in_(filters.states))
    )
    stmt = _narrowed(stmt, filters, joined=True)
    if filters.overdue_only:
        stmt = stmt.where(overdue_clause(slas, today, province_code))
    if _from_facts(user, filters):
        # The page is found on the loan facts first (the lender's queue of the
        # branch's province, down an index), then loaded through the scope as
        # anyone's rows are: a fact can leave a row out, never show one. Through
        # the scope alone every waiting application of the lender was probed for
        # its borrower's region and consent for each page.
        ensure_current(session)
        fact = LoanFact
        candidates = _facts_narrowed(
            select(fact.loan_id).where(
                summary_clause(user, fact), fact.status.in_(filters.states)
            ),
            filters,
        )
        if filters.overdue_only:
            candidates = candidates.where(
                overdue_clause(slas, today, province_code, fact)
            )
        if after is not None:
            candidates = candidates.where(
                tuple_(fact.status_changed_at, fact.loan_id)
                > tuple_(
                    literal(after.at, DateTime(timezone=True)),
                    literal(after.id, Integer),
                )
            )
        candidates = candidates.order_by(fact.status_changed_at, fact.loan_id)
        stmt = stmt.where(LoanApplication.id.in_(candidates.limit(size + 1)))
    if after is not None:
        stmt = stmt.where(
            tuple_(LoanApplication.status_changed_at, LoanApplication.id)
            > tuple_(
                literal(after.at, DateTime(timezone=True)), literal(after.id, Integer)
            )
        )
    stmt = stmt.order_by(LoanApplication.status_changed_at, LoanApplication.id)
    found = session.execute(stmt.limit(size + 1)).all()
    rows = []
    for loan_id, name, scheme, amount, status, lender, regency, at, once in found[
        :size
    ]:
        sla = (
            slas.get(lender, DEFAULT_DECISION_SLA_DAYS) if status == DECIDING else None
        )
        rows.append(
            QueueRow(
                loan_id,
                name,
                scheme,
                amount,
                status,
                lender,
                regency,
                ageing(at, today, province_code, sla),
                awaits_second=bool(once) and status == DECIDING,
            )
        )
    next_after = None
    if len(found) > size:
        last = found[size - 1]
        next_after = Cursor(last.status_changed_at, last.id).token()
    return QueuePage(rows, next_after)


def queue_counts(
    session: Session,
    user: User,
    today: date,
    province_code: str | None,
    slas: Mapping[str, int],
    filters: QueueFilter | None = None,
) -> QueueCounts:
    """How many applications wait in each state of the queue, and how many verified
    ones are past the decision's due date: one grouped query. ``filters`` narrows
    them as the page is (all but the state and "overdue only"). A bank officer's
    come from the loan facts (:func:`_from_facts`), kept by the writes: the same
    rows as the scope gives, without probing each waiting application."""
    if _from_facts(user, filters):
        ensure_current(session)
        fact = LoanFact
        stmt = _facts_narrowed(
            select(
                fact.status,
                func.count(fact.loan_id),
                func.count(
                    case(
                        (
                            overdue_clause(slas, today, province_code, fact),
                            fact.loan_id,
                        )
                    )
                ),
            ).where(summary_clause(user, fact), fact.status.in_(QUEUE_STATES)),
            filters,
        ).group_by(fact.status)
        return _counted(session.execute(stmt))
    stmt = scoped(
        select(
            LoanApplication.status,
            func.count(LoanApplication.id),
            func.count(
                case((overdue_clause(slas, today, province_code), LoanApplication.id))
            ),
        ),
        user,
        LoanApplication,
    ).where(LoanApplication.status.in_(QUEUE_STATES))
    if filters is not None:
        stmt = _narrowed(stmt, filters, joined=False)
    return _counted(session.execute(stmt.group_by(LoanApplication.status)))


def _counted(rows: Any) -> QueueCounts:
    by_state, overdue = {}, 0
    for status, count, late in rows:
        by_state[status] = count
        overdue += late
    return QueueCounts(by_state, overdue)


def regencies_in_scope(session: Session, user: User) -> list[tuple[str, str]]:
    """The regencies and cities of ``user``'s region, by name: what the queue can be
    narrowed to."""
    return [
        (code, name)
        for code, name in session.execute(
            select(Regency.code, Regency.name)
            .where(region_clause(user, Regency.province_code, Regency.code))
            .order_by(Regency.name)
        )
    ]
