import secrets

from flask import (
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from juragan import clock
from juragan.blueprints.mentoring import bp
from juragan.blueprints.mentoring.forms import (
    AssignForm,
    CadenceForm,
    SelfReportForm,
    VisitForm,
    wellbeing_form,
)
from juragan.db import inventory, plan_reading, scope
from juragan.domain.visit_schedule import Cadence
from juragan.domain.wellbeing import QUESTIONS
from juragan.errors import DomainError
from juragan.extensions import db
from juragan.models import (
    ActionItem,
    Business,
    BusinessReport,
    CaseAssignment,
    Returnee,
    Role,
    User,
    Visit,
    VisitPhoto,
    WellbeingCheck,
    utcnow,
)
from juragan.policy import Action, region_clause, scoped
from juragan.reports import caseload
from juragan.services import mentoring
from juragan.services.mentoring import ActionData, Upload, VisitData
from juragan.web.access import load_or_404, requires
from juragan.web.forms import CONFLICT_MESSAGE, EmptyForm
from juragan.web.stored_files import send_stored
from juragan.web.transaction import domain_errors


def _uploads() -> str:
    return current_app.config["UPLOAD_FOLDER"]


@bp.route("/assign", methods=["GET", "POST"])
@requires(Action.ASSIGN_MENTORS)
def assign():
    """Officials put returnees of their region in a mentor's caseload."""
    show = request.args.get("show", "unassigned")
    # Each choice names the person's regency and mentor: loaded with the people.
    stmt = (
        scoped(select(Returnee), current_user, Returnee)
        .options(selectinload(Returnee.regency), selectinload(Returnee.mentor))
        .order_by(Returnee.full_name, Returnee.id)
    )
    if show == "unassigned":
        stmt = stmt.where(Returnee.mentor_id.is_(None))
    # A page of people by name, after the last one of the page before (keyset on
    # name and id); a cursor naming someone out of sight starts again.
    after = scope.fetch(db.session, Returnee, request.args.get("after", type=int))
    if after is not None:
        stmt = stmt.where(
            tuple_(Returnee.full_name, Returnee.id) > tuple_(after.full_name, after.id)
        )
    size = current_app.config["ASSIGN_PAGE_SIZE"]
    returnees = db.session.scalars(stmt.limit(size + 1)).all()
    next_after = returnees[size - 1].id if len(returnees) > size else None
    returnees = returnees[:size]
    mentors = db.session.scalars(
        select(User)
        .where(
            User.role == Role.MENTOR,
            User.is_active_account,
            region_clause(
                current_user, User.scope_province_code, User.scope_regency_code
            ),
        )
        .order_by(User.full_name)
    ).all()
    form = AssignForm()
    form.returnee_ids.choices = [
        (
            r.id,
            f"{r.full_name} · {r.regency.name}"
            + (f" · {r.mentor.full_name}" if r.mentor else ""),
        )
        for r in returnees
    ]
    form.mentor_id.choices = [(m.id, m.full_name) for m in mentors]
    if form.validate_on_submit():
        chosen = [r for r in returnees if r.id in set(form.returnee_ids.data or [])]
        mentor = next((m for m in mentors if m.id == form.mentor_id.data), None)
        with domain_errors(form) as refused:
            if mentor is None:
                raise DomainError("mentor_id", _("Choose a mentor."))
            changed = mentoring.assign(
                db.session, current_user, chosen, mentor, form.reason.data, utcnow()
            )
        if not refused:
            flash(
                _(
                    "%(n)s returnees assigned to %(name)s.",
                    n=changed,
                    name=mentor.full_name,
                ),
                "success",
            )
            return redirect(url_for("mentoring.assign", show=show))
    return render_template(
        "mentoring/assign.html", form=form, show=show, next_after=next_after
    )


@bp.route("/cadence", methods=["GET", "POST"])
@requires(Action.SET_CADENCE)
def cadence():
    province = current_user.scope_province_code
    current = caseload.cadence_for(db.session, province)
    version = caseload.cadence_version(db.session, province)
    form = CadenceForm(
        data=vars(current) | {"version": version} if request.method == "GET" else None
    )
    status = 200
    if form.validate_on_submit() and form.version.data != str(version):
        form.form_errors.append(str(CONFLICT_MESSAGE))
        form.version.data = version
        status = 409
    elif form.validate_on_submit():
        with domain_errors(form) as refused:
            mentoring.set_cadence(
                db.session,
                current_user,
                province,
                Cadence(
                    form.early_days.data,
                    form.early_months.data or 0,
                    form.steady_days.data,
                    form.risk_days.data,
                ),
            )
        if not refused:
            flash(_("Visit cadence saved."), "success")
            return redirect(url_for("mentoring.cadence"))
    return render_template("mentoring/cadence.html", form=form), status


def _series(returnee: Returnee):
    """Monthly figures of the returnee's businesses: visits, self-reports, plan."""
    rows = []
    for business in db.session.scalars(
        select(Business).where(Business.returnee_id == returnee.id)
    ):
        planned = plan_reading.figures_of(business.plan).months if business.plan else []
        reports = db.session.scalars(
            select(BusinessReport)
            .where(BusinessReport.business_id == business.id)
            .order_by(BusinessReport.month.desc(), BusinessReport.source)
        ).all()
        for report in reports:
            index = (
                (report.month.year - business.opened_on.year) * 12
                + report.month.month
                - business.opened_on.month
            )
            plan = planned[index].sales_idr if 0 <= index < len(planned) else None
            rows.append((business, report, plan))
    return rows


@bp.route("/returnees/<int:returnee_id>")
@login_required
def returnee_case(returnee_id: int):
    returnee = load_or_404(Returnee, returnee_id, Action.VIEW_VISITS)
    visits = db.session.scalars(
        select(Visit)
        .where(Visit.returnee_id == returnee.id)
        .options(selectinload(Visit.photos), selectinload(Visit.mentor))
        .order_by(Visit.visited_on.desc(), Visit.id.desc())
    ).all()
    checks = db.session.scalars(
        select(WellbeingCheck)
        .where(WellbeingCheck.returnee_id == returnee.id)
        .order_by(WellbeingCheck.taken_on.desc(), WellbeingCheck.id.desc())
    ).all()
    history = db.session.scalars(
        select(CaseAssignment)
        .where(CaseAssignment.returnee_id == returnee.id)
        .options(selectinload(CaseAssignment.mentor))
        .order_by(CaseAssignment.assigned_at.desc())
    ).all()
    actions = db.session.scalars(
        select(ActionItem)
        .where(ActionItem.returnee_id == returnee.id)
        .order_by(ActionItem.closed_at.is_not(None), ActionItem.due_on)
    ).all()
    return render_template(
        "mentoring/returnee.html",
        returnee=returnee,
        visits=visits,
        checks=checks,
        history=history,
        actions=actions,
        series=_series(returnee),
        button=EmptyForm(),
        saved_key=request.args.get("saved"),
        questions=QUESTIONS,
    )


def _sent_from_phone_draft() -> bool:
    """The form was sent by the phone's draft store (``static/js/visit-draft.js``),
    which asks for a JSON confirmation instead of the redirect."""
    return request.accept_mimetypes.best == "application/json"


def _visit_data(form: VisitForm) -> VisitData:
    return VisitData(
        idempotency_key=form.idempotency_key.data or "",
        visited_on=form.visited_on.data,
        mode=form.mode.data,
        duration_minutes=form.duration_minutes.data,
        business_status=form.business_status.data,
        topics=form.topics.data or [],
        observations=form.observations.data,
        revenue_last_month_idr=form.revenue_last_month_idr.data,
        workers_family=form.workers_family.data or 0,
        workers_paid=form.workers_paid.data or 0,
        problems=form.problems.data,
        next_visit_on=form.next_visit_on.data,
        location_consent=form.location_consent.data,
        latitude=form.latitude.data,
        longitude=form.longitude.data,
        actions=[
            ActionData(e.form.description.data, e.form.owner.data, e.form.due_on.data)
            for e in form.actions.entries
        ],
    )


@bp.route("/returnees/<int:returnee_id>/visit", methods=["GET", "POST"])
@login_required
def log_visit(returnee_id: int):
    returnee = load_or_404(Returnee, returnee_id, Action.LOG_VISIT)
    form = VisitForm()
    if request.method == "GET":
        # A fresh key per form: a resubmission of this same visit is stored once.
        form.idempotency_key.data = secrets.token_urlsafe(24)
        form.visited_on.data = clock.today()
        for _row in range(3):
            form.actions.append_entry()
    elif form.validate_on_submit():
        now = utcnow()
        uploads = [
            Upload(f.filename or "", f.read())
            for f in (form.photos.data or [])
            if getattr(f, "filename", None)
        ]
        visit = None
        with domain_errors(form):
            try:
                visit, created = mentoring.record_visit(
                    db.session,
                    current_user,
                    returnee,
                    _visit_data(form),
                    uploads,
                    _uploads(),
                    clock.today(now),
                    now,
                )
                # Committed here, not at the end of the request: a second sending
                # of the same form shows as this commit's IntegrityError.
                db.session.commit()
            except IntegrityError:
                # The same form sent twice at once (a double tap, a retry after a
                # timeout): the other sending stored it first.
                db.session.rollback()
                visit = mentoring.find_by_key(db.session, form.idempotency_key.data)
                created = False
                if visit is None or visit.returnee_id != returnee.id:
                    raise
        if visit is not None:
            flash(
                _("Visit saved.") if created else _("This visit was saved already."),
                "success",
            )
            target = url_for(
                "mentoring.returnee_case",
                returnee_id=returnee.id,
                saved=visit.idempotency_key,
            )
            if _sent_from_phone_draft():
                # The draft on the phone is deleted on this answer alone, and the
                # page then opens the target (where the message above is shown).
                return jsonify(saved=visit.idempotency_key, location=target)
            return redirect(target)
    # The phone's draft store holds photos within the limits the server keeps.
    return render_template(
        "mentoring/visit_form.html",
        returnee=returnee,
        form=form,
        max_photos=mentoring.MAX_PHOTOS,
        max_photo_bytes=mentoring.MAX_PHOTO_BYTES,
        max_request_bytes=current_app.config["MAX_CONTENT_LENGTH"],
    )


@bp.route("/returnees/<int:returnee_id>/wellbeing", methods=["GET", "POST"])
@login_required
def wellbeing(returnee_id: int):
    returnee = load_or_404(Returnee, returnee_id, Action.WELLBEING_CHECK)
    form = wellbeing_form(request.form if request.method == "POST" else None)
    if request.method == "GET":
        form.taken_on.data = clock.today()
    if form.validate_on_submit():
        answers = {q.code: getattr(form, q.code).data for q in QUESTIONS}
        with domain_errors(form) as refused:
            check = mentoring.record_wellbeing(
                db.session, returnee, answers, form.taken_on.data, clock.today()
            )
        if not refused:
            flash(
                _("Wellbeing check saved: overall %(score)s.", score=check.overall),
                "success",
            )
            return redirect(url_for("mentoring.returnee_case", returnee_id=returnee.id))
    return render_template(
        "mentoring/wellbeing.html", returnee=returnee, form=form, questions=QUESTIONS
    )


@bp.route("/actions/<int:item_id>/close", methods=["POST"])
@login_required
def close_action(item_id: int):
    item = scope.fetch(db.session, ActionItem, item_id)
    if item is None:
        abort(404)
    returnee = load_or_404(Returnee, item.returnee_id, Action.CLOSE_ACTION)
    if not EmptyForm().validate_on_submit():
        abort(400)
    mentoring.close_action(db.session, current_user, item, utcnow())
    flash(_("Action item closed."), "success")
    return redirect(url_for("mentoring.returnee_case", returnee_id=returnee.id))


@bp.route("/photos/<int:photo_id>")
@login_required
def photo(photo_id: int):
    found = scope.fetch(db.session, VisitPhoto, photo_id)
    if found is None:
        abort(404)
    load_or_404(Returnee, found.visit.returnee_id, Action.VIEW_VISITS)
    path = inventory.path_of("visit_photo", found.stored_name, _uploads())
    if not path.is_file():
        abort(404)
    return send_stored(path, mimetype=found.content_type, max_age=0)


@bp.route("/businesses/<int:business_id>/report", methods=["GET", "POST"])
@login_required
def self_report(business_id: int):
    business = load_or_404(Business, business_id, Action.SELF_REPORT)
    form = SelfReportForm()
    if form.validate_on_submit():
        now = utcnow()
        with domain_errors(form) as refused:
            mentoring.self_report(
                db.session,
                current_user,
                business,
                form.month.data,
                form.status.data,
                form.revenue_idr.data,
                form.workers_family.data or 0,
                form.workers_paid.data or 0,
                clock.today(now),
                now,
            )
        if not refused:
            flash(_("Thank you: the figures are saved."), "success")
            return redirect(url_for("plans.view_business", business_id=business.id))
    return render_template("mentoring/self_report.html", business=business, form=form)
