"""Forms of the loan's checks and events (SIKP, SLIK, BPJS; penalties, claims,
recoveries): each carries the loan's version."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from juragan.forms import RupiahField, VersionedForm, choices

CHECK_CHOICES = (
    ("slik:clean", _l("SLIK: clean (collectibility 1 everywhere)")),
    ("slik:arrears", _l("SLIK: has arrears")),
    ("slik:not_found", _l("SLIK: no record")),
    ("sikp:registered", _l("SIKP: registered")),
    ("sikp:not_registered", _l("SIKP: not registered")),
    ("sikp:rejected", _l("SIKP: rejected")),
    ("bpjs_tk:member", _l("BPJS Ketenagakerjaan: member")),
    ("bpjs_tk:not_member", _l("BPJS Ketenagakerjaan: not a member")),
)
PENALTY_CHOICES = (
    ("penalty_charge", _l("Charge a late penalty")),
    ("penalty_waiver", _l("Waive penalties")),
    ("penalty_payment", _l("Penalty paid")),
)


class CheckForm(VersionedForm):
    answer = SelectField(_l("Check and answer"), validators=[DataRequired()])
    checked_on = DateField(_l("Checked on"), validators=[DataRequired()])
    reference = StringField(
        _l("Reference (SIKP debtor id, iDeb request number, BPJS number)"),
        validators=[Optional(), Length(max=40)],
    )
    worst_collectibility = IntegerField(
        _l("Worst collectibility in the report (arrears)"),
        validators=[Optional(), NumberRange(min=2, max=5)],
        render_kw={"inputmode": "numeric"},
    )
    reason = StringField(
        _l("Why SIKP refused"), validators=[Optional(), Length(max=500)]
    )
    note = TextAreaField(
        _l("Note"), validators=[Optional(), Length(max=2000)], render_kw={"rows": 2}
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.answer.choices = choices(CHECK_CHOICES, _l("— choose —"))


class PenaltyForm(VersionedForm):
    kind = SelectField(_l("What"), validators=[DataRequired()])
    occurred_on = DateField(_l("On"), validators=[DataRequired()])
    amount_idr = RupiahField(_l("Amount (Rp)"), validators=[DataRequired()])
    basis = StringField(
        _l("How it was worked out"), validators=[Optional(), Length(max=200)]
    )
    reference = StringField(
        _l("Bank reference"), validators=[Optional(), Length(max=40)]
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices(PENALTY_CHOICES)


class ClaimForm(VersionedForm):
    submitted_on = DateField(_l("Submitted on"), validators=[DataRequired()])
    claimed_idr = RupiahField(_l("Amount claimed (Rp)"), validators=[DataRequired()])


class ClaimAnswerForm(VersionedForm):
    settled_on = DateField(_l("Answered on"), validators=[DataRequired()])
    paid_idr = RupiahField(_l("Amount paid (Rp)"), validators=[Optional()])
    rejection_reason = StringField(
        _l("Or the reason for the rejection"), validators=[Optional(), Length(max=500)]
    )


class RecoveryForm(VersionedForm):
    occurred_on = DateField(_l("Collected on"), validators=[DataRequired()])
    amount_idr = RupiahField(_l("Amount recovered (Rp)"), validators=[DataRequired()])
    guarantor_share_idr = RupiahField(
        _l("Of it, passed on to the guarantor (Rp)"), validators=[Optional()]
    )
    reference = StringField(
        _l("Bank reference"), validators=[Optional(), Length(max=40)]
    )
