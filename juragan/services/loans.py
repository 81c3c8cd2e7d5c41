"""KUR loans: applying, the state machine, documents, disbursement and payments.

Every transition goes through :func:`move`, which refuses a step the state machine
does not have and records who, when and why. Who may take a step is
:mod:`juragan.policy`; the rules of the loan itself are here.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from juragan import files, inventory, scope
from juragan.errors import DomainError, FieldErrors
from juragan.finance import loan_schedule
from juragan.i18n import format_rupiah
from juragan.kur_rules import rules_on
from juragan.models import (
    Business,
    BusinessPlan,
    Instalment,
    LoanApplication,
    LoanDocument,
    LoanTransition,
    Payment,
    Placement,
    Returnee,
    User,
)
from juragan.models.loan import ACTIVE_STATUSES, DOCUMENT_TYPES, LENDERS
from juragan.repayment import Due, Overpayment, allocate, collectibility, days_past_due
from juragan.services.eligibility import Advice, Facts, Request, advise

#: The state machine: from each state, the states it may move to.
TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"submitted", "withdrawn"}),
    "submitted": frozenset({"verified", "draft", "withdrawn"}),  # draft: returned
    "verified": frozenset({"approved", "rejected", "withdrawn"}),
    "approved": frozenset({"disbursed"}),
    "disbursed": frozenset({"repaying", "paid_off", "restructured", "written_off"}),
    "repaying": frozenset({"paid_off", "restructured", "written_off"}),
    "restructured": frozenset({"repaying", "paid_off", "written_off"}),
    "rejected": frozenset(),
    "withdrawn": frozenset(),
    "paid_off": frozenset(),
    "written_off": frozenset(),
}
#: States where the loan has money out.
LIVE_STATES = frozenset({"disbursed", "repaying", "restructured"})
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
#: Accepted files, recognised by their first bytes (the name is not trusted).
SIGNATURES = {b"%PDF-": "application/pdf", b"\xff\xd8\xff": "image/jpeg",
              b"\x89PNG\r\n\x1a\n": "image/png"}  # fmt: skip
EXTENSIONS = {"application/pdf": ".pdf", "image/jpeg": ".jpg", "image/png": ".png"}


class IllegalTransition(DomainError):
    def __init__(self, current: str, target: str) -> None:
        super().__init__(
            None,
            _l("A loan that is %(current)s cannot become %(target)s.",
               current=current, target=target),
        )  # fmt: skip


def move(
    session: Session,
    loan: LoanApplication,
    target: str,
    actor: User | None,
    now: datetime,
    reason: str | None = None,
) -> None:
    """Move ``loan`` to ``target`` if the state machine allows it, recording it."""
    if target not in TRANSITIONS.get(loan.status, frozenset()):
        raise IllegalTransition(loan.status, target)
    loan.transitions.append(
        LoanTransition(
            from_status=loan.status, to_status=target,
            actor_id=actor.id if actor else None, at=now, reason=reason,
        )
    )  # fmt: skip
    loan.status = target
    session.flush()


# Facts and advice ---------------------------------------------------------------


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def previous_kur(
    session: Session, returnee: Returnee, exclude_id: int | None = None
) -> int:
    """KUR loans this returnee has had disbursed through juragan."""
    stmt = select(func.count(LoanApplication.id)).where(
        LoanApplication.returnee_id == returnee.id,
        LoanApplication.amount_disbursed_idr.is_not(None),
    )
    if exclude_id is not None:
        stmt = stmt.where(LoanApplication.id != exclude_id)
    return session.scalar(stmt) or 0


@dataclass
class Declared:
    """What the applicant says about themselves that juragan does not record."""

    has_npwp: bool = False
    other_credit: str = "none"
    #: KUR taken elsewhere, before juragan.
    kur_elsewhere: int = 0
    has_offtaker: bool = False
    family_consent: bool = False


def facts_for(
    session: Session,
    returnee: Returnee,
    on: date,
    declared: Declared,
    business: Business | None = None,
    plan: BusinessPlan | None = None,
    placement: Placement | None = None,
) -> Facts:
    """Gather what juragan knows about the applicant for :func:`advise`."""
    from juragan.services import plans as plan_service

    months = None
    if business is not None and business.status != "closed":
        delta = relativedelta(on, business.opened_on)
        months = delta.years * 12 + delta.months
    turnover = None
    source = business.plan if business is not None and business.plan else plan
    if source is not None and source.months:
        figures = plan_service.figures_of(source)
        turnover = (
            sum(m.sales_idr for m in figures.months[:12])
            * 12
            // min(12, len(figures.months))
        )
    form = (
        business.legal_form if business else plan.legal_form if plan else "individual"
    )
    trainings = [t for t in returnee.trainings if t.stage == "after_return"
                 or t.kind == "entrepreneurship"]  # fmt: skip
    return Facts(
        has_nik=bool(returnee.nik),
        nik_verified=returnee.is_nik_verified,
        age=_age(returnee.birth_date, on),
        married=returnee.marital_status != "single",
        business_months=months,
        has_mentor=returnee.mentor_id is not None,
        has_training=bool(trainings),
        in_group=form in ("group", "cooperative"),
        has_offtaker=declared.has_offtaker,
        line_of_business=(
            business.sector if business else plan.sector if plan else None
        ),
        annual_turnover_idr=turnover,
        has_npwp=declared.has_npwp,
        other_credit=declared.other_credit,
        previous_kur=previous_kur(session, returnee) + declared.kur_elsewhere,
        contract_months=placement.contract_months if placement else None,
        family_consent=declared.family_consent,
    )


# Applying --------------------------------------------------------------------------


@dataclass
class ApplicationData:
    kind: str
    scheme: str
    lender: str
    amount_idr: int
    tenor_months: int
    purpose: str
    declared: Declared
    npwp: str | None = None
    business_id: int | None = None
    plan_id: int | None = None
    placement_id: int | None = None
    #: Instalment numbers paying interest only (grace period or lean season).
    interest_only_months: tuple[int, ...] = ()


MAX_GRACE_MONTHS = 6


def interest_only_months(
    tenor: int,
    first_due: date,
    grace_months: int = 0,
    lean_calendar_months: frozenset[int] = frozenset(),
    line_of_business: str | None = None,
    purpose: str = "working_capital",
) -> tuple[int, ...]:
    """Instalment numbers that pay interest only: a grace period at the start
    (investment loans, up to six months) and the lean-season calendar months of
    farming, livestock and fishing businesses.

    :raises FieldErrors: where neither is allowed, or nothing is left to repay.
    """
    from juragan.kur_rules import PRODUCTION_LINES

    errors: list[tuple[str | None, str]] = []
    if grace_months and purpose != "investment":
        errors.append(("grace_months", _l("A grace period is for investment loans.")))
    if not 0 <= grace_months <= MAX_GRACE_MONTHS:
        errors.append(("grace_months", _l("At most 6 months of grace.")))
    if lean_calendar_months and line_of_business not in PRODUCTION_LINES:
        errors.append(("lean_months", _l(
            "A seasonal schedule is for farming, livestock and fishing businesses."
        )))  # fmt: skip
    if errors:
        raise FieldErrors(errors)
    months = {n for n in range(1, grace_months + 1)}
    for number in range(1, tenor + 1):
        if (first_due + relativedelta(months=number - 1)).month in lean_calendar_months:
            months.add(number)
    if len(months) >= tenor:
        raise FieldErrors([("lean_months", _l("Leave months to repay in."))])
    return tuple(sorted(months))


#: A plan an application rests on has been sent to its reviewer at least.
SENT_PLAN_STATUSES = ("submitted", "in_review", "ready")
PLAN_NOT_SENT = _l(
    "Submit the business plan first: an application rests on a plan its mentor or "
    "the office has seen."
)
#: Checks a request must pass to be filed at all; the rest are advice for the bank.
HARD_CHECKS = frozenset({"plafond", "tenor"})


def create_application(
    session: Session,
    actor: User,
    returnee: Returnee,
    data: ApplicationData,
    today: date,
) -> tuple[LoanApplication, Advice]:
    """File a draft application under the rule set in force today.

    :raises FieldErrors: for an unknown lender or scheme, a plafond or tenor the
        scheme does not allow, a second active business KUR, or a link to a
        business, plan or placement that is not the returnee's.
    """
    errors: list[tuple[str | None, str]] = []
    business = scope.fetch(session, Business, data.business_id)
    plan = scope.fetch(session, BusinessPlan, data.plan_id)
    placement = scope.fetch(session, Placement, data.placement_id)
    for linked, field in ((business, "business_id"), (plan, "plan_id"),
                          (placement, "placement_id")):  # fmt: skip
        if linked is not None and linked.returnee_id != returnee.id:
            errors.append((field, _l("Choose one of this person's own records.")))
    if data.lender not in LENDERS:
        errors.append(("lender", _l("Choose the bank.")))
    if data.kind == "placement" and placement is None:
        errors.append(("placement_id", _l("Choose the placement this loan pays for.")))
    if data.kind == "business" and business is None and plan is None:
        errors.append(("business_id", _l("Choose the business or the plan.")))
    if plan is not None and plan.status not in SENT_PLAN_STATUSES:
        errors.append(("business_id", PLAN_NOT_SENT))
    npwp = "".join(ch for ch in (data.npwp or "") if ch.isdigit()) or None
    if npwp is not None and len(npwp) == 15:
        npwp = "0" + npwp  # legacy 15-digit NPWP, padded
    if npwp is not None and len(npwp) != 16:
        errors.append(("npwp", _l("An NPWP has 16 digits (or the old 15).")))
    if errors:
        raise FieldErrors(errors)
    request = Request(
        data.kind, data.amount_idr, data.tenor_months, data.purpose, today
    )
    facts = facts_for(
        session, returnee, today, data.declared, business, plan, placement
    )
    advice = advise(request, facts)
    verdict = next((v for v in advice.verdicts if v.scheme == data.scheme), None)
    if verdict is None:
        raise FieldErrors([("scheme", _l("This scheme is not for this kind of loan."))])
    hard = [c for c in verdict.failures if c.code in HARD_CHECKS]
    if hard:
        raise FieldErrors(
            [
                ("amount_idr" if c.code == "plafond" else "tenor_months", c.message)
                for c in hard
            ]
        )
    if data.kind == "business" and _holds_active_business_kur(session, returnee):
        raise FieldErrors(
            [(None, _l("This person already holds an active business KUR."))]
        )
    months = frozenset(
        n for n in data.interest_only_months if 1 <= n <= data.tenor_months
    )
    if len(months) >= data.tenor_months:
        raise FieldErrors([("interest_only_months", _l("Leave months to repay in."))])
    loan = LoanApplication(
        returnee_id=returnee.id, kind=data.kind, business_id=data.business_id,
        plan_id=data.plan_id, placement_id=data.placement_id, lender=data.lender,
        scheme=data.scheme, rule_set=advice.rule_set.code, purpose=data.purpose,
        amount_requested_idr=data.amount_idr, tenor_months=data.tenor_months,
        access_number=facts.previous_kur + 1, rate_percent=verdict.rate_percent,
        has_npwp=data.declared.has_npwp or npwp is not None, npwp=npwp,
        other_credit=data.declared.other_credit,
        interest_only_months=sorted(months), status="draft", applied_on=today,
        created_by_id=actor.id,
    )  # fmt: skip
    session.add(loan)
    session.flush()
    return loan, advice


def _holds_active_business_kur(session: Session, returnee: Returnee) -> bool:
    return (
        session.scalar(
            select(func.count(LoanApplication.id)).where(
                LoanApplication.returnee_id == returnee.id,
                LoanApplication.kind == "business",
                LoanApplication.status.in_(ACTIVE_STATUSES),
            )
        )
        > 0
    )


def required_documents(loan: LoanApplication) -> list[str]:
    """The document types the bank needs for this application."""
    if loan.kind == "placement":
        needed = ["ktp", "kk", "placement_agreement", "work_contract"]
    else:
        needed = ["ktp", "kk", "business_proof"]
        if loan.plan_id is not None:
            needed.append("plan_pdf")
    rule = rules_on(loan.applied_on).schemes[loan.scheme]
    if (
        rule.npwp_above_idr is not None
        and loan.amount_requested_idr > rule.npwp_above_idr
    ):
        needed.append("npwp")
    return needed


def missing_documents(loan: LoanApplication) -> list[str]:
    present = {document.doc_type for document in loan.documents}
    return [kind for kind in required_documents(loan) if kind not in present]


def attach_document(
    session: Session,
    actor: User,
    loan: LoanApplication,
    doc_type: str,
    original_name: str,
    content: bytes,
    upload_folder: Path | str,
    now: datetime,
) -> LoanDocument:
    """Keep an uploaded PDF, JPEG or PNG under a random name outside the web root.

    :raises FieldErrors: for an unknown type, an empty or too large file, or a file
        that is not really a PDF, JPEG or PNG.
    """
    if doc_type not in DOCUMENT_TYPES:
        raise FieldErrors([("doc_type", _l("Choose what the document is."))])
    if not content:
        raise FieldErrors([("file", _l("The file is empty."))])
    if len(content) > MAX_DOCUMENT_BYTES:
        raise FieldErrors([("file", _l("The file is larger than 5 MB."))])
    content_type = next(
        (kind for magic, kind in SIGNATURES.items() if content.startswith(magic)), None
    )
    if content_type is None:
        raise FieldErrors([("file", _l("Upload a PDF, JPEG or PNG file."))])
    stored_name = secrets.token_hex(16) + EXTENSIONS[content_type]
    files.write(session, inventory.path_of("loan_document", stored_name, upload_folder),
                content)  # fmt: skip
    document = LoanDocument(
        doc_type=doc_type,
        original_name=Path(original_name or "document").name[:200],
        stored_name=stored_name,
        content_type=content_type,
        size_bytes=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by_id=actor.id,
        uploaded_at=now,
    )
    loan.documents.append(document)
    session.flush()
    return document


# The workflow ----------------------------------------------------------------------


def submit(session: Session, actor: User, loan: LoanApplication, now: datetime) -> None:
    """Send the application to be checked; every required document must be there."""
    missing = missing_documents(loan)
    if missing:
        from juragan.labels import DOCUMENT_TYPE_LABELS

        raise DomainError(None, _l(
            "Attach first: %(documents)s.",
            documents=", ".join(str(DOCUMENT_TYPE_LABELS[m]) for m in missing),
        ))  # fmt: skip
    loan.submitted_at = now
    move(session, loan, "submitted", actor, now)


def verify(session: Session, actor: User, loan: LoanApplication, now: datetime,
           note: str | None = None) -> None:  # fmt: skip
    """Documents checked (maker-checker: never by whoever filed or sent it).

    :raises DomainError: when the actor filed or sent it, or its plan was never
        submitted.
    """
    if actor.id in loan.makers:
        raise DomainError(None, _l(
            "You filed or sent this application: someone else checks it."))  # fmt: skip
    if loan.plan is not None and loan.plan.status not in SENT_PLAN_STATUSES:
        raise DomainError(None, PLAN_NOT_SENT)
    move(session, loan, "verified", actor, now, note)


def return_for_documents(session: Session, actor: User, loan: LoanApplication,
                         now: datetime, reason: str) -> None:  # fmt: skip
    if not (reason or "").strip():
        raise FieldErrors([("reason", _l("Say what is missing or wrong."))])
    move(session, loan, "draft", actor, now, reason.strip())


def withdraw(session: Session, actor: User, loan: LoanApplication, now: datetime,
             reason: str | None = None) -> None:  # fmt: skip
    move(session, loan, "withdrawn", actor, now, reason)


def decide(
    session: Session,
    actor: User,
    loan: LoanApplication,
    approve: bool,
    reason: str | None,
    now: datetime,
) -> None:
    """The bank's decision; a rejection needs its reason in writing."""
    reason = (reason or "").strip() or None
    if not approve and reason is None:
        raise FieldErrors([("reason", _l("Write the reason for the rejection."))])
    if loan.status != "verified":
        raise IllegalTransition(loan.status, "approved" if approve else "rejected")
    # Set before the move: the database refuses a rejection without its reason.
    loan.decided_by_id = actor.id
    loan.decided_at = now
    loan.decision_reason = reason
    move(session, loan, "approved" if approve else "rejected", actor, now, reason)


