"""Written-off loans by lender: principal written off, guarantee claims paid,
recoveries and the lender's net loss (``juragan.domain.loan_ledger``), scoped as every
other loan figure."""

from __future__ import annotations

import pandas as pd
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from juragan import clock
from juragan.db import loan_reading
from juragan.domain.loan_ledger import NO_LOSS, Loss
from juragan.models import LoanApplication, User
from juragan.policy import scoped


def losses_by_lender(session: Session, user: User) -> dict[str, Loss]:
    """The loss figures of the written-off loans ``user`` may see, per lender."""
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
