from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)
from wtforms.widgets import HiddenInput

from juragan.domain.codes import (
    ReturnReason,
    Sector,
    TrainingKind,
    TrainingStage,
)
from juragan.domain.regions import countries
from juragan.extensions import db
from juragan.i18n.labels import REGISTRY_STATUS_LABELS
from juragan.reports.registry import common_destinations
from juragan.web.forms import (
    BaseForm,
    LocalDecimalField,
    RegionSelectField,
    RupiahField,
    VersionedForm,
    choices,
    labelled,
    province_choices,
    regency_choices,
)
from juragan.web.person_forms import ProfileForm, consent_scan_field
from juragan.web.reauth import confirm_password_field

#: Currencies of the usual destinations first; any ISO 4217 code is accepted.
COMMON_CURRENCIES = (
    "HKD",
    "TWD",
    "MYR",
    "SGD",
    "KRW",
    "JPY",
    "SAR",
    "AED",
    "QAR",
    "KWD",
    "BND",
    "USD",
    "EUR",
)


#: Where most Indonesian workers go (the same places as the remittance currencies
#: above): in the main destinations of every country list even before the
#: registry shows them.
MAIN_DESTINATIONS = ("MY", "TW", "HK", "SA", "SG", "KR", "JP", "AE", "QA", "KW", "BN")


def country_choices(blank=None) -> list[SelectChoice]:
    """Every country but Indonesia: first the main destinations, most common in
    the registry first (``reports.registry.common_destinations``), then the others
    by name."""
    locale = str(get_locale() or "id")
    named = {c.code: c.name for c in countries(locale) if c.code != "ID"}
    first = [
        code
        for code in common_destinations(db.session, MAIN_DESTINATIONS)
        if code in named
    ]
    main, other = str(_l("Main destinations")), str(_l("Other countries"))
    options = [SelectChoice("", blank)] if blank is not None else []
    options += [SelectChoice(code, named[code], optgroup=main) for code in first]
    options += [
        SelectChoice(code, name, optgroup=other)
        for code, name in named.items()
        if code not in first
    ]
    return options


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
        validators=[
            DataRequired(message=_l("Enter a NIK or a phone number.")),
            Length(max=32),
        ],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )


class PlacementForm(VersionedForm):
    country_code = SelectField(
        _l("Destination country"),
        validators=[DataRequired(message=_l("Choose the destination country."))],
    )
    sector = SelectField(
        _l("Sector"), choices=choices(Sector.choices()), validators=[DataRequired()]
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
        choices=choices(ReturnReason.choices(), _l("— still abroad —")),
        validators=[Optional()],
    )
    salary_foreign = LocalDecimalField(
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
        _l("Kind"), choices=choices(TrainingKind.choices()), validators=[DataRequired()]
    )
    stage = SelectField(
        _l("When"),
        choices=choices(TrainingStage.choices()),
        validators=[DataRequired()],
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
        _l(
            "I confirm: every person the file registers signed the programme's consent "
            "form, whose original the office keeps in its archive under the reference "
            "in the consent_form column."
        )
    )


class ConfirmImportForm(BaseForm):
    token = HiddenField(validators=[DataRequired(), Regexp(r"^[0-9a-f]{32}$")])
    #: What the page showed when the boxes were ticked: a different count at the
    #: confirmation (the registry changed) asks again.
    similar_seen = IntegerField(
        widget=HiddenInput(), default=0, validators=[Optional(), NumberRange(min=0)]
    )
    overwrites_seen = IntegerField(
        widget=HiddenInput(), default=0, validators=[Optional(), NumberRange(min=0)]
    )
    similar_checked = BooleanField(
        _l(
            "I have checked the rows marked as possibly the same person: they are "
            "different people."
        )
    )
    changes_confirmed = BooleanField(_l("Change the recorded details as listed."))


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


class AccessResetForm(BaseForm):
    """An official gives a returnee a temporary code, face to face."""

    ktp_checked = BooleanField(
        _l(
            "I have seen this person and their original KTP together, and they match "
            "this record"
        ),
        validators=[
            DataRequired(
                message=_l(
                    "Only after you have seen the person and their KTP together."
                )
            )
        ],
    )
    note = TextAreaField(
        _l("Why (recorded)"),
        validators=[
            DataRequired(message=_l("Say why, for the record.")),
            Length(max=500),
        ],
        render_kw={"rows": 2},
    )
    confirm_password = confirm_password_field(
        _l("Your own password (unless you gave it in the last few minutes)")
    )


class ErasureRequestForm(BaseForm):
    reason = TextAreaField(
        _l("Why (optional)"), validators=[Optional(), Length(max=2000)]
    )
    confirm = BooleanField(
        _l(
            "I understand: my profile, my account and what I wrote will be removed, and "
            "this cannot be undone."
        ),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )


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
        ),
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
        ),
        validators=[DataRequired(message=_l("Choose a decision."))],
    )
    note = TextAreaField(
        _l("Reason for a refusal (the person reads it)"),
        validators=[Optional(), Length(max=2000)],
    )


class WithdrawConsentForm(BaseForm):
    """A withdrawal, by the person (online) or from their letter (staff)."""

    effective_on = DateField(
        _l("From (date)"), validators=[DataRequired(message=_l("Enter a valid date."))]
    )
    reason = TextAreaField(
        _l("Why (optional)"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 2},
    )
    confirm = BooleanField(
        _l("I understand what stops."),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )


class StaffWithdrawConsentForm(WithdrawConsentForm):
    reason = TextAreaField(
        _l("How the withdrawal reached you (the letter, its date)"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 2},
    )
    confirm = BooleanField(
        _l("The person asked for this in writing; they have been told what stops."),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )


class GiveConsentForm(BaseForm):
    """Consent to one purpose, given by the person online."""

    confirm = BooleanField(
        _l("I agree."),
        validators=[DataRequired(message=_l("Tick the box to agree."))],
    )


class StaffGiveConsentForm(GiveConsentForm):
    """Consent a person gave on the paper form, recorded with its scan."""

    scan = consent_scan_field()
    confirm = BooleanField(
        _l("The person ticked this purpose on the form and signed it."),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )
