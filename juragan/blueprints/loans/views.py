from datetime import date

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select

from juragan import clock
from juragan.blueprints.loans import bp, event_views
from juragan.blueprints.loans.forms import (
    DecisionForm,
    DisbursementForm,
    DocumentForm,
    LoanFilterForm,
    PaymentForm,
    PaymentImportForm,
    PrepaymentForm,
    QueueFilterForm,
    ReasonForm,
    RestructureForm,
    SimulatorForm,
)
from juragan.db import audit, inventory, loan_reading, plan_reading, scope
from juragan.domain import loan_lifecycle
from juragan.domain.kur_rules import RULE_SETS, rule_set
from juragan.domain.regions import country_name
from juragan.extensions import db
from juragan.models import (
    Business,
    BusinessPlan,
    LoanApplication,
    LoanDocument,
    Returnee,
    utcnow,
)
from juragan.policy import Action, can, may_ever
from juragan.reports import loan_losses as loss_reports
from juragan.reports import loan_queue
from juragan.reports import loans as loan_reports
from juragan.reports import plans as plan_reports
from juragan.services import lender_desk, loans, payment_files
from juragan.services.loans import EXTENSIONS, ApplicationData, Declared, Disbursement
from juragan.spreadsheets import MIMETYPES
from juragan.web.access import load_or_404, requires
from juragan.web.forms import EmptyForm, flash_errors
from juragan.web.shown import shown_person
from juragan.web.stored_files import send_stored
from juragan.web.transaction import domain_errors


def _uploads() -> str:
    return current_app.config["UPLOAD_FOLDER"]


def _loan(loan_id: int, action: Action) -> LoanApplication:
    """The loan for ``action``; a form sent from an older version of the loan page
    is refused with a 409 (someone else moved the application meanwhile)."""
    if request.method == "POST":
        seen = load_or_404(LoanApplication, loan_id, Action.VIEW_LOAN)
        stale = request.form.get("version") != str(seen.version)
        if stale and may_ever(current_user, action, seen):
            abort(409)
    return load_or_404(LoanApplication, loan_id, action)


def _to_loan(loan: LoanApplication):
    return redirect(url_for("loans.view_loan", loan_id=loan.id))


def _records(returnee: Returnee):
    businesses = db.session.scalars(
        select(Business).where(Business.returnee_id == returnee.id)
    ).all()
    plans = db.session.scalars(
        select(BusinessPlan).where(BusinessPlan.returnee_id == returnee.id)
    ).all()
    options = [(f"b{b.id}", _("Business: %(name)s", name=b.name)) for b in businesses]
    options += [
        (f"p{p.id}", _("Plan: %(name)s", name=p.business_name))
        for p in plans
        if p.business is None
    ]
    locale = str(get_locale() or "id")
    placements = [
        (str(p.id), f"{country_name(p.country_code, locale)} · {p.departure_date:%Y}")
        for p in returnee.placements
    ]
    return options, placements


def _linked(form: SimulatorForm):
    """The records the form's choice names, as far as the user may see them (the
    plan a business rests on is :func:`loans.simulate`'s to add)."""
    ref = form.business_ref.data or ""
    business = (
        scope.fetch(db.session, Business, int(ref[1:])) if ref.startswith("b") else None
    )
    plan = (
        scope.fetch(db.session, BusinessPlan, int(ref[1:]))
        if ref.startswith("p")
        else None
    )
    placement_id = int(form.placement_id.data) if form.placement_id.data else None
    return business, plan, placement_id


def _plan_asked(returnee: Returnee) -> BusinessPlan | None:
    """The plan of ``?plan=``: one of the returnee's that the user may see, else a
    404 (the id in the address is never trusted)."""
    plan_id = request.args.get("plan", type=int)
    if plan_id is None:
        return None
    plan = load_or_404(BusinessPlan, plan_id, Action.VIEW_PLAN)
    if plan.returnee_id != returnee.id:
        abort(404)
    return plan


def _fill_from_plan(form: SimulatorForm, plan: BusinessPlan) -> bool:
    """Fill the request in from the KUR the plan asks for; whether it asks for one
    to simulate (an amount and a tenor)."""
    asked = plan_reading.kur_request(plan)
    form.kind.data = "business"
    form.business_ref.data = f"b{plan.business.id}" if plan.business else f"p{plan.id}"
    form.amount_idr.data = asked.amount_idr or None
    form.tenor_months.data = asked.tenor_months
    form.purpose.data = asked.purpose
    form.lean_months.data = [str(m) for m in asked.lean_months]
    return bool(asked.amount_idr and asked.tenor_months)


