"""Sensitive changes (a phone number, an e-mail) need the password given recently."""

from __future__ import annotations

from typing import Any

from flask import current_app, g
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from limits import parse
from wtforms import PasswordField
from wtforms.validators import Optional

from juragan.errors import DomainError
from juragan.extensions import db
from juragan.models import utcnow
from juragan.services import accounts
from juragan.web import throttle
from juragan.web.forms import attach_error


def confirm_password_field(label: Any = None) -> PasswordField:
    return PasswordField(
        label or _l("Your own password (needed to change a phone number or e-mail)"),
        validators=[Optional()],
        render_kw={"autocomplete": "current-password"},
    )


def reauthenticated(form: Any) -> bool:
    """Whether the signed-in person gave their password in the last few minutes, or
    gives it now in ``form.confirm_password``; otherwise the error goes there."""
    now = utcnow()
    row = g.get("user_session")
    limits = current_app.config["SESSION_LIMITS"]
    if accounts.recently_authenticated(row, now, limits):
        return True
    password = form.confirm_password.data
    if not password:
        form.confirm_password.errors = [
            *form.confirm_password.errors,
            str(_l("Enter your own password to change a phone number or e-mail.")),
        ]
        return False
    # Wrong confirmations are guesses too: a few per account, then a pause (the
    # person stays signed in; only the change waits).
    limit = parse(current_app.config["REAUTH_LIMIT_PER_ACCOUNT"])
    key = ("reauthenticate", str(current_user.id))
    if not throttle.allows(limit, *key):
        form.confirm_password.errors = [
            *form.confirm_password.errors,
            str(_l("Too many wrong passwords. Wait a few minutes, then try again.")),
        ]
        return False
    try:
        accounts.confirm_password(db.session, current_user, row, password, now)
    except DomainError as error:
        throttle.hit(limit, *key)
        attach_error(form, error)
        return False
    return True
