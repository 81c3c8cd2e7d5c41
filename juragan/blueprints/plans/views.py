from decimal import Decimal

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
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy import select

from juragan import clock
from juragan.blueprints.plans import bp
from juragan.blueprints.plans.forms import (
    SECTION_FORMS,
    SPARE_ROWS,
    CapitalForm,
    CommentForm,
    CompareForm,
    FundingForm,
    KbliSearchForm,
    NewPlanForm,
    ProjectionForm,
    QuickFillForm,
    ReadyForm,
    VerifyProposalForm,
)
from juragan.db import plan_reading, scope
from juragan.db.plan_reading import SECTION_FIELDS
from juragan.domain import kbli
from juragan.domain.codes import PlanSection
from juragan.domain.kur_rules import PRODUCTION_LINES
from juragan.extensions import db, limiter
from juragan.models import BusinessPlan, PlanComment, Returnee, utcnow
from juragan.models.business_codes import MAX_PROJECTION_MONTHS
from juragan.policy import Action, can
from juragan.reports import plans as plan_reports
from juragan.reports import proposal as proposal_reports
from juragan.reports.proposal import PROPOSAL_LOCALE
from juragan.services import plans
from juragan.services.plans import MONTH_FIELDS, LineItem, MonthInput
from juragan.web.access import load_or_404, per_user, requires
from juragan.web.forms import (
    EmptyForm,
    attach_error,
    flash_errors,
    is_stale,
    show_conflict,
)
from juragan.web.transaction import domain_errors


def _plan(plan_id: int, action: Action) -> BusinessPlan:
    return load_or_404(BusinessPlan, plan_id, action)


def _to_plan(plan: BusinessPlan, anchor: str | None = None):
    return redirect(url_for("plans.view_plan", plan_id=plan.id, _anchor=anchor))


def _post_button_or_400() -> None:
    if not EmptyForm().validate_on_submit():
        abort(400)


@bp.route("/")
@requires(Action.LIST_PLANS)
def list_plans():
    """Plans in the user's scope, by state: a mentor's review queue, a bank's inbox."""
    status = request.args.get("status") or None
    page = plan_reports.plans_page(
        db.session,
        current_user,
        status,
        request.args.get("after", type=int),
        current_app.config["PAGE_SIZE"],
    )
    args = {"status": status} if status else {}
    return render_template("plans/list.html", page=page, status=status, args=args)


@bp.route("/mine")
@login_required
def my_plans():
    returnee = db.session.scalar(
        select(Returnee).where(Returnee.user_id == current_user.id)
    )
    if returnee is None:
        abort(404)
    return redirect(url_for("plans.returnee_plans", returnee_id=returnee.id))


@bp.route("/for/<int:returnee_id>", methods=["GET", "POST"])
@login_required
def returnee_plans(returnee_id: int):
    returnee = load_or_404(Returnee, returnee_id, Action.VIEW_RETURNEE)
    if request.method == "POST":
        returnee = load_or_404(Returnee, returnee_id, Action.CREATE_PLAN)
    form = NewPlanForm()
    if form.validate_on_submit():
        with domain_errors(form) as refused:
            plan = plans.create_plan(
                db.session,
                current_user,
                returnee,
                form.business_name.data,
                form.sector.data,
            )
        if not refused:
            flash(
                _("Plan started. Fill it in part by part; each part saves."), "success"
            )
            return redirect(
                url_for("plans.edit_section", plan_id=plan.id, section="business")
            )
    visible = [
        plan
        for plan in plan_reports.plans_of(db.session, returnee)
        if can(current_user, Action.VIEW_PLAN, plan)
    ]
    return render_template(
        "plans/returnee_plans.html", returnee=returnee, plans=visible, form=form
    )


@bp.route("/<int:plan_id>")
@login_required
def view_plan(plan_id: int):
    plan = _plan(plan_id, Action.VIEW_PLAN)
    return _plan_page(plan, ReadyForm())


