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

from juragan import consent_rules, delivery
from juragan.blueprints.auth import bp, devices
from juragan.blueprints.auth.forms import (
    ContactCodeForm,
    ContactForm,
    LanguageForm,
    LoginForm,
    NewPasswordForm,
    PasswordChangeForm,
    ResetCodeForm,
    ResetRequestForm,
)
from juragan.domain import disclosure
from juragan.errors import DomainError
from juragan.extensions import db, limiter
from juragan.models import utcnow
from juragan.services import accounts, recovery, registry
from juragan.web import throttle
from juragan.web.forms import EmptyForm, attach_error
from juragan.web.person_forms import (
    CONSENT_FIELDS,
    AcceptInvitationForm,
    SelfRegistrationForm,
    given_purposes,
    profile_data,
)
from juragan.web.reauth import reauthenticated
from juragan.web.transaction import domain_errors


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
        else:
            # The temporary code an official gave in person, typed as the password:
            # the person chooses their own password before anything else.
            code = recovery.redeem_in_person_code(
                db.session, form.username.data, form.password.data, utcnow()
            )
            # A wrong code counts against it whatever the request does next.
            db.session.commit()
            if code is not None:
                throttle.clear(*limits[0])
                _hold_confirmed_code(code)
                flash(
                    _(
                        "Choose your own password now. The temporary code works "
                        "only until you have."
                    ),
                    "info",
                )
                return redirect(url_for("auth.choose_new_password"))
        if user is None:
            form.password.errors.append(_("Wrong username or password."))
        else:
            # A language picked on the sign-in page becomes the account's language.
            chosen_locale = session.get("locale")
            if chosen_locale and chosen_locale != user.locale:
                accounts.set_locale(db.session, user, chosen_locale)
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
        # Ended on the server before the cookie goes: should this commit fail, the
        # person is still signed in rather than out with their session still live.
        db.session.commit()
    logout_user()
    session.clear()
    # The sign-in page that follows stays in the language the person reads.
    session["locale"] = locale
    flash(_("You have signed out."), "info")
    response = redirect(url_for("auth.login"))
    # Visit drafts (with their photos) kept on this phone go with the session, so
    # the next person to use it never finds them: the page's own script deletes
    # them before it signs out; this header does it again where the browser
    # honours it (a secure origin), should the script not have run.
    response.headers["Clear-Site-Data"] = '"storage"'
    return response


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
        with domain_errors() as refused:
            accounts.set_locale(db.session, current_user, locale)
        if refused.error is not None:
            flash(str(refused.error.message), "danger")
    return redirect(target)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordChangeForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        with domain_errors(form) as refused:
            accounts.change_own_password(
                db.session, user, form.current_password.data, form.new_password.data
            )
        if not refused:
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
        with domain_errors() as refused:
            made = registry.self_register(
                db.session,
                form.password.data,
                profile_data(form),
                purposes=given_purposes(form),
                now=utcnow(),
            )
        if refused.error is not None:
            # Only the person's own entries can be wrong here: nothing is said of
            # anyone else (a NIK or a person registered already goes to a check).
            attach_error(form, _on_fields(refused.error))
        else:
            sign_in(made.user)
            # The same words whether a record was made or a check was opened.
            flash(
                _(
                    "Welcome to juragan, %(name)s. Your username is %(username)s: "
                    "write it down. The BP3MI office checks every registration "
                    "against the KTP.",
                    name=made.user.full_name,
                    username=made.user.username,
                ),
                "success",
            )
            return redirect(url_for("main.home"))
    return render_template(
        "returnees/register.html",
        form=form,
        similar=[],
        wording=consent_rules.WORDING,
        self_registration=True,
    )


def _on_fields(error: DomainError) -> DomainError:
    """A consent problem shown beside the registry box."""
    error.errors = [
        (CONSENT_FIELDS.get(name, name) if name else name, message)
        for name, message in error.errors
    ]
    return error


