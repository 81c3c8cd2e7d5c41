from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from juragan.forms import (
    BaseForm,
    RegionSelectField,
    RupiahField,
    VersionedForm,
    choices,
    labelled,
)
from juragan.labels import (
    DOCUMENT_TYPE_LABELS,
    LENDER_LABELS,
    LOAN_KIND_LABELS,
    OTHER_CREDIT_LABELS,
    PURPOSE_LABELS,
    SCHEME_LABELS,
)

MONTH_NAMES = (
    _l("January"), _l("February"), _l("March"), _l("April"), _l("May"), _l("June"),
    _l("July"), _l("August"), _l("September"), _l("October"), _l("November"),
    _l("December"),
)  # fmt: skip


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
        validators=[DataRequired(), NumberRange(min=1, max=84)],
        render_kw={"inputmode": "numeric"},
    )
    purpose = SelectField(_l("Purpose"))
    has_npwp = BooleanField(_l("I have an NPWP"))
    other_credit = SelectField(_l("Other loans"))
    kur_elsewhere = IntegerField(
        _l("KUR loans taken before at other banks"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=20)],
        render_kw={"inputmode": "numeric"},
    )
    has_offtaker = BooleanField(_l("My business group has a partner (offtaker)"))
    family_consent = BooleanField(_l("Under 21: my family consents in writing"))
    grace_months = IntegerField(
        _l("Grace months (investment only)"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=6)],
        render_kw={"inputmode": "numeric"},
    )
    lean_months = SelectMultipleField(
        _l("Lean-season months (farming, livestock, fishing)")
    )
    lender = SelectField(_l("Bank"))
    scheme = RegionSelectField(_l("Scheme to apply for"))
    npwp = StringField(_l("NPWP number"), validators=[Optional(), Length(max=24)])

    def __init__(self, *args, business_options=(), placement_options=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = labelled(LOAN_KIND_LABELS)
        self.business_ref.choices = choices(business_options, _l("— choose —"))
        self.placement_id.choices = choices(placement_options, _l("— choose —"))
        self.purpose.choices = labelled(PURPOSE_LABELS)
        self.other_credit.choices = labelled(OTHER_CREDIT_LABELS)
        self.lean_months.choices = [
            (str(n), name) for n, name in enumerate(MONTH_NAMES, 1)
        ]
        self.lender.choices = labelled(LENDER_LABELS)
        self.scheme.choices = labelled(SCHEME_LABELS, _l("— choose after simulating —"))


class DocumentForm(VersionedForm):
    doc_type = SelectField(_l("Document"))
    file = FileField(
        _l("File (PDF, JPEG or PNG, at most 5 MB)"), validators=[FileRequired()]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.doc_type.choices = labelled(DOCUMENT_TYPE_LABELS)


class ReasonForm(VersionedForm):
    reason = TextAreaField(
        _l("Reason"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )


class RestructureForm(ReasonForm):
    extra_months = IntegerField(
        _l("Extra months to repay"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=48)],
        render_kw={"inputmode": "numeric"},
    )


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
        from juragan.labels import LOAN_STATUS_LABELS

        super().__init__(*args, **kwargs)
        self.status.choices = choices(
            [("queue", _l("Waiting for the bank")), ("arrears", _l("In arrears")),
             *LOAN_STATUS_LABELS.items()], _l("All"),
        )  # fmt: skip