def _plan_page(plan: BusinessPlan, ready_form: ReadyForm, status: int = 200):
    figures = plan_reading.figures_of(plan)
    versions = plan.versions
    compare = CompareForm(request.args)
    compare.left.choices = compare.right.choices = [
        (v.number, _("Version %(n)s", n=v.number)) for v in versions
    ]
    if len(versions) >= 2 and not request.args.get("left"):
        compare.left.data, compare.right.data = versions[-2].number, versions[-1].number
    chart = plan_reports.projection_chart(figures)
    g.has_charts = chart is not None
    return render_template(
        "plans/view.html",
        plan=plan,
        figures=figures,
        balance_message=plan_reading.balance_message(figures),
        done=plan_reading.completeness(plan),
        comments=plan_reports.open_comments(plan),
        comment_form=CommentForm(),
        compare=compare,
        chart=chart,
        button=EmptyForm(),
        readiness=plan_reading.readiness(db.session, plan),
        ready_form=ready_form,
    ), status


@bp.route("/<int:plan_id>/edit/<section>", methods=["GET", "POST"])
@login_required
def edit_section(plan_id: int, section: str):
    if section not in SECTION_FORMS:
        abort(404)
    plan = _plan(plan_id, Action.EDIT_PLAN)
    form = SECTION_FORMS[section](obj=plan)
    status = 200
    chosen = kbli.subclass(request.args.get("kbli_code"))
    if section == "business" and request.method == "GET" and chosen is not None:
        form.kbli_code.data = chosen.code  # picked on the search page
    if form.validate_on_submit() and is_stale(form, plan):
        show_conflict(form, plan)
        status = 409
    elif form.validate_on_submit():
        values = {
            name: getattr(form, name).data
            for name in SECTION_FIELDS[section]
            if name in form
        }
        with domain_errors(form) as refused:
            plans.save_section(db.session, plan, section, values, clock.today())
        if not refused:
            flash(_("Saved."), "success")
            return _next_step(plan, section)
    return render_template(
        "plans/section_form.html",
        plan=plan,
        form=form,
        section=section,
        comments=plan_reports.open_comments(plan)[section],
        suggestion=plans.suggested_subclass(form.sector.data or plan.sector)
        if section == "business"
        else None,
    ), status


@bp.route("/<int:plan_id>/kbli")
@login_required
def find_kbli(plan_id: int):
    """Look up a KBLI 2025 subclass by words; each answer links back to the form."""
    plan = _plan(plan_id, Action.EDIT_PLAN)
    form = KbliSearchForm(request.args)
    results = None
    if form.q.data and form.validate():
        results = kbli.search(form.q.data, limit=kbli.MAX_RESULTS)
    return render_template(
        "plans/kbli_search.html",
        plan=plan,
        form=form,
        results=results,
        suggestion=plans.suggested_subclass(plan.sector),
    )


def _next_step(plan: BusinessPlan, section: str):
    """After saving a part, go on to the next one (or back to the plan)."""
    if request.form.get("then") == "next":
        order = list(PlanSection.values())
        following = order[order.index(section) + 1 :]
        if following:
            return redirect(plan_reports.section_url(plan, following[0]))
    return _to_plan(plan, section)


def _lines(form) -> list[LineItem]:
    return [
        LineItem(
            entry.form.kind.data,
            entry.form.description.data,
            entry.form.amount_idr.data,
        )
        for entry in form.items.entries
    ]


def _offer_rows(form, stored) -> None:
    """Fill a fresh line-item form from the stored rows, plus a few blank ones."""
    while len(form.items.entries):
        form.items.pop_entry()
    for line in stored:
        form.items.append_entry(line)
    for _row in range(SPARE_ROWS):
        form.items.append_entry()


