from flask_babel import lazy_gettext as _l
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from juragan.domain.codes import ActionOwner, ObservedStatus, VisitMode, VisitTopic
from juragan.domain.wellbeing import QUESTIONS
from juragan.web.forms import (
    BaseForm,
    RupiahField,
    SubForm,
    VersionedForm,
    choices,
)


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class AssignForm(BaseForm):
    returnee_ids = CheckboxesField(_l("Returnees"), coerce=int)
    mentor_id = SelectField(_l("Mentor"), coerce=int)
    reason = TextAreaField(
        _l("Reason (required when someone changes mentor)"),
        validators=[Optional(), Length(max=1000)],
        render_kw={"rows": 2},
    )


class CadenceForm(VersionedForm):
    early_days = IntegerField(
        _l("Days between visits while a business is young"),
        validators=[DataRequired(), NumberRange(7, 180)],
    )
    early_months = IntegerField(
        _l("A business is young for (months)"),
        validators=[Optional(), NumberRange(0, 24)],
    )
    steady_days = IntegerField(
        _l("Days between visits otherwise"),
        validators=[DataRequired(), NumberRange(7, 365)],
    )
    risk_days = IntegerField(
        _l("Days until the next visit when a risk shows"),
        validators=[DataRequired(), NumberRange(1, 90)],
    )


class ActionForm(SubForm):
    description = StringField(
        _l("Agreed action"), validators=[Optional(), Length(max=300)]
    )
    owner = SelectField(_l("Who"))
    due_on = DateField(_l("By"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner.choices = choices(ActionOwner.choices())


class VisitForm(BaseForm):
    idempotency_key = HiddenField()
    visited_on = DateField(_l("Date of the visit"), validators=[DataRequired()])
    mode = SelectField(_l("How"))
    duration_minutes = IntegerField(
        _l("Minutes"),
        validators=[DataRequired(), NumberRange(1, 720)],
        render_kw={"inputmode": "numeric"},
    )
    topics = CheckboxesField(_l("Topics"))
    observations = TextAreaField(
        _l("What you observed"),
        validators=[Optional(), Length(max=4000)],
        render_kw={"rows": 3},
    )
    business_status = SelectField(_l("The business"))
    revenue_last_month_idr = RupiahField(
        _l("Revenue last month (Rp)"), render_kw={"inputmode": "numeric"}
    )
    workers_family = IntegerField(
        _l("Family members working"),
        default=0,
        validators=[Optional(), NumberRange(0, 500)],
    )
    workers_paid = IntegerField(
        _l("Paid workers"), default=0, validators=[Optional(), NumberRange(0, 500)]
    )
    problems = TextAreaField(
        _l("Problems"), validators=[Optional(), Length(max=4000)], render_kw={"rows": 2}
    )
    actions = FieldList(FormField(ActionForm))
    next_visit_on = DateField(_l("Next visit"), validators=[Optional()])
    location_consent = BooleanField(_l("The returnee agrees that the place is stored"))
    latitude = DecimalField(validators=[Optional(), NumberRange(-90, 90)], places=6)
    longitude = DecimalField(validators=[Optional(), NumberRange(-180, 180)], places=6)
    photos = MultipleFileField(_l("Photos (JPEG or PNG, at most 5, 5 MB each)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.mode.choices = choices(VisitMode.choices())
        self.topics.choices = choices(VisitTopic.choices())
        self.business_status.choices = choices(ObservedStatus.choices())


def wellbeing_form(formdata=None):
    """A form with one 1-5 question per wellbeing item."""

    class WellbeingForm(BaseForm):
        taken_on = DateField(_l("Date"), validators=[DataRequired()])

    for question in QUESTIONS:
        setattr(
            WellbeingForm,
            question.code,
            RadioField(
                question.text,
                choices=choices((str(n), str(n)) for n in range(1, 6)),
                coerce=int,
                validators=[DataRequired(_l("Choose 1 to 5."))],
            ),
        )
    return WellbeingForm(formdata=formdata)


class SelfReportForm(BaseForm):
    month = DateField(
        _l("Month"),
        format="%Y-%m",
        validators=[DataRequired()],
        render_kw={"type": "month"},
    )
    status = SelectField(_l("The business"))
    revenue_idr = RupiahField(
        _l("Revenue that month (Rp)"), render_kw={"inputmode": "numeric"}
    )
    workers_family = IntegerField(
        _l("Family members working"),
        default=0,
        validators=[Optional(), NumberRange(0, 500)],
    )
    workers_paid = IntegerField(
        _l("Paid workers"), default=0, validators=[Optional(), NumberRange(0, 500)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.status.choices = choices(ObservedStatus.choices())