@bp.route("/invite/<token>", methods=["GET", "POST"])
def accept_invitation(token: str):
    invitation = registry.find_invitation(db.session, token, utcnow())
    if invitation is None:
        return render_template("auth/invitation_invalid.html"), 404
    form = AcceptInvitationForm()
    if current_user.is_authenticated and request.method == "GET":
        # Opening a link signs nobody out: the page asks the signed-in person to
        # sign out first (or to pass the link on).
        return render_template(
            "auth/invitation.html",
            form=form,
            returnee=invitation.returnee,
            signed_in=True,
        )
    if form.validate_on_submit():
        if current_user.is_authenticated:
            # The one accepting is someone else: the current session ends first.
            if g.get("user_session") is not None:
                accounts.end_session(db.session, g.user_session, "logout", utcnow())
                # Ended whatever becomes of the acceptance: the cookie goes now.
                db.session.commit()
            logout_user()
            session.clear()
        with domain_errors(form) as refused:
            user = registry.accept_invitation(
                db.session, invitation, form.username.data, form.password.data, utcnow()
            )
        if not refused:
            sign_in(user)
            flash(_("Welcome to juragan, %(name)s.", name=user.full_name), "success")
            return redirect(url_for("main.home"))
    return render_template(
        "auth/invitation.html", form=form, returnee=invitation.returnee
    )


# A forgotten password (docs/password-reset.md) -------------------------------------

#: The browser's hold on a confirmed reset code: its id and account.
RESET_HOLD = "password_reset"
#: What the person typed on the request page, for the code page that follows.
RESET_FOR = "password_reset_for"


def deliver_after_response(response, messages: list[delivery.Message]):
    """Send ``messages`` once ``response`` has gone out: the page answers as fast
    whether or not anything is sent (nothing to time), and a slow mail server
    holds up nobody's page."""
    if messages:
        config = dict(current_app.config)
        response.call_on_close(lambda: [delivery.send(config, m) for m in messages])
    return response


def _hold_confirmed_code(code) -> None:
    locale = session.get("locale")
    session.clear()
    if locale:
        session["locale"] = locale
    session[RESET_HOLD] = {"code": code.id, "user": code.user_id}


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_LIMIT_PER_IP"], methods=["POST"])
def forgot_password():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = ResetRequestForm()
    if form.validate_on_submit():
        target = recovery.find_reset_target(db.session, form.identifier.data)
        # Per account and per name typed: past the allowance nothing is sent, and
        # the page says the same (a limit reached tells nothing either).
        limit = parse(current_app.config["RESET_LIMIT_PER_ACCOUNT"])
        keys = [("reset", target.key)]
        if target.user is not None:
            keys.append(("reset-account", str(target.user.id)))
        allowed = all([throttle.hit(limit, *key) for key in keys])
        messages = recovery.start_reset(db.session, target, utcnow()) if allowed else []
        # Stored before the message that carries the code is handed to the mailer.
        db.session.commit()
        session.pop(RESET_HOLD, None)
        session[RESET_FOR] = form.identifier.data.strip()
        flash(
            _(
                "If this is the username, e-mail or phone number of an account with "
                "a verified e-mail or phone number, a code is on its way there. It "
                "works for %(minutes)d minutes.",
                minutes=recovery.CODE_MINUTES,
            ),
            "info",
        )
        return deliver_after_response(
            redirect(url_for("auth.enter_reset_code")), messages
        )
    return render_template("auth/forgot.html", form=form)


@bp.route("/password/code", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["RESET_CODE_LIMIT_PER_IP"], methods=["POST"])
def enter_reset_code():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    identifier = session.get(RESET_FOR)
    if not isinstance(identifier, str) or not identifier:
        return redirect(url_for("auth.forgot_password"))
    form = ResetCodeForm()
    if form.validate_on_submit():
        code = recovery.confirm_reset_code(
            db.session, identifier, form.code.data, utcnow()
        )
        # A wrong try counts, whatever the request does next.
        db.session.commit()
        if code is None:
            form.code.errors = [*form.code.errors, str(recovery.WRONG_CODE)]
        else:
            _hold_confirmed_code(code)
            return redirect(url_for("auth.choose_new_password"))
    return render_template("auth/reset_code.html", form=form, identifier=identifier)


@bp.route("/password/new", methods=["GET", "POST"])
# Each try checks a password hash: bounded per address like the code's entry.
@limiter.limit(lambda: current_app.config["RESET_CODE_LIMIT_PER_IP"], methods=["POST"])
def choose_new_password():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    held = session.get(RESET_HOLD)
    code = None
    if isinstance(held, dict) and all(
        isinstance(held.get(k), int) for k in ("code", "user")
    ):
        code = recovery.confirmed_code(db.session, held["code"], held["user"], utcnow())
    if code is None:
        session.pop(RESET_HOLD, None)
        flash(_("This code no longer works. Ask for a new one."), "warning")
        return redirect(url_for("auth.forgot_password"))
    form = NewPasswordForm()
    if form.validate_on_submit():
        with domain_errors(form) as refused:
            recovery.finish_reset(db.session, code, form.new_password.data, utcnow())
        if not refused:
            session.pop(RESET_HOLD, None)
            flash(
                _(
                    "Your password has been changed and every device is signed out. "
                    "Sign in with the new password."
                ),
                "success",
            )
            return redirect(url_for("auth.login"))
    return render_template("auth/new_password.html", form=form)


