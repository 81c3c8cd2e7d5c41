from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    EmailField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import (
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
)

from juragan.domain.codes import AuditAction
from juragan.i18n.labels import RECORD_TYPE_LABELS, ROLE_LABELS
from juragan.models.lender import DECISION_SLA_RANGE, MIN_COVERAGE_RANGE
from juragan.services.accounts import (
    COVERAGE_RANGE_MESSAGE,
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    SLA_RANGE_MESSAGE,
)
from juragan.web.forms import (
    BLANK_PROVINCE,
    BLANK_REGENCY,
    BaseForm,
    LocalDecimalField,
    RegionSelectField,
    VersionedForm,
    choices,
    province_choices,
    regency_choices,
    username_field,
)
from juragan.web.reauth import confirm_password_field


def _optional_int(value: object) -> int | None:
    try:
        return int(value) if value not in (None, "") else None  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None


def branch_choices() -> list[tuple[object, str]]:
    """Every lender's branch, by lender; a bank officer is put in one."""
    from sqlalchemy import select

    from juragan.extensions import db
    from juragan.models import Lender, LenderBranch

    rows = db.session.execute(
        select(LenderBranch.id, Lender.name, LenderBranch.name)
        .join(Lender, Lender.code == LenderBranch.lender_code)
        .order_by(Lender.name, LenderBranch.name)
    ).all()
    return [("", str(_l("— not a bank officer —")))] + [
        (branch_id, f"{lender} · {name}") for branch_id, lender, name in rows
    ]


class BranchForm(BaseForm):
    lender_code = SelectField(_l("Lender"), validators=[DataRequired()])
    name = StringField(
        _l("Branch name"),
        validators=[
            DataRequired(message=_l("Enter the branch's name.")),
            Length(max=120),
        ],
    )
    province_code = RegionSelectField(
        _l("Province it serves"),
        validators=[DataRequired(message=_l("Choose a province."))],
    )
    regency_code = RegionSelectField(
        _l("Only one regency or city of it (optional)"),
        validators=[Optional()],
        render_kw={"data-follows": "province_code"},
    )

    def __init__(self, *args, **kwargs):
        from sqlalchemy import select

        from juragan.extensions import db
        from juragan.models import Lender

        super().__init__(*args, **kwargs)
        self.lender_code.choices = [
            (code, name)
            for code, name in db.session.execute(
                select(Lender.code, Lender.name)
                .where(Lender.is_active)
                .order_by(Lender.name)
            )
        ]
        self.province_code.choices = province_choices(BLANK_PROVINCE)
        self.regency_code.choices = regency_choices(BLANK_REGENCY)


class LenderForm(BaseForm):
    """A lender's settings: its service level for the decision, and the repayment
    capacity it wants of a plan."""

    decision_sla_days = IntegerField(
        _l("Days to decide after the documents are checked"),
        validators=[
            InputRequired(message=_l("Enter a number of days.")),
            NumberRange(*DECISION_SLA_RANGE, message=SLA_RANGE_MESSAGE),
        ],
        render_kw={"inputmode": "numeric"},
    )
    min_repayment_coverage = LocalDecimalField(
        _l("Repayment capacity threshold (cash left ÷ instalment)"),
        validators=[
            InputRequired(message=_l("Enter a ratio, such as 1,5.")),
            NumberRange(*MIN_COVERAGE_RANGE, message=COVERAGE_RANGE_MESSAGE),
        ],
        render_kw={"inputmode": "decimal"},
    )


class AccountForm(VersionedForm):
    username = username_field(_l("Username"), autocapitalize="none")
    full_name = StringField(
        _l("Full name"),
        validators=[DataRequired(message=_l("Enter the full name.")), Length(max=120)],
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
    role = SelectField(
        _l("Role"),
        choices=choices((r.value, label) for r, label in ROLE_LABELS.items()),
    )
    scope_province_code = RegionSelectField(
        _l("Province scope"), validators=[Optional()]
    )
    scope_regency_code = RegionSelectField(
        _l("Regency or city scope (optional)"),
        validators=[Optional()],
        render_kw={"data-follows": "scope_province_code"},
    )
    lender_branch_id = SelectField(
        _l("Lender's branch (bank officers)"),
        coerce=_optional_int,
        validators=[Optional()],
    )
    password = PasswordField(
        _l("Initial password"),
        validators=[
            DataRequired(message=_l("Enter an initial password.")),
            Length(
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
                message=_l(
                    "Use %(min)d to %(max)d characters.",
                    min=MIN_PASSWORD_LENGTH,
                    max=MAX_PASSWORD_LENGTH,
                ),
            ),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    confirm_password = confirm_password_field()

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.scope_province_code.choices = province_choices(BLANK_PROVINCE)
        self.scope_regency_code.choices = regency_choices(BLANK_REGENCY)
        self.lender_branch_id.choices = branch_choices()
        if editing:
            # The username is the sign-in name: fixed once created.
            del self.username
            del self.password
        else:
            del self.confirm_password
            del self.version


class AccountFilterForm(BaseForm):
    class Meta:
        csrf = False

    q = StringField(_l("Name or username"), validators=[Optional(), Length(max=64)])
    role = SelectField(
        _l("Role"),
        choices=choices(
            ((r.value, label) for r, label in ROLE_LABELS.items()), _l("All roles")
        ),
        validators=[Optional()],
    )
    status = SelectField(
        _l("Status"),
        choices=choices(
            [("active", _l("Active")), ("inactive", _l("Deactivated"))], _l("All")
        ),
        validators=[Optional()],
    )


class AuditFilterForm(BaseForm):
    class Meta:
        csrf = False

    table = SelectField(
        _l("Record type"),
        choices=choices(RECORD_TYPE_LABELS.items(), _l("All record types")),
        validators=[Optional()],
    )
    action = SelectField(
        _l("Change"),
        choices=choices(AuditAction.choices(), _l("All changes")),
        validators=[Optional()],
    )
    actor = StringField(_l("By (username)"), validators=[Optional(), Length(max=64)])
    object_id = IntegerField(_l("Record number"), validators=[Optional()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("Until"), validators=[Optional()])