@dataclass
class Disbursement:
    amount_idr: int
    akad_on: date
    disbursed_on: date
    first_due_on: date
    is_sikp_registered: bool = True


def disburse(
    session: Session,
    actor: User,
    loan: LoanApplication,
    data: Disbursement,
    today: date,
    now: datetime,
) -> None:
    """Pay the loan out and lay down its schedule.

    :raises FieldErrors: for an amount above the request, dates out of order or in
        the future.
    """
    errors: list[tuple[str | None, str]] = []
    if not 0 < data.amount_idr <= loan.amount_requested_idr:
        errors.append(("amount_idr", _l(
            "Disburse more than zero and at most the %(amount)s requested.",
            amount=format_rupiah(loan.amount_requested_idr),
        )))  # fmt: skip
    if data.akad_on > today or data.disbursed_on > today:
        errors.append(("disbursed_on", _l("The date cannot be in the future.")))
    if data.disbursed_on < data.akad_on:
        errors.append(("disbursed_on", _l("Disbursement comes on or after the akad.")))
    if data.akad_on < loan.applied_on:
        errors.append(("akad_on", _l("The akad comes after the application.")))
    if data.first_due_on <= data.disbursed_on:
        errors.append(
            ("first_due_on", _l("The first instalment falls after disbursement."))
        )
    if errors:
        raise FieldErrors(errors)
    move(session, loan, "disbursed", actor, now)
    loan.amount_disbursed_idr = data.amount_idr
    loan.akad_on = data.akad_on
    loan.disbursed_on = data.disbursed_on
    loan.first_due_on = data.first_due_on
    loan.is_sikp_registered = data.is_sikp_registered
    lines = loan_schedule(data.amount_idr, loan.rate_percent, loan.tenor_months,
                          frozenset(loan.interest_only_months or ()))  # fmt: skip
    loan.instalments = [
        Instalment(
            number=line.month,
            due_on=data.first_due_on + relativedelta(months=line.month - 1),
            principal_idr=line.principal_idr,
            interest_idr=line.interest_idr,
            paid_principal_idr=0,
            paid_interest_idr=0,
        )
        for line in lines
    ]
    session.flush()


