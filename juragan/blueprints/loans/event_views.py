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
from juragan.errors import DomainError
from juragan.extensions import db
from juragan.forms import attach_error
from juragan.models import LoanApplication, utcnow
from juragan.policy import Action
from juragan.services import loan_checks, loan_events
from juragan.services.loan_checks import CheckData

_FORMS = {"check_form": CheckForm, "penalty_form": PenaltyForm,
          "claim_form": ClaimForm, "claim_answer_form": ClaimAnswerForm,
          "recovery_form": RecoveryForm}  # fmt: skip


@bp.app_template_global("penalties_owed")
def penalties_owed_global(loan: LoanApplication, on: date | None = None) -> int:
    return loan_events.penalties_owed(loan, on or clock.today())


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
    suggestion = loan_events.suggested_penalty(db.session, loan, on) \
        if loan.instalments else None  # fmt: skip
    if suggestion and failed.get("penalty_form") is None:
        extras["penalty_form"].amount_idr.data, extras["penalty_form"].basis.data = (
            suggestion
        )
    loss = loan_events.loss_of(loan)
    if failed.get("claim_form") is None and loan.instalments:
        terms = loan_events.terms_of(db.session, loan.lender)
        if terms is not None and terms.guarantee_cover_percent is not None:
            from juragan.loan_ledger import claimable_idr

            extras["claim_form"].claimed_idr.data = claimable_idr(
                loan_events.written_off_principal(loan), terms.guarantee_cover_percent
            )
    return {
        **extras,
        "checks": loan_checks.history(loan),
        "latest_checks": loan_checks.latest(loan),
        "check_passed": loan_checks.passed,
        "penalty_events": loan_events.events_of(loan, loan_events.PENALTY_KINDS),
        "penalties_owed_now": loan_events.penalties_owed(loan, on),
        "lender_terms": loan_events.terms_of(db.session, loan.lender),
        "claims": loan_events.claims_of(loan),
        "recoveries": loan_events.events_of(loan, ("recovery",)),
        "loss": loss,
    }


def _run(loan_id: int, action: Action, name: str, apply, done: str):
    from juragan.blueprints.loans.views import _loan, _loan_page, _to_loan

    loan = _loan(loan_id, action)
    form = _FORMS[name]()
    if form.validate_on_submit():
        now = utcnow()
        try:
            apply(loan, form, clock.today(now), now)
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            flash(done, "success")
            return _to_loan(loan)
    return _loan_page(loan, clock.today(), 422, **{name: form})


@bp.route("/<int:loan_id>/checks", methods=["POST"])
@login_required
def record_check(loan_id: int):
    def apply(loan, form, today, now):
        kind, _sep, result = (form.answer.data or "").partition(":")
        loan_checks.record_check(db.session, current_user, loan, CheckData(
            kind, result, form.checked_on.data, form.reference.data,
            form.worst_collectibility.data, form.reason.data, form.note.data,
        ), today, now)  # fmt: skip

    return _run(loan_id, Action.RECORD_CHECK, "check_form", apply, _("Check recorded."))


@bp.route("/<int:loan_id>/penalties", methods=["POST"])
@login_required
def record_penalty(loan_id: int):
    def apply(loan, form, today, now):
        loan_events.record_penalty(
            db.session, current_user, loan, form.kind.data, form.occurred_on.data,
            form.amount_idr.data, today, now, form.basis.data, form.reference.data,
        )  # fmt: skip

    return _run(loan_id, Action.RECORD_PENALTY, "penalty_form", apply,
                _("Penalty recorded."))  # fmt: skip


@bp.route("/<int:loan_id>/claim", methods=["POST"])
@login_required
def submit_claim(loan_id: int):
    def apply(loan, form, today, now):
        loan_events.submit_claim(db.session, current_user, loan, form.submitted_on.data,
                                 form.claimed_idr.data, today, now)  # fmt: skip

    return _run(loan_id, Action.CLAIM_GUARANTEE, "claim_form", apply,
                _("Guarantee claim recorded."))  # fmt: skip


@bp.route("/<int:loan_id>/claim/answer", methods=["POST"])
@login_required
def answer_claim(loan_id: int):
    def apply(loan, form, today, now):
        loan_events.settle_claim(db.session, current_user, loan, form.settled_on.data,
                                 today, form.paid_idr.data, form.rejection_reason.data)  # fmt: skip

    return _run(loan_id, Action.CLAIM_GUARANTEE, "claim_answer_form", apply,
                _("The guarantor's answer is recorded."))  # fmt: skip


@bp.route("/<int:loan_id>/recoveries", methods=["POST"])
@login_required
def record_recovery(loan_id: int):
    def apply(loan, form, today, now):
        loan_events.record_recovery(
            db.session, current_user, loan, form.occurred_on.data, form.amount_idr.data,
            today, now, form.reference.data, form.guarantor_share_idr.data,
        )  # fmt: skip

    return _run(loan_id, Action.RECORD_RECOVERY, "recovery_form", apply,
                _("Recovery recorded."))  # fmt: skip
