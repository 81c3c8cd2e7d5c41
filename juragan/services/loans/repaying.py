"""Money in: payments, prepayments and payoff, and restructuring the schedule."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from juragan.db.loan_reading import (
    LIVE_STATES,
    dues_of,
    payments_of,
    quote,
    standing,
)
from juragan.domain import servicing
from juragan.domain.kur_rules import (
    rules_on,
)
from juragan.domain.money import format_rupiah
from juragan.domain.repayment import (
    Due,
    Overpayment,
    allocate,
)
from juragan.errors import DomainError, FieldErrors
from juragan.models import (
    LoanApplication,
    LoanTransition,
    Payment,
    ScheduleRevision,
    User,
)
from juragan.services.loans import lifecycle
from juragan.services.loans.schedule import (
    check_terms,
    lay_out,
    line_of,
    loan_rates,
    revise,
    settle,
)


def _check_entry(
    loan: LoanApplication,
    on: date,
    amount_idr: int | None,
    today: date,
    reference: str | None,
    amount_field: str = "amount_idr",
    date_field: str = "paid_on",
) -> list[tuple[str | None, str]]:
    """What any money or schedule change recorded on ``on`` must respect."""
    errors: list[tuple[str | None, str]] = []
    if loan.status not in LIVE_STATES:
        raise DomainError(None, _l("Payments are recorded for disbursed loans only."))
    if amount_idr is not None and amount_idr <= 0:
        errors.append((amount_field, _l("Enter an amount above zero.")))
    if on > today:
        errors.append((date_field, _l("The date cannot be in the future.")))
    elif loan.disbursed_on and on < loan.disbursed_on:
        errors.append((date_field, _l("The payment cannot be before disbursement.")))
    if reference and any(p.reference == reference for p in loan.payments):
        errors.append(
            ("reference", _l("A payment with this reference is recorded already."))
        )
    return errors


def _after_last_change(loan: LoanApplication, on: date, field: str) -> list:
    """A prepayment, payoff or restructuring lays the schedule out again from its
    day: it cannot come before money already recorded or an earlier revision."""
    latest = max(
        [p.paid_on for p in loan.payments] + [r.effective_on for r in loan.revisions],
        default=None,
    )
    if latest is not None and on < latest:
        return [
            (
                field,
                _l(
                    "Record it on or after %(day)s, the last payment or schedule change.",
                    day=format_date(latest),
                ),
            )
        ]
    return []


def record_payment(
    session: Session,
    actor: User | None,
    loan: LoanApplication,
    paid_on: date,
    amount_idr: int,
    today: date,
    now: datetime,
    reference: str | None = None,
) -> Payment:
    """Record an instalment payment and settle instalments, oldest first.

    Money paid ahead settles the next instalments as scheduled. Exactly the payoff
    of that day closes the loan (:func:`prepay`); more than the payoff is refused.

    :raises FieldErrors: for a non-positive amount, a date before disbursement or in
        the future, more than the payoff, or a reference already recorded.
    """
    reference = (reference or "").strip() or None
    if amount_idr is None:
        amount_idr = 0
    errors = _check_entry(loan, paid_on, amount_idr, today, reference)
    if errors:
        raise FieldErrors(errors)
    payoff = quote(loan, paid_on).total_idr
    if amount_idr > payoff:
        raise FieldErrors(
            [
                (
                    "amount_idr",
                    _l(
                        "That is more than the %(amount)s that pays the loan off on that day.",
                        amount=format_rupiah(payoff),
                    ),
                )
            ]
        )
    ahead = any(i.due_on > paid_on for i in loan.instalments)
    if (
        amount_idr == payoff
        and ahead
        and not _after_last_change(loan, paid_on, "paid_on")
    ):
        return prepay(
            session, actor, loan, paid_on, amount_idr, today, now, reference=reference
        )
    try:
        states = allocate(dues_of(loan), [*payments_of(loan), (paid_on, amount_idr)])
    except Overpayment:  # paid ahead past the payoff of an earlier day
        raise FieldErrors(
            [("amount_idr", _l("That is more than is still owed."))]
        ) from None
    payment = _pay(loan, actor, now, paid_on, amount_idr, "instalment", reference)
    settle(loan, payments_of(loan))
    _after_payment(session, loan, actor, now, states)
    return payment


def _pay(
    loan: LoanApplication,
    actor: User | None,
    now: datetime,
    on: date,
    amount_idr: int,
    kind: str,
    reference: str | None = None,
) -> Payment:
    payment = Payment(
        paid_on=on,
        amount_idr=amount_idr,
        reference=reference,
        kind=kind,
        recorded_by_id=actor.id if actor else None,
        recorded_at=now,
    )
    loan.payments.append(payment)
    return payment


def _after_payment(
    session: Session,
    loan: LoanApplication,
    actor: User | None,
    now: datetime,
    states: list[Due],
) -> None:
    if all(state.is_settled for state in states):
        lifecycle.move(session, loan, "paid_off", actor, now)
    elif loan.status == "disbursed":
        lifecycle.move(session, loan, "repaying", actor, now)
    session.flush()


def prepay(
    session: Session,
    actor: User | None,
    loan: LoanApplication,
    on: date,
    amount_idr: int,
    today: date,
    now: datetime,
    option: str = servicing.LOWER_INSTALMENT,
    reference: str | None = None,
) -> Payment:
    """Money paid ahead of the schedule on ``on``: it clears what is due and the
    interest accrued to that day, the rest repays principal; the principal left is
    laid out again (a lower instalment, or the same instalment over fewer months, as
    the lender chooses). The whole payoff closes the loan as paid off.

    :raises FieldErrors: for a date out of order, an amount that does not go past
        what is due, or more than the payoff.
    """
    reference = (reference or "").strip() or None
    errors = _check_entry(
        loan, on, amount_idr, today, reference, date_field="prepaid_on"
    )
    errors += _after_last_change(loan, on, "prepaid_on")
    if option not in servicing.PREPAYMENT_OPTIONS:
        errors.append(("option", _l("Choose a lower instalment or a shorter tenor.")))
    if errors:
        raise FieldErrors(errors)
    try:
        lines = servicing.prepay(
            dues_of(loan),
            payments_of(loan),
            loan.disbursed_on,
            on,
            amount_idr,
            loan_rates(loan),
            option,
            frozenset(loan.lean_months or ()),
        )
    except servicing.BeyondPayoff as error:
        raise FieldErrors(
            [
                (
                    "amount_idr",
                    _l(
                        "That is more than the %(amount)s that pays the loan off on that day.",
                        amount=format_rupiah(error.payoff_idr),
                    ),
                )
            ]
        ) from None
    except servicing.NotAPrepayment as error:
        raise FieldErrors(
            [
                (
                    "amount_idr",
                    _l(
                        "A prepayment first clears what is due and the interest to that day: "
                        "pay at least %(amount)s, or record an instalment payment.",
                        amount=format_rupiah(error.needed_idr),
                    ),
                )
            ]
        ) from None
    except ValueError:
        raise FieldErrors(
            [
                (
                    "option",
                    _l(
                        "This instalment does not repay the rest in time: choose a lower "
                        "instalment."
                    ),
                )
            ]
        ) from None
    closes = lines[-1].due_on == on
    payment = _pay(
        loan,
        actor,
        now,
        on,
        amount_idr,
        "payoff" if closes else "prepayment",
        reference,
    )
    lay_out(session, loan, lines)
    if not closes:
        loan.tenor_months = _months_between(loan.first_due_on, lines[-1].due_on) + 1
    revise(
        loan,
        actor,
        now,
        "payoff" if closes else "prepayment",
        on,
        lines[-1].balance_idr
        if closes
        else sum(line.principal_idr for line in lines if line.due_on > on),
        option=None if closes else option,
    )
    _after_payment(session, loan, actor, now, settle(loan, payments_of(loan)))
    return payment


def _months_between(first: date, last: date) -> int:
    delta = relativedelta(last, first)
    return delta.years * 12 + delta.months


@dataclass
class RestructuringTerms:
    """What a restructuring agreement says (POJK 40/2019; ``docs/loan-servicing.md``)."""

    on: date
    #: ``capitalise``: the arrears become principal; ``settle``: the borrower pays
    #: them on the day.
    treatment: str
    #: Months of the new schedule, from its first due date.
    tenor_months: int
    first_due_on: date
    grace_months: int = 0
    reference: str | None = None


def restructure(
    session: Session,
    actor: User,
    loan: LoanApplication,
    terms: RestructuringTerms,
    reason: str,
    today: date,
    now: datetime,
) -> ScheduleRevision:
    """Lay the loan out again from the restructuring date.

    The instalments due by then stay as they were; the arrears (their scheduled
    principal and interest, and the interest accrued to the day) are capitalised
    into the new principal or settled by the borrower on the day; the new schedule
    runs ``tenor_months`` from ``first_due_on``. The whole loan may not pass the
    scheme's tenor on restructuring, counted from the first instalment. The class is
    then at most the class before until three instalments in a row are paid on time.

    :raises FieldErrors: without a reason, with dates out of order, or beyond the
        extended tenor.
    """
    reason = (reason or "").strip()
    reference = (terms.reference or "").strip() or None
    errors = _check_entry(loan, terms.on, None, today, reference, date_field="on")
    errors += _after_last_change(loan, terms.on, "on")
    if not reason:
        errors.append(("reason", _l("Write the reason.")))
    if terms.treatment not in servicing.ARREARS_TREATMENTS:
        errors.append(("treatment", _l("Say what happens to the arrears.")))
    if terms.first_due_on <= terms.on:
        errors.append(
            (
                "first_due_on",
                _l("The first instalment falls after the restructuring date."),
            )
        )
    rule = rules_on(loan.applied_on).schemes[loan.scheme]
    longest = rule.max_tenor_extended[loan.purpose]
    last_due = terms.first_due_on + relativedelta(months=terms.tenor_months - 1)
    if terms.tenor_months < 1 or (
        loan.first_due_on and _months_between(loan.first_due_on, last_due) + 1 > longest
    ):
        errors.append(
            (
                "tenor_months",
                _l(
                    "On restructuring the whole loan may run at most %(n)s months.",
                    n=longest,
                ),
            )
        )
    if not errors:
        try:
            check_terms(
                terms.tenor_months,
                terms.grace_months,
                frozenset(loan.lean_months or ()),
                line_of(loan),
            )
        except FieldErrors as error:
            errors += error.errors
    if errors:
        raise FieldErrors(errors)
    grade_before = standing(loan, terms.on).grade
    try:
        result = servicing.restructure(
            dues_of(loan),
            payments_of(loan),
            loan.disbursed_on,
            terms.on,
            terms.treatment,
            terms.tenor_months,
            terms.first_due_on,
            loan_rates(loan),
            terms.grace_months,
            frozenset(loan.lean_months or ()),
        )
    except ValueError:
        raise FieldErrors([("grace_months", _l("Leave months to repay in."))]) from None
    if loan.status == "restructured":
        loan.transitions.append(
            LoanTransition(
                from_status=loan.status,
                to_status="restructured",
                actor_id=actor.id,
                at=now,
                reason=reason,
            )
        )
    else:
        lifecycle.move(session, loan, "restructured", actor, now, reason)
    if result.settled_idr:
        kind = (
            "capitalisation" if terms.treatment == servicing.CAPITALISE else "arrears"
        )
        _pay(loan, actor, now, terms.on, result.settled_idr, kind, reference)
    lay_out(session, loan, result.lines)
    loan.tenor_months = _months_between(loan.first_due_on, last_due) + 1
    revision = revise(
        loan,
        actor,
        now,
        "restructuring",
        terms.on,
        result.principal_idr,
        option=terms.treatment,
        reason=reason,
        grade_before=grade_before,
        arrears_principal_idr=result.arrears_principal_idr,
        arrears_interest_idr=result.arrears_interest_idr,
        accrued_interest_idr=result.accrued_interest_idr,
    )
    session.flush()
    return revision
