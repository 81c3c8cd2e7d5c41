"""SIKP, SLIK and BPJS Ketenagakerjaan checks as recorded steps of an application.

SLIK (and, for KUR Kecil, BPJS Ketenagakerjaan) must be recorded and passed before
the bank approves; SIKP registration before the akad (disbursement). A check may
be recorded again; the latest of each kind counts, all stay in the history.
Sources: ``docs/loan-checks.md``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from juragan.domain import loan_lifecycle
from juragan.domain.codes import CheckKind
from juragan.errors import DomainError, FieldErrors
from juragan.i18n.labels import CHECK_RESULT_LABELS
from juragan.models import LoanApplication, LoanCheck, User
from juragan.models.loan_events import CHECK_RESULTS

#: The answers that pass each check. A person SLIK has no record of has no
#: arrears anywhere: that passes.
PASSING: dict[str, frozenset[str]] = {
    "sikp": frozenset({"registered"}),
    "slik": frozenset({"clean", "not_found"}),
    "bpjs_tk": frozenset({"member"}),
}
#: States in which the lender's officer records checks: before the decision and
#: before the akad.
CHECK_STATES = loan_lifecycle.allowed_in(loan_lifecycle.LoanStep.RECORD_CHECK)
MAX_REFERENCE = 40


@dataclass
class CheckData:
    kind: str
    result: str
    checked_on: date
    reference: str | None = None
    worst_collectibility: int | None = None
    reason: str | None = None
    note: str | None = None


def passed(check: LoanCheck | None) -> bool:
    return check is not None and check.result in PASSING[check.kind]


def latest(loan: LoanApplication) -> dict[str, LoanCheck]:
    """The check that counts of each kind: the latest checked, then recorded."""
    found: dict[str, LoanCheck] = {}
    for check in history(loan):
        found[check.kind] = check
    return found


def history(loan: LoanApplication) -> list[LoanCheck]:
    """Every check of the loan, oldest first."""
    from sqlalchemy import inspect, select

    session = inspect(loan).session
    if session is None:
        return []
    return list(
        session.scalars(
            select(LoanCheck)
            .where(LoanCheck.loan_id == loan.id)
            .order_by(LoanCheck.checked_on, LoanCheck.recorded_at, LoanCheck.id)
        )
    )


def required_before_approval(loan: LoanApplication) -> tuple[str, ...]:
    """SLIK for every KUR; BPJS Ketenagakerjaan as well for KUR Kecil."""
    return ("slik", "bpjs_tk") if loan.scheme == "kecil" else ("slik",)


_NAMES = {"sikp": "SIKP", "slik": "SLIK", "bpjs_tk": "BPJS Ketenagakerjaan"}


def _refusal(kind: str, check: LoanCheck | None, step: str) -> DomainError:
    name = _NAMES[kind]
    if check is None:
        message = (
            _l("Record the %(check)s check before the approval.", check=name)
            if step == "approve"
            else _l("Record the %(check)s check before the akad.", check=name)
        )
    else:
        message = _l(
            "The latest %(check)s check did not pass (%(result)s on %(day)s).",
            check=name,
            result=CHECK_RESULT_LABELS[check.result],
            day=check.checked_on.isoformat(),
        )
    return DomainError(None, message)


def ensure_ready_for_approval(loan: LoanApplication) -> None:
    """:raises DomainError: naming the check that is missing or failed."""
    counted = latest(loan)
    for kind in required_before_approval(loan):
        if not passed(counted.get(kind)):
            raise _refusal(kind, counted.get(kind), "approve")


def ensure_ready_for_akad(loan: LoanApplication, akad_on: date) -> None:
    """:raises DomainError: without a passed SIKP check made on or before the akad
    (no interest subsidy without it)."""
    check = latest(loan).get("sikp")
    if not passed(check):
        raise _refusal("sikp", check, "akad")
    if check.checked_on > akad_on:
        raise FieldErrors(
            [
                (
                    "akad_on",
                    _l(
                        "SIKP registration was checked on %(day)s: the akad comes on or after it.",
                        day=check.checked_on.isoformat(),
                    ),
                )
            ]
        )


def record_check(
    session: Session,
    actor: User,
    loan: LoanApplication,
    data: CheckData,
    today: date,
    now: datetime,
) -> LoanCheck:
    """Record what SIKP, SLIK or BPJS answered; SIKP keeps ``is_sikp_registered``
    in step with the latest SIKP check.

    :raises FieldErrors: for an unknown kind or an answer that system does not
        give, a date in the future or before the application, SLIK arrears without
        the worst collectibility, a SIKP refusal without its reason, an overlong
        reference.
    """
    if loan.status not in CHECK_STATES:
        raise DomainError(None, _l("Checks are recorded before the disbursement."))
    errors: list[tuple[str | None, str]] = []
    reference = (data.reference or "").strip() or None
    reason = (data.reason or "").strip() or None
    note = (data.note or "").strip() or None
    if data.kind not in CheckKind.values():
        errors.append(("kind", _l("Choose which check.")))
    elif data.result not in CHECK_RESULTS[data.kind]:
        errors.append(("result", _l("That is not an answer this system gives.")))
    if data.checked_on > today:
        errors.append(("checked_on", _l("The date cannot be in the future.")))
    elif data.checked_on < loan.applied_on:
        errors.append(("checked_on", _l("The check comes after the application.")))
    collectibility = None
    if data.result == "arrears":
        if data.worst_collectibility not in (2, 3, 4, 5):
            errors.append(
                (
                    "worst_collectibility",
                    _l("Give the worst collectibility in the report (2 to 5)."),
                )
            )
        collectibility = data.worst_collectibility
    if data.result == "rejected" and reason is None:
        errors.append(("reason", _l("Write why SIKP refused the debtor.")))
    if reference is not None and len(reference) > MAX_REFERENCE:
        errors.append(("reference", _l("At most 40 characters.")))
    if errors:
        raise FieldErrors(errors)
    check = LoanCheck(
        loan_id=loan.id,
        kind=data.kind,
        result=data.result,
        worst_collectibility=collectibility,
        reference=reference,
        reason=reason if data.result == "rejected" else None,
        note=note,
        checked_on=data.checked_on,
        checked_by_id=actor.id,
        recorded_at=now,
    )
    session.add(check)
    session.flush()
    if data.kind == "sikp":
        loan.is_sikp_registered = passed(latest(loan).get("sikp"))
        session.flush()
    return check