def _request_of(form: SimulatorForm) -> ApplicationData:
    """The request as the form has it: what is simulated is what is applied for."""
    business, plan, placement_id = _linked(form)
    declared = Declared(
        has_npwp=form.has_npwp.data,
        other_credit=tuple(form.other_credit.data or ()),
        other_credit_current=not form.other_credit_late.data,
        kur_elsewhere={
            "mikro": form.kur_mikro_elsewhere.data or 0,
            "kecil": form.kur_kecil_elsewhere.data or 0,
        },
        has_offtaker=form.has_offtaker.data,
        family_consent=form.family_consent.data,
    )
    return ApplicationData(
        kind=form.kind.data,
        scheme=form.scheme.data or "",
        lender=form.lender.data,
        amount_idr=form.amount_idr.data,
        tenor_months=form.tenor_months.data,
        purpose=form.purpose.data,
        declared=declared,
        npwp=form.npwp.data,
        business_id=business.id if business else None,
        plan_id=plan.id if plan else None,
        placement_id=placement_id,
        grace_months=form.grace_months.data or 0,
        lean_months=frozenset(int(m) for m in form.lean_months.data or ()),
    )


@bp.route("/simulator/<int:returnee_id>", methods=["GET", "POST"])
@login_required
def simulator(returnee_id: int):
    """Try amounts and tenors, see which schemes fit and the schedule an application
    would get, then apply. Opened from a plan (``?plan=``) it is filled from the
    plan and simulated at once. Those who look after the person simulate for them;
    only the person and their mentor apply."""
    returnee = load_or_404(Returnee, returnee_id, Action.SIMULATE_KUR)
    applying = request.method == "POST" and request.form.get("then") == "apply"
    if applying and not can(current_user, Action.APPLY_KUR, returnee):
        abort(403)
    plan = _plan_asked(returnee)
    business_options, placement_options = _records(returnee)
    form = SimulatorForm(
        business_options=business_options, placement_options=placement_options
    )
    run = form.validate_on_submit()
    if request.method == "GET":
        if plan is not None:
            run = _fill_from_plan(form, plan)
        elif business_options:
            form.business_ref.data = business_options[0][0]
    # The person's own date, whoever looks: everyone sees the same figures.
    today = clock.date_in(returnee.province_code)
    simulation = None
    if run:
        with domain_errors(form) as refused:
            simulation = loans.simulate(
                db.session,
                returnee,
                _request_of(form),
                today,
                applicant=current_user if applying else None,
            )
            # A refused application still shows its simulation: the refusal is
            # raised here so that what it wrote is undone and its fields marked.
            if simulation.refusal is not None:
                raise simulation.refusal
        if not refused and simulation and simulation.application is not None:
            flash(
                _(
                    "Application saved as a draft. Attach the documents, then submit it."
                ),
                "success",
            )
            return _to_loan(simulation.application)
    shown = simulation.shown_scheme(form.scheme.data) if simulation else None
    if shown is not None and not form.scheme.data:
        form.scheme.data = shown
    return render_template(
        "loans/simulator.html",
        returnee=returnee,
        form=form,
        plan=plan,
        today=today,
        simulation=simulation,
        advice=simulation.advice if simulation else None,
        shown=shown,
        schedule=simulation.schedules[shown] if shown else None,
        instalments=simulation.instalments if simulation else {},
    )


@bp.route("/")
@requires(Action.LIST_LOANS)
def list_loans():
    form = LoanFilterForm(request.args)
    status = form.status.data if form.validate() else None
    today = clock.today()
    if status == "arrears":
        late = loan_reports.arrears_page(
            db.session,
            current_user,
            today,
            loan_reports.ArrearsCursor.parse(request.args.get("after")),
            current_app.config["PAGE_SIZE"],
        )
        return render_template(
            "loans/list.html",
            form=form,
            late=late,
            page=None,
            args={"status": status},
            today=today,
        )
    page = loan_reports.loans_page(
        db.session,
        current_user,
        status,
        request.args.get("after", type=int),
        current_app.config["PAGE_SIZE"],
    )
    args = {"status": status} if status else {}
    return render_template(
        "loans/list.html", form=form, page=page, late=None, args=args, today=today
    )