def dues_of(loan: LoanApplication) -> list[Due]:
    return [Due(i.number, i.due_on, i.principal_idr, i.interest_idr)
            for i in loan.instalments]  # fmt: skip


def payments_of(loan: LoanApplication) -> list[tuple[date, int]]:
    return [(p.paid_on, p.amount_idr) for p in loan.payments]


def record_payment(
    session: Session,
    actor: User | None,
    loan: LoanApplication,
    paid_on: date,
    amount_idr: int,
    today: date,
    now: datetime,
    reference: str | None = None,
) -> Payment:
    """Record money received and settle instalments, oldest first.

    :raises FieldErrors: for a non-positive amount, a date before disbursement or in
        the future, more than is owed, or a reference already recorded.
    """
    errors: list[tuple[str | None, str]] = []
    reference = (reference or "").strip() or None
    if loan.status not in LIVE_STATES:
        raise DomainError(None, _l("Payments are recorded for disbursed loans only."))
    if amount_idr is None or amount_idr <= 0:
        errors.append(("amount_idr", _l("Enter an amount above zero.")))
    if paid_on > today:
        errors.append(("paid_on", _l("The date cannot be in the future.")))
    elif loan.disbursed_on and paid_on < loan.disbursed_on:
        errors.append(("paid_on", _l("The payment cannot be before disbursement.")))
    if reference and any(p.reference == reference for p in loan.payments):
        errors.append(
            ("reference", _l("A payment with this reference is recorded already."))
        )
    if errors:
        raise FieldErrors(errors)
    try:
        states = allocate(dues_of(loan), [*payments_of(loan), (paid_on, amount_idr)])
    except Overpayment:
        owed = sum(d.owed_idr for d in allocate(dues_of(loan), payments_of(loan)))
        raise FieldErrors([("amount_idr", _l(
            "That is more than the %(amount)s still owed.", amount=format_rupiah(owed),
        ))]) from None  # fmt: skip
    payment = Payment(paid_on=paid_on, amount_idr=amount_idr, reference=reference,
                      recorded_by_id=actor.id if actor else None, recorded_at=now)  # fmt: skip
    loan.payments.append(payment)
    for instalment, state in zip(loan.instalments, states, strict=True):
        instalment.paid_principal_idr = state.paid_principal_idr
        instalment.paid_interest_idr = state.paid_interest_idr
        instalment.settled_on = state.settled_on
    if all(state.is_settled for state in states):
        move(session, loan, "paid_off", actor, now)
    elif loan.status == "disbursed":
        move(session, loan, "repaying", actor, now)
    session.flush()
    return payment