# Verified contacts -------------------------------------------------------------------


def _contact_forms(user, kind: str, value_form=None, code_form=None):
    value = recovery.contact_of(db.session, user, kind)
    shown = (disclosure.phone(value, full=True) if kind == "phone" else value) or ""
    value_form = value_form or ContactForm(prefix=kind, value=shown)
    value_form.value.label.text = (
        _("Phone number") if kind == "phone" else _("E-mail address")
    )
    return {
        "kind": kind,
        "value": shown,
        "verified": recovery.is_verified(db.session, user, kind),
        "pending": recovery.live_code(
            db.session, user, (recovery.VERIFY,), utcnow(), contact_kind=kind
        )
        is not None,
        "form": value_form,
        "code_form": code_form or ContactCodeForm(prefix=f"{kind}-code"),
    }


def _render_contacts(user, status: int = 200, **override):
    kinds = recovery.contact_kinds(user)
    rows = [_contact_forms(user, kind, *override.get(kind, ())) for kind in kinds]
    return render_template(
        "auth/contacts.html", rows=rows, minutes=recovery.CODE_MINUTES
    ), status


@bp.route("/account/contacts")
@login_required
def contacts():
    return _render_contacts(current_user._get_current_object())


def _kind_or_404(user, kind: str) -> str:
    if kind not in recovery.contact_kinds(user):
        abort(404)
    return kind


@bp.route("/account/contacts/<kind>/code", methods=["POST"])
@login_required
def contact_code(kind: str):
    """Save an e-mail or phone number (the password is asked again when it
    changes) and send it a code to prove it is the person's."""
    user = current_user._get_current_object()
    kind = _kind_or_404(user, kind)
    form = ContactForm(prefix=kind)
    if not form.validate_on_submit():
        return _render_contacts(user, 422, **{kind: (form, None)})
    with domain_errors(form) as refused:
        value = recovery.normalise_contact(kind, form.value.data)
    if refused:
        return _render_contacts(user, 422, **{kind: (form, None)})
    changed = value != recovery.contact_of(db.session, user, kind)
    if changed and not reauthenticated(form):
        return _render_contacts(user, 422, **{kind: (form, None)})
    limit = parse(current_app.config["CONTACT_CODE_LIMIT_PER_USER"])
    if not throttle.hit(limit, "contact-code", str(user.id)):
        form.value.errors = [
            *form.value.errors,
            _("Many codes were asked for already. Wait an hour, then try again."),
        ]
        return _render_contacts(user, 429, **{kind: (form, None)})
    with domain_errors(form) as refused:
        if changed:
            recovery.set_contact(db.session, user, kind, value)
        message = recovery.send_verification(db.session, user, kind, utcnow())
    if refused:
        return _render_contacts(user, 422, **{kind: (form, None)})
    # Stored before the message that carries the code is handed to the mailer.
    db.session.commit()
    flash(
        _(
            "A code is on its way to %(where)s. Type it below.",
            where=form.value.data.strip(),
        ),
        "info",
    )
    return deliver_after_response(
        redirect(url_for("auth.contacts") + f"#{kind}"), [message]
    )


@bp.route("/account/contacts/<kind>/verify", methods=["POST"])
@login_required
def verify_contact(kind: str):
    user = current_user._get_current_object()
    kind = _kind_or_404(user, kind)
    form = ContactCodeForm(prefix=f"{kind}-code")
    if not form.validate_on_submit():
        return _render_contacts(user, 422, **{kind: (None, form)})
    try:
        recovery.verify_contact(db.session, user, kind, form.code.data, utcnow())
    except DomainError as error:
        # A wrong try counts, though the answer is an error (422).
        db.session.commit()
        attach_error(form, error)
        return _render_contacts(user, 422, **{kind: (None, form)})
    flash(
        _(
            "Verified. A code to choose a new password can be sent here if you "
            "ever forget yours."
        ),
        "success",
    )
    return redirect(url_for("auth.contacts"))
