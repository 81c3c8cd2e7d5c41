"""Where a KUR application stands, in plain words for the applicant: the step it is
at, who holds it now, what is missing, what happens next, and a decision's reason in
the officer's own words.

Plain functions over the loan and what hangs off it (documents, SIKP/SLIK/BPJS
checks, approvals, transitions, plan, schedule): no request is needed. The steps are
those of the application's state machine (:mod:`juragan.services.loans`) as an
applicant lives them::

    filled in -> documents checked -> bank's decision -> disbursement -> repayment
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import inspect

from juragan import clock
from juragan.db import loan_reading
from juragan.domain import loan_lifecycle
from juragan.domain.repayment import Due
from juragan.i18n.labels import DOCUMENT_TYPE_LABELS
from juragan.models import LoanApplication
from juragan.models.lender import DEFAULT_DECISION_SLA_DAYS, Lender
from juragan.services import loan_checks, loans

#: The steps an applicant goes through, in order.
STEPS = ("draft", "documents", "decision", "disbursement", "repayment")
STEP_LABELS = {
    "draft": _l("Filling in the application"),
    "documents": _l("Checking the documents"),
    "decision": _l("The bank's decision"),
    "disbursement": _l("Disbursement"),
    "repayment": _l("Paying the instalments"),
}
#: The step each state of the application is at (a withdrawn one: where it was).
STEP_OF = {
    "draft": "draft",
    "submitted": "documents",
    "verified": "decision",
    "approved": "disbursement",
    "rejected": "decision",
    "disbursed": "repayment",
    "repaying": "repayment",
    "restructured": "repayment",
    "paid_off": "repayment",
    "written_off": "repayment",
}
#: States at which the application went no further.
STOPPED = loan_lifecycle.STOPPED
#: States entered by a step whose reason the applicant reads: withdrawal, write-off.
_REASONED_ENDS = loan_lifecycle.targets_of(
    loan_lifecycle.LoanStep.WITHDRAW
) | loan_lifecycle.targets_of(loan_lifecycle.LoanStep.WRITE_OFF)

#: Who holds the application now.
APPLICANT, REVIEWER, LENDER = "applicant", "reviewer", "lender"

#: What can happen next (:attr:`Progress.next_code`); the words are
#: :attr:`Progress.next_text`.
NEXT_CODES = (
    "attach",
    "send_plan",
    "submit",
    "check",
    "decide",
    "decide_late",
    "second",
    "sikp",
    "akad",
    "rejected",
    "withdrawn",
    "pay",
    "late",
    "paid_off",
    "written_off",
)
#: Whose words a reason is (:attr:`Progress.reason_kind`).
REASON_KINDS = ("returned", "rejected", "approved", "withdrawn", "written_off")
PLAN_NOT_SENT = _l("The business plan: not yet submitted for review")


@dataclass(frozen=True)
class StepState:
    code: str
    #: ``done``, ``current``, ``stopped`` (went no further), ``upcoming`` or
    #: ``never`` (after a stop).
    state: str

    @property
    def label(self) -> Any:
        return STEP_LABELS[self.code]


@dataclass(frozen=True)
class CheckState:
    """A check the bank must record before the current step ends."""

    kind: str
    #: The latest answer recorded (``None``: not yet), and whether it passes.
    result: str | None
    passed: bool
    checked_on: date | None


@dataclass(frozen=True)
class Progress:
    status: str
    step: str
    steps: tuple[StepState, ...]
    #: :data:`APPLICANT`, :data:`REVIEWER`, :data:`LENDER`, or ``None`` when the
    #: application is closed.
    holder: str | None
    lender_name: str
    mentor_name: str | None
    applicant_name: str
    #: Document types still to attach (a draft's).
    missing_documents: tuple[str, ...]
    #: The plan the application rests on has not been submitted for review.
    plan_not_sent: bool
    next_code: str
    #: The officer's (or applicant's) own words, and whose (:data:`REASON_INTROS`).
    reason: str | None
    reason_kind: str | None
    reason_by: str | None
    #: The checks that matter at this step (SLIK before the decision, SIKP before
    #: the akad).
    checks: tuple[CheckState, ...]
    #: A first officer approved over an exception; a second one has not yet.
    awaiting_second: bool
    #: The bank aims to decide by this day (from the documents check).
    decide_by: date | None
    next_due: Due | None
    days_past_due: int
    owed_now_idr: int
    instalments_paid: int
    instalments: int

    @property
    def missing(self) -> list[Any]:
        """What is missing, by label: documents, and an unsent plan."""
        labels: list[Any] = [
            DOCUMENT_TYPE_LABELS[kind] for kind in self.missing_documents
        ]
        if self.plan_not_sent:
            labels.append(PLAN_NOT_SENT)
        return labels

    def holder_text(self, for_applicant: bool) -> Any:
        """Who holds the application, named for the reader."""
        if self.holder == APPLICANT:
            return (
                _l("You")
                if for_applicant
                else _l("The applicant, %(name)s", name=self.applicant_name)
            )
        if self.holder == REVIEWER:
            return (
                _l("The mentor (%(name)s) or the BP3MI office", name=self.mentor_name)
                if self.mentor_name
                else _l("The BP3MI office")
            )
        if self.holder == LENDER:
            return self.lender_name
        return _l("Nobody: the application is closed")

    @property
    def next_text(self) -> Any:
        """What happens next, in plain words."""
        from juragan.domain.money import format_rupiah

        code, lender = self.next_code, self.lender_name
        if code == "attach":
            return _l(
                "Attach the documents still missing, then submit the "
                "application. The mentor can help."
            )
        if code == "send_plan":
            return _l(
                "Submit the business plan for review first: an application "
                "rests on a plan the mentor or the BP3MI office has seen."
            )
        if code == "submit":
            return _l("Every document is attached: submit the application.")
        if code == "check":
            return _l(
                "%(reviewer)s checks the documents and the plan. Once they are "
                "complete, the application goes to %(lender)s.",
                reviewer=self.holder_text(False),
                lender=lender,
            )
        if code == "decide":
            return _l(
                "%(lender)s checks the credit history (SLIK) and decides; it "
                "aims to decide by %(day)s.",
                lender=lender,
                day=_day(self.decide_by),
            )
        if code == "decide_late":
            return _l(
                "%(lender)s checks the credit history (SLIK) and decides. Its "
                "decision was due by %(day)s: ask the mentor to follow it up.",
                lender=lender,
                day=_day(self.decide_by),
            )
        if code == "second":
            return _l(
                "%(lender)s is finishing its decision: a second officer of the "
                "bank reviews the approval.",
                lender=lender,
            )
        if code == "sikp":
            return _l(
                "%(lender)s registers the loan in SIKP (the Ministry of "
                "Finance's system for the subsidised rate). Then sign the "
                "agreement (akad) at the bank and the money is paid out.",
                lender=lender,
            )
        if code == "akad":
            return _l(
                "Registered in SIKP. Next: sign the agreement (akad) at "
                "%(lender)s; the money is then paid out.",
                lender=lender,
            )
        if code == "rejected":
            return _l(
                "The application stops here. Ask %(lender)s or the mentor what "
                "would change the decision: a new application can be made, to "
                "this bank or another.",
                lender=lender,
            )
        if code == "withdrawn":
            return _l(
                "The application was withdrawn. A new one can be made from the "
                "KUR simulator."
            )
        if code == "pay" and self.next_due is not None:
            return _l(
                "Pay the next instalment, %(amount)s, by %(day)s.",
                amount=format_rupiah(self.next_due.owed_idr),
                day=_day(self.next_due.due_on),
            )
        if code == "late":
            return _l(
                "%(days)s days late: pay %(amount)s to %(lender)s now, and talk "
                "to the mentor if money is short.",
                days=self.days_past_due,
                amount=format_rupiah(self.owed_now_idr),
                lender=lender,
            )
        if code == "written_off":
            return _l(
                "%(lender)s wrote the loan off. Talk to the mentor and the bank "
                "about what is still owed.",
                lender=lender,
            )
        return _l("Paid off: the loan is closed.")

    @property
    def reason_intro(self) -> Any:
        """Whose words the reason is."""
        if self.reason_kind == "returned":
            return _l("Returned for changes by %(name)s:", name=self.reason_by or "–")
        if self.reason_kind == "rejected":
            return _l("The bank's reason for the rejection:")
        if self.reason_kind == "approved":
            return _l("The bank's note on the approval:")
        if self.reason_kind == "withdrawn":
            return _l("Reason for withdrawing:")
        if self.reason_kind == "written_off":
            return _l("The bank's reason:")
        return None


def _day(day: date) -> str:
    from flask_babel import format_date

    return format_date(day, "long")


def _lender_name(loan: LoanApplication) -> tuple[str, int]:
    """The lender's name from the ``lenders`` table, and its decision service level."""
    session = inspect(loan).session
    lender = session.get(Lender, loan.lender) if session is not None else None
    if lender is None:
        return loan.lender.upper(), DEFAULT_DECISION_SLA_DAYS
    return lender.name, lender.decision_sla_days or DEFAULT_DECISION_SLA_DAYS