@bp.route("/<int:plan_id>/capital", methods=["GET", "POST"])
@login_required
def edit_capital(plan_id: int):
    plan = _plan(plan_id, Action.EDIT_PLAN)
    form = CapitalForm(data={"version": plan.version})
    status = 200
    if form.validate_on_submit() and is_stale(form, plan):
        show_conflict(form, plan)
        status = 409
    elif form.validate_on_submit():
        with domain_errors(form) as refused:
            plans.save_capital(db.session, plan, _lines(form))
        if not refused:
            flash(_("Saved."), "success")
            if request.form.get("then") == "more":
                return redirect(url_for("plans.edit_capital", plan_id=plan.id))
            return _next_step(plan, "capital")
    elif request.method == "GET":
        _offer_rows(form, plan.capital_items)
    return render_template(
        "plans/lines_form.html",
        plan=plan,
        form=form,
        section="capital",
        figures=plan_reading.figures_of(plan),
        comments=plan_reports.open_comments(plan)["capital"],
    ), status


@bp.route("/<int:plan_id>/funding", methods=["GET", "POST"])
@login_required
def edit_funding(plan_id: int):
    plan = _plan(plan_id, Action.EDIT_PLAN)
    form = FundingForm(
        data={
            "kur_tenor_months": plan.kur_tenor_months,
            "kur_rate_percent": plan.kur_rate_percent,
            "kur_lean_months": [str(m) for m in plan.kur_lean_months or ()],
            "version": plan.version,
        }
    )
    status = 200
    if form.validate_on_submit() and is_stale(form, plan):
        show_conflict(form, plan)
        status = 409
    elif form.validate_on_submit():
        with domain_errors(form) as refused:
            plans.save_funding(
                db.session,
                plan,
                _lines(form),
                form.kur_tenor_months.data,
                form.kur_rate_percent.data,
                [int(m) for m in form.kur_lean_months.data or ()],
            )
        if not refused:
            flash(_("Saved."), "success")
            if request.form.get("then") == "more":
                return redirect(url_for("plans.edit_funding", plan_id=plan.id))
            return _next_step(plan, "funding")
    elif request.method == "GET":
        _offer_rows(form, plan.funding_sources)
    figures = plan_reading.figures_of(plan)
    return render_template(
        "plans/lines_form.html",
        plan=plan,
        form=form,
        section="funding",
        figures=figures,
        balance_message=plan_reading.balance_message(figures),
        comments=plan_reports.open_comments(plan)["funding"],
        seasonal=plan.sector in PRODUCTION_LINES,
    ), status


@bp.route("/<int:plan_id>/projection", methods=["GET", "POST"])
@login_required
def edit_projection(plan_id: int):
    plan = _plan(plan_id, Action.EDIT_PLAN)
    form = ProjectionForm(data={"version": plan.version})
    quick = QuickFillForm(prefix="quick")
    status = 200
    if request.method == "POST" and "quick-month_count" in request.form:
        # Start from one typical month: the rows are filled in, not yet saved.
        if quick.validate_on_submit():
            rows = plans.fill_months(
                MonthInput(
                    **{name: getattr(quick, name).data for name in MONTH_FIELDS}
                ),
                quick.growth_percent.data or Decimal(0),
                quick.month_count.data,
            )
            form = ProjectionForm(formdata=None, data={"version": plan.version})
            _offer_months(form, rows, quick.month_count.data)
            flash(_("Months filled in. Adjust any month, then save."), "info")
    elif form.validate_on_submit() and is_stale(form, plan):
        show_conflict(form, plan)
        status = 409
    elif form.validate_on_submit():
        rows = [
            MonthInput(**{name: entry.form[name].data for name in MONTH_FIELDS})
            for entry in form.months.entries
        ]
        with domain_errors(form) as refused:
            plans.save_projection(db.session, plan, form.month_count.data, rows)
        if not refused:
            flash(_("Saved."), "success")
            return _to_plan(plan, "figures")
    elif request.method == "GET":
        stored = [
            MonthInput(m.sales_idr, m.cogs_idr, m.operating_costs_idr, m.owner_draw_idr)
            for m in plan.months
        ]
        _offer_months(form, stored, plan.projection_months)
        quick.month_count.data = plan.projection_months
    return render_template(
        "plans/projection_form.html",
        plan=plan,
        form=form,
        quick=quick,
        comments=plan_reports.open_comments(plan)["projections"],
    ), status


