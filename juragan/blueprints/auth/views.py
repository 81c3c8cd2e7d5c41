from typing import Any
from urllib.parse import urlsplit

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_required, login_user, logout_user
from limits import parse

from juragan import throttle
from juragan.blueprints.auth import bp, devices
from juragan.blueprints.auth.forms import (
    EmptyForm,
    LanguageForm,
    LoginForm,
    PasswordChangeForm,
)
from juragan.blueprints.returnees.forms import (
    AcceptInvitationForm,
    SelfRegistrationForm,
)
from juragan.blueprints.returnees.views import profile_data
from juragan.errors import DomainError
from juragan.extensions import db, limiter
from juragan.forms import attach_error
from juragan.models import utcnow
from juragan.services import accounts, registry


def safe_next(target: str | None) -> str | None:
    """Only same-site paths are followed after sign-in (no open redirect)."""
    if not target:
        return None
    parts = urlsplit(target)
    if (
        parts.scheme
        or parts.netloc
        or not target.startswith("/")
        or target.startswith("//")
    ):
        return None
    if "\\" in target:
        return None
    return target


def sign_in(user) -> None:
    """Start a server-side session for ``user`` in a fresh cookie (no fixation)."""
    session.clear()
    accounts.start_session(db.session, user, utcnow(), request.user_agent.string)
    db.session.commit()
    login_user(user)


def _login_limits() -> list[tuple[Any, str]]:
    """The allowances a sign-in attempt uses, each with its key.

    Per account and per known browser: attempts from browsers the account does not
    know share one allowance, each known browser has its own (an attacker cannot
    lock the owner out of their phone). Per address too, for browsers the account
    does not know (an office behind one address is not held back by its own).
    """
    config = current_app.config
    username = accounts.normalise_username(request.form.get("username", ""))
    device = devices.known_device(username)
    account = f"login-account:{username}:" + (
        f"device:{device}" if device else "unknown"
    )
    limits = [(parse(config["LOGIN_LIMIT_PER_ACCOUNT"]), account)]
    if device is None:
        limits.append(
            (parse(config["LOGIN_LIMIT_PER_IP"]), "login-ip:" + get_remote_address())
        )
    return limits


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        # Every attempt is counted before its password is checked, so that guesses
        # sent all at once are counted all the same.
        limits = _login_limits()
        if not all([throttle.hit(item, key) for item, key in limits]):
            abort(429)
        user = accounts.authenticate(db.session, form.username.data, form.password.data)
        if user is not None:
            # Signing in is not guessing: the account's allowance is whole again.
            throttle.clear(*limits[0])
        if user is None:
            form.password.errors.append(_("Wrong username or password."))
        else:
            # A language picked on the sign-in page becomes the account's language.
            chosen_locale = session.get("locale")
            if chosen_locale and chosen_locale != user.locale:
                accounts.set_locale(db.session, user, chosen_locale)
            db.session.commit()
            sign_in(user)
            flash(_("Welcome, %(name)s.", name=user.full_name), "success")
            response = redirect(
                safe_next(request.args.get("next")) or url_for("main.home")
            )
            devices.remember_device(response, user.username)
            return response
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("main.home"))
    locale = current_user.locale
    if g.get("user_session") is not None:
        accounts.end_session(db.session, g.user_session, "logout", utcnow())
        db.session.commit()
    logout_user()
    session.clear()
    # The sign-in page that follows stays in the language the person reads.
    session["locale"] = locale
    flash(_("You have signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/language", methods=["POST"])
def set_language():
    form = LanguageForm()
    target = safe_next(form.next.data) or url_for("main.home")
    if not form.validate_on_submit():
        flash(_("Unknown language."), "danger")
        return redirect(target)
    locale = form.locale.data
    session["locale"] = locale
    if current_user.is_authenticated:
        try:
            accounts.set_locale(db.session, current_user, locale)
        except DomainError as error:
            flash(str(error.message), "danger")
            return redirect(target)
        db.session.commit()
    return redirect(target)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        try:
            accounts.change_own_password(
                db.session, user, form.current_password.data, form.new_password.data
            )
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            # Every session has ended, copies of this cookie too: a new one here.
            sign_in(user)
            flash(
                _("Your password has been changed. Other devices are signed out."),
                "success",
            )
            return redirect(url_for("main.home"))
    return render_template("auth/password.html", form=form)


@bp.route("/register", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_LIMIT_PER_IP"], methods=["POST"])
def register():
    """Self-registration: a returnee creates their account and profile together."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = SelfRegistrationForm()
    if form.validate_on_submit():
        try:
            made = registry.self_register(
                db.session,
                form.password.data,
                profile_data(form),
                consent=form.consent.data,
                consent_text=str(registry.CONSENT_PURPOSE),
                now=utcnow(),
            )
        except DomainError as error:
            # Only the person's own entries can be wrong here: nothing is said of
            # anyone else (a NIK or a person registered already goes to a check).
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            sign_in(made.user)
            # The same words whether a record was made or a check was opened.
            flash(_("Welcome to juragan, %(name)s. Your username is %(username)s: "
                    "write it down. The BP3MI office checks every registration "
                    "against the KTP.", name=made.user.full_name,
                    username=made.user.username), "success")  # fmt: skip
            return redirect(url_for("main.home"))
    return render_template(
        "returnees/register.html",
        form=form,
        similar=[],
        consent_text=registry.CONSENT_PURPOSE,
        self_registration=True,
    )


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    invitation = registry.find_invitation(db.session, token, utcnow())
    if invitation is None:
        return render_template("auth/invitation_invalid.html"), 404
    form = AcceptInvitationForm()
    if current_user.is_authenticated and request.method == "GET":
        # Opening a link signs nobody out: the page asks the signed-in person to
        # sign out first (or to pass the link on).
        return render_template("auth/invitation.html", form=form,
                               returnee=invitation.returnee, signed_in=True)  # fmt: skip
    if form.validate_on_submit():
        if current_user.is_authenticated:
            # The one accepting is someone else: the current session ends first.
            if g.get("user_session") is not None:
                accounts.end_session(db.session, g.user_session, "logout", utcnow())
                db.session.commit()
            logout_user()
            session.clear()
        try:
            user = registry.accept_invitation(
                db.session, invitation, form.username.data, form.password.data, utcnow()
            )
        except DomainError as error:
            db.session.rollback()
            attach_error(form, error)
        else:
            db.session.commit()
            sign_in(user)
            flash(_("Welcome to juragan, %(name)s.", name=user.full_name), "success")
            return redirect(url_for("main.home"))
    return render_template(
        "auth/invitation.html", form=form, returnee=invitation.returnee
    )
