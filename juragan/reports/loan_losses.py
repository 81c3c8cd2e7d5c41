"""Written-off loans by lender: principal written off, guarantee claims paid,
recoveries and the lender's net loss (``juragan.domain.loan_ledger``), scoped as every
other loan figure."""

from __future__ import annotations

import pandas as pd
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from juragan import clock
from juragan.db import loan_reading
from juragan.domain.loan_ledger import NO_LOSS, Loss
from juragan.models import (
    GuaranteeClaim,
    Instalment,
    LoanApplication,
    LoanEvent,
    User,
)
from juragan.policy import scoped


def losses_by_lender(session: Session, user: User) -> dict[str, Loss]:
    """The loss figures of the written-off loans ``user`` may see, per lender
    (:func:`juragan.db.loan_reading.loss_of` summed, in three grouped queries
    whatever the number of loans)."""
    loans = (
        scoped(
            select(LoanApplication.id, LoanApplication.lender),
            user,
            LoanApplication,
        )
        .where(LoanApplication.status == "written_off")
        .subquery()
    )
    sums: dict[str, list[int]] = {}

    def add(position: int, rows) -> None:
        for lender, *values in rows:
            into = sums.setdefault(lender, [0, 0, 0, 0])
            for offset, value in enumerate(values):
                into[position + offset] += int(value or 0)

    add(
        0,
        session.execute(
            select(
                loans.c.lender,
                func.sum(Instalment.principal_idr - Instalment.paid_principal_idr),
            )
            .join(Instalment, Instalment.loan_id == loans.c.id)
            .group_by(loans.c.lender)
        ),
    )
    add(
        1,
        session.execute(
            select(loans.c.lender, func.sum(GuaranteeClaim.paid_idr))
            .join(GuaranteeClaim, GuaranteeClaim.loan_id == loans.c.id)
            .group_by(loans.c.lender)
        ),
    )
    add(
        2,
        session.execute(
            select(
                loans.c.lender,
                func.sum(LoanEvent.amount_idr),
                func.sum(LoanEvent.guarantor_share_idr),
            )
            .join(LoanEvent, LoanEvent.loan_id == loans.c.id)
            .where(LoanEvent.kind == "recovery")
            .group_by(loans.c.lender)
        ),
    )
    return {
        lender: Loss(
            written_off_idr=off,
            claims_paid_idr=claims,
            recoveries_idr=recovered,
            passed_to_guarantor_idr=passed,
        )
        for lender, (off, claims, recovered, passed) in sorted(sums.items())
    }


def _losses_loan_by_loan(session: Session, user: User) -> dict[str, Loss]:
    """:func:`losses_by_lender` the long way, one loan at a time (for the tests)."""
    rows = session.scalars(
        scoped(select(LoanApplication), user, LoanApplication)
        .where(LoanApplication.status == "written_off")
        .options(selectinload(LoanApplication.instalments))
        .order_by(LoanApplication.id)
    ).all()
    totals: dict[str, Loss] = {}
    for loan in rows:
        totals[loan.lender] = totals.get(loan.lender, NO_LOSS) + loan_reading.loss_of(
            loan
        )
    return dict(sorted(totals.items()))


def with_penalties(frame: pd.DataFrame, loan: LoanApplication) -> pd.DataFrame:
    """The schedule file with a last line for the late penalties owed today: a
    balance of its own, apart from the instalments."""
    owed = loan_reading.penalties_owed(loan, clock.today())
    if not owed:
        return frame
    line = {column: None for column in frame.columns}
    line[_("No.")] = _("Late penalties owed (apart from the instalments)")
    line[_("Instalment")] = owed
    return pd.concat([frame, pd.DataFrame([line])], ignore_index=True)