def _offer_months(form, rows, count: int) -> None:
    while len(form.months.entries):
        form.months.pop_entry()
    for index in range(MAX_PROJECTION_MONTHS):
        row = rows[index] if index < len(rows) else None
        form.months.append_entry(vars(row) if row else None)
    form.month_count.data = count


# The workflow ------------------------------------------------------------------


@bp.route("/<int:plan_id>/submit", methods=["POST"])
@login_required
def submit_plan(plan_id: int):
    plan = _plan(plan_id, Action.SUBMIT_PLAN)
    _post_button_or_400()
    with domain_errors(flash=True) as refused:
        version = plans.submit_plan(db.session, current_user, plan, utcnow())
    if refused:
        return _to_plan(plan)
    flash(_("Version %(n)s submitted for review.", n=version.number), "success")
    return _to_plan(plan)


def _workflow_step(plan_id: int, action: Action, step, message: str):
    plan = _plan(plan_id, action)
    _post_button_or_400()
    with domain_errors(flash=True) as refused:
        step(db.session, plan)
    if not refused:
        flash(message, "success")
    return _to_plan(plan)


@bp.route("/<int:plan_id>/review", methods=["POST"])
@login_required
def start_review(plan_id: int):
    return _workflow_step(
        plan_id, Action.REVIEW_PLAN, plans.start_review, _("Review started.")
    )


@bp.route("/<int:plan_id>/ready", methods=["POST"])
@login_required
def mark_ready(plan_id: int):
    """Declare the plan ready; below the lender's threshold, only with a reason
    (else the plan page again, the message beside the reason's field)."""
    plan = _plan(plan_id, Action.MARK_PLAN_READY)
    form = ReadyForm()
    if not form.validate_on_submit():
        if "csrf_token" in form.errors:
            abort(400)
        return _plan_page(plan, form, 422)
    with domain_errors() as refused:
        plans.mark_ready(
            db.session, plan, form.ready_reason.data, current_user, utcnow()
        )
    if refused.error is not None:
        if not any(name for name, _message in refused.error.errors):
            flash_errors(refused.error)
            return _to_plan(plan)
        attach_error(form, refused.error)
        return _plan_page(plan, form, 422)
    flash(_("The plan is ready for the bank."), "success")
    return _to_plan(plan)


@bp.route("/<int:plan_id>/reopen", methods=["POST"])
@login_required
def reopen_plan(plan_id: int):
    return _workflow_step(
        plan_id,
        Action.REOPEN_PLAN,
        plans.reopen_plan,
        _("The plan is a draft again; submit it when the changes are done."),
    )


@bp.route("/<int:plan_id>/activate", methods=["POST"])
@login_required
def activate_plan(plan_id: int):
    plan = _plan(plan_id, Action.CREATE_PLAN)
    _post_button_or_400()
    plans.make_active(db.session, plan)
    flash(_("This is now the active plan."), "success")
    return _to_plan(plan)


@bp.route("/<int:plan_id>/comments", methods=["POST"])
@login_required
def add_comment(plan_id: int):
    plan = _plan(plan_id, Action.REVIEW_PLAN)
    form = CommentForm()
    if not form.validate_on_submit():
        flash_errors(form)
        return _to_plan(plan, "comments")
    with domain_errors(flash=True) as refused:
        plans.add_comment(
            db.session, current_user, plan, form.section.data, form.body.data, utcnow()
        )
    if not refused:
        flash(_("Comment added."), "success")
    return _to_plan(plan, "comments")


