"""The loan's state steps: every transition goes through :func:`move`, which
refuses a step the state machine does not have and records who, when and why.
Submission, verification, the decision, disbursement and write-off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from juragan import clock, consent_rules
from juragan.db.loan_reading import (
    missing_documents,
)
from juragan.domain import loan_lifecycle, servicing
from juragan.domain.eligibility import (
    concurrent_refusal,
)
from juragan.domain.money import format_rupiah
from juragan.errors import DomainError, FieldErrors
from juragan.models import (
    ConsentPurpose,
    LoanApplication,
    LoanApproval,
    LoanTransition,
    User,
)
from juragan.services import loan_checks
from juragan.services.loans.applying import (
    PLAN_NOT_SENT,
    SENT_PLAN_STATUSES,
    held_business_kur,
)
from juragan.services.loans.schedule import (
    check_terms,
    lay_out,
    line_of,
    revise,
    terms_of,
)

#: The state machine: from each state, the states it may move to.
TRANSITIONS = loan_lifecycle.TRANSITIONS


class IllegalTransition(DomainError):
    def __init__(self, current: str, target: str) -> None:
        super().__init__(
            None,
            _l(
                "A loan that is %(current)s cannot become %(target)s.",
                current=current,
                target=target,
            ),
        )


def move(
    session: Session,
    loan: LoanApplication,
    target: str,
    actor: User | None,
    now: datetime,
    reason: str | None = None,
) -> None:
    """Move ``loan`` to ``target`` if the state machine allows it, recording it."""
    if target not in TRANSITIONS.get(loan.status, frozenset()):
        raise IllegalTransition(loan.status, target)
    loan.transitions.append(
        LoanTransition(
            from_status=loan.status,
            to_status=target,
            actor_id=actor.id if actor else None,
            at=now,
            reason=reason,
        )
    )
    loan.status = target
    loan.status_changed_at = now
    session.flush()


# The workflow ----------------------------------------------------------------------


#: Said when an application would go to a lender the person has not agreed to.
NO_LENDER_CONSENT = _l(
    "An application goes to the lender only with the person's consent to share it "
    "with the lender. Give that consent on the consent page first."
)


def submit(session: Session, actor: User, loan: LoanApplication, now: datetime) -> None:
    """Send the application to be checked; every required document must be there,
    and the person's consent to sharing it with the lender (docs/consent.md)."""
    if not consent_rules.holds_now(
        session, loan.returnee_id, ConsentPurpose.LENDER.value
    ):
        raise DomainError(None, NO_LENDER_CONSENT)
    missing = missing_documents(loan)
    if missing:
        from juragan.i18n.labels import DOCUMENT_TYPE_LABELS

        raise DomainError(
            None,
            _l(
                "Attach first: %(documents)s.",
                documents=", ".join(str(DOCUMENT_TYPE_LABELS[m]) for m in missing),
            ),
        )
    if loan.kind == "business":
        # Checked again on sending: another application may have been sent or
        # disbursed since this draft was filed, or the first loan fallen behind.
        from juragan.domain.kur_rules import rule_set as rule_set_of

        others = [
            kur
            for _slot, kur in held_business_kur(
                session, loan.returnee, clock.date_in(loan.returnee.province_code, now)
            )
        ]
        refusal = concurrent_refusal(
            rule_set_of(loan.rule_set),
            loan.scheme,
            loan.lender,
            loan.amount_requested_idr,
            others,
        )
        if refusal is not None:
            raise FieldErrors([refusal])
    loan.submitted_at = now
    move(session, loan, "submitted", actor, now)


def verify(
    session: Session,
    actor: User,
    loan: LoanApplication,
    now: datetime,
    note: str | None = None,
) -> None:
    """Documents checked (maker-checker: never by whoever filed or sent it).

    :raises DomainError: when the actor filed or sent it, or its plan was never
        submitted.
    """
    if actor.id in loan.makers:
        raise DomainError(
            None, _l("You filed or sent this application: someone else checks it.")
        )
    if loan.plan is not None and loan.plan.status not in SENT_PLAN_STATUSES:
        raise DomainError(None, PLAN_NOT_SENT)
    move(session, loan, "verified", actor, now, note)


def return_for_documents(
    session: Session, actor: User, loan: LoanApplication, now: datetime, reason: str
) -> None:
    if not (reason or "").strip():
        raise FieldErrors([("reason", _l("Say what is missing or wrong."))])
    move(session, loan, "draft", actor, now, reason.strip())


def withdraw(
    session: Session,
    actor: User,
    loan: LoanApplication,
    now: datetime,
    reason: str | None = None,
) -> None:
    move(session, loan, "withdrawn", actor, now, reason)


#: What :func:`decide` did: approved, rejected, or approved by the first officer
#: and waiting for a second (four eyes on an exception).
APPROVED, REJECTED, AWAITING_SECOND = "approved", "rejected", "awaiting_second"