@bp.route("/queue")
@requires(Action.VIEW_LOAN_QUEUE)
def queue():
    """The lender's desk: its applications waiting for the documents' check, the
    decision or the disbursement, the longest-waiting first; a decision past the
    lender's service level is flagged."""
    form = QueueFilterForm(
        request.args, regencies=loan_queue.regencies_in_scope(db.session, current_user)
    )
    form.validate()  # a value that is not valid is shown beside its field, unused
    overdue = bool(form.value("overdue", False))
    # Only a decision can be overdue: "overdue only" is a view of the first tab.
    tab = "verified" if overdue else form.value("state", loan_queue.DEFAULT_TAB)
    filters = loan_queue.QueueFilter(
        tab=tab,
        scheme=form.value("scheme"),
        regency_code=form.value("regency"),
        name=form.value("q"),
        overdue_only=overdue,
    )
    today, province = clock.today(), clock.province_of(current_user)
    slas = loan_queue.decision_slas(db.session)
    page = loan_queue.queue_page(
        db.session,
        current_user,
        filters,
        today,
        province,
        slas,
        loan_queue.Cursor.parse(form.value("after")),
        current_app.config["PAGE_SIZE"],
    )
    counts = loan_queue.queue_counts(
        db.session, current_user, today, province, slas, filters
    )
    narrowing = {
        "scheme": filters.scheme,
        "regency": filters.regency_code,
        "q": filters.name,
    }
    narrowing = {key: value for key, value in narrowing.items() if value}
    shown = {"state": tab, **narrowing, **({"overdue": "y"} if overdue else {})}
    return render_template(
        "loans/queue.html",
        form=form,
        filters=filters,
        page=page,
        counts=counts,
        today=today,
        narrowing=narrowing,
        args=shown,
        sla_days=slas.get(current_user.lender_code or ""),
    )


@bp.route("/mine")
@login_required
def my_loans():
    returnee = db.session.scalar(
        select(Returnee).where(Returnee.user_id == current_user.id)
    )
    if returnee is None:
        abort(404)
    return redirect(url_for("loans.returnee_loans", returnee_id=returnee.id))


@bp.route("/for/<int:returnee_id>")
@login_required
def returnee_loans(returnee_id: int):
    returnee = load_or_404(Returnee, returnee_id, Action.VIEW_RETURNEE)
    found = db.session.scalars(
        select(LoanApplication)
        .where(LoanApplication.returnee_id == returnee.id)
        .order_by(LoanApplication.id.desc())
    ).all()
    visible = [loan for loan in found if can(current_user, Action.VIEW_LOAN, loan)]
    # The active plan, when it asks for a KUR: the simulator opens filled from it.
    kur_plans = [
        plan
        for plan in plan_reports.plans_of(db.session, returnee)[:1]
        if plan.is_active
        and can(current_user, Action.VIEW_PLAN, plan)
        and plan_reading.kur_request(plan).amount_idr
    ]
    return render_template(
        "loans/returnee_loans.html",
        returnee=returnee,
        loans=visible,
        kur_plans=kur_plans,
        penalties=loan_reading.penalties_owed_by_loan(
            db.session, visible, clock.today()
        ),
    )


