from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from juragan.domain.codes import DocumentType, LoanKind, LoanPurpose, Scheme
from juragan.domain.kur_rules import (
    CREDIT_KIND_LABELS,
    CREDIT_KINDS,
    LONGEST_TENOR_MONTHS,
)
from juragan.domain.loan_lifecycle import LoanStatus
from juragan.i18n.labels import (
    LENDER_LABELS,
    QUEUE_TAB_LABELS,
)
from juragan.reports.loan_queue import CURSOR_PATTERN
from juragan.web.forms import (
    BaseForm,
    CheckboxListField,
    RegionSelectField,
    RupiahField,
    VersionedForm,
    choices,
    labelled,
    month_choices,
)


class SimulatorForm(BaseForm):
    """The request and what the applicant says about themselves."""

    kind = SelectField(_l("Kind of KUR"))
    business_ref = RegionSelectField(_l("For which business or plan"))
    placement_id = RegionSelectField(_l("For which placement"), coerce=str)
    amount_idr = RupiahField(
        _l("Amount (Rp)"),
        validators=[DataRequired()],
        render_kw={"inputmode": "numeric"},
    )
    tenor_months = IntegerField(
        _l("Tenor (months)"),
        validators=[DataRequired(), NumberRange(min=1, max=LONGEST_TENOR_MONTHS)],
        render_kw={"inputmode": "numeric"},
    )
    purpose = SelectField(_l("Purpose"))
    has_npwp = BooleanField(_l("I have an NPWP"))
    other_credit = CheckboxListField(_l("Loans I have now"))
    other_credit_late = BooleanField(_l("I am late paying one of these loans"))
    #: KUR taken before, outside juragan: only Mikro and Kecil, whose later
    #: accesses change the rate or meet a cap (two numbers, short on a phone).
    kur_mikro_elsewhere = IntegerField(
        _l("KUR Mikro taken before at other banks"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=20)],
        render_kw={"inputmode": "numeric"},
    )
    kur_kecil_elsewhere = IntegerField(
        _l("KUR Kecil taken before at other banks"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=20)],
        render_kw={"inputmode": "numeric"},
    )
    has_offtaker = BooleanField(_l("My business group has a partner (offtaker)"))
    family_consent = BooleanField(_l("Under 21: my family consents in writing"))
    grace_months = IntegerField(
        _l("Grace months asked for (interest only at the start)"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=83)],
        render_kw={"inputmode": "numeric"},
    )
    lean_months = CheckboxListField(
        _l("Lean-season months (farming, livestock, fishing)")
    )
    lender = SelectField(_l("Bank"))
    scheme = RegionSelectField(_l("Scheme to apply for"))
    npwp = StringField(_l("NPWP number"), validators=[Optional(), Length(max=24)])

    def __init__(self, *args, business_options=(), placement_options=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices(LoanKind.choices())
        self.business_ref.choices = choices(business_options, _l("— choose —"))
        self.placement_id.choices = choices(placement_options, _l("— choose —"))
        self.purpose.choices = choices(LoanPurpose.choices())
        self.other_credit.choices = [
            (kind.code, CREDIT_KIND_LABELS[kind.code])
            for kind in CREDIT_KINDS
            if kind.offered
        ]
        self.lean_months.choices = month_choices()
        self.lender.choices = labelled(LENDER_LABELS)
        self.scheme.choices = choices(
            Scheme.choices(), _l("— choose after simulating —")
        )


class DocumentForm(VersionedForm):
    doc_type = SelectField(_l("Document"))
    file = FileField(
        _l("File (PDF, JPEG or PNG, at most 5 MB)"), validators=[FileRequired()]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.doc_type.choices = choices(DocumentType.choices())


class ReasonForm(VersionedForm):
    reason = TextAreaField(
        _l("Reason"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )


class RestructureForm(ReasonForm):
    """A restructuring agreement: from when, what happens to the arrears, and the
    new schedule."""

    on = DateField(_l("Restructured on"), validators=[DataRequired()])
    treatment = SelectField(_l("The arrears"))
    tenor_months = IntegerField(
        _l("Months of the new schedule"),
        validators=[DataRequired(), NumberRange(min=1, max=84)],
        render_kw={"inputmode": "numeric"},
    )
    first_due_on = DateField(
        _l("First new instalment due"), validators=[DataRequired()]
    )
    grace_months = IntegerField(
        _l("Grace months (interest only at the start)"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=83)],
        render_kw={"inputmode": "numeric"},
    )
    reference = StringField(
        _l("Bank reference of the arrears payment"),
        validators=[Optional(), Length(max=40)],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.treatment.choices = [
            (
                "capitalise",
                _l("Capitalised: added to the principal of the new schedule"),
            ),
            ("settle", _l("Settled: the borrower pays them on the day")),
        ]


class PrepaymentForm(VersionedForm):
    prepaid_on = DateField(_l("Paid on"), validators=[DataRequired()])
    amount_idr = RupiahField(_l("Amount (Rp)"), validators=[DataRequired()])
    option = SelectField(_l("After the prepayment"))
    reference = StringField(
        _l("Bank reference"), validators=[Optional(), Length(max=40)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.option.choices = [
            ("lower_instalment", _l("Lower instalment, same end date")),
            ("shorter_tenor", _l("Same instalment, paid off sooner")),
        ]


class DecisionForm(ReasonForm):
    decision = SelectField(_l("Decision"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.decision.choices = choices(
            (("approve", _l("Approve")), ("reject", _l("Reject")))
        )


class DisbursementForm(VersionedForm):
    amount_idr = RupiahField(_l("Amount disbursed (Rp)"), validators=[DataRequired()])
    akad_on = DateField(_l("Akad (contract) date"), validators=[DataRequired()])
    disbursed_on = DateField(_l("Disbursed on"), validators=[DataRequired()])
    first_due_on = DateField(_l("First instalment due"), validators=[DataRequired()])
    grace_months = IntegerField(
        _l("Grace months granted (interest only at the start)"),
        validators=[Optional(), NumberRange(min=0, max=83)],
        render_kw={"inputmode": "numeric"},
    )


class PaymentForm(VersionedForm):
    paid_on = DateField(_l("Paid on"), validators=[DataRequired()])
    amount_idr = RupiahField(_l("Amount (Rp)"), validators=[DataRequired()])
    reference = StringField(
        _l("Bank reference"), validators=[Optional(), Length(max=40)]
    )


class PaymentImportForm(BaseForm):
    file = FileField(_l("Repayment file (CSV or XLSX)"), validators=[FileRequired()])


class LoanFilterForm(BaseForm):
    class Meta:
        csrf = False

    status = RegionSelectField(_l("State"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = choices(
            [
                ("queue", _l("Waiting for the bank")),
                ("arrears", _l("In arrears")),
                *LoanStatus.choices(),
            ],
            _l("All"),
        )


class QueueFilterForm(BaseForm):
    """The lender's work queue: which tab, and what narrows it (sent by GET)."""

    class Meta:
        csrf = False

    state = RegionSelectField(
        _l("Waiting for"), choices=labelled(QUEUE_TAB_LABELS), validators=[Optional()]
    )
    scheme = RegionSelectField(
        _l("Scheme"),
        choices=choices(Scheme.choices(), _l("All schemes")),
        validators=[Optional()],
    )
    regency = RegionSelectField(_l("Regency or city"), validators=[Optional()])
    q = StringField(_l("Applicant's name"), validators=[Optional(), Length(max=120)])
    overdue = BooleanField(_l("Overdue decisions only"))
    after = StringField(
        validators=[
            Optional(),
            Regexp(CURSOR_PATTERN, message=_l("Not a page of this list.")),
        ],
    )

    def __init__(self, *args, regencies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.regency.choices = choices(regencies, _l("All regencies and cities"))

    def value(self, name: str, default=None):
        """A field's value, or ``default`` when it was left out or is not valid."""
        field = getattr(self, name)
        return default if field.errors or field.data in (None, "") else field.data
