"""Forms of the loan's checks and events (SIKP, SLIK, BPJS; penalties, claims,
recoveries): each carries the loan's version."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from juragan.web.forms import RupiahField, VersionedForm, choices

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


# Every field has an id of its own: the loan page holds other forms with the same
# names (the payment's amount and reference, the decision's reason).


class CheckForm(VersionedForm):
    answer = SelectField(
        _l("Check and answer"), validators=[DataRequired()], id="check_answer"
    )
    checked_on = DateField(
        _l("Checked on"), validators=[DataRequired()], id="check_checked_on"
    )
    reference = StringField(
        _l("Reference (SIKP debtor id, iDeb request number, BPJS number)"),
        validators=[Optional(), Length(max=40)],
        id="check_reference",
    )
    worst_collectibility = IntegerField(
        _l("Worst collectibility in the report (arrears)"),
        validators=[Optional(), NumberRange(min=2, max=5)],
        render_kw={"inputmode": "numeric"},
        id="check_worst_collectibility",
    )
    reason = StringField(
        _l("Why SIKP refused"),
        validators=[Optional(), Length(max=500)],
        id="check_reason",
    )
    note = TextAreaField(
        _l("Note"),
        validators=[Optional(), Length(max=2000)],
        render_kw={"rows": 2},
        id="check_note",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.answer.choices = choices(CHECK_CHOICES, _l("— choose —"))


class PenaltyForm(VersionedForm):
    kind = SelectField(_l("What"), validators=[DataRequired()], id="penalty_kind")
    occurred_on = DateField(
        _l("On"), validators=[DataRequired()], id="penalty_occurred_on"
    )
    amount_idr = RupiahField(
        _l("Amount (Rp)"), validators=[DataRequired()], id="penalty_amount_idr"
    )
    basis = StringField(
        _l("How it was worked out"),
        validators=[Optional(), Length(max=200)],
        id="penalty_basis",
    )
    reference = StringField(
        _l("Bank reference"),
        validators=[Optional(), Length(max=40)],
        id="penalty_reference",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind.choices = choices(PENALTY_CHOICES)


class ClaimForm(VersionedForm):
    submitted_on = DateField(
        _l("Submitted on"), validators=[DataRequired()], id="claim_submitted_on"
    )
    claimed_idr = RupiahField(
        _l("Amount claimed (Rp)"), validators=[DataRequired()], id="claim_claimed_idr"
    )


class ClaimAnswerForm(VersionedForm):
    settled_on = DateField(
        _l("Answered on"), validators=[DataRequired()], id="claimanswer_settled_on"
    )
    paid_idr = RupiahField(
        _l("Amount paid (Rp)"), validators=[Optional()], id="claimanswer_paid_idr"
    )
    rejection_reason = StringField(
        _l("Or the reason for the rejection"),
        validators=[Optional(), Length(max=500)],
        id="claimanswer_rejection_reason",
    )


class RecoveryForm(VersionedForm):
    occurred_on = DateField(
        _l("Collected on"), validators=[DataRequired()], id="recovery_occurred_on"
    )
    amount_idr = RupiahField(
        _l("Amount recovered (Rp)"),
        validators=[DataRequired()],
        id="recovery_amount_idr",
    )
    guarantor_share_idr = RupiahField(
        _l("Of it, passed on to the guarantor (Rp)"),
        validators=[Optional()],
        id="recovery_guarantor_share_idr",
    )
    reference = StringField(
        _l("Bank reference"),
        validators=[Optional(), Length(max=40)],
        id="recovery_reference",
    )
