"""Late penalties (denda), guarantee claims and recoveries as recorded events.

Penalties are a balance of their own (:func:`penalties_owed`): they do not change
how payments settle instalments nor the days past due. A guarantee claim moves the
loss of a written-off loan (or one at collectibility 5) from the lender to the
guarantor; recoveries lower what the borrower still owes. The arithmetic is
:mod:`juragan.domain.loan_ledger`; sources in ``docs/loan-checks.md``.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from juragan.db.loan_reading import (
    PENALTY_KINDS,
    claims_of,
    loss_of,
    may_claim,
    penalties_owed,
    written_off_principal,
)
from juragan.db.loan_reading import lender_terms as terms_of
from juragan.domain.money import format_rupiah
from juragan.errors import DomainError, FieldErrors
from juragan.models import GuaranteeClaim, LoanApplication, LoanEvent, User


def _dated(
    errors: list, day: date, loan: LoanApplication, today: date, field: str
) -> None:
    if day > today:
        errors.append((field, _l("The date cannot be in the future.")))
    elif loan.disbursed_on is None or day < loan.disbursed_on:
        errors.append((field, _l("The date cannot be before disbursement.")))


def record_penalty(
    session: Session,
    actor: User,
    loan: LoanApplication,
    kind: str,
    occurred_on: date,
    amount_idr: int,
    today: date,
    now: datetime,
    basis: str | None = None,
    reference: str | None = None,
    note: str | None = None,
) -> LoanEvent:
    """Charge, waive or take payment of a late penalty.

    :raises FieldErrors: when the lender's agreement has no penalty (for a
        charge), for an amount not above zero, a waiver or payment above what is
        owed on its date, a date out of range, a charge without its basis.
    """
    errors: list[tuple[str | None, str]] = []
    basis = (basis or "").strip() or None
    if kind not in PENALTY_KINDS:
        raise FieldErrors([("kind", _l("Choose what to record."))])
    terms = terms_of(session, loan.lender)
    if kind == "penalty_charge" and (terms is None or terms.penalty_basis == "none"):
        raise DomainError(None, _l("This lender's agreement has no late penalty."))
    if amount_idr is None or amount_idr <= 0:
        errors.append(("amount_idr", _l("Enter an amount above zero.")))
    _dated(errors, occurred_on, loan, today, "occurred_on")
    if kind == "penalty_charge" and basis is None:
        errors.append(("basis", _l("Say how the penalty was worked out.")))
    if kind != "penalty_charge" and not errors:
        owed = penalties_owed(loan, occurred_on)
        if amount_idr > owed:
            errors.append(
                (
                    "amount_idr",
                    _l(
                        "That is more than the %(amount)s of penalties owed then.",
                        amount=format_rupiah(owed),
                    ),
                )
            )
    if errors:
        raise FieldErrors(errors)
    event = LoanEvent(
        loan_id=loan.id,
        kind=kind,
        occurred_on=occurred_on,
        amount_idr=amount_idr,
        basis=basis[:200] if basis else None,
        reference=(reference or "").strip()[:40] or None,
        note=(note or "").strip() or None,
        recorded_by_id=actor.id,
        recorded_at=now,
    )
    session.add(event)
    session.flush()
    return event


# Guarantee claims and recoveries -------------------------------------------------


def submit_claim(
    session: Session,
    actor: User,
    loan: LoanApplication,
    submitted_on: date,
    claimed_idr: int,
    today: date,
    now: datetime,
) -> GuaranteeClaim:
    """Submit a claim to the lender's guarantor.

    :raises DomainError: without a guarantor, before a write-off or collectibility
        5, or while another claim stands.
    :raises FieldErrors: for an amount not above zero or above the principal
        outstanding, a date out of range.
    """
    terms = terms_of(session, loan.lender)
    if terms is None or terms.guarantor is None:
        raise DomainError(None, _l("No guarantor is recorded for this lender."))
    if not may_claim(loan, submitted_on):
        raise DomainError(
            None, _l("A claim comes after the write-off or at collectibility 5.")
        )
    if any(c.status != "rejected" for c in claims_of(loan)):
        raise DomainError(None, _l("A claim is already standing for this loan."))
    errors: list[tuple[str | None, str]] = []
    outstanding = written_off_principal(loan)
    if claimed_idr is None or not 0 < claimed_idr <= outstanding:
        errors.append(
            (
                "claimed_idr",
                _l(
                    "Claim more than zero and at most the %(amount)s principal outstanding.",
                    amount=format_rupiah(outstanding),
                ),
            )
        )
    _dated(errors, submitted_on, loan, today, "submitted_on")
    if errors:
        raise FieldErrors(errors)
    claim = GuaranteeClaim(
        loan_id=loan.id,
        guarantor=terms.guarantor,
        submitted_on=submitted_on,
        claimed_idr=claimed_idr,
        status="submitted",
        recorded_by_id=actor.id,
        recorded_at=now,
    )
    session.add(claim)
    session.flush()
    return claim


def settle_claim(
    session: Session,
    actor: User,
    loan: LoanApplication,
    settled_on: date,
    today: date,
    paid_idr: int | None = None,
    rejection_reason: str | None = None,
) -> GuaranteeClaim:
    """The guarantor paid the standing claim (``paid_idr``) or rejected it (with
    its reason).

    :raises DomainError: without a submitted claim.
    :raises FieldErrors: for both or neither outcome, an amount above the claim,
        a date before the submission or in the future.
    """
    claim = next((c for c in claims_of(loan) if c.status == "submitted"), None)
    if claim is None:
        raise DomainError(None, _l("No claim is waiting for the guarantor's answer."))
    reason = (rejection_reason or "").strip() or None
    errors: list[tuple[str | None, str]] = []
    if (paid_idr is None) == (reason is None):
        errors.append(
            ("paid_idr", _l("Enter the amount paid, or the reason for the rejection."))
        )
    elif paid_idr is not None and not 0 < paid_idr <= claim.claimed_idr:
        errors.append(
            (
                "paid_idr",
                _l(
                    "Paid is more than zero and at most the %(amount)s claimed.",
                    amount=format_rupiah(claim.claimed_idr),
                ),
            )
        )
    if settled_on > today:
        errors.append(("settled_on", _l("The date cannot be in the future.")))
    elif settled_on < claim.submitted_on:
        errors.append(("settled_on", _l("The answer comes after the claim.")))
    if errors:
        raise FieldErrors(errors)
    claim.settled_on = settled_on
    if paid_idr is not None:
        claim.status, claim.paid_idr = "paid", paid_idr
    else:
        claim.status, claim.rejection_reason = "rejected", reason
    session.flush()
    return claim


def record_recovery(
    session: Session,
    actor: User,
    loan: LoanApplication,
    occurred_on: date,
    amount_idr: int,
    today: date,
    now: datetime,
    reference: str | None = None,
    guarantor_share_idr: int | None = None,
    note: str | None = None,
) -> LoanEvent:
    """Money collected after the write-off, and the share passed on to the
    guarantor under subrogation (if recorded).

    :raises DomainError: on a loan not written off.
    :raises FieldErrors: for an amount not above zero or above the borrower's
        written-off balance, a share above the amount, a date out of range.
    """
    if loan.status != "written_off":
        raise DomainError(None, _l("Recoveries are recorded after the write-off."))
    errors: list[tuple[str | None, str]] = []
    balance = loss_of(loan).borrower_balance_idr
    if amount_idr is None or not 0 < amount_idr <= balance:
        errors.append(
            (
                "amount_idr",
                _l(
                    "Enter more than zero and at most the %(amount)s still written off.",
                    amount=format_rupiah(balance),
                ),
            )
        )
    elif guarantor_share_idr is not None and not 0 <= guarantor_share_idr <= amount_idr:
        errors.append(
            (
                "guarantor_share_idr",
                _l("The guarantor's share is at most the amount recovered."),
            )
        )
    _dated(errors, occurred_on, loan, today, "occurred_on")
    if errors:
        raise FieldErrors(errors)
    event = LoanEvent(
        loan_id=loan.id,
        kind="recovery",
        occurred_on=occurred_on,
        amount_idr=amount_idr,
        guarantor_share_idr=guarantor_share_idr,
        reference=(reference or "").strip()[:40] or None,
        note=(note or "").strip() or None,
        recorded_by_id=actor.id,
        recorded_at=now,
    )
    session.add(event)
    session.flush()
    return event
