from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    FieldList,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from juragan.domain import kbli
from juragan.domain.codes import (
    BusinessLine,
    BusinessStatus,
    CapitalKind,
    CloseReason,
    FundingKind,
    LegalForm,
    PlanSection,
)
from juragan.domain.kur_rules import LONGEST_TENOR_MONTHS
from juragan.i18n.labels import (
    PLAN_FIELD_LABELS,
)
from juragan.models.business_codes import MAX_PROJECTION_MONTHS, MIN_PROJECTION_MONTHS
from juragan.web.forms import (
    BLANK_PROVINCE,
    BLANK_REGENCY,
    BaseForm,
    CheckboxListField,
    LocalDecimalField,
    RegionSelectField,
    RupiahField,
    SubForm,
    VersionedForm,
    choices,
    month_choices,
    province_choices,
    regency_choices,
)

#: Blank rows offered below the filled ones, for adding more.
SPARE_ROWS = 3
LONG_TEXT = 4000


def _text(name, rows=4):
    return TextAreaField(
        PLAN_FIELD_LABELS[name],
        validators=[Optional(), Length(max=LONG_TEXT)],
        render_kw={"rows": rows},
    )


class NewPlanForm(BaseForm):
    business_name = StringField(
        PLAN_FIELD_LABELS["business_name"], validators=[DataRequired(), Length(max=120)]
    )
    sector = SelectField(PLAN_FIELD_LABELS["sector"], validators=[DataRequired()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sector.choices = choices(BusinessLine.choices(), _l("— choose —"))


class BusinessSectionForm(VersionedForm):
    business_name = StringField(
        PLAN_FIELD_LABELS["business_name"], validators=[DataRequired(), Length(max=120)]
    )
    legal_form = SelectField(PLAN_FIELD_LABELS["legal_form"])
    sector = SelectField(PLAN_FIELD_LABELS["sector"])
    kbli_code = StringField(
        PLAN_FIELD_LABELS["kbli_code"],
        validators=[
            Optional(),
            Regexp(r"^\s*\d{5}\s*$", message=_l("A KBLI code has five digits.")),
        ],
        render_kw={"inputmode": "numeric", "maxlength": 5, "autocomplete": "off"},
    )
    province_code = RegionSelectField(PLAN_FIELD_LABELS["province_code"])
    regency_code = RegionSelectField(
        PLAN_FIELD_LABELS["regency_code"],
        render_kw={"data-follows": "province_code"},
    )
    district = StringField(
        PLAN_FIELD_LABELS["district"], validators=[Optional(), Length(max=80)]
    )
    planned_start = DateField(
        PLAN_FIELD_LABELS["planned_start"], validators=[Optional()]
    )
    description = _text("description", rows=5)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.legal_form.choices = choices(LegalForm.choices())
        self.sector.choices = choices(BusinessLine.choices())
        self.province_code.choices = province_choices(BLANK_PROVINCE)
        self.regency_code.choices = regency_choices(BLANK_REGENCY)


class MarketSectionForm(VersionedForm):
    target_market = _text("target_market")
    competitors = _text("competitors")
    marketing = _text("marketing")


class OperationsSectionForm(VersionedForm):
    operations = _text("operations")
    suppliers = _text("suppliers", rows=3)
    equipment = _text("equipment", rows=3)
    workers_planned = IntegerField(
        PLAN_FIELD_LABELS["workers_planned"],
        validators=[Optional(), NumberRange(min=0, max=500)],
        render_kw={"inputmode": "numeric"},
    )


class RisksSectionForm(VersionedForm):
    risks = _text("risks", rows=6)


SECTION_FORMS = {
    "business": BusinessSectionForm,
    "market": MarketSectionForm,
    "operations": OperationsSectionForm,
    "risks": RisksSectionForm,
}

_AMOUNT = {"inputmode": "numeric", "autocomplete": "off"}


class CapitalLineForm(SubForm):
    kind = SelectField(_l("Kind"))
    description = StringField(_l("What for"), validators=[Optional(), Length(max=160)])
    amount_idr = RupiahField(_l("Amount (Rp)"), render_kw=_AMOUNT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices(CapitalKind.choices())


class FundingLineForm(SubForm):
    kind = SelectField(_l("Source"))
    description = StringField(_l("Note"), validators=[Optional(), Length(max=160)])
    amount_idr = RupiahField(_l("Amount (Rp)"), render_kw=_AMOUNT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices(FundingKind.choices())


class CapitalForm(VersionedForm):
    items = FieldList(FormField(CapitalLineForm))


class FundingForm(VersionedForm):
    items = FieldList(FormField(FundingLineForm))
    kur_tenor_months = IntegerField(
        _l("Repay the KUR over (months)"),
        validators=[Optional(), NumberRange(min=1, max=LONGEST_TENOR_MONTHS)],
        render_kw={"inputmode": "numeric"},
    )
    kur_rate_percent = LocalDecimalField(
        _l("Expected interest rate (% a year, effective)"),
        places=2,
        validators=[Optional(), NumberRange(min=0, max=30)],
        render_kw={"inputmode": "decimal"},
    )
    kur_lean_months = CheckboxListField(
        _l("Lean-season months: the KUR pays interest only")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kur_lean_months.choices = month_choices()


class MonthForm(SubForm):
    sales_idr = RupiahField(_l("Sales"), render_kw=_AMOUNT)
    cogs_idr = RupiahField(_l("Cost of goods"), render_kw=_AMOUNT)
    operating_costs_idr = RupiahField(_l("Operating costs"), render_kw=_AMOUNT)
    owner_draw_idr = RupiahField(_l("Owner's draw"), render_kw=_AMOUNT)


def month_count_choices():
    return choices(
        (str(n), _l("%(n)s months", n=n))
        for n in range(MIN_PROJECTION_MONTHS, MAX_PROJECTION_MONTHS + 1, 6)
    )


class ProjectionForm(VersionedForm):
    month_count = SelectField(_l("Months to project"), coerce=int)
    months = FieldList(FormField(MonthForm))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.month_count.choices = month_count_choices()


class QuickFillForm(BaseForm):
    """One typical month, grown month by month, to start the projection."""

    sales_idr = RupiahField(_l("Sales in the first month"), render_kw=_AMOUNT)
    cogs_idr = RupiahField(_l("Cost of goods in the first month"), render_kw=_AMOUNT)
    operating_costs_idr = RupiahField(
        _l("Operating costs each month"), render_kw=_AMOUNT
    )
    owner_draw_idr = RupiahField(_l("Owner's draw each month"), render_kw=_AMOUNT)
    growth_percent = LocalDecimalField(
        _l("Sales growth per month (%)"),
        places=1,
        default=0,
        validators=[Optional(), NumberRange(min=-20, max=50)],
        render_kw={"inputmode": "decimal"},
    )
    month_count = SelectField(_l("Months to project"), coerce=int)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.month_count.choices = month_count_choices()


class ReadyForm(BaseForm):
    """Declaring a plan ready; the reason is needed only when the repayment
    capacity is below the lender's threshold (the service decides)."""

    ready_reason = TextAreaField(
        _l(
            "Why the plan is ready although its repayment capacity is below the "
            "threshold"
        ),
        validators=[Optional(), Length(max=LONG_TEXT)],
        render_kw={"rows": 3},
    )


class CommentForm(BaseForm):
    section = SelectField(_l("Part of the plan"))
    body = TextAreaField(
        _l("Comment"),
        validators=[DataRequired(), Length(max=LONG_TEXT)],
        render_kw={"rows": 3},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.section.choices = choices(PlanSection.choices())


class KbliSearchForm(BaseForm):
    """Words to look for in KBLI 2025 (a GET form: nothing is changed)."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Words describing the business"),
        validators=[
            Optional(),
            Length(
                max=kbli.MAX_QUERY_LENGTH,
                message=_l(
                    "Use at most %(max)d characters.", max=kbli.MAX_QUERY_LENGTH
                ),
            ),
        ],
        render_kw={
            "maxlength": kbli.MAX_QUERY_LENGTH,
            "autocomplete": "off",
            "placeholder": _l("e.g. warung makan, ternak ayam, jahit"),
        },
    )


class CompareForm(BaseForm):
    class Meta:
        csrf = False

    left = SelectField(_l("Version"), coerce=int)
    right = SelectField(_l("with version"), coerce=int)


class BusinessForm(VersionedForm):
    opened_on = DateField(_l("Opening date"), validators=[DataRequired()])
    nib = StringField(
        _l("NIB from OSS (if any)"),
        validators=[Optional(), Length(max=20)],
        render_kw={"inputmode": "numeric", "autocomplete": "off"},
    )
    district = StringField(
        PLAN_FIELD_LABELS["district"], validators=[Optional(), Length(max=80)]
    )
    workers_family = IntegerField(
        _l("Family members working"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=500)],
        render_kw={"inputmode": "numeric"},
    )
    workers_paid = IntegerField(
        _l("Paid workers"),
        default=0,
        validators=[Optional(), NumberRange(min=0, max=500)],
        render_kw={"inputmode": "numeric"},
    )


class StatusForm(VersionedForm):
    to_status = SelectField(_l("New state"))
    changed_on = DateField(_l("Since"), validators=[DataRequired()])
    close_reason = RegionSelectField(_l("Reason for closing"))
    note = TextAreaField(
        _l("Note"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.to_status.choices = choices(
            (code, label) for code, label in BusinessStatus.choices() if code != current
        )
        self.close_reason.choices = choices(
            CloseReason.choices(), _l("— only when closing —")
        )


class VerifyProposalForm(BaseForm):
    """A printed proposal's document id and check value, as typed from the paper."""

    document_id = StringField(
        _l("Document id"),
        validators=[
            DataRequired(
                message=_l("Type the document id printed at the foot of each page.")
            ),
            Length(max=40),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
    check_value = StringField(
        _l("Check value"),
        validators=[
            DataRequired(
                message=_l("Type the check value printed beside the document id.")
            ),
            Length(max=40),
        ],
        render_kw={"autocomplete": "off", "spellcheck": "false"},
    )
