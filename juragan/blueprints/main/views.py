from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user

from juragan import clock
from juragan.blueprints.main import bp
from juragan.db import loan_reading
from juragan.domain import loan_lifecycle
from juragan.domain.loan_lifecycle import LoanStep
from juragan.extensions import db
from juragan.models import Role
from juragan.reports import caseload, loan_queue, overview
from juragan.reports import loans as loan_reports
from juragan.web import assets


@bp.route("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login"))
    session = db.session
    role = current_user.role
    if role == Role.RETURNEE:
        profile = overview.own_profile(session, current_user)
        loan = overview.current_loan(session, profile) if profile else None
        check = (
            None if profile else overview.own_registration_check(session, current_user)
        )
        return render_template(
            "main/home_returnee.html",
            profile=profile,
            plan=overview.active_plan(session, profile) if profile else None,
            loan=loan,
            standing=loan_reading.standing(loan, clock.today()) if loan else None,
            missing=loan_reading.missing_documents(loan) if loan else [],
            check=check,
        )
    if role == Role.MENTOR:
        today = clock.today()
        return render_template(
            "main/home_mentor.html",
            work=caseload.work_list(session, current_user, today),
            actions=caseload.open_actions(session, current_user),
            today=today,
            total=overview.count_returnees(session, current_user),
            awaiting_review=overview.plans_in_state(
                session, current_user, *overview.TO_REVIEW
            ),
            awaiting_first_look=overview.plans_in_state(
                session, current_user, "submitted"
            ),
            arrears=loan_reports.arrears_count(session, current_user, today),
        )
    if role == Role.OBSERVER:
        return redirect(url_for("dashboards.programme_dashboard"))
    if role == Role.ADMIN:
        return render_template(
            "main/home_admin.html",
            role_counts=overview.account_counts(session),
            recent=overview.recent_audit(session),
        )
    # Officials and bank officers: their region at a glance; a bank officer's
    # desk besides (what waits for a decision, how much of it late, to disburse).
    desk = to_check = None
    if role == Role.BANK_OFFICER:
        desk = loan_queue.queue_counts(
            session,
            current_user,
            clock.today(),
            clock.province_of(current_user),
            loan_queue.decision_slas(session),
        )
    else:
        to_check = overview.loans_in_state(
            session,
            current_user,
            loan_lifecycle.ordered(loan_lifecycle.allowed_in(LoanStep.VERIFY)),
        )
    return render_template(
        "main/home_region.html",
        total=overview.count_returnees(session, current_user),
        by_regency=overview.returnees_by_regency(session, current_user),
        mentors=overview.mentors_in_scope(session, current_user),
        awaiting_review=overview.plans_in_state(
            session,
            current_user,
            "ready" if role == Role.BANK_OFFICER else "submitted",
        ),
        loan_queue=to_check,
        desk=desk,
    )


@bp.route("/healthz")
def healthz():
    db.session.execute(db.select(1))
    return {"status": "ok"}


@bp.route("/vendor/plotly-locale-<locale>.js")
def plotly_locale_js(locale: str):
    """Plotly's locale, written from the catalogues (``juragan.web.assets``)."""
    if locale not in assets.PLOTLY_LOCALES:
        abort(404)
    response = current_app.response_class(
        assets.plotly_locale(locale), mimetype="text/javascript"
    )
    if request.args.get("v") == assets.plotly_locale_version(locale):
        response.headers["Cache-Control"] = assets.LONG_LIVED
    else:
        response.headers["Cache-Control"] = "public, max-age=3600"
    return response


@bp.route("/favicon.ico")
def favicon():
    """Browsers ask for it on every page without a link (a PDF, a download)."""
    return redirect(assets.asset_url("img/icon.svg"), code=301)
