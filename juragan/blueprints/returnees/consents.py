"""A person's consent per purpose: its state and history, giving it again, and its
withdrawal (``docs/consent.md``). The person acts online; their mentor and the
officials of their region record what the person gave them on paper."""

from __future__ import annotations

from flask import (
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from juragan import clock, consent_rules
from juragan.blueprints.returnees import bp
from juragan.blueprints.returnees.forms import (
    GiveConsentForm,
    StaffGiveConsentForm,
    StaffWithdrawConsentForm,
    WithdrawConsentForm,
)
from juragan.blueprints.returnees.views import scan_of, uploads
from juragan.db import audit, inventory, scope
from juragan.errors import DomainError
from juragan.extensions import db, limiter
from juragan.models import ConsentPurpose, ConsentRecord, Returnee, Role, utcnow
from juragan.policy import Action
from juragan.services import consent
from juragan.web.access import load_or_404, per_user
from juragan.web.forms import attach_error
from juragan.web.stored_files import send_stored
from juragan.web.transaction import domain_errors


def _own(returnee: Returnee) -> bool:
    return current_user.role == Role.RETURNEE and returnee.user_id == current_user.id


def _purpose_or_404(purpose: str) -> ConsentPurpose:
    try:
        return ConsentPurpose(purpose)
    except ValueError:
        abort(404)


def _forms(returnee: Returnee, posted: dict | None = None) -> dict[str, dict]:
    """One give and one withdraw form per purpose (prefixed, so that the page's
    field ids stay unique); ``posted`` replaces the one just sent."""
    own = _own(returnee)
    give, withdraw = (
        (GiveConsentForm, WithdrawConsentForm)
        if own
        else (StaffGiveConsentForm, StaffWithdrawConsentForm)
    )
    today = clock.date_in(returnee.province_code)
    forms: dict[str, dict] = {"give": {}, "withdraw": {}}
    for purpose in ConsentPurpose:
        forms["give"][purpose] = give(prefix=f"give-{purpose}", formdata=None)
        form = withdraw(prefix=f"withdraw-{purpose}", formdata=None)
        form.effective_on.data = today
        forms["withdraw"][purpose] = form
    for kind, (purpose, form) in (posted or {}).items():
        forms[kind][purpose] = form
    return forms


def _page(returnee: Returnee, posted: dict | None = None, status: int = 200):
    return render_template(
        "returnees/consents.html",
        returnee=returnee,
        own=_own(returnee),
        states=consent.states(returnee, utcnow()),
        history=consent.history(returnee),
        forms=_forms(returnee, posted),
        rules=consent_rules,
        today=clock.date_in(returnee.province_code),
    ), status


@bp.route("/<int:returnee_id>/consents")
@login_required
def consents(returnee_id: int):
    returnee = load_or_404(Returnee, returnee_id, Action.VIEW_CONSENTS)
    return _page(returnee)


def _consent_limit():
    return current_app.config["CONSENT_LIMIT_PER_USER"]


@bp.route("/<int:returnee_id>/consents/<purpose>/withdraw", methods=["POST"])
@login_required
@limiter.limit(_consent_limit, key_func=per_user("consent"))
def withdraw_consent(returnee_id: int, purpose: str):
    returnee = load_or_404(Returnee, returnee_id, Action.WITHDRAW_CONSENT)
    chosen = _purpose_or_404(purpose)
    form = (WithdrawConsentForm if _own(returnee) else StaffWithdrawConsentForm)(
        prefix=f"withdraw-{chosen}"
    )
    if form.validate_on_submit():
        with domain_errors() as refused:
            record = consent.withdraw_consent(
                db.session,
                current_user,
                returnee,
                chosen,
                form.effective_on.data,
                form.reason.data,
                utcnow(),
            )
        if refused.error is not None:
            attach_error(form, _on_form(refused.error, form))
        else:
            flash(
                _(
                    "Withdrawn from %(day)s: %(purpose)s.",
                    day=record.effective_on.strftime("%d-%m-%Y"),
                    purpose=consent_rules.LABELS[chosen],
                ),
                "success",
            )
            return redirect(url_for("returnees.consents", returnee_id=returnee.id))
    return _page(returnee, {"withdraw": (chosen, form)}, 422)


@bp.route("/<int:returnee_id>/consents/<purpose>/give", methods=["POST"])
@login_required
@limiter.limit(_consent_limit, key_func=per_user("consent"))
def give_consent(returnee_id: int, purpose: str):
    returnee = load_or_404(Returnee, returnee_id, Action.GIVE_CONSENT)
    chosen = _purpose_or_404(purpose)
    own = _own(returnee)
    form = (GiveConsentForm if own else StaffGiveConsentForm)(prefix=f"give-{chosen}")
    if form.validate_on_submit():
        given = (
            consent.online({chosen.value})
            if own
            else consent.on_paper({chosen.value}, scan_of(form.scan))
        )
        with domain_errors() as refused:
            consent.give_consent(
                db.session, current_user, returnee, given, utcnow(), uploads()
            )
        if refused.error is not None:
            attach_error(form, _on_form(refused.error, form))
        else:
            flash(
                _(
                    "Consent recorded: %(purpose)s.",
                    purpose=consent_rules.LABELS[chosen],
                ),
                "success",
            )
            return redirect(url_for("returnees.consents", returnee_id=returnee.id))
    return _page(returnee, {"give": (chosen, form)}, 422)


def _on_form(error: DomainError, form) -> DomainError:
    """The service names ``purposes``, ``scan`` or ``effective_on``; the page's
    forms hold one purpose each, so a purpose problem goes above the form."""
    error.errors = [
        (name if name and hasattr(form, name) else None, message)
        for name, message in error.errors
    ]
    return error


@bp.route("/<int:returnee_id>/consents/<int:consent_id>/scan")
@login_required
def consent_scan(returnee_id: int, consent_id: int):
    """The scanned signed form, for the person and those who look after them; each
    opening by someone else is in the person's processing log."""
    # The record first: it exists only for those who look after the person.
    record = scope.fetch(db.session, ConsentRecord, consent_id)
    if record is None or record.returnee_id != returnee_id or not record.stored_name:
        abort(404)
    returnee = load_or_404(Returnee, returnee_id, Action.VIEW_CONSENTS)
    path = inventory.path_of("consent_scan", record.stored_name, uploads())
    if not path.is_file():
        abort(404)
    if returnee.user_id != current_user.id:
        audit.record_view(db.session, record, ["file"])
        # In the processing log before the file goes out.
        db.session.commit()
    return send_stored(
        path,
        mimetype=record.content_type,
        as_attachment=False,
        download_name=record.original_name or path.name,
        max_age=0,
    )