def _loan_page(
    loan: LoanApplication,
    on: date,
    status: int = 200,
    number_revealed: bool = False,
    **forms,
):
    """The loan page; a form that failed comes back with its errors (422)."""
    today = clock.today()
    standing = loan_reading.standing(loan, on)
    chart = loan_reports.schedule_chart(loan)
    g.has_charts = chart is not None
    payment = forms.pop("payment_form", None)
    if payment is None:
        payment = PaymentForm(formdata=None)
        payment.paid_on.data = today
        if standing is not None and standing.next_due is not None:
            payment.amount_idr.data = standing.next_due.owed_idr
    disbursement = forms.pop("disbursement_form", None)
    if disbursement is None:
        disbursement = DisbursementForm(formdata=None)
        disbursement.amount_idr.data = loan.amount_requested_idr
        disbursement.akad_on.data = disbursement.disbursed_on.data = today
        disbursement.first_due_on.data = loans.preview_first_due(today)
        disbursement.grace_months.data = loan.grace_months
    prepayment = forms.pop("prepayment_form", None) or PrepaymentForm(formdata=None)
    if prepayment.prepaid_on.data is None:
        prepayment.prepaid_on.data = today
    restructuring = forms.pop("restructure_form", None)
    if restructuring is None:
        restructuring = RestructureForm(formdata=None)
        restructuring.on.data = today
        restructuring.first_due_on.data = loans.preview_first_due(today)
        restructuring.tenor_months.data = max(
            1, len([i for i in loan.instalments if i.due_on > today])
        )
    decision = forms.pop("decision_form", None) or DecisionForm(formdata=None)
    page_forms = {
        "document_form": DocumentForm(),
        "reason_form": ReasonForm(),
        "decision_form": decision,
        "disbursement_form": disbursement,
        "payment_form": payment,
        "prepayment_form": prepayment,
        "restructure_form": restructuring,
    }
    for form in page_forms.values():
        # Every action says which version of the application it was made on.
        form.version.data = loan.version
    # The payoff on any day from disbursement: ?quote_on=2027-01-15.
    quote_on = max(
        request.args.get("quote_on", type=_iso_date) or today,
        loan.disbursed_on or today,
    )
    payoff = (
        loan_reading.quote(loan, quote_on)
        if loan.status in loan_reading.LIVE_STATES and loan.instalments
        else None
    )
    # The decision file, for everyone but the applicant (who reads where the
    # application stands).
    desk = (
        lender_desk.brief(db.session, loan, today)
        if loan.status in DESK_STATES and loan.returnee.user_id != current_user.id
        else None
    )
    extras = event_views.page_extras(loan, on, forms)
    return render_template(
        "loans/view.html",
        loan=loan,
        standing=standing,
        today=today,
        on=on,
        desk=desk,
        shown=shown_person(loan.returnee, current_user),
        required_documents=loan_reading.required_documents(loan),
        desk_timeline=lender_desk.timeline(loan, extras.get("checks", []))
        if desk
        else [],
        first_approval=next((a for a in loan.approvals if a.step == 1), None),
        payoff=payoff,
        revisions=loan_reports.schedule_history(loan),
        # Late penalties are a balance of their own, owed on top of the payoff.
        payoff_penalties=loan_reading.penalties_owed(loan, payoff.on) if payoff else 0,
        missing=loan_reading.missing_documents(loan),
        chart=chart,
        **page_forms,
        button=EmptyForm(),
        # The number itself only to those who see it anyway (the person's carers),
        # or to a lender's officer once the reveal is recorded.
        reminder=loan_reports.whatsapp_reminder(loan, standing)
        if standing
        and (number_revealed or can(current_user, Action.VIEW_CONTACT, loan.returnee))
        else None,
        rules=rule_set(loan.rule_set),
        **extras,
    ), status


#: The states in which the decision file shows: from sending to disbursement.
DESK_STATES = loan_lifecycle.AT_THE_DESK


def _iso_date(value: str) -> date:
    """A date from the query string, within the years a loan can have (else the
    default applies: ``type=`` turns a ValueError into "not given")."""
    day = date.fromisoformat(value)
    if not 2000 <= day.year <= 2100:
        raise ValueError(value)
    return day


@bp.route("/<int:loan_id>")
@login_required
def view_loan(loan_id: int):
    loan = _loan(loan_id, Action.VIEW_LOAN)
    # Standing on any day: ?on=2026-03-01 replays the payments made up to then.
    on = request.args.get("on", type=_iso_date) or clock.today()
    return _loan_page(loan, on)


@bp.route("/<int:loan_id>/remind", methods=["POST"])
@login_required
def remind_borrower(loan_id: int):
    """A lender's officer asks for the borrower's number to remind them: the reveal
    is recorded in the borrower's processing log, then the reminder link shows."""
    loan = _loan(loan_id, Action.REMIND_BORROWER)
    if not EmptyForm().validate_on_submit():
        abort(400)
    audit.record_view(db.session, loan.returnee, ["phone", "payment_reminder"])
    return _loan_page(loan, clock.today(), number_revealed=True)


@bp.route("/<int:loan_id>/documents", methods=["POST"])
@login_required
def upload_document(loan_id: int):
    loan = _loan(loan_id, Action.EDIT_LOAN)
    form = DocumentForm()
    if form.validate_on_submit():
        upload = form.file.data
        with domain_errors(flash=True) as refused:
            loans.attach_document(
                db.session,
                current_user,
                loan,
                form.doc_type.data,
                upload.filename,
                upload.read(),
                _uploads(),
                utcnow(),
            )
        if not refused:
            flash(_("Document attached."), "success")
    else:
        flash_errors(form)
    return _to_loan(loan)


