"""The life of a KUR application: its statuses, the steps that move it, and the sets
of statuses every layer asks about.

:data:`TABLE` is the one source: each row says that a step may be taken in a status
and where it leaves the loan (the same status for a step that records something
without moving it). The state machine (:data:`TRANSITIONS`), the statuses in which
the policy allows each step (:func:`allowed_in`) and the named sets below are all
read from it, so none of them can drift from another.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import NamedTuple

from flask_babel import lazy_gettext as _l

from juragan.domain.codes import Code


class LoanStatus(Code):
    """The stored values of ``loan_applications.status``, in the order the CHECK
    constraint lists them, with the reader's word for each."""

    DRAFT = "draft", _l("Draft")
    SUBMITTED = "submitted", _l("Submitted")
    VERIFIED = "verified", _l("Documents checked")
    APPROVED = "approved", _l("Approved")
    REJECTED = "rejected", _l("Rejected")
    DISBURSED = "disbursed", _l("Disbursed")
    REPAYING = "repaying", _l("Repaying")
    PAID_OFF = "paid_off", _l("Paid off")
    RESTRUCTURED = "restructured", _l("Restructured")
    WRITTEN_OFF = "written_off", _l("Written off")
    WITHDRAWN = "withdrawn", _l("Withdrawn")


class LoanStep(StrEnum):
    """What someone does to an application; the values are the policy's action
    names (``juragan.policy.Action``), which is how the policy finds its rules."""

    EDIT = "loan.edit"
    SUBMIT = "loan.submit"
    WITHDRAW = "loan.withdraw"
    #: Verify the documents, or return the application for what is missing.
    VERIFY = "loan.verify"
    DECIDE = "loan.decide"
    DISBURSE = "loan.disburse"
    RECORD_PAYMENT = "loan.pay"
    RESTRUCTURE = "loan.restructure"
    WRITE_OFF = "loan.write_off"
    REMIND_BORROWER = "loan.remind"
    RECORD_CHECK = "loan.check"
    RECORD_PENALTY = "loan.penalty"
    #: At collectibility 5 or after the write-off (the service tells which).
    CLAIM_GUARANTEE = "loan.claim"
    RECORD_RECOVERY = "loan.recovery"


class Transition(NamedTuple):
    step: LoanStep
    source: LoanStatus
    #: Equal to ``source`` for a step that leaves the status as it is.
    target: LoanStatus


#: Short names for the table below.
_S, _Step = LoanStatus, LoanStep


def _stays(step: LoanStep, *sources: LoanStatus) -> tuple[Transition, ...]:
    return tuple(Transition(step, s, s) for s in sources)


_MONEY_OUT = (_S.DISBURSED, _S.REPAYING, _S.RESTRUCTURED)

#: Every step, in every status it may be taken in, and where it leaves the loan.
TABLE: tuple[Transition, ...] = (
    *_stays(_Step.EDIT, _S.DRAFT),
    Transition(_Step.SUBMIT, _S.DRAFT, _S.SUBMITTED),
    *(
        Transition(_Step.WITHDRAW, s, _S.WITHDRAWN)
        for s in (_S.DRAFT, _S.SUBMITTED, _S.VERIFIED)
    ),
    Transition(_Step.VERIFY, _S.SUBMITTED, _S.VERIFIED),
    Transition(_Step.VERIFY, _S.SUBMITTED, _S.DRAFT),  # returned
    Transition(_Step.DECIDE, _S.VERIFIED, _S.APPROVED),
    Transition(_Step.DECIDE, _S.VERIFIED, _S.REJECTED),
    Transition(_Step.DISBURSE, _S.APPROVED, _S.DISBURSED),
    # The first payment starts the repayment; the last pays the loan off.
    Transition(_Step.RECORD_PAYMENT, _S.DISBURSED, _S.REPAYING),
    *_stays(_Step.RECORD_PAYMENT, _S.REPAYING, _S.RESTRUCTURED),
    Transition(_Step.RECORD_PAYMENT, _S.RESTRUCTURED, _S.REPAYING),
    *(Transition(_Step.RECORD_PAYMENT, s, _S.PAID_OFF) for s in _MONEY_OUT),
    *(
        Transition(_Step.RESTRUCTURE, s, _S.RESTRUCTURED)
        for s in (_S.DISBURSED, _S.REPAYING)
    ),
    *(Transition(_Step.WRITE_OFF, s, _S.WRITTEN_OFF) for s in _MONEY_OUT),
    *_stays(_Step.REMIND_BORROWER, *_MONEY_OUT),
    # The lender's checks (SIKP, SLIK, BPJS): before the decision and the akad.
    *_stays(_Step.RECORD_CHECK, _S.SUBMITTED, _S.VERIFIED, _S.APPROVED),
    *_stays(_Step.RECORD_PENALTY, *_MONEY_OUT),
    *_stays(_Step.CLAIM_GUARANTEE, *_MONEY_OUT, _S.WRITTEN_OFF),
    *_stays(_Step.RECORD_RECOVERY, _S.WRITTEN_OFF),
)


