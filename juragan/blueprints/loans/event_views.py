"""The loan page's checks (SIKP, SLIK, BPJS Ketenagakerjaan) and events (penalties,
guarantee claims, recoveries): thin views over services.loan_checks and
services.loan_events."""

from datetime import date

from flask import flash
from flask_babel import gettext as _
from flask_login import current_user, login_required

from juragan import clock
from juragan.blueprints.loans import bp
from juragan.blueprints.loans.event_forms import (
    CheckForm,
    ClaimAnswerForm,
    ClaimForm,
    PenaltyForm,
    RecoveryForm,
)
from juragan.db import loan_reading
from juragan.extensions import db
from juragan.models import LoanApplication, utcnow
from juragan.policy import Action
from juragan.reports import loans as loan_reports
from juragan.services import loan_checks, loan_events
from juragan.services.loan_checks import CheckData
from juragan.web.transaction import domain_errors

_FORMS = {
    "check_form": CheckForm,
    "penalty_form": PenaltyForm,
    "claim_form": ClaimForm,
    "claim_answer_form": ClaimAnswerForm,
    "recovery_form": RecoveryForm,
}


def page_extras(loan: LoanApplication, on: date, failed: dict) -> dict:
    """What the partials of the loan page need: their forms (a failed one as it
    came back), the checks, penalties, claims and the loss."""
    today = clock.today()
    extras = {}
    for name, form_class in _FORMS.items():
        form = failed.get(name)
        if form is None:
            form = form_class(formdata=None)
            for field in ("checked_on", "occurred_on", "submitted_on", "settled_on"):
                if hasattr(form, field):
                    getattr(form, field).data = today
        form.version.data = loan.version
        extras[name] = form
    suggestion = (
        loan_reports.suggested_penalty(db.session, loan, on)
        if loan.instalments
        else None
    )
    if suggestion and failed.get("penalty_form") is None:
        extras["penalty_form"].amount_idr.data, extras["penalty_form"].basis.data = (
            suggestion
        )
    loss = loan_reading.loss_of(loan)
    if failed.get("claim_form") is None and loan.instalments:
        terms = loan_reading.lender_terms(db.session, loan.lender)
        if terms is not None and terms.guarantee_cover_percent is not None:
            from juragan.domain.loan_ledger import claimable_idr

            extras["claim_form"].claimed_idr.data = claimable_idr(
                loan_reading.written_off_principal(loan), terms.guarantee_cover_percent
            )
    return {
        **extras,
        "checks": loan_checks.history(loan),
        "latest_checks": loan_checks.latest(loan),
        "check_passed": loan_checks.passed,
        "penalty_events": loan_reading.events_of(loan, loan_reading.PENALTY_KINDS),
        "penalties_owed_now": loan_reading.penalties_owed(loan, on),
        "lender_terms": loan_reading.lender_terms(db.session, loan.lender),
        "claims": loan_reading.claims_of(loan),
        "recoveries": loan_reading.events_of(loan, ("recovery",)),
        "loss": loss,
    }


def _run(loan_id: int, action: Action, name: str, apply, done: str):
    from juragan.blueprints.loans.views import _loan, _loan_page, _to_loan

    loan = _loan(loan_id, action)
    form = _FORMS[name]()
    if form.validate_on_submit():
        now = utcnow()
        with domain_errors(form) as refused:
            apply(loan, form, clock.today(now), now)
        if not refused:
            flash(done, "success")
            return _to_loan(loan)
    return _loan_page(loan, clock.today(), 422, **{name: form})


@bp.route("/<int:loan_id>/checks", methods=["POST"])
@login_required
def record_check(loan_id: int):
    def apply(loan, form, today, now):
        kind, _sep, result = (form.answer.data or "").partition(":")
        loan_checks.record_check(
            db.session,
            current_user,
            loan,
            CheckData(
                kind,
                result,
                form.checked_on.data,
                form.reference.data,
                form.worst_collectibility.data,
                form.reason.data,
                form.note.data,
            ),
            today,
            now,
        )

    return _run(loan_id, Action.RECORD_CHECK, "check_form", apply, _("Check recorded."))


@bp.route("/<int:loan_id>/penalties", methods=["POST"])
@login_required
def record_penalty(loan_id: int):
    def apply(loan, form, today, now):
        loan_events.record_penalty(
            db.session,
            current_user,
            loan,
            form.kind.data,
            form.occurred_on.data,
            form.amount_idr.data,
            today,
            now,
            form.basis.data,
            form.reference.data,
        )

    return _run(
        loan_id, Action.RECORD_PENALTY, "penalty_form", apply, _("Penalty recorded.")
    )


@bp.route("/<int:loan_id>/claim", methods=["POST"])
@login_required
def submit_claim(loan_id: int):
    def apply(loan, form, today, now):
        loan_events.submit_claim(
            db.session,
            current_user,
            loan,
            form.submitted_on.data,
            form.claimed_idr.data,
            today,
            now,
        )

    return _run(
        loan_id,
        Action.CLAIM_GUARANTEE,
        "claim_form",
        apply,
        _("Guarantee claim recorded."),
    )


@bp.route("/<int:loan_id>/claim/answer", methods=["POST"])
@login_required
def answer_claim(loan_id: int):
    def apply(loan, form, today, now):
        loan_events.settle_claim(
            db.session,
            current_user,
            loan,
            form.settled_on.data,
            today,
            form.paid_idr.data,
            form.rejection_reason.data,
        )

    return _run(
        loan_id,
        Action.CLAIM_GUARANTEE,
        "claim_answer_form",
        apply,
        _("The guarantor's answer is recorded."),
    )


@bp.route("/<int:loan_id>/recoveries", methods=["POST"])
@login_required
def record_recovery(loan_id: int):
    def apply(loan, form, today, now):
        loan_events.record_recovery(
            db.session,
            current_user,
            loan,
            form.occurred_on.data,
            form.amount_idr.data,
            today,
            now,
            form.reference.data,
            form.guarantor_share_idr.data,
        )

    return _run(
        loan_id, Action.RECORD_RECOVERY, "recovery_form", apply, _("Recovery recorded.")
    )