@bp.route("/<int:loan_id>/documents/<int:document_id>")
@login_required
def download_document(loan_id: int, document_id: int):
    loan = _loan(loan_id, Action.VIEW_LOAN)
    document = scope.fetch(db.session, LoanDocument, document_id)
    if document is None or document.loan_id != loan.id:
        abort(404)
    path = inventory.path_of("loan_document", document.stored_name, _uploads())
    if not path.is_file():
        abort(404)
    if loan.returnee.user_id != current_user.id:
        audit.record_view(db.session, document, ["file"])
        # In the processing log before the file goes out.
        db.session.commit()
    # ``?view=1`` opens it in the browser (a PDF or an image: the only kinds
    # accepted, recognised by their first bytes when attached).
    inline = request.args.get("view") == "1" and document.content_type in EXTENSIONS
    return send_stored(
        path,
        mimetype=document.content_type,
        as_attachment=not inline,
        download_name=document.original_name,
        max_age=0,
    )


def _step(loan_id: int, action: Action, run, done: str):
    loan = _loan(loan_id, action)
    form = ReasonForm()
    if not form.validate_on_submit():
        abort(400)
    with domain_errors(flash=True) as refused:
        run(loan, (form.reason.data or "").strip() or None)
    if not refused:
        flash(done, "success")
    return _to_loan(loan)


@bp.route("/<int:loan_id>/submit", methods=["POST"])
@login_required
def submit_loan(loan_id: int):
    return _step(
        loan_id,
        Action.SUBMIT_LOAN,
        lambda loan, _r: loans.submit(db.session, current_user, loan, utcnow()),
        _("Application submitted."),
    )


@bp.route("/<int:loan_id>/withdraw", methods=["POST"])
@login_required
def withdraw_loan(loan_id: int):
    return _step(
        loan_id,
        Action.WITHDRAW_LOAN,
        lambda loan, r: loans.withdraw(db.session, current_user, loan, utcnow(), r),
        _("Application withdrawn."),
    )


@bp.route("/<int:loan_id>/verify", methods=["POST"])
@login_required
def verify_loan(loan_id: int):
    if request.form.get("then") == "return":
        return _step(
            loan_id,
            Action.VERIFY_LOAN,
            lambda loan, r: loans.return_for_documents(
                db.session, current_user, loan, utcnow(), r or ""
            ),
            _("Returned to the applicant."),
        )
    return _step(
        loan_id,
        Action.VERIFY_LOAN,
        lambda loan, r: loans.verify(db.session, current_user, loan, utcnow(), r),
        _("Documents checked: the application goes to the bank."),
    )


@bp.route("/<int:loan_id>/decide", methods=["POST"])
@login_required
def decide_loan(loan_id: int):
    """The bank's decision; over an exception the first officer's approval waits
    for a second officer's (four eyes). A refusal comes back beside the field."""
    loan = _loan(loan_id, Action.DECIDE_LOAN)
    form = DecisionForm()
    if form.validate_on_submit():
        with domain_errors(form) as refused:
            outcome = loans.decide(
                db.session,
                current_user,
                loan,
                form.decision.data == "approve",
                form.reason.data,
                utcnow(),
            )
        if not refused:
            flash(
                _(
                    "Your approval is recorded: a second officer of the bank gives "
                    "the other."
                )
                if outcome == loans.AWAITING_SECOND
                else _("Decision recorded."),
                "success",
            )
            return _to_loan(loan)
    elif "csrf_token" in form.errors or "version" in form.errors:
        abort(400)
    return _loan_page(loan, clock.today(), 422, decision_form=form)


@bp.route("/<int:loan_id>/disburse", methods=["POST"])
@login_required
def disburse_loan(loan_id: int):
    loan = _loan(loan_id, Action.DISBURSE_LOAN)
    form = DisbursementForm()
    if form.validate_on_submit():
        now = utcnow()
        with domain_errors(form) as refused:
            loans.disburse(
                db.session,
                current_user,
                loan,
                Disbursement(
                    form.amount_idr.data,
                    form.akad_on.data,
                    form.disbursed_on.data,
                    form.first_due_on.data,
                    form.grace_months.data,
                ),
                clock.today(now),
                now,
            )
        if not refused:
            flash(_("Disbursement recorded; the schedule is ready."), "success")
            return _to_loan(loan)
    return _loan_page(loan, clock.today(), 422, disbursement_form=form)


