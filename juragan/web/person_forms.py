"""The person's forms both the registry and sign-up use: the profile, the consent
boxes and their scan, registration by staff and by the person, accepting an
invitation; and how a filled form becomes the services' values.

They live here, not in one blueprint, because ``returnees`` (staff register
someone) and ``auth`` (a newcomer signs up, an invitation is accepted) both show
them, and blueprints do not import each other (docs/architecture.md).
"""

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    NumberRange,
    Optional,
)

from juragan.domain.codes import EducationLevel, MaritalStatus, Sex
from juragan.models import ConsentPurpose
from juragan.services.registry import ProfileData
from juragan.web.forms import (
    BLANK_PROVINCE,
    BLANK_REGENCY,
    BaseForm,
    choices,
    province_choices,
    regency_choices,
    username_field,
)


class ProfileForm(BaseForm):
    nik = StringField(
        _l("NIK (16 digits, on the KTP)"),
        validators=[DataRequired(message=_l("Enter the NIK.")), Length(max=24)],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    full_name = StringField(
        _l("Full name (as on the KTP)"),
        validators=[DataRequired(message=_l("Enter the full name.")), Length(max=120)],
        render_kw={"autocomplete": "name"},
    )
    sex = RadioField(
        _l("Sex"),
        choices=choices(Sex.choices()),
        validators=[DataRequired(message=_l("Choose female or male."))],
    )
    birth_date = DateField(
        _l("Birth date"), validators=[DataRequired(message=_l("Enter a valid date."))]
    )
    phone = StringField(
        _l("Mobile phone (optional)"),
        validators=[Optional(), Length(max=24)],
        render_kw={
            "inputmode": "tel",
            "autocomplete": "tel",
            "placeholder": "0812 3456 7890",
        },
    )
    email = EmailField(
        _l("E-mail (optional)"),
        validators=[
            Optional(),
            Email(
                message=_l("Enter a valid e-mail address."), check_deliverability=False
            ),
            Length(max=254),
        ],
    )
    province_code = SelectField(
        _l("Province"), validators=[DataRequired(message=_l("Choose a province."))]
    )
    regency_code = SelectField(
        _l("Regency or city"),
        validators=[DataRequired(message=_l("Choose a regency or city."))],
        render_kw={"data-follows": "province_code"},
    )
    district = StringField(
        _l("District (kecamatan)"), validators=[Optional(), Length(max=80)]
    )
    village = StringField(
        _l("Village or kelurahan"), validators=[Optional(), Length(max=80)]
    )
    education = SelectField(
        _l("Highest schooling completed"),
        choices=choices(EducationLevel.choices(), _l("— choose —")),
        validators=[
            DataRequired(message=_l("Choose the highest schooling completed."))
        ],
    )
    marital_status = SelectField(
        _l("Marital status"),
        choices=choices(MaritalStatus.choices(), _l("— choose —")),
        validators=[DataRequired(message=_l("Choose a marital status."))],
    )
    dependants = IntegerField(
        _l("Number of dependants"),
        default=0,
        validators=[
            Optional(),
            NumberRange(min=0, max=30, message=_l("Enter a number from 0 to 30.")),
        ],
        render_kw={"inputmode": "numeric", "min": 0, "max": 30},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.province_code.choices = province_choices(BLANK_PROVINCE)
        self.regency_code.choices = regency_choices(BLANK_REGENCY)


#: A scanned form: what the browser offers to pick (the service checks the bytes).
SCAN_EXTENSIONS = ["pdf", "jpg", "jpeg", "png"]
SCAN_REQUIRED = _l("Upload the scan or photo of the consent form the person signed.")


def consent_scan_field(label=None, required: bool = True) -> FileField:
    """The scan of the signed paper consent form (PDF, JPEG or PNG, 5 MB)."""
    validators = [FileRequired(message=SCAN_REQUIRED)] if required else [Optional()]
    return FileField(
        label
        or _l(
            "Scan or photo of the signed consent form (PDF, JPEG or PNG, at most 5 MB)"
        ),
        validators=[
            *validators,
            FileAllowed(SCAN_EXTENSIONS, message=_l("Upload a PDF, JPEG or PNG file.")),
        ],
        render_kw={
            "accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"
        },
    )


class ConsentPurposesMixin:
    """One box per purpose (``consent_<purpose>``): consent is separable (UU PDP
    Pasal 22). The registry box is needed to register."""

    consent_registry = BooleanField(_l("Registry and mentoring (needed to register)"))
    consent_lender = BooleanField(_l("Sharing with the lender"))
    consent_contact_sms = BooleanField(_l("Messages by SMS"))
    consent_contact_whatsapp = BooleanField(_l("Messages by WhatsApp"))
    consent_contact_email = BooleanField(_l("Messages by e-mail"))


class RegistrationForm(ConsentPurposesMixin, ProfileForm):
    """A mentor or an official registers someone: the consent is the paper form the
    person signed, ticked as on the form, and its scan."""

    consent_scan = consent_scan_field()
    confirm_not_duplicate = BooleanField(
        _l("I have checked: this is a different person.")
    )


class SelfRegistrationForm(RegistrationForm):
    """A newcomer's own registration. The username is made for them (a chosen one
    would tell whether someone else took it), and no duplicate is confirmed here:
    a clash goes to an official."""

    confirm_not_duplicate = None
    consent_scan = None
    password = PasswordField(
        _l("Choose a password"),
        validators=[DataRequired(message=_l("Enter a password.")), Length(max=256)],
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = PasswordField(
        _l("Password again"),
        validators=[
            DataRequired(message=_l("Enter the password again.")),
            EqualTo("password", message=_l("The two passwords differ.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class AcceptInvitationForm(BaseForm):
    username = username_field(
        _l("Choose a username"), autocomplete="username", autocapitalize="none"
    )
    password = SelfRegistrationForm.password
    confirm_password = SelfRegistrationForm.confirm_password


#: The profile's fields, as the form and ``ProfileData`` both name them.
PROFILE_FIELDS = (
    "nik",
    "full_name",
    "sex",
    "birth_date",
    "province_code",
    "regency_code",
    "education",
    "marital_status",
    "dependants",
    "phone",
    "email",
    "district",
    "village",
)


def profile_data(form: ProfileForm, nik: str | None = None) -> ProfileData:
    """The profile a form holds; ``nik`` for a form without one (an edit)."""
    values = {
        name: getattr(form, name).data
        for name in PROFILE_FIELDS
        if name != "nik" or form.nik is not None
    }
    if form.nik is None:
        values["nik"] = nik
    values["dependants"] = values["dependants"] or 0
    return ProfileData(**values)


#: Where a consent problem shows on a registration form.
CONSENT_FIELDS = {
    "purposes": "consent_registry",
    "scan": "consent_scan",
    "method": "consent_registry",
}


def given_purposes(form) -> frozenset[str]:
    """The purposes ticked on a registration form."""
    return frozenset(
        p.value for p in ConsentPurpose if getattr(form, f"consent_{p.value}").data
    )
