"""A business: opened from a plan, then followed through its changes of state."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from juragan import clock
from juragan.blueprints.plans import bp
from juragan.blueprints.plans.forms import BusinessForm, StatusForm
from juragan.extensions import db
from juragan.models import Business, BusinessPlan, utcnow
from juragan.policy import Action
from juragan.services import businesses
from juragan.services.businesses import BusinessData
from juragan.web.access import load_or_404
from juragan.web.forms import is_stale, show_conflict
from juragan.web.transaction import domain_errors


def _data(form: BusinessForm) -> BusinessData:
    return BusinessData(
        opened_on=form.opened_on.data,
        nib=form.nib.data,
        workers_family=form.workers_family.data,
        workers_paid=form.workers_paid.data,
        district=form.district.data,
    )


@bp.route("/<int:plan_id>/open-business", methods=["GET", "POST"])
@login_required
def open_business(plan_id: int):
    plan = load_or_404(BusinessPlan, plan_id, Action.OPEN_BUSINESS)
    form = BusinessForm(data={"district": plan.district})
    if form.validate_on_submit():
        now = utcnow()
        with domain_errors(form) as refused:
            business = businesses.open_business(
                db.session, current_user, plan, _data(form), clock.today(now), now
            )
        if not refused:
            flash(_("Congratulations: the business is open."), "success")
            return redirect(url_for("plans.view_business", business_id=business.id))
    return render_template("businesses/open.html", plan=plan, form=form)


@bp.route("/businesses/<int:business_id>", methods=["GET", "POST"])
@login_required
def view_business(business_id: int):
    business = load_or_404(Business, business_id, Action.VIEW_BUSINESS)
    if request.method == "POST":
        business = load_or_404(Business, business_id, Action.CHANGE_BUSINESS)
    form = StatusForm(current=business.status, data={"version": business.version})
    status = 200
    if form.validate_on_submit() and is_stale(form, business):
        show_conflict(form, business)
        status = 409
    elif form.validate_on_submit():
        now = utcnow()
        with domain_errors(form) as refused:
            businesses.change_status(
                db.session,
                current_user,
                business,
                form.to_status.data,
                form.changed_on.data,
                clock.today(now),
                now,
                close_reason=form.close_reason.data,
                note=form.note.data,
            )
        if not refused:
            flash(_("The change of state is recorded."), "success")
            return redirect(url_for("plans.view_business", business_id=business.id))
    elif not form.is_submitted():
        form.changed_on.data = clock.today()
    return render_template("businesses/view.html", business=business, form=form), status


@bp.route("/businesses/<int:business_id>/edit", methods=["GET", "POST"])
@login_required
def edit_business(business_id: int):
    business = load_or_404(Business, business_id, Action.CHANGE_BUSINESS)
    form = BusinessForm(obj=business)
    status = 200
    if form.validate_on_submit() and is_stale(form, business):
        show_conflict(form, business)
        status = 409
    elif form.validate_on_submit():
        with domain_errors(form) as refused:
            businesses.update_business(db.session, business, _data(form), clock.today())
        if not refused:
            flash(_("Saved."), "success")
            return redirect(url_for("plans.view_business", business_id=business.id))
    return render_template("businesses/edit.html", business=business, form=form), status