def decide(
    session: Session,
    actor: User,
    loan: LoanApplication,
    approve: bool,
    reason: str | None,
    now: datetime,
) -> str:
    """The bank's decision; a rejection needs its reason in writing.

    An approval over an exception (``lender_desk.approval_exceptions``: the scheme's
    verdict is not eligible, or the plan's capacity is under the lender's threshold
    or unknown) needs a written reason and two officers of the lender: the first
    officer's approval is recorded and the application waits for a second, who is
    never the first (``docs/lender-desk.md``).

    :returns: :data:`APPROVED`, :data:`REJECTED` or :data:`AWAITING_SECOND`.
    """
    from juragan.i18n.labels import APPROVAL_EXCEPTION_LABELS
    from juragan.services import lender_desk

    reason = (reason or "").strip() or None
    if not approve and reason is None:
        raise FieldErrors([("reason", _l("Write the reason for the rejection."))])
    if loan.status != "verified":
        raise IllegalTransition(loan.status, "approved" if approve else "rejected")
    if not approve:
        # Set before the move: the database refuses a rejection without its reason.
        loan.decided_by_id = actor.id
        loan.decided_at = now
        loan.decision_reason = reason
        move(session, loan, "rejected", actor, now, reason)
        return REJECTED
    if actor.lender_code != loan.lender:
        raise DomainError(
            None,
            _l("Only an officer of the bank the application was sent to approves it."),
        )
    loan_checks.ensure_ready_for_approval(loan)  # SLIK, BPJS for KUR Kecil
    today = clock.date_in(loan.returnee.province_code, now)
    exceptions = lender_desk.approval_exceptions(session, loan, today)
    if exceptions and reason is None:
        raise FieldErrors(
            [
                (
                    "reason",
                    _l(
                        "Approving although %(exceptions)s needs your reason in writing, and a "
                        "second officer of the bank.",
                        exceptions="; ".join(
                            str(APPROVAL_EXCEPTION_LABELS[e]) for e in exceptions
                        ),
                    ),
                )
            ]
        )
    first = next((a for a in loan.approvals if a.step == 1), None)
    if first is not None and first.officer_id == actor.id:
        raise DomainError(
            None,
            _l(
                "You gave the first approval: a second officer of the bank gives the "
                "other."
            ),
        )
    if first is not None and first.lender_code != actor.lender_code:
        raise DomainError(None, _l("The second approval is given by the same bank."))
    loan.approvals.append(
        LoanApproval(
            officer_id=actor.id,
            lender_code=actor.lender_code or loan.lender,
            step=1 if first is None else 2,
            exceptions=list(exceptions),
            reason=reason,
            at=now,
        )
    )
    if first is None and exceptions:
        session.flush()
        return AWAITING_SECOND
    loan.decided_by_id = actor.id
    loan.decided_at = now
    loan.decision_reason = reason
    move(session, loan, "approved", actor, now, reason)
    return APPROVED


@dataclass
class Disbursement:
    amount_idr: int
    akad_on: date
    disbursed_on: date
    first_due_on: date
    #: The grace the lender grants (``None``: as requested).
    grace_months: int | None = None


def disburse(
    session: Session,
    actor: User,
    loan: LoanApplication,
    data: Disbursement,
    today: date,
    now: datetime,
) -> None:
    """Pay the loan out and lay down its schedule.

    :raises FieldErrors: for an amount above the request, dates out of order or in
        the future.
    """
    errors: list[tuple[str | None, str]] = []
    if not 0 < data.amount_idr <= loan.amount_requested_idr:
        errors.append(
            (
                "amount_idr",
                _l(
                    "Disburse more than zero and at most the %(amount)s requested.",
                    amount=format_rupiah(loan.amount_requested_idr),
                ),
            )
        )
    if data.akad_on > today or data.disbursed_on > today:
        errors.append(("disbursed_on", _l("The date cannot be in the future.")))
    if data.disbursed_on < data.akad_on:
        errors.append(("disbursed_on", _l("Disbursement comes on or after the akad.")))
    if data.akad_on < loan.applied_on:
        errors.append(("akad_on", _l("The akad comes after the application.")))
    if data.first_due_on <= data.disbursed_on:
        errors.append(
            ("first_due_on", _l("The first instalment falls after disbursement."))
        )
    grace = loan.grace_months if data.grace_months is None else data.grace_months
    if errors:
        raise FieldErrors(errors)
    # SIKP registration before the akad.
    loan_checks.ensure_ready_for_akad(loan, data.akad_on)
    check_terms(
        loan.tenor_months, grace, frozenset(loan.lean_months or ()), line_of(loan)
    )
    try:
        lines = servicing.schedule(
            terms_of(loan, data.amount_idr, data.first_due_on, grace)
        )
    except ValueError:
        raise FieldErrors([("grace_months", _l("Leave months to repay in."))]) from None
    move(session, loan, "disbursed", actor, now)
    loan.amount_disbursed_idr = data.amount_idr
    loan.akad_on = data.akad_on
    loan.disbursed_on = data.disbursed_on
    loan.first_due_on = data.first_due_on
    loan.grace_months = grace
    loan.interest_only_months = [
        line.number for line in lines if line.principal_idr == 0
    ]
    lay_out(session, loan, lines)
    revise(loan, actor, now, "disbursement", data.disbursed_on, data.amount_idr)
    session.flush()


def write_off(
    session: Session, actor: User, loan: LoanApplication, now: datetime, reason: str
) -> None:
    if not (reason or "").strip():
        raise FieldErrors([("reason", _l("Write the reason."))])
    move(session, loan, "written_off", actor, now, reason.strip())