@bp.route("/<int:plan_id>/comments/<int:comment_id>/resolve", methods=["POST"])
@login_required
def resolve_comment(plan_id: int, comment_id: int):
    plan = _plan(plan_id, Action.RESOLVE_PLAN_COMMENT)
    comment = scope.fetch(db.session, PlanComment, comment_id)
    if comment is None or comment.plan_id != plan.id:
        abort(404)
    _post_button_or_400()
    plans.resolve_comment(db.session, comment, utcnow())
    return _to_plan(plan, "comments")


# Versions and the proposal ---------------------------------------------------------


@bp.route("/<int:plan_id>/compare")
@login_required
def compare_versions(plan_id: int):
    plan = _plan(plan_id, Action.VIEW_PLAN)
    by_number = {v.number: v for v in plan.versions}
    left = by_number.get(request.args.get("left", type=int))
    right = by_number.get(request.args.get("right", type=int))
    if left is None or right is None:
        abort(404)
    rows = plan_reports.compare_versions(left.content, right.content)
    only_changes = request.args.get("all") != "1"
    return render_template(
        "plans/compare.html",
        plan=plan,
        left=left,
        right=right,
        rows=[r for r in rows if r.changed] if only_changes else rows,
        only_changes=only_changes,
    )


def _proposal_source(plan: BusinessPlan):
    """What the proposal shows: the version declared ready, else the current draft."""
    if plan.status == "ready" and plan.last_version is not None:
        return plan.last_version.content, plan.last_version
    return plan_reading.content_of(plan), None


def _proposal_document(plan: BusinessPlan) -> tuple[str, dict]:
    """The proposal's document, always in Indonesian: a bank reads it whatever
    language the person who prints it uses."""
    content, version = _proposal_source(plan)
    with force_locale(PROPOSAL_LOCALE):
        context = proposal_reports.proposal_context(db.session, plan, content, version)
        html = render_template("plans/_proposal_document.html", **context)
    return html, context


@bp.route("/<int:plan_id>/proposal")
@login_required
def proposal(plan_id: int):
    plan = _plan(plan_id, Action.VIEW_PLAN)
    document, context = _proposal_document(plan)
    return render_template(
        "plans/proposal.html",
        document=Markup(document),  # noqa: S704 - rendered by Jinja with autoescape
        plan=plan,
        document_locale=PROPOSAL_LOCALE,
        business_name=context["text"]["business_name"],
    )


@bp.route("/<int:plan_id>/proposal.pdf")
@login_required
def proposal_pdf(plan_id: int):
    plan = _plan(plan_id, Action.VIEW_PLAN)
    document, context = _proposal_document(plan)
    with force_locale(PROPOSAL_LOCALE):
        html = render_template(
            "plans/proposal_pdf.html",
            document=Markup(document),  # noqa: S704 - rendered by Jinja with autoescape
            business_name=context["text"]["business_name"],
        )
    pdf = plan_reports.render_pdf(html)
    name = plan_reports.pdf_filename(plan, context["version"])
    return current_app.response_class(
        pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'inline; filename="{name}"',
            "Cache-Control": "private, no-store",
        },
    )


@bp.route("/verify", methods=["GET", "POST"])
@requires(Action.VERIFY_PROPOSAL)
@limiter.limit(
    lambda: current_app.config["VERIFY_LIMIT_PER_USER"],
    key_func=per_user("verify-proposal"),
    methods=["POST"],
)
def verify_proposal():
    """A bank checks a printed proposal against the system: the id and check value
    at the foot of its pages must match a version of a plan the officer may see."""
    form = VerifyProposalForm()
    result = None
    checked = False
    if form.validate_on_submit():
        checked = True
        result = proposal_reports.verify(
            db.session, form.document_id.data, form.check_value.data
        )
    return render_template(
        "plans/verify.html", form=form, result=result, checked=checked
    )
