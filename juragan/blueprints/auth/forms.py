from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from juragan.domain.codes import Language
from juragan.web.forms import BaseForm, choices
from juragan.web.reauth import confirm_password_field


class LoginForm(BaseForm):
    username = StringField(
        _l("Username"),
        validators=[DataRequired(message=_l("Enter your username.")), Length(max=64)],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(message=_l("Enter your password.")), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )


class LanguageForm(BaseForm):
    locale = SelectField(
        _l("Language"),
        choices=choices(Language.choices()),
        validators=[DataRequired()],
    )
    next = HiddenField()


class NewPasswordForm(BaseForm):
    """A password the person chooses: after a reset, and (with the current one)
    when they change it. The rules themselves are ``accounts.check_new_password``."""

    new_password = PasswordField(
        _l("New password"),
        validators=[DataRequired(message=_l("Enter a new password.")), Length(max=256)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        _l("New password again"),
        validators=[
            DataRequired(message=_l("Enter the new password again.")),
            EqualTo("new_password", message=_l("The two new passwords differ.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class PasswordChangeForm(NewPasswordForm):
    current_password = PasswordField(
        _l("Current password"),
        validators=[DataRequired(message=_l("Enter your current password."))],
        render_kw={"autocomplete": "current-password"},
    )


class ResetRequestForm(BaseForm):
    identifier = StringField(
        _l("Username, e-mail or phone number"),
        validators=[
            DataRequired(message=_l("Enter your username, e-mail or phone number.")),
            Length(max=254),
        ],
        render_kw={"autocomplete": "username", "autocapitalize": "none"},
    )


def code_field(label: Any = None) -> StringField:
    return StringField(
        label or _l("Code"),
        validators=[
            DataRequired(message=_l("Enter the code you received.")),
            Length(max=20),
        ],
        render_kw={
            "autocomplete": "one-time-code",
            "inputmode": "numeric",
            "autocapitalize": "none",
        },
    )


class ResetCodeForm(BaseForm):
    code = code_field()


class ContactForm(BaseForm):
    """An e-mail address or phone number to receive a code at (to verify it)."""

    value = StringField(
        _l("E-mail or phone number"),
        validators=[DataRequired(message=_l("Fill this in.")), Length(max=254)],
    )
    confirm_password = confirm_password_field()


class ContactCodeForm(BaseForm):
    code = code_field()