def restructure(
    session: Session,
    actor: User,
    loan: LoanApplication,
    now: datetime,
    reason: str,
    extra_months: int = 0,
) -> None:
    """Record a restructuring; with ``extra_months``, stretch what is left to repay.

    The instalments already paid stay as they are. The principal of the others is
    laid out again as an annuity over the remaining months plus ``extra_months``,
    starting at the first unpaid instalment's due date; payments already made
    towards it still count. The whole tenor may not pass the scheme's limit on
    extension.

    :raises FieldErrors: without a reason, or beyond the extended tenor.
    """
    reason = (reason or "").strip()
    errors: list[tuple[str | None, str]] = []
    if not reason:
        errors.append(("reason", _l("Write the reason.")))
    rule = rules_on(loan.applied_on).schemes[loan.scheme]
    longest = rule.max_tenor_extended[loan.purpose]
    if extra_months < 0 or loan.tenor_months + extra_months > longest:
        errors.append(("extra_months", _l(
            "On extension the tenor may be at most %(n)s months.", n=longest
        )))  # fmt: skip
    if errors:
        raise FieldErrors(errors)
    move(session, loan, "restructured", actor, now, reason)
    if not extra_months:
        return
    kept = [i for i in loan.instalments if i.settled_on is not None]
    rest = [i for i in loan.instalments if i.settled_on is None]
    if not rest:
        return
    principal = sum(i.principal_idr for i in rest)
    months = len(rest) + extra_months
    start_number = rest[0].number
    # Instalment n stays due n - 1 months after the first: counted from a due date
    # cut short by a month's end (29 February), the later ones would slip to the 29th.
    anchor, skipped = ((loan.first_due_on, start_number - 1) if loan.first_due_on
                       else (rest[0].due_on, 0))  # fmt: skip
    lines = loan_schedule(principal, loan.rate_percent, months)
    loan.instalments = kept + [
        Instalment(
            number=start_number + line.month - 1,
            due_on=anchor + relativedelta(months=skipped + line.month - 1),
            principal_idr=line.principal_idr, interest_idr=line.interest_idr,
            paid_principal_idr=0, paid_interest_idr=0,
        )
        for line in lines
    ]  # fmt: skip
    loan.tenor_months += extra_months
    session.flush()
    # Payments already made towards the unpaid instalments count again.
    states = allocate(dues_of(loan), payments_of(loan))
    for instalment, state in zip(loan.instalments, states, strict=True):
        instalment.paid_principal_idr = state.paid_principal_idr
        instalment.paid_interest_idr = state.paid_interest_idr
        instalment.settled_on = state.settled_on
    session.flush()


def write_off(session: Session, actor: User, loan: LoanApplication, now: datetime,
              reason: str) -> None:  # fmt: skip
    if not (reason or "").strip():
        raise FieldErrors([("reason", _l("Write the reason."))])
    move(session, loan, "written_off", actor, now, reason.strip())


# Standing ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Standing:
    days_past_due: int
    grade: int
    outstanding_idr: int
    next_due: Due | None
    owed_now_idr: int


def standing(loan: LoanApplication, on: date) -> Standing | None:
    """Days past due, indicative collectibility, what is owed: on any day."""
    if not loan.instalments:
        return None
    payments = [(day, amount) for day, amount in payments_of(loan) if day <= on]
    states = allocate(dues_of(loan), payments)
    days = days_past_due(dues_of(loan), payments, on)
    upcoming = next((d for d in states if not d.is_settled), None)
    return Standing(
        days_past_due=days,
        grade=collectibility(days),
        outstanding_idr=sum(d.principal_idr - d.paid_principal_idr for d in states),
        next_due=upcoming,
        owed_now_idr=sum(d.owed_idr for d in states if d.due_on <= on),
    )
