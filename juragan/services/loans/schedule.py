"""A loan's terms and the schedule laid down on them: the grace and lean-season
months a request may have, the borrower's rates, and the instalments a disbursement,
a prepayment or a restructuring lays out and settles with every payment.
"""

from __future__ import annotations

from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from juragan.db.loan_reading import (
    dues_of,
    payments_of,
)
from juragan.domain import servicing
from juragan.domain.kur_rules import (
    borrower_rates,
)
from juragan.domain.repayment import (
    Due,
    allocate,
)
from juragan.errors import FieldErrors
from juragan.models import (
    Instalment,
    LoanApplication,
    ScheduleRevision,
    User,
)


def check_terms(
    tenor: int,
    grace_months: int = 0,
    lean_months: frozenset[int] = frozenset(),
    line_of_business: str | None = None,
) -> None:
    """Grace and lean-season months a schedule may have.

    Grace is as the lender assesses it (the KUR guideline sets no maximum, and the
    PMI placement KUR agreement states it: ``docs/loan-servicing.md``), so only the
    tenor bounds it; a seasonal schedule is for farming, livestock and fishing.

    :raises FieldErrors: where neither is allowed, or nothing is left to repay.
    """
    from juragan.domain.kur_rules import PRODUCTION_LINES

    errors: list[tuple[str | None, str]] = []
    if not 0 <= grace_months < tenor:
        errors.append(
            (
                "grace_months",
                _l(
                    "Grace must leave months to repay in: fewer than the %(n)s of the tenor.",
                    n=tenor,
                ),
            )
        )
    if not set(lean_months) <= set(range(1, 13)):
        errors.append(("lean_months", _l("Choose calendar months.")))
    if lean_months and line_of_business not in PRODUCTION_LINES:
        errors.append(
            (
                "lean_months",
                _l(
                    "A seasonal schedule is for farming, livestock and fishing businesses."
                ),
            )
        )
    if errors:
        raise FieldErrors(errors)
    if len(lean_months) == 12:
        raise FieldErrors([("lean_months", _l("Leave months to repay in."))])


def loan_rates(loan: LoanApplication) -> servicing.Rates:
    """The borrower's rate over the loan's life, from the rule data of its
    application (``kur_rules.borrower_rates``: the 2022 extra subsidy, regional
    relief rates); the rate recorded on the loan where the rule data has none."""
    try:
        return borrower_rates(
            loan.rule_set,
            loan.scheme,
            loan.access_number,
            loan.rate_province_code,
            loan.applied_on,
        )
    except LookupError:
        return servicing.flat_rate(loan.rate_percent)


def terms_of(
    loan: LoanApplication,
    principal: int,
    first_due_on: date,
    grace_months: int | None = None,
) -> servicing.Terms:
    return servicing.Terms(
        principal_idr=principal,
        rates=loan_rates(loan),
        tenor_months=loan.tenor_months,
        first_due_on=first_due_on,
        grace_months=loan.grace_months if grace_months is None else grace_months,
        lean_months=frozenset(loan.lean_months or ()),
    )


def preview_first_due(today: date) -> date:
    """The first due date the simulator and a new application's preview assume, and
    the disbursement form proposes: a month after today."""
    return today + relativedelta(months=1)


def line_of(loan: LoanApplication) -> str | None:
    if loan.business is not None:
        return loan.business.sector
    return loan.plan.sector if loan.plan is not None else None


def lay_out(
    session: Session, loan: LoanApplication, lines: list[servicing.Line]
) -> None:
    """Make ``lines`` the loan's schedule, and settle it again with every payment."""
    loan.instalments = [
        Instalment(
            number=line.number,
            due_on=line.due_on,
            principal_idr=line.principal_idr,
            interest_idr=line.interest_idr,
            paid_principal_idr=0,
            paid_interest_idr=0,
        )
        for line in lines
    ]
    session.flush()
    settle(loan, payments_of(loan))


def settle(loan: LoanApplication, payments: list[tuple[date, int]]) -> list[Due]:
    states = allocate(dues_of(loan), payments)
    for instalment, state in zip(loan.instalments, states, strict=True):
        instalment.paid_principal_idr = state.paid_principal_idr
        instalment.paid_interest_idr = state.paid_interest_idr
        instalment.settled_on = state.settled_on
    return states


def revise(
    loan: LoanApplication,
    actor: User | None,
    now: datetime,
    kind: str,
    on: date,
    principal: int,
    **details,
) -> ScheduleRevision:
    """Keep the schedule now in force as the loan's next revision."""
    revision = ScheduleRevision(
        number=len(loan.revisions) + 1,
        kind=kind,
        effective_on=on,
        principal_idr=principal,
        actor_id=actor.id if actor else None,
        at=now,
        lines=[
            [i.number, i.due_on.isoformat(), i.principal_idr, i.interest_idr]
            for i in loan.instalments
        ],
        **{
            "arrears_principal_idr": 0,
            "arrears_interest_idr": 0,
            "accrued_interest_idr": 0,
            **details,
        },
    )
    loan.revisions.append(revision)
    return revision