def _steps(step: str, status: str) -> tuple[StepState, ...]:
    at = STEPS.index(step)
    states = []
    for index, code in enumerate(STEPS):
        if index < at:
            state = "done"
        elif index > at:
            state = "never" if status in STOPPED else "upcoming"
        elif status in STOPPED:
            state = "stopped"
        elif status == "paid_off":
            state = "done"
        else:
            state = "current"
        states.append(StepState(code, state))
    return tuple(states)


def _last_move(loan: LoanApplication, to_status: str):
    return next(
        (t for t in reversed(loan.transitions) if t.to_status == to_status), None
    )


def _checks(loan: LoanApplication, kinds: tuple[str, ...]) -> tuple[CheckState, ...]:
    counted = loan_checks.latest(loan)
    found = []
    for kind in kinds:
        check = counted.get(kind)
        found.append(
            CheckState(
                kind,
                check.result if check else None,
                loan_checks.passed(check),
                check.checked_on if check else None,
            )
        )
    return tuple(found)


def progress_of(loan: LoanApplication, today: date) -> Progress:
    """Where ``loan`` stands on ``today``, for the applicant to read.

    The next step's words depend on the state: a draft waits for its documents (or
    its plan to be submitted); a submitted application for the mentor or the BP3MI
    office; a checked one for the bank's decision (by the lender's service level,
    or for a second officer when a first approved over an exception); an approved
    one for SIKP and the akad; a live loan for its next instalment.
    """
    status = loan.status
    lender_name, sla_days = _lender_name(loan)
    person = loan.returnee
    mentor = person.mentor
    plan_not_sent = (
        status in loan_lifecycle.UNVERIFIED
        and loan.plan is not None
        and loan.plan.status not in loans.SENT_PLAN_STATUSES
    )
    missing = tuple(loan_reading.missing_documents(loan)) if status == "draft" else ()
    withdrawn = _last_move(loan, "withdrawn") if status == "withdrawn" else None
    step = (
        STEP_OF.get(withdrawn.from_status or "draft", "draft")
        if withdrawn is not None
        else STEP_OF.get(status, "draft")
    )
    holder: str | None = None
    next_code = "withdrawn"
    reason = reason_kind = reason_by = None
    checks: tuple[CheckState, ...] = ()
    awaiting_second = False
    decide_by = None
    standing = None
    if status == "draft":
        holder = APPLICANT
        next_code = "attach" if missing else "send_plan" if plan_not_sent else "submit"
        returned = _last_move(loan, "draft")
        if returned is not None and returned.reason:
            reason, reason_kind = returned.reason, "returned"
            reason_by = returned.actor.full_name if returned.actor else None
    elif status == "submitted":
        holder, next_code = (
            (APPLICANT, "send_plan") if plan_not_sent else (REVIEWER, "check")
        )
    elif status == "verified":
        holder = LENDER
        checks = _checks(loan, loan_checks.required_before_approval(loan))
        steps_given = {approval.step for approval in loan.approvals}
        awaiting_second = 1 in steps_given and 2 not in steps_given
        checked = _last_move(loan, "verified")
        checked_on = clock.date_in(
            person.province_code, checked.at if checked else loan.status_changed_at
        )
        decide_by = checked_on + timedelta(days=sla_days)
        next_code = (
            "second"
            if awaiting_second
            else ("decide_late" if today > decide_by else "decide")
        )
    elif status == "approved":
        holder = LENDER
        checks = _checks(loan, ("sikp",))
        next_code = "akad" if checks[0].passed else "sikp"
    elif status == "rejected":
        next_code = "rejected"
    elif status in loan_reading.LIVE_STATES:
        holder = APPLICANT
        standing = loan_reading.standing(loan, today)
        late = standing is not None and standing.days_past_due > 0
        next_code = (
            "late" if late else "pay" if standing and standing.next_due else "paid_off"
        )
    elif status == "paid_off":
        next_code = "paid_off"
    elif status == "written_off":
        next_code = "written_off"
    if status in loan_lifecycle.DECIDED and loan.decision_reason:
        reason, reason_kind = loan.decision_reason, status
    if status in _REASONED_ENDS:
        move = withdrawn or _last_move(loan, status)
        if move is not None and move.reason:
            reason, reason_kind = move.reason, status
    return Progress(
        status=status,
        step=step,
        steps=_steps(step, status),
        holder=holder,
        lender_name=lender_name,
        mentor_name=mentor.full_name if mentor else None,
        applicant_name=person.full_name,
        missing_documents=missing,
        plan_not_sent=plan_not_sent,
        next_code=next_code,
        reason=reason,
        reason_kind=reason_kind,
        reason_by=reason_by,
        checks=checks,
        awaiting_second=awaiting_second,
        decide_by=decide_by,
        next_due=standing.next_due if standing else None,
        days_past_due=standing.days_past_due if standing else 0,
        owed_now_idr=standing.owed_now_idr if standing else 0,
        instalments_paid=sum(1 for i in loan.instalments if i.settled_on),
        instalments=len(loan.instalments),
    )