@bp.route("/<int:loan_id>/payments", methods=["POST"])
@login_required
def record_payment(loan_id: int):
    loan = _loan(loan_id, Action.RECORD_PAYMENT)
    form = PaymentForm()
    if form.validate_on_submit():
        now = utcnow()
        with domain_errors(form) as refused:
            loans.record_payment(
                db.session,
                current_user,
                loan,
                form.paid_on.data,
                form.amount_idr.data,
                clock.today(now),
                now,
                form.reference.data,
            )
        if not refused:
            flash(_("Payment recorded."), "success")
            return _to_loan(loan)
    return _loan_page(loan, clock.today(), 422, payment_form=form)


@bp.route("/<int:loan_id>/prepay", methods=["POST"])
@login_required
def prepay_loan(loan_id: int):
    """Money paid ahead: a partial prepayment laid out again, or the payoff."""
    loan = _loan(loan_id, Action.RECORD_PAYMENT)
    form = PrepaymentForm()
    if form.validate_on_submit():
        now = utcnow()
        with domain_errors(form) as refused:
            payment = loans.prepay(
                db.session,
                current_user,
                loan,
                form.prepaid_on.data,
                form.amount_idr.data,
                clock.today(now),
                now,
                form.option.data,
                form.reference.data,
            )
        if not refused:
            flash(
                _("Paid off: the loan is closed.")
                if payment.kind == "payoff"
                else _("Prepayment recorded; the schedule is laid out again."),
                "success",
            )
            return _to_loan(loan)
    return _loan_page(loan, clock.today(), 422, prepayment_form=form)


@bp.route("/<int:loan_id>/restructure", methods=["POST"])
@login_required
def restructure_loan(loan_id: int):
    loan = _loan(loan_id, Action.RESTRUCTURE_LOAN)
    form = RestructureForm()
    if form.validate_on_submit():
        now = utcnow()
        with domain_errors(form) as refused:
            loans.restructure(
                db.session,
                current_user,
                loan,
                loans.RestructuringTerms(
                    on=form.on.data,
                    treatment=form.treatment.data,
                    tenor_months=form.tenor_months.data,
                    first_due_on=form.first_due_on.data,
                    grace_months=form.grace_months.data or 0,
                    reference=form.reference.data,
                ),
                form.reason.data or "",
                clock.today(now),
                now,
            )
        if not refused:
            flash(_("Restructuring recorded; the new schedule is in force."), "success")
            return _to_loan(loan)
    return _loan_page(loan, clock.today(), 422, restructure_form=form)


@bp.route("/<int:loan_id>/write-off", methods=["POST"])
@login_required
def write_off_loan(loan_id: int):
    return _step(
        loan_id,
        Action.WRITE_OFF_LOAN,
        lambda loan, r: loans.write_off(
            db.session, current_user, loan, utcnow(), r or ""
        ),
        _("Write-off recorded."),
    )


@bp.route("/<int:loan_id>/schedule.<kind>")
@login_required
def download_schedule(loan_id: int, kind: str):
    if kind not in ("csv", "xlsx"):
        abort(404)
    loan = _loan(loan_id, Action.VIEW_LOAN)
    if not loan.instalments:
        abort(404)
    return current_app.response_class(
        loan_reports.schedule_file(loan, kind),
        mimetype=MIMETYPES[kind],
        headers={
            "Content-Disposition": f'attachment; filename="jadwal-kur-{loan.id}.{kind}"'
        },
    )


@bp.route("/payments/import", methods=["GET", "POST"])
@requires(Action.IMPORT_PAYMENTS)
def import_payments():
    form = PaymentImportForm()
    report = None
    if form.validate_on_submit():
        upload = form.file.data
        now = utcnow()
        with domain_errors(form):
            report = payment_files.import_payments(
                db.session,
                current_user,
                upload.filename,
                upload.read(),
                clock.today(now),
                now,
            )
    return render_template("loans/import_payments.html", form=form, report=report)


@bp.route("/rules")
@requires(Action.VIEW_KUR_RULES)
def kur_rules():
    return render_template("loans/rules.html", rule_sets=RULE_SETS, today=clock.today())


@bp.route("/portfolio")
@requires(Action.LIST_LOANS)
def portfolio():
    on = request.args.get("on", type=date.fromisoformat) or clock.today()
    return render_template(
        "loans/portfolio.html",
        on=on,
        npl=loan_reports.portfolio_npl(db.session, current_user, on),
        losses=loss_reports.losses_by_lender(db.session, current_user),
    )
