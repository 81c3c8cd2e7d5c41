"""Reading a loan's rows in the domain's terms: its dues and payments, the schedule
in force on a day, its standing, the documents it still needs, its penalties and
losses.

Reads only, shared below the layers: :mod:`juragan.services` settles payments with
them and :mod:`juragan.reports` shows them, and neither imports the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from juragan.domain import loan_ledger, loan_lifecycle, servicing
from juragan.domain.loan_documents import documents_for
from juragan.domain.repayment import Due, allocate, collectibility, days_past_due
from juragan.models import (
    GuaranteeClaim,
    LenderTerms,
    LoanApplication,
    LoanEvent,
    ScheduleRevision,
)

#: States where the loan has money out.
LIVE_STATES = loan_lifecycle.LIVE
PENALTY_KINDS = ("penalty_charge", "penalty_waiver", "penalty_payment")


# Documents ---------------------------------------------------------------------------


def required_documents(loan: LoanApplication) -> list[str]:
    """The document types the bank needs for this application."""
    return documents_for(
        loan.kind,
        loan.scheme,
        loan.amount_requested_idr,
        loan.plan_id is not None,
        loan.applied_on,
    )


def missing_documents(loan: LoanApplication) -> list[str]:
    present = {document.doc_type for document in loan.documents}
    return [kind for kind in required_documents(loan) if kind not in present]


# Schedule and payments ----------------------------------------------------------------


def dues_of(loan: LoanApplication) -> list[Due]:
    return [
        Due(i.number, i.due_on, i.principal_idr, i.interest_idr)
        for i in loan.instalments
    ]


def payments_of(loan: LoanApplication) -> list[tuple[date, int]]:
    """Every entry that settles instalments: money, and capitalised arrears."""
    return [(p.paid_on, p.amount_idr) for p in loan.payments]


def quote(loan: LoanApplication, on: date) -> servicing.Quote:
    """What pays the loan off on ``on``: outstanding principal, what is overdue and
    the interest accrued to that day; never the interest of later instalments."""
    return servicing.payoff_quote(
        dues_of(loan), payments_of(loan), loan.disbursed_on, on
    )


def schedule_on(loan: LoanApplication, on: date) -> list[Due]:
    """The schedule in force on ``on``: an earlier revision before a prepayment or a
    restructuring laid the loan out again, else the current one."""
    earlier = [r for r in loan.revisions if r.effective_on <= on]
    if not earlier or earlier[-1] is loan.revisions[-1]:
        return dues_of(loan)
    return revision_dues(earlier[-1])


def revision_dues(revision: ScheduleRevision) -> list[Due]:
    return [
        Due(number, date.fromisoformat(day), principal, interest)
        for number, day, principal, interest in revision.lines
    ]


def grade_on(
    loan: LoanApplication, lines: list[Due], payments: list[tuple[date, int]], on: date
) -> int:
    """The indicative class on ``on``: from days past due, held at the class before a
    restructuring until three instalments in a row are paid on time."""
    restructured = [
        r for r in loan.revisions if r.kind == "restructuring" and r.effective_on <= on
    ]
    if restructured:
        last = restructured[-1]
        return servicing.grade_after_restructuring(
            lines, payments, on, last.effective_on, last.grade_before or 1
        )
    return collectibility(days_past_due(lines, payments, on))


@dataclass(frozen=True)
class Standing:
    days_past_due: int
    grade: int
    outstanding_idr: int
    next_due: Due | None
    owed_now_idr: int


def standing(loan: LoanApplication, on: date) -> Standing | None:
    """Days past due, indicative collectibility, what is owed: on any day, on the
    schedule in force that day."""
    if not loan.instalments:
        return None
    payments = [(day, amount) for day, amount in payments_of(loan) if day <= on]
    lines = schedule_on(loan, on)
    states = allocate(lines, payments)
    days = days_past_due(lines, payments, on)
    upcoming = next((d for d in states if not d.is_settled), None)
    return Standing(
        days_past_due=days,
        grade=grade_on(loan, lines, payments, on),
        outstanding_idr=sum(d.principal_idr - d.paid_principal_idr for d in states),
        next_due=upcoming,
        owed_now_idr=sum(d.owed_idr for d in states if d.due_on <= on),
    )


# Penalties, claims and losses ------------------------------------------------------


def penalties_owed_by_loan(
    session: Session, loans: list[LoanApplication], on: date
) -> dict[int, int]:
    """:func:`penalties_owed` of each loan, read in one query (for a list)."""
    events: dict[int, list[tuple[str, date, int]]] = {loan.id: [] for loan in loans}
    if events:
        for event in session.scalars(
            select(LoanEvent).where(
                LoanEvent.loan_id.in_(list(events)),
                LoanEvent.kind.in_(PENALTY_KINDS),
            )
        ):
            events[event.loan_id].append(
                (event.kind, event.occurred_on, event.amount_idr)
            )
    return {
        loan_id: loan_ledger.penalty_balance(found, on)
        for loan_id, found in events.items()
    }


def _session(loan: LoanApplication) -> Session:
    return inspect(loan).session


def events_of(
    loan: LoanApplication, kinds: tuple[str, ...] | None = None
) -> list[LoanEvent]:
    stmt = select(LoanEvent).where(LoanEvent.loan_id == loan.id)
    if kinds:
        stmt = stmt.where(LoanEvent.kind.in_(kinds))
    return list(
        _session(loan).scalars(stmt.order_by(LoanEvent.occurred_on, LoanEvent.id))
    )


def claims_of(loan: LoanApplication) -> list[GuaranteeClaim]:
    return list(
        _session(loan).scalars(
            select(GuaranteeClaim)
            .where(GuaranteeClaim.loan_id == loan.id)
            .order_by(GuaranteeClaim.id)
        )
    )


def lender_terms(session: Session, lender: str) -> LenderTerms | None:
    return session.get(LenderTerms, lender)


def penalties_owed(loan: LoanApplication, on: date) -> int:
    """Late penalties the borrower owes on ``on`` (charges less waivers and
    penalty payments made by then), apart from the instalments."""
    return loan_ledger.penalty_balance(
        ((e.kind, e.occurred_on, e.amount_idr) for e in events_of(loan, PENALTY_KINDS)),
        on,
    )


def written_off_principal(loan: LoanApplication) -> int:
    """The principal outstanding when the loan was written off (no payment is
    recorded afterwards: what comes in then is a recovery)."""
    return sum(i.principal_idr - i.paid_principal_idr for i in loan.instalments)


def may_claim(loan: LoanApplication, on: date) -> bool:
    """After a write-off, or at collectibility 5 as the guarantee allows."""
    if loan.status == "written_off":
        return True
    now = standing(loan, on) if loan.status in LIVE_STATES else None
    return now is not None and now.grade == 5


def loss_of(loan: LoanApplication) -> loan_ledger.Loss:
    """The loss figures of a written-off loan (nothing for any other)."""
    if loan.status != "written_off":
        return loan_ledger.NO_LOSS
    recoveries = events_of(loan, ("recovery",))
    return loan_ledger.Loss(
        written_off_idr=written_off_principal(loan),
        claims_paid_idr=sum(c.paid_idr or 0 for c in claims_of(loan)),
        recoveries_idr=sum(e.amount_idr for e in recoveries),
        passed_to_guarantor_idr=sum(e.guarantor_share_idr or 0 for e in recoveries),
    )
