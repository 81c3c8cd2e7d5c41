import json

from flask import (
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from juragan import clock, consent_rules
from juragan.blueprints.returnees import bp
from juragan.blueprints.returnees.forms import (
    AccessResetForm,
    EditProfileForm,
    ErasureDecisionForm,
    ErasureRequestForm,
    FindForm,
    NikChangeForm,
    PlacementForm,
    RegistrationCheckForm,
    ReturneeFilterForm,
    TrainingForm,
)
from juragan.db import audit, scope
from juragan.db.pagination import Page
from juragan.domain.identifiers import describe_nik_region
from juragan.errors import DomainError
from juragan.extensions import db, limiter
from juragan.models import (
    ConsentMethod,
    Placement,
    RegistrationCheck,
    Returnee,
    Training,
    utcnow,
)
from juragan.policy import Action, can
from juragan.reports import own_data as own_data_report
from juragan.reports.plans import render_pdf
from juragan.reports.registry import RegistrySearch, registry_page, search_statement
from juragan.services import consent, privacy, recovery, registry
from juragan.services.registry import (
    DuplicateNik,
    PlacementData,
    PossibleDuplicates,
    TrainingData,
)
from juragan.web.access import load_or_404, per_user, requires
from juragan.web.forms import (
    EmptyForm,
    attach_error,
    flash_errors,
    is_stale,
    show_conflict,
)
from juragan.web.person_forms import (
    CONSENT_FIELDS,
    RegistrationForm,
    given_purposes,
    profile_data,
)
from juragan.web.reauth import reauthenticated
from juragan.web.shown import shown_person
from juragan.web.transaction import domain_errors


def scan_of(field) -> consent.Scan | None:
    """An uploaded scan, read once (the service checks its size and kind)."""
    upload = field.data
    if not upload or not getattr(upload, "filename", None):
        return None
    return consent.Scan(upload.filename, upload.read(consent.MAX_SCAN_BYTES + 1))


def uploads() -> str:
    return current_app.config["UPLOAD_FOLDER"]


def search_from(form: ReturneeFilterForm) -> RegistrySearch:
    if not form.validate():
        return RegistrySearch()
    return RegistrySearch(
        name=form.q.data or None,
        province_code=form.province.data,
        regency_code=form.regency.data,
        country_code=form.country.data,
        return_year=form.return_year.data,
        status=form.status.data,
    )


def registry_search_for(identifier: str) -> RegistrySearch:
    """A NIK when the input is 16 digits, else a phone number."""
    digits = "".join(ch for ch in identifier if ch.isdigit())
    if len(digits) == 16 and not identifier.strip().startswith("+"):
        return RegistrySearch(nik=digits)
    return RegistrySearch(phone=identifier)


#: Said of a NIK that someone outside the reader's reach holds: the same words as
#: any NIK that cannot be registered, so that they do not tell whether it exists.
NIK_NOT_REGISTRABLE = _l(
    "This NIK cannot be registered here. Check it against the KTP; if it is right, "
    "ask the BP3MI office, who can see where it is registered."
)


def duplicate_feedback(form, error: DomainError) -> list[Returnee]:
    """Attach a duplicate error to the form (after the caller's rollback); return
    the similar people the user may see, to list.

    A NIK or a similar person the user may not see is never named: the attempt is
    recorded in that person's processing log instead.
    """
    if isinstance(error, DuplicateNik):
        existing = scope.fetch(db.session, Returnee, error.existing_id)
        if existing is not None:
            form.nik.errors = [
                *form.nik.errors,
                _("This NIK is already registered: %(name)s.", name=existing.full_name),
            ]
            form.duplicate_link = url_for(
                "returnees.view_returnee", returnee_id=existing.id
            )
        else:
            form.nik.errors = [*form.nik.errors, str(NIK_NOT_REGISTRABLE)]
            audit.record_search(db.session, "nik_registration", error.existing_id)
            # A NIK outside the reader's reach was looked up: logged whatever the
            # rest of the request does.
            db.session.commit()
        return []
    if isinstance(error, PossibleDuplicates):
        form.form_errors.append(str(error.message))
        fetched = [scope.fetch(db.session, Returnee, p) for p in error.candidates]
        visible = [person for person in fetched if person is not None]
        form.hidden_matches = len(error.candidates) - len(visible)
        return visible
    attach_error(form, error)
    return []


@bp.route("/")
@requires(Action.LIST_RETURNEES)
def list_returnees():
    form = ReturneeFilterForm(request.args)
    page = registry_page(
        db.session,
        current_user,
        search_from(form),
        request.args.get("after", type=int),
        current_app.config["PAGE_SIZE"],
    )
    args = {k: v for k, v in request.args.items() if k != "after" and v}
    return render_template(
        "returnees/list.html", form=form, page=page, args=args, find=FindForm()
    )


@bp.route("/find", methods=["POST"])
@requires(Action.LIST_RETURNEES)
@limiter.limit(
    lambda: current_app.config["FIND_LIMIT_PER_USER"], key_func=per_user("find")
)
def find_returnee():
    """One person by NIK or phone, among those the user may see: straight to their
    page, or the few who share a phone; never through the URL. Each search is
    recorded (in the processing log of whoever it found), and throttled."""
    find = FindForm()
    matches: list[Returnee] = []
    if find.validate_on_submit():
        search = registry_search_for(find.identifier.data)
        matches = list(
            db.session.scalars(
                search_statement(current_user, search).order_by(Returnee.id).limit(20)
            )
        )
        by = "nik" if search.nik else "phone"
        for person in matches or [None]:
            audit.record_search(db.session, by, person.id if person else None)
        if len(matches) == 1:
            return redirect(
                url_for("returnees.view_returnee", returnee_id=matches[0].id)
            )
        if not matches:
            find.identifier.errors = [
                *find.identifier.errors,
                _("Nobody you may see has this NIK or number."),
            ]
    form = ReturneeFilterForm(formdata=None)
    # No export here: the page lists the few people found, and an export of its
    # (empty) filters would be everyone the user may see.
    return render_template(
        "returnees/list.html",
        form=form,
        find=find,
        args={},
        page=Page(matches, None),
        found=bool(matches),
        exportable=False,
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(Action.REGISTER_RETURNEE)
def register_returnee():
    form = RegistrationForm()
    similar: list[Returnee] = []
    if request.method == "GET" and current_user.scope_province_code:
        form.province_code.data = current_user.scope_province_code
        form.regency_code.data = current_user.scope_regency_code
    if form.validate_on_submit():
        signed = consent.GivenConsent(
            given_purposes(form),
            ConsentMethod.PAPER.value,
            scan=scan_of(form.consent_scan),
            fields=CONSENT_FIELDS,
        )
        with domain_errors() as refused:
            returnee = registry.register_returnee(
                db.session,
                current_user,
                profile_data(form),
                consent=signed,
                now=utcnow(),
                upload_folder=uploads(),
                confirmed_not_duplicate=form.confirm_not_duplicate.data,
            )
        if refused.error is not None:
            similar = duplicate_feedback(form, refused.error)
        else:
            flash(_("%(name)s is registered.", name=returnee.full_name), "success")
            return redirect(url_for("returnees.view_returnee", returnee_id=returnee.id))
    return render_template(
        "returnees/register.html",
        form=form,
        similar=similar,
        wording=consent_rules.WORDING,
        self_registration=False,
    )


#: The latest consent records a profile lists (the consent page has them all).
SHOWN_CONSENT_CHANGES = 3


def _render_profile(returnee: Returnee, *, nik_revealed: bool = False, token=None):
    shown = shown_person(returnee, current_user, nik_revealed=nik_revealed)
    return render_template(
        "returnees/view.html",
        returnee=returnee,
        shown=shown,
        # The region code is part of the NIK: shown with the whole NIK only.
        nik_region=describe_nik_region(shown.nik) if shown.nik_full else None,
        invitation_token=token,
        button=EmptyForm(),
        erasure_form=ErasureRequestForm(),
        erasure=privacy.latest_request(db.session, returnee),
        consent_states=(
            consent.states(returnee, utcnow())
            if can(current_user, Action.VIEW_CONSENTS, returnee)
            else None
        ),
        consent_history=(
            consent.history(returnee)[:SHOWN_CONSENT_CHANGES]
            if can(current_user, Action.VIEW_CONSENTS, returnee)
            else []
        ),
    )


@bp.route("/<int:returnee_id>")
@login_required
def view_returnee(returnee_id: int):
    returnee = load_or_404(Returnee, returnee_id, Action.VIEW_RETURNEE)
    return _render_profile(returnee)


@bp.route("/<int:returnee_id>/nik", methods=["POST"])
@login_required
def reveal_nik(returnee_id: int):
    returnee = load_or_404(Returnee, returnee_id, Action.REVEAL_NIK)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if returnee.user_id != current_user.id:
        audit.record_view(db.session, returnee, ["nik"])
    return _render_profile(returnee, nik_revealed=True)


@bp.route("/<int:returnee_id>/verify", methods=["POST"])
@login_required
def verify_nik(returnee_id: int):
    returnee = load_or_404(Returnee, returnee_id, Action.VERIFY_NIK)
    if not EmptyForm().validate_on_submit():
        abort(400)
    registry.verify_nik(db.session, current_user, returnee, utcnow())
    flash(_("NIK marked as checked against the KTP."), "success")
    return redirect(url_for("returnees.view_returnee", returnee_id=returnee.id))


@bp.route("/<int:returnee_id>/invite", methods=["POST"])
@login_required
def invite_returnee(returnee_id: int):
    returnee = load_or_404(Returnee, returnee_id, Action.INVITE_RETURNEE)
    if not EmptyForm().validate_on_submit():
        abort(400)
    with domain_errors() as refused:
        token = registry.create_invitation(db.session, current_user, returnee, utcnow())
    if refused.error is not None:
        flash(str(refused.error.message), "warning")
        return redirect(url_for("returnees.view_returnee", returnee_id=returnee.id))
    return _render_profile(returnee, token=token)


@bp.route("/<int:returnee_id>/access/reset", methods=["GET", "POST"])
@login_required
def reset_access(returnee_id: int):
    """In person, with the KTP: a temporary code for the returnee's account, shown
    once (docs/password-reset.md)."""
    returnee = load_or_404(Returnee, returnee_id, Action.RESET_ACCESS)
    form = AccessResetForm()
    status = 200
    if form.validate_on_submit() and reauthenticated(form):
        with domain_errors() as refused:
            code = recovery.reset_in_person(
                db.session,
                current_user,
                returnee,
                form.ktp_checked.data,
                form.note.data,
                utcnow(),
            )
        if refused.error is not None:
            attach_error(form, refused.error)
            status = 422
        else:
            response = make_response(
                render_template(
                    "returnees/access_reset_done.html",
                    returnee=returnee,
                    code=recovery.formatted_code(code),
                    hours=recovery.IN_PERSON_HOURS,
                    username=returnee.user.username if returnee.user else "",
                )
            )
            # Shown once: not kept by the browser or a proxy.
            response.headers["Cache-Control"] = "no-store"
            return response
    elif request.method == "POST":
        status = 422
    return render_template(
        "returnees/access_reset.html",
        form=form,
        returnee=returnee,
        shown=shown_person(returnee, current_user),
        hours=recovery.IN_PERSON_HOURS,
    ), status


@bp.route("/<int:returnee_id>/edit", methods=["GET", "POST"])
@login_required
def edit_returnee(returnee_id: int):
    returnee = load_or_404(Returnee, returnee_id, Action.EDIT_RETURNEE)
    form = EditProfileForm(obj=returnee)
    submitted = form.validate_on_submit()
    status = 200
    if submitted and is_stale(form, returnee):
        show_conflict(form, returnee)
        status = 409
    elif submitted and (
        not registry.changes_contact(returnee, profile_data(form, returnee.nik))
        or reauthenticated(form)
    ):
        with domain_errors() as refused:
            registry.update_profile(
                db.session,
                returnee,
                profile_data(form, returnee.nik),
                today=clock.today(),
                actor=current_user,
            )
        if refused.error is not None:
            duplicate_feedback(form, refused.error)
        else:
            flash(_("Saved."), "success")
            return redirect(url_for("returnees.view_returnee", returnee_id=returnee.id))
    return render_template(
        "returnees/edit.html",
        form=form,
        returnee=returnee,
        shown=shown_person(returnee, current_user),
    ), status


@bp.route("/<int:returnee_id>/nik/change", methods=["GET", "POST"])
@login_required
def change_nik(returnee_id: int):
    """Correct the NIK: typed in full, never pre-filled, with the password given
    recently, and recorded."""
    returnee = load_or_404(Returnee, returnee_id, Action.EDIT_NIK)
    form = NikChangeForm()
    status = 200
    if request.method == "GET":
        form.version.data = returnee.version
    elif form.validate_on_submit():
        if is_stale(form, returnee):
            show_conflict(form, returnee)
            status = 409
        elif reauthenticated(form):
            with domain_errors() as refused:
                registry.change_nik(
                    db.session, returnee, form.nik.data, today=clock.today()
                )
            if refused.error is not None:
                error = refused.error
                if isinstance(error, DuplicateNik):
                    error = DomainError("nik", NIK_NOT_REGISTRABLE)
                attach_error(form, error)
                status = 422
            else:
                flash(
                    _("The NIK has been corrected; an official checks it again."),
                    "success",
                )
                return redirect(
                    url_for("returnees.view_returnee", returnee_id=returnee.id)
                )
    return render_template(
        "returnees/nik_change.html",
        form=form,
        returnee=returnee,
        shown=shown_person(returnee, current_user),
    ), status


# Placements and trainings belong to the returnee: loaded through the returnee,
# so one scope check covers them.


def _child_or_404(model, returnee: Returnee, child_id: int):
    child = scope.fetch(db.session, model, child_id)
    if child is None or child.returnee_id != returnee.id:
        abort(404)
    return child


def _placement_data(form: PlacementForm) -> PlacementData:
    return PlacementData(
        **{
            name: getattr(form, name).data
            for name in PlacementData.__dataclass_fields__
        }
    )


def _training_data(form: TrainingForm) -> TrainingData:
    return TrainingData(
        **{name: getattr(form, name).data for name in TrainingData.__dataclass_fields__}
    )


@bp.route("/<int:returnee_id>/placements/new", methods=["GET", "POST"])
@bp.route("/<int:returnee_id>/placements/<int:placement_id>", methods=["GET", "POST"])
@login_required
def edit_placement(returnee_id: int, placement_id: int | None = None):
    returnee = load_or_404(Returnee, returnee_id, Action.EDIT_RETURNEE)
    placement = (
        _child_or_404(Placement, returnee, placement_id) if placement_id else None
    )
    form = PlacementForm(obj=placement)
    status = 200
    if (
        form.validate_on_submit()
        and placement is not None
        and is_stale(form, placement)
    ):
        show_conflict(form, placement)
        status = 409
    elif form.validate_on_submit():
        with domain_errors(form) as refused:
            if placement is None:
                registry.add_placement(
                    db.session, returnee, _placement_data(form), clock.today()
                )
            else:
                registry.update_placement(
                    db.session, placement, _placement_data(form), clock.today()
                )
        if not refused:
            flash(_("Placement saved."), "success")
            return redirect(url_for("returnees.view_returnee", returnee_id=returnee.id))
    return render_template(
        "returnees/placement_form.html",
        form=form,
        returnee=returnee,
        placement=placement,
        button=EmptyForm(),
    ), status


@bp.route("/<int:returnee_id>/placements/<int:placement_id>/delete", methods=["POST"])
@login_required
def delete_placement(returnee_id: int, placement_id: int):
    returnee = load_or_404(Returnee, returnee_id, Action.EDIT_RETURNEE)
    placement = _child_or_404(Placement, returnee, placement_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    registry.delete_placement(db.session, placement)
    flash(_("Placement deleted."), "success")
    return redirect(url_for("returnees.view_returnee", returnee_id=returnee.id))


@bp.route("/<int:returnee_id>/trainings/new", methods=["GET", "POST"])
@bp.route("/<int:returnee_id>/trainings/<int:training_id>", methods=["GET", "POST"])
@login_required
def edit_training(returnee_id: int, training_id: int | None = None):
    returnee = load_or_404(Returnee, returnee_id, Action.EDIT_RETURNEE)
    training = _child_or_404(Training, returnee, training_id) if training_id else None
    form = TrainingForm(obj=training)
    status = 200
    if form.validate_on_submit() and training is not None and is_stale(form, training):
        show_conflict(form, training)
        status = 409
    elif form.validate_on_submit():
        with domain_errors(form) as refused:
            if training is None:
                registry.add_training(
                    db.session, returnee, _training_data(form), clock.today()
                )
            else:
                registry.update_training(
                    db.session, training, _training_data(form), clock.today()
                )
        if not refused:
            flash(_("Training saved."), "success")
            return redirect(url_for("returnees.view_returnee", returnee_id=returnee.id))
    return render_template(
        "returnees/training_form.html",
        form=form,
        returnee=returnee,
        training=training,
        button=EmptyForm(),
    ), status


@bp.route("/<int:returnee_id>/trainings/<int:training_id>/delete", methods=["POST"])
@login_required
def delete_training(returnee_id: int, training_id: int):
    returnee = load_or_404(Returnee, returnee_id, Action.EDIT_RETURNEE)
    training = _child_or_404(Training, returnee, training_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    registry.delete_training(db.session, training)
    flash(_("Training deleted."), "success")
    return redirect(url_for("returnees.view_returnee", returnee_id=returnee.id))


@bp.route("/<int:returnee_id>/journey")
@login_required
def journey(returnee_id: int):
    """One timeline from departure abroad to the business today."""
    from flask import g

    from juragan.reports import journey as journey_report

    returnee = load_or_404(Returnee, returnee_id, Action.VIEW_JOURNEY)
    found = journey_report.build(db.session, returnee, clock.today())
    charts = {
        "timeline": journey_report.timeline_figure(found),
        "revenue": journey_report.revenue_figure(found),
        "balance": journey_report.balance_figure(found),
    }
    g.has_charts = any(charts.values())
    return render_template(
        "returnees/journey.html", returnee=returnee, journey=found, charts=charts
    )


# A person's rights over their data -------------------------------------------------


@bp.route("/<int:returnee_id>/data.<kind>")
@login_required
def own_data(returnee_id: int, kind: str):
    """Everything juragan holds about the signed-in returnee, as JSON or a PDF."""
    returnee = load_or_404(Returnee, returnee_id, Action.DOWNLOAD_OWN_DATA)
    if kind not in ("json", "pdf"):
        abort(404)
    data = privacy.personal_data(db.session, returnee)
    audit.record_view(db.session, returnee, ["all_personal_data"])
    # In the person's processing log before their data leaves in the file.
    db.session.commit()
    headers = {
        "Content-Disposition": f'attachment; filename="data-saya.{kind}"',
        "Cache-Control": "private, no-store",
    }
    if kind == "json":
        body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True)
        return current_app.response_class(
            body, mimetype="application/json", headers=headers
        )
    html = render_template(
        "returnees/own_data.html",
        returnee=returnee,
        sections=own_data_report.readable(db.session, data),
        generated_at=utcnow(),
    )
    return current_app.response_class(
        render_pdf(html), mimetype="application/pdf", headers=headers
    )


@bp.route("/<int:returnee_id>/erasure", methods=["POST"])
@login_required
def request_erasure(returnee_id: int):
    returnee = load_or_404(Returnee, returnee_id, Action.REQUEST_ERASURE)
    form = ErasureRequestForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(url_for("returnees.view_returnee", returnee_id=returnee.id))
    with domain_errors(flash=True) as refused:
        privacy.request_erasure(db.session, returnee, form.reason.data, utcnow())
    if not refused:
        flash(
            _(
                "Your request is with the regional office. You will see the answer "
                "here."
            ),
            "success",
        )
    return redirect(url_for("returnees.view_returnee", returnee_id=returnee.id))


@bp.route("/registration-checks")
@requires(Action.CHECK_REGISTRATIONS)
def registration_checks():
    """Self-registrations of the region that clashed with a record, oldest first."""
    pending = db.session.scalars(
        select(RegistrationCheck)
        .where(RegistrationCheck.status == "pending")
        .order_by(RegistrationCheck.created_at)
        .options(
            selectinload(RegistrationCheck.user),
            selectinload(RegistrationCheck.regency),
        )
        .limit(200)
    ).all()
    return render_template("returnees/registration_checks.html", pending=pending)


@bp.route("/registration-checks/<int:check_id>", methods=["GET", "POST"])
@requires(Action.CHECK_REGISTRATIONS)
def registration_check(check_id: int):
    check = load_or_404(RegistrationCheck, check_id, Action.CHECK_REGISTRATIONS)
    form = RegistrationCheckForm()
    matched = (
        scope.fetch(db.session, Returnee, check.matched_returnee_id)
        if check.matched_returnee_id
        else None
    )
    if check.status == "pending" and form.validate_on_submit():
        now = utcnow()
        with domain_errors(form) as refused:
            if form.decision.data == "link":
                registry.link_to_record(db.session, current_user, check, now)
            elif form.decision.data == "register":
                registry.register_from_check(db.session, current_user, check, now)
            else:
                registry.refuse_check(
                    db.session, current_user, check, form.note.data, now
                )
        if not refused:
            flash(_("The registration has been checked."), "success")
            return redirect(url_for("returnees.registration_checks"))
    return render_template(
        "returnees/registration_check.html",
        check=check,
        form=form,
        matched=matched,
        entered=registry.check_profile_of(check) if check.status == "pending" else None,
    )


@bp.route("/erasure-requests")
@requires(Action.LIST_ERASURE_REQUESTS)
def erasure_requests():
    pending = privacy.pending_requests(db.session, current_user)
    return render_template(
        "returnees/erasure_requests.html", pending=pending, form=ErasureDecisionForm()
    )


@bp.route("/<int:returnee_id>/erasure/decide", methods=["POST"])
@login_required
def decide_erasure(returnee_id: int):
    returnee = load_or_404(Returnee, returnee_id, Action.ERASE_RETURNEE)
    request_ = privacy.pending_request(db.session, returnee)
    form = ErasureDecisionForm()
    if request_ is None:
        abort(404)
    if not form.validate_on_submit():
        flash_errors(form)
        return redirect(url_for("returnees.erasure_requests"))
    with domain_errors(flash=True) as refused:
        if form.decision.data == "erase":
            privacy.erase(
                db.session,
                current_user,
                request_,
                utcnow(),
                current_app.config["UPLOAD_FOLDER"],
            )
        else:
            privacy.refuse_erasure(
                db.session, current_user, request_, form.note.data, utcnow()
            )
    if not refused:
        flash(
            _("The person's data has been erased.")
            if form.decision.data == "erase"
            else _("The request has been refused; the person sees why."),
            "success",
        )
    return redirect(url_for("returnees.erasure_requests"))