def ordered(statuses: Iterable[LoanStatus]) -> tuple[LoanStatus, ...]:
    """``statuses`` in the enum's order: for SQL whose text must not change."""
    chosen = frozenset(statuses)
    return tuple(s for s in LoanStatus if s in chosen)


def allowed_in(step: LoanStep) -> frozenset[LoanStatus]:
    """The statuses in which ``step`` may be taken."""
    return frozenset(t.source for t in TABLE if t.step is step)


def targets_of(step: LoanStep) -> frozenset[LoanStatus]:
    """The statuses ``step`` may move a loan to (not counting staying put)."""
    return frozenset(t.target for t in TABLE if t.step is step and t.target != t.source)


#: The state machine: from each status, the statuses it may move to.
TRANSITIONS: Mapping[LoanStatus, frozenset[LoanStatus]] = {
    status: frozenset(
        t.target for t in TABLE if t.source is status and t.target is not status
    )
    for status in LoanStatus
}


def reachable_from(status: LoanStatus) -> frozenset[LoanStatus]:
    """``status`` and every status a loan can go on to from it."""
    seen = {status}
    todo = [status]
    while todo:
        for target in TRANSITIONS[todo.pop()] - seen:
            seen.add(target)
            todo.append(target)
    return frozenset(seen)


#: Statuses nothing moves a loan out of.
TERMINAL = frozenset(s for s, targets in TRANSITIONS.items() if not targets)
#: Statuses a loan can still move on from (the application, or the loan, is open).
OPEN = frozenset(LoanStatus) - TERMINAL
#: Sent to the lender and not finished: the loan counts as held (a business KUR
#: takes one of the returnee's two slots).
ACTIVE = OPEN - {LoanStatus.DRAFT}
#: Money is out: payments, penalties and reminders apply.
LIVE = allowed_in(LoanStep.RECORD_PAYMENT)
#: Paid out, whatever came after: the credit agreement stands behind these.
UNDER_AGREEMENT = reachable_from(LoanStatus.DISBURSED)
#: Approved, whatever came after.
APPROVED_OR_LATER = reachable_from(LoanStatus.APPROVED)
#: Approved and not finished: committed money, disbursed or about to be.
COMMITTED = APPROVED_OR_LATER - TERMINAL
#: Paid out and finished: out of the portfolio.
CLOSED = UNDER_AGREEMENT & TERMINAL
#: Finished before any money went out: withdrawn or refused.
ENDED_UNPAID = TERMINAL - UNDER_AGREEMENT
#: Finished without being paid off: the application or the loan went no further.
STOPPED = TERMINAL - {LoanStatus.PAID_OFF}
#: Not yet past the documents' check: the business plan may still be sent.
UNVERIFIED = allowed_in(LoanStep.SUBMIT) | allowed_in(LoanStep.VERIFY)
#: Waiting for the documents' check (the mentor or BP3MI).
TO_VERIFY = allowed_in(LoanStep.VERIFY)
#: The bank's decision made: approved or refused.
DECIDED = targets_of(LoanStep.DECIDE)
#: Waiting for someone: the documents' check, the bank's decision, the disbursement.
AWAITING = (
    allowed_in(LoanStep.VERIFY)
    | allowed_in(LoanStep.DECIDE)
    | allowed_in(LoanStep.DISBURSE)
)
#: Waiting for the bank: its decision, or the disbursement.
WAITING_FOR_BANK = allowed_in(LoanStep.DECIDE) | allowed_in(LoanStep.DISBURSE)
#: From sending to the decision and up to the disbursement (the decision file).
AT_THE_DESK = AWAITING | DECIDED

__all__ = [
    "ACTIVE",
    "APPROVED_OR_LATER",
    "AT_THE_DESK",
    "AWAITING",
    "CLOSED",
    "COMMITTED",
    "DECIDED",
    "ENDED_UNPAID",
    "LIVE",
    "OPEN",
    "STOPPED",
    "TABLE",
    "TERMINAL",
    "TO_VERIFY",
    "TRANSITIONS",
    "UNDER_AGREEMENT",
    "UNVERIFIED",
    "WAITING_FOR_BANK",
    "LoanStatus",
    "LoanStep",
    "Transition",
    "allowed_in",
    "ordered",
    "reachable_from",
    "targets_of",
]
