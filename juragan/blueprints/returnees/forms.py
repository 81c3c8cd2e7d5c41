from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    EmailField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    Length,
    NumberRange,
    Optional,
    Regexp,
)

from juragan.blueprints.auth.reauth import confirm_password_field
from juragan.forms import (
    BLANK_PROVINCE,
    BLANK_REGENCY,
    BaseForm,
    RegionSelectField,
    RupiahField,
    VersionedForm,
    choices,
    labelled,
    province_choices,
    regency_choices,
    username_field,
)
from juragan.labels import (
    EDUCATION_LABELS,
    MARITAL_LABELS,
    REGISTRY_STATUS_LABELS,
    RETURN_REASON_LABELS,
    SECTOR_LABELS,
    SEX_LABELS,
    TRAINING_KIND_LABELS,
    TRAINING_STAGE_LABELS,
)
from juragan.reference import countries

#: Currencies of the usual destinations first; any ISO 4217 code is accepted.
COMMON_CURRENCIES = (
    "HKD", "TWD", "MYR", "SGD", "KRW", "JPY", "SAR", "AED", "QAR", "KWD", "BND",
    "USD", "EUR",
)  # fmt: skip


#: Where most Indonesian workers go, first in every country list (the same places
#: as the remittance currencies above); the other countries follow by name.
MAIN_DESTINATIONS = ("MY", "TW", "HK", "SA", "SG", "KR", "JP", "AE", "QA", "KW", "BN")


