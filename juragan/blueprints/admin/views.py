from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from juragan.blueprints.admin import bp
from juragan.blueprints.admin.forms import (
    AccountFilterForm,
    AccountForm,
    AuditFilterForm,
    BranchForm,
    LenderForm,
)
from juragan.db import scope
from juragan.db.pagination import keyset_page
from juragan.extensions import db
from juragan.models import AuditEntry, Lender, LenderBranch, User
from juragan.policy import Action, scoped
from juragan.reports.audit_trail import AuditFilter, audit_query, shown_changes
from juragan.services import accounts
from juragan.web.access import load_or_404, requires
from juragan.web.forms import EmptyForm, is_stale, show_conflict
from juragan.web.reauth import reauthenticated
from juragan.web.transaction import domain_errors


def _page_args() -> dict[str, str]:
    return {k: v for k, v in request.args.items() if k != "after" and v}


@bp.route("/accounts")
@requires(Action.MANAGE_ACCOUNTS)
def list_accounts():
    form = AccountFilterForm(request.args)
    stmt = scoped(select(User), current_user, User).options(
        selectinload(User.scope_province), selectinload(User.scope_regency)
    )
    if form.validate():
        if form.q.data:
            needle = form.q.data.strip()
            stmt = stmt.where(
                or_(
                    User.full_name.icontains(needle, autoescape=True),
                    User.username.icontains(needle, autoescape=True),
                )
            )
        if form.role.data:
            stmt = stmt.where(User.role == form.role.data)
        if form.status.data:
            stmt = stmt.where(User.is_active_account.is_(form.status.data == "active"))
    page = keyset_page(
        db.session,
        stmt,
        User.id,
        request.args.get("after", type=int),
        current_app.config["PAGE_SIZE"],
    )
    return render_template(
        "admin/accounts.html",
        form=form,
        page=page,
        args=_page_args(),
        button=EmptyForm(),
    )


def _account_data(form: AccountForm, username: str) -> accounts.AccountData:
    return accounts.AccountData(
        username=username,
        full_name=form.full_name.data,
        email=form.email.data or None,
        role=form.role.data,
        scope_province_code=form.scope_province_code.data,
        scope_regency_code=form.scope_regency_code.data,
        lender_branch_id=form.lender_branch_id.data,
    )


@bp.route("/accounts/new", methods=["GET", "POST"])
@requires(Action.MANAGE_ACCOUNTS)
def create_account():
    form = AccountForm()
    if form.validate_on_submit():
        with domain_errors(form) as refused:
            user = accounts.create_account(
                db.session, _account_data(form, form.username.data), form.password.data
            )
        if not refused:
            flash(_("Account %(username)s created.", username=user.username), "success")
            return redirect(url_for("admin.list_accounts"))
    return render_template("admin/account_form.html", form=form, account=None)


@bp.route("/accounts/<int:user_id>", methods=["GET", "POST"])
@requires(Action.MANAGE_ACCOUNTS)
def edit_account(user_id: int):
    user = load_or_404(User, user_id, Action.MANAGE_ACCOUNTS)
    form = AccountForm(obj=user, editing=True)
    if request.method == "GET":
        form.role.data = user.role.value
    new_email = (form.email.data or "").strip().lower() or None
    status = 200
    if form.validate_on_submit() and is_stale(form, user):
        show_conflict(form, user)
        status = 409
    elif form.validate_on_submit() and (
        new_email == user.email or reauthenticated(form)
    ):
        with domain_errors(form) as refused:
            accounts.update_account(
                db.session, user, _account_data(form, user.username)
            )
        if not refused:
            flash(_("Account %(username)s saved.", username=user.username), "success")
            return redirect(url_for("admin.list_accounts"))
    return render_template(
        "admin/account_form.html", form=form, account=user, button=EmptyForm()
    ), status


@bp.route("/accounts/<int:user_id>/active", methods=["POST"])
@requires(Action.MANAGE_ACCOUNTS)
def set_account_active(user_id: int):
    user = load_or_404(User, user_id, Action.MANAGE_ACCOUNTS)
    if not EmptyForm().validate_on_submit():
        flash(
            _("The form expired or was sent twice. Please submit it again."), "danger"
        )
        return redirect(url_for("admin.edit_account", user_id=user.id))
    activate = request.form.get("active") == "1"
    with domain_errors() as refused:
        accounts.set_active(db.session, current_user, user, activate)
    if refused.error is not None:
        flash(str(refused.error.message), "danger")
    else:
        if activate:
            flash(
                _("Account %(username)s reactivated.", username=user.username),
                "success",
            )
        else:
            flash(
                _("Account %(username)s deactivated.", username=user.username),
                "success",
            )
    return redirect(url_for("admin.edit_account", user_id=user.id))


@bp.route("/lenders", methods=["GET", "POST"])
@requires(Action.MANAGE_ACCOUNTS)
def lenders():
    """The lenders and their branches: bank officers are put in a branch."""
    form = BranchForm()
    if form.validate_on_submit():
        with domain_errors(form) as refused:
            accounts.add_branch(
                db.session,
                form.lender_code.data,
                form.name.data,
                form.province_code.data,
                form.regency_code.data,
            )
        if not refused:
            flash(_("Branch added."), "success")
            return redirect(url_for("admin.lenders"))
    rows = db.session.scalars(
        select(Lender)
        # Each branch is shown with its province and regency.
        .options(
            selectinload(Lender.branches).options(
                selectinload(LenderBranch.province), selectinload(LenderBranch.regency)
            )
        )
        .order_by(Lender.name)
    ).all()
    return render_template("admin/lenders.html", lenders=rows, form=form)


@bp.route("/lenders/<code>", methods=["GET", "POST"])
@requires(Action.MANAGE_ACCOUNTS)
def edit_lender(code: str):
    """A lender's settings: the days its officers have to decide (the work queue
    flags a decision later than that) and its repayment capacity threshold."""
    lender = scope.fetch(db.session, Lender, code)
    if lender is None:
        abort(404)
    form = LenderForm(obj=lender)
    if form.validate_on_submit():
        with domain_errors(form) as refused:
            accounts.update_lender(
                db.session,
                lender,
                form.decision_sla_days.data,
                form.min_repayment_coverage.data,
            )
        if not refused:
            flash(_("Settings of %(lender)s saved.", lender=lender.name), "success")
            return redirect(url_for("admin.lenders"))
    status = 422 if form.errors else 200
    return render_template("admin/lender_form.html", form=form, lender=lender), status


@bp.route("/audit")
@requires(Action.VIEW_AUDIT)
def audit_log():
    form = AuditFilterForm(request.args)
    filters = AuditFilter()
    if form.validate():
        filters = AuditFilter(
            table=form.table.data or None,
            action=form.action.data or None,
            actor_username=form.actor.data or None,
            object_id=form.object_id.data,
            date_from=form.date_from.data,
            date_to=form.date_to.data,
        )
    page = keyset_page(
        db.session,
        audit_query(filters),
        AuditEntry.id,
        request.args.get("after", type=int),
        current_app.config["PAGE_SIZE"],
        newest_first=True,
    )
    return render_template(
        "admin/audit.html",
        form=form,
        page=page,
        args=_page_args(),
        shown_changes=shown_changes,
    )
