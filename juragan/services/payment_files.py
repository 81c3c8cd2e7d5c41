"""Lenders' repayment files (CSV or XLSX): one payment per row, with a report per row.

Rows are independent: a good row is recorded even when another row is wrong, and
each row says what happened to it. A row whose bank reference is already recorded
for that loan is reported as a repeat and changes nothing, so the same file can be
imported twice safely. Only loans in the importing officer's scope are touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from juragan.db import scope
from juragan.errors import DomainError, FieldErrors
from juragan.models import LoanApplication, Payment, User
from juragan.policy import Action, can, scoped
from juragan.services import loans
from juragan.services.registry_files import BadFile, read_table

COLUMNS = ("loan_id", "paid_on", "amount_idr", "reference")


@dataclass
class RowOutcome:
    row: int
    loan_id: str
    outcome: str  # recorded, repeat, rejected
    message: str = ""


def _amount(text: str) -> int:
    cleaned = text.strip().removeprefix("Rp").strip().replace(".", "").replace(" ", "")
    if cleaned.endswith(",00"):
        cleaned = cleaned[:-3]
    return int(cleaned)


def import_payments(
    session: Session,
    actor: User,
    filename: str,
    content: bytes,
    today: date,
    now: datetime,
) -> list[RowOutcome]:
    """Record each row's payment; return one outcome per row.

    :raises FieldErrors: when the file itself cannot be read.
    """
    with scope.as_user(actor):
        return _import_payments(session, actor, filename, content, today, now)


def _import_payments(
    session: Session,
    actor: User,
    filename: str,
    content: bytes,
    today: date,
    now: datetime,
) -> list[RowOutcome]:
    try:
        frame = read_table(filename, content, required=COLUMNS)
    except BadFile as error:
        raise FieldErrors([("file", error.message)]) from error
    outcomes = []
    for index, row in enumerate(frame.to_dict("records"), start=2):  # row 1: header
        loan_ref = str(row["loan_id"]).strip()
        outcome = RowOutcome(index, loan_ref, "rejected")
        outcomes.append(outcome)
        try:
            loan_id = int(loan_ref)
            paid_on = date.fromisoformat(str(row["paid_on"]).strip())
            amount = _amount(str(row["amount_idr"]))
        except ValueError:
            outcome.message = str(
                _l("Loan number, date (YYYY-MM-DD) or amount unreadable.")
            )
            continue
        loan = session.scalar(
            scoped(select(LoanApplication), actor, LoanApplication).where(
                LoanApplication.id == loan_id
            )
        )
        if loan is None or not can(actor, Action.RECORD_PAYMENT, loan):
            outcome.message = str(
                _l("No loan with this number that you may record for.")
            )
            continue
        reference = str(row["reference"]).strip() or None
        if reference and session.scalar(
            select(Payment.id).where(
                Payment.loan_id == loan.id, Payment.reference == reference
            )
        ):
            outcome.outcome = "repeat"
            outcome.message = str(_l("Recorded before; nothing changed."))
            continue
        try:
            with session.begin_nested():
                loans.record_payment(
                    session, actor, loan, paid_on, amount, today, now, reference
                )
        except DomainError as error:
            outcome.message = " ".join(str(message) for _field, message in error.errors)
            session.expire(loan)
            continue
        outcome.outcome = "recorded"
    return outcomes