def country_choices(blank=None) -> list[SelectChoice]:
    locale = str(get_locale() or "id")
    named = {c.code: c.name for c in countries(locale) if c.code != "ID"}
    main, other = str(_l("Main destinations")), str(_l("Other countries"))
    options = [SelectChoice("", blank)] if blank is not None else []
    options += [
        SelectChoice(code, named[code], optgroup=main) for code in MAIN_DESTINATIONS
    ]
    options += [SelectChoice(code, name, optgroup=other) for code, name in named.items()
                if code not in MAIN_DESTINATIONS]  # fmt: skip
    return options


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
        choices=choices(SEX_LABELS.items()),
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
        choices=labelled(EDUCATION_LABELS, _l("— choose —")),
        validators=[
            DataRequired(message=_l("Choose the highest schooling completed."))
        ],
    )
    marital_status = SelectField(
        _l("Marital status"),
        choices=labelled(MARITAL_LABELS, _l("— choose —")),
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


class RegistrationForm(ProfileForm):
    consent = BooleanField(_l("I agree"))
    confirm_not_duplicate = BooleanField(
        _l("I have checked: this is a different person.")
    )


class SelfRegistrationForm(RegistrationForm):
    """A newcomer's own registration. The username is made for them (a chosen one
    would tell whether someone else took it), and no duplicate is confirmed here:
    a clash goes to an official."""

    confirm_not_duplicate = None
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


class ReturneeFilterForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField(_l("Name"), validators=[Optional(), Length(max=120)])
    province = RegionSelectField(_l("Province"), validators=[Optional()])
    regency = RegionSelectField(
        _l("Regency or city"),
        validators=[Optional()],
        render_kw={"data-follows": "province"},
    )
    country = RegionSelectField(_l("Destination country"), validators=[Optional()])
    return_year = IntegerField(
        _l("Return year"),
        validators=[Optional(), NumberRange(min=1970, max=2100)],
        render_kw={"inputmode": "numeric"},
    )
    status = RegionSelectField(
        _l("Status"),
        choices=labelled(REGISTRY_STATUS_LABELS, _l("Any status")),
        validators=[Optional()],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.province.choices = province_choices(_l("All provinces"))
        self.regency.choices = regency_choices(_l("All regencies and cities"))
        self.country.choices = country_choices(_l("All countries"))


class FindForm(BaseForm):
    """Find someone by NIK or phone. Sent by POST, so that neither ever appears in
    a URL (and so in a browser history, a proxy log or a referrer)."""

    identifier = StringField(
        _l("NIK or phone number (exact)"),
        validators=[DataRequired(message=_l("Enter a NIK or a phone number.")),
                    Length(max=32)],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )  # fmt: skip


class PlacementForm(VersionedForm):
    country_code = SelectField(
        _l("Destination country"),
        validators=[DataRequired(message=_l("Choose the destination country."))],
    )
    sector = SelectField(
        _l("Sector"), choices=labelled(SECTOR_LABELS), validators=[DataRequired()]
    )
    occupation = StringField(
        _l("Job (optional)"), validators=[Optional(), Length(max=120)]
    )
    agency_name = StringField(
        _l("Placement agency (P3MI)"), validators=[Optional(), Length(max=160)]
    )
    is_independent = BooleanField(_l("Went independently, without an agency"))
    departure_date = DateField(
        _l("Departure date"),
        validators=[DataRequired(message=_l("Enter a valid date."))],
    )
    contract_months = IntegerField(
        _l("Contract length (months)"),
        validators=[
            DataRequired(message=_l("Enter a contract length of 1 to 120 months."))
        ],
        render_kw={"inputmode": "numeric", "min": 1, "max": 120},
    )
    return_date = DateField(
        _l("Return date (empty if still abroad)"), validators=[Optional()]
    )
    return_reason = RegionSelectField(
        _l("Why they came home"),
        choices=labelled(RETURN_REASON_LABELS, _l("— still abroad —")),
        validators=[Optional()],
    )
    salary_foreign = DecimalField(
        _l("Monthly salary in the destination's currency"),
        places=2,
        validators=[Optional()],
        render_kw={"inputmode": "decimal"},
    )
    salary_currency = SelectField(_l("Currency"), validators=[Optional()])
    salary_idr = RupiahField(
        _l("Monthly salary in rupiah"),
        validators=[Optional()],
        render_kw={"inputmode": "numeric"},
    )
    remittances_idr = RupiahField(
        _l("Total sent home (rupiah)"),
        validators=[Optional()],
        render_kw={"inputmode": "numeric"},
    )
    savings_idr = RupiahField(
        _l("Savings brought home (rupiah)"),
        validators=[Optional()],
        render_kw={"inputmode": "numeric"},
    )
    skills = TextAreaField(
        _l("Skills and certificates gained"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 3},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.country_code.choices = country_choices(_l("— choose a country —"))
        self.salary_currency.choices = choices(
            ((code, code) for code in COMMON_CURRENCIES), _l("— currency —")
        )


class TrainingForm(VersionedForm):
    title = StringField(
        _l("Course name"),
        validators=[
            DataRequired(message=_l("Enter the name of the course.")),
            Length(max=160),
        ],
    )
    kind = SelectField(
        _l("Kind"), choices=labelled(TRAINING_KIND_LABELS), validators=[DataRequired()]
    )
    stage = SelectField(
        _l("When"), choices=labelled(TRAINING_STAGE_LABELS), validators=[DataRequired()]
    )
    organiser = StringField(
        _l("Organiser"),
        validators=[
            DataRequired(message=_l("Enter who organised it.")),
            Length(max=160),
        ],
    )
    start_date = DateField(
        _l("Start date"), validators=[DataRequired(message=_l("Enter a valid date."))]
    )
    end_date = DateField(_l("End date (optional)"), validators=[Optional()])
    certificate = StringField(
        _l("Certificate (optional)"), validators=[Optional(), Length(max=160)]
    )


class ImportForm(BaseForm):
    file = FileField(
        _l("CSV or XLSX file"),
        validators=[
            FileRequired(message=_l("Choose a file.")),
            FileAllowed(["csv", "xlsx"], message=_l("Only CSV or XLSX files.")),
        ],
    )
    consent_on_paper = BooleanField(
        _l("Every person in the file has given written consent to the BP3MI office.")
    )


class ConfirmImportForm(BaseForm):
    token = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9a-f]{32}$")])


class EditProfileForm(ProfileForm, VersionedForm):
    """The profile, changed later: a new phone or e-mail needs the editor's password.
    The NIK is not in it (never sent to a browser in full): it is corrected with
    :class:`NikChangeForm`."""

    nik = None
    confirm_password = confirm_password_field()


class NikChangeForm(VersionedForm):
    """A correction of the NIK, typed in full: nothing is pre-filled."""

    nik = StringField(
        _l("The correct NIK (16 digits, on the KTP)"),
        validators=[DataRequired(message=_l("Enter the NIK.")), Length(max=24)],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    confirm_password = confirm_password_field(
        _l("Your own password (unless you gave it in the last few minutes)")
    )


class ErasureRequestForm(BaseForm):
    reason = TextAreaField(
        _l("Why (optional)"), validators=[Optional(), Length(max=2000)]
    )
    confirm = BooleanField(
        _l("I understand: my profile, my account and what I wrote will be removed, and "
           "this cannot be undone."),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )  # fmt: skip


class RegistrationCheckForm(BaseForm):
    decision = RadioField(
        _l("Decision"),
        choices=choices(
            [
                (
                    "link",
                    _l("It is the person already registered: give them that record"),
                ),
                ("register", _l("It is someone else: register them as entered")),
                ("refuse", _l("Refuse, saying why")),
            ]
        ),  # fmt: skip
        validators=[DataRequired(message=_l("Choose a decision."))],
    )
    note = TextAreaField(
        _l("Reason for a refusal (the person reads it)"),
        validators=[Optional(), Length(max=2000)],
    )


class ErasureDecisionForm(BaseForm):
    decision = RadioField(
        _l("Decision"),
        choices=choices(
            [("erase", _l("Erase the data")), ("refuse", _l("Refuse, saying why"))]
        ),  # fmt: skip
        validators=[DataRequired(message=_l("Choose a decision."))],
    )
    note = TextAreaField(
        _l("Reason for a refusal (the person reads it)"),
        validators=[Optional(), Length(max=2000)],
    )
