"""KUR loans: applying, the state machine, documents, disbursement and payments.

Every transition goes through :func:`move`, which refuses a step the state machine
does not have and records who, when and why. Who may take a step is
:mod:`juragan.policy`; the rules of the loan itself are here.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from dateutil.relativedelta import relativedelta
from flask_babel import format_date
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from juragan import clock, files, inventory, scope, servicing
from juragan.errors import DomainError, FieldErrors
from juragan.i18n import format_rupiah
from juragan.kur_rules import (
    CREDIT_KINDS,
    SCHEMES,
    borrower_rates,
    credit_mask,
    rules_on,
)
from juragan.models import (
    Business,
    BusinessPlan,
    Instalment,
    LoanApplication,
    LoanApproval,
    LoanDocument,
    LoanTransition,
    Payment,
    Placement,
    Returnee,
    ScheduleRevision,
    User,
)
from juragan.models.loan import ACTIVE_STATUSES, BUSINESS_SLOTS, DOCUMENT_TYPES, LENDERS
from juragan.repayment import Due, Overpayment, allocate, collectibility, days_past_due
from juragan.services import loan_checks
from juragan.services.eligibility import (
    Advice,
    Facts,
    HeldKur,
    Request,
    advise,
    concurrent_refusal,
)

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
    loan.status_changed_at = now
    session.flush()


# Facts and advice ---------------------------------------------------------------


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def previous_kur(
    session: Session, returnee: Returnee, exclude_id: int | None = None
) -> dict[str, int]:
    """KUR loans this returnee has had disbursed through juragan, per scheme.

    Accesses count per scheme: the 2023 tiers and caps are of "akses ke-" KUR Mikro
    and of KUR Kecil (Permenko 1/2023 Pasal 22(2), 24(4), 26(2)); two KUR Mikro and
    a Super Mikro make the next KUR Mikro the third access.
    """
    stmt = (
        select(LoanApplication.scheme, func.count(LoanApplication.id))
        .where(
            LoanApplication.returnee_id == returnee.id,
            LoanApplication.amount_disbursed_idr.is_not(None),
        )
        .group_by(LoanApplication.scheme)
    )
    if exclude_id is not None:
        stmt = stmt.where(LoanApplication.id != exclude_id)
    # Every lender's: a lender's officer deciding sees only its own loans, but the
    # rules count them all (only the counts leave this function).
    with scope.system("eligibility"):
        return {scheme: count for scheme, count in session.execute(stmt)}


#: Schemes whose earlier accesses change the rate or meet a cap: what the applicant
#: is asked about KUR taken elsewhere (one number each, kept short for a phone).
DECLARED_SCHEMES = ("mikro", "kecil")


@dataclass
class Declared:
    """What the applicant says about themselves that juragan does not record."""

    has_npwp: bool = False
    #: The kinds of credit they hold now (``kur_rules.CREDIT_KINDS`` codes).
    other_credit: tuple[str, ...] = ()
    #: Every one of those is paid on time (Lancar).
    other_credit_current: bool = True
    #: KUR taken elsewhere, before juragan, per scheme (:data:`DECLARED_SCHEMES`).
    kur_elsewhere: dict[str, int] = field(default_factory=dict)
    has_offtaker: bool = False
    family_consent: bool = False

    def stored(self) -> dict:
        """What the application keeps (``LoanApplication.declared_facts``); the
        NPWP and the kinds of credit have columns of their own."""
        return {"other_credit_current": self.other_credit_current,
                "kur_elsewhere": {k: int(v) for k, v in self.kur_elsewhere.items() if v},
                "has_offtaker": self.has_offtaker,
                "family_consent": self.family_consent}  # fmt: skip

    @classmethod
    def of(cls, loan: LoanApplication) -> Declared:
        """What the applicant declared when filing ``loan``."""
        kept = loan.declared_facts or {}
        return cls(
            has_npwp=loan.has_npwp, other_credit=loan.other_credit_kinds,
            other_credit_current=bool(kept.get("other_credit_current", True)),
            kur_elsewhere={k: int(v) for k, v in (kept.get("kur_elsewhere") or {}).items()},
            has_offtaker=bool(kept.get("has_offtaker")),
            family_consent=bool(kept.get("family_consent")),
        )  # fmt: skip


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
        other_credit=tuple(declared.other_credit),
        previous_by_scheme=_previous(session, returnee, declared),
        contract_months=placement.contract_months if placement else None,
        family_consent=declared.family_consent,
        other_credit_current=declared.other_credit_current,
        province_code=returnee.province_code,
    )


def _previous(
    session: Session, returnee: Returnee, declared: Declared
) -> dict[str, int]:
    counts = previous_kur(session, returnee)
    for scheme, number in declared.kur_elsewhere.items():
        if scheme in SCHEMES and number:
            counts[scheme] = counts.get(scheme, 0) + max(int(number), 0)
    return counts


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
    #: Requested: the first instalments paying interest only (grace) and the
    #: lean-season calendar months (1-12) paying interest only.
    grace_months: int = 0
    lean_months: frozenset[int] = frozenset()


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
    from juragan.kur_rules import PRODUCTION_LINES

    errors: list[tuple[str | None, str]] = []
    if not 0 <= grace_months < tenor:
        errors.append(("grace_months", _l(
            "Grace must leave months to repay in: fewer than the %(n)s of the tenor.",
            n=tenor,
        )))  # fmt: skip
    if not set(lean_months) <= set(range(1, 13)):
        errors.append(("lean_months", _l("Choose calendar months.")))
    if lean_months and line_of_business not in PRODUCTION_LINES:
        errors.append(("lean_months", _l(
            "A seasonal schedule is for farming, livestock and fishing businesses."
        )))  # fmt: skip
    if errors:
        raise FieldErrors(errors)
    if len(lean_months) == 12:
        raise FieldErrors([("lean_months", _l("Leave months to repay in."))])


def loan_rates(loan: LoanApplication) -> servicing.Rates:
    """The borrower's rate over the loan's life, from the rule data of its
    application (``kur_rules.borrower_rates``: the 2022 extra subsidy, regional
    relief rates); the rate recorded on the loan where the rule data has none."""
    try:
        return borrower_rates(loan.rule_set, loan.scheme, loan.access_number,
                              loan.rate_province_code, loan.applied_on)  # fmt: skip
    except LookupError:
        return servicing.flat_rate(loan.rate_percent)


def terms_of(loan: LoanApplication, principal: int, first_due_on: date,
             grace_months: int | None = None) -> servicing.Terms:  # fmt: skip
    return servicing.Terms(
        principal_idr=principal, rates=loan_rates(loan),
        tenor_months=loan.tenor_months, first_due_on=first_due_on,
        grace_months=loan.grace_months if grace_months is None else grace_months,
        lean_months=frozenset(loan.lean_months or ()),
    )  # fmt: skip


def preview_first_due(today: date) -> date:
    """The first due date the simulator and a new application's preview assume, and
    the disbursement form proposes: a month after today."""
    return today + relativedelta(months=1)


@dataclass(frozen=True)
class Simulation:
    """What the simulator shows for a request: every scheme's verdict and, for each
    scheme, the schedule a disbursement of the whole amount with the first instalment
    on ``first_due_on`` lays down (:func:`disburse`, through the same
    :func:`juragan.servicing.schedule`)."""

    advice: Advice
    first_due_on: date
    schedules: dict[str, list[servicing.Line]]
    grace_months: int = 0
    lean_months: frozenset[int] = frozenset()

    @property
    def instalments(self) -> dict[str, int]:
        """Each scheme's instalment once principal is repaid (after any grace)."""
        return {scheme: servicing.regular_instalment(lines)
                for scheme, lines in self.schedules.items()}  # fmt: skip

    def shown_scheme(self, chosen: str | None) -> str | None:
        """The scheme whose schedule to show: the one chosen to apply for, else the
        first that fits (``None`` when none is chosen and none fits)."""
        if chosen in self.schedules:
            return chosen
        fitting = self.advice.fitting
        return fitting[0].scheme if fitting else None

    def interest_only(self, scheme: str) -> list[servicing.Line]:
        """The instalments of ``scheme``'s schedule that pay interest only."""
        return [line for line in self.schedules[scheme] if not line.principal_idr]


def simulate(
    session: Session,
    returnee: Returnee,
    data: ApplicationData,
    today: date,
) -> Simulation:
    """Advice and schedules for a request, as an application filed with the same
    ``data`` on ``today`` would get them (rule set, access count, regional rate) and
    its disbursement, with the first instalment :func:`preview_first_due`, would lay
    them down. Links to records that are not the returnee's are ignored.

    :raises FieldErrors: for grace or lean-season months the request may not have
        (:func:`check_terms`), or no month left to repay in.
    """

    def own(model: type, record_id: int | None):
        found = scope.fetch(session, model, record_id)
        return found if found is not None and found.returnee_id == returnee.id else None

    business = own(Business, data.business_id)
    plan = own(BusinessPlan, data.plan_id)
    if plan is None and business is not None:
        plan = business.plan
    placement = own(Placement, data.placement_id)
    line = business.sector if business else plan.sector if plan else None
    check_terms(data.tenor_months, data.grace_months, data.lean_months, line)
    facts = facts_for(session, returnee, today, data.declared, business, plan,
                      placement)  # fmt: skip
    advice = advise(Request(data.kind, data.amount_idr, data.tenor_months,
                            data.purpose, today), facts)  # fmt: skip
    first_due = preview_first_due(today)
    try:
        schedules = {
            verdict.scheme: servicing.schedule(servicing.Terms(
                data.amount_idr, verdict.rate_periods or servicing.flat_rate(
                    verdict.rate_percent),
                data.tenor_months, first_due, data.grace_months, data.lean_months,
            ))
            for verdict in advice.verdicts
        }  # fmt: skip
    except ValueError:  # grace and lean months leave no instalment repaying
        raise FieldErrors([("lean_months", _l("Leave months to repay in."))]) from None
    return Simulation(advice, first_due, schedules, data.grace_months,
                      frozenset(data.lean_months))  # fmt: skip


#: A plan an application rests on has been sent to its reviewer at least.
SENT_PLAN_STATUSES = ("submitted", "in_review", "ready")
PLAN_NOT_SENT = _l(
    "Submit the business plan first: an application rests on a plan its mentor or "
    "the office has seen."
)
#: Checks a request must pass to be filed at all; the rest are advice for the bank.
HARD_CHECKS = frozenset({"plafond", "tenor"})
#: The credit kinds an applicant may declare.
OFFERED_CREDIT = frozenset(kind.code for kind in CREDIT_KINDS if kind.offered)


def create_application(
    session: Session,
    actor: User,
    returnee: Returnee,
    data: ApplicationData,
    today: date,
) -> tuple[LoanApplication, Advice]:
    """File a draft application under the rule set in force today.

    :raises FieldErrors: for an unknown lender or scheme, a plafond or tenor the
        scheme does not allow, a second active business KUR the rules do not
        allow (:func:`~juragan.services.eligibility.concurrent_refusal`), or a
        link to a business, plan or placement that is not the returnee's.
    """
    errors: list[tuple[str | None, str]] = []
    business = scope.fetch(session, Business, data.business_id)
    plan = scope.fetch(session, BusinessPlan, data.plan_id)
    placement = scope.fetch(session, Placement, data.placement_id)
    for linked, name in ((business, "business_id"), (plan, "plan_id"),
                         (placement, "placement_id")):  # fmt: skip
        if linked is not None and linked.returnee_id != returnee.id:
            errors.append((name, _l("Choose one of this person's own records.")))
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
    if not set(data.declared.other_credit) <= OFFERED_CREDIT:
        errors.append(("other_credit", _l("Choose the kinds of credit from the list.")))
    if errors:
        raise FieldErrors(errors)
    if data.kind == "business":
        # Before anything is counted: a concurrent filing for the same person waits.
        _lock_returnee(session, returnee)
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
    slot = None
    if data.kind == "business":
        held = _held_business_kur(session, returnee, today)
        refusal = concurrent_refusal(
            advice.rule_set, data.scheme, data.lender, data.amount_idr,
            [kur for _slot, kur in held],
        )  # fmt: skip
        if refusal is not None:
            raise FieldErrors([refusal])
        taken = {taken_slot for taken_slot, _kur in held}
        free = [n for n in BUSINESS_SLOTS if n not in taken]
        # A slot no draft holds either, where there is one: drafts sent later
        # then do not meet in the database's slot index.
        drafted = set(session.scalars(select(LoanApplication.business_slot).where(
            LoanApplication.returnee_id == returnee.id,
            LoanApplication.kind == "business", LoanApplication.status == "draft",
        )))  # fmt: skip
        slot = next((n for n in free if n not in drafted), free[0])
    line = business.sector if business else plan.sector if plan else None
    check_terms(data.tenor_months, data.grace_months, data.lean_months, line)
    loan = LoanApplication(
        returnee_id=returnee.id, kind=data.kind, business_id=data.business_id,
        plan_id=data.plan_id, placement_id=data.placement_id, lender=data.lender,
        scheme=data.scheme, rule_set=advice.rule_set.code, purpose=data.purpose,
        amount_requested_idr=data.amount_idr, tenor_months=data.tenor_months,
        access_number=verdict.access_number, rate_percent=verdict.rate_percent,
        has_npwp=data.declared.has_npwp or npwp is not None, npwp=npwp,
        other_credit_mask=credit_mask(data.declared.other_credit),
        rate_province_code=returnee.province_code, business_slot=slot,
        grace_months=data.grace_months, lean_months=sorted(data.lean_months),
        interest_only_months=[], status="draft", applied_on=today,
        declared_facts=data.declared.stored(), created_by_id=actor.id,
    )  # fmt: skip
    session.add(loan)
    session.flush()
    return loan, advice


def _lock_returnee(session: Session, returnee: Returnee) -> None:
    """On PostgreSQL, hold the returnee's row until commit: two filings for the same
    person are checked one after the other (SQLite writes one at a time anyway)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            select(Returnee.id).where(Returnee.id == returnee.id).with_for_update()
        )


def _held_business_kur(
    session: Session, returnee: Returnee, today: date
) -> list[tuple[int | None, HeldKur]]:
    """The returnee's active business KUR, with their slots, outstanding principal
    and indicative collectibility today."""
    found = session.scalars(
        select(LoanApplication)
        .where(
            LoanApplication.returnee_id == returnee.id,
            LoanApplication.kind == "business",
            LoanApplication.status.in_(ACTIVE_STATUSES),
        )
        .order_by(LoanApplication.id)
    ).all()
    held = []
    for loan in found:
        now = standing(loan, today) if loan.status in LIVE_STATES else None
        outstanding = (
            now.outstanding_idr
            if now is not None
            else loan.amount_disbursed_idr or loan.amount_requested_idr
        )
        held.append((loan.business_slot, HeldKur(
            loan.scheme, loan.lender, outstanding, now.grade if now else None,
        )))  # fmt: skip
    return held


def _holds_active_business_kur(session: Session, returnee: Returnee) -> bool:
    """Whether the returnee holds an active business KUR (any slot)."""
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
    return documents_for(loan.kind, loan.scheme, loan.amount_requested_idr,
                         loan.plan_id is not None, loan.applied_on)  # fmt: skip


def documents_for(kind: str, scheme: str, amount_idr: int, with_plan: bool,
                  applied_on: date) -> list[str]:  # fmt: skip
    """The document types a bank needs for a request of ``kind`` under ``scheme``
    for ``amount_idr``, filed on ``applied_on`` (the proposal lists them before
    there is an application)."""
    if kind == "placement":
        needed = ["ktp", "kk", "placement_agreement", "work_contract"]
    else:
        needed = ["ktp", "kk", "business_proof"]
        if with_plan:
            needed.append("plan_pdf")
    rule = rules_on(applied_on).schemes[scheme]
    if rule.npwp_above_idr is not None and amount_idr > rule.npwp_above_idr:
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
    if loan.kind == "business":
        # Checked again on sending: another application may have been sent or
        # disbursed since this draft was filed, or the first loan fallen behind.
        from juragan.kur_rules import rule_set as rule_set_of

        others = [kur for _slot, kur in _held_business_kur(
            session, loan.returnee, clock.date_in(loan.returnee.province_code, now))]  # fmt: skip
        refusal = concurrent_refusal(rule_set_of(loan.rule_set), loan.scheme,
                                     loan.lender, loan.amount_requested_idr, others)  # fmt: skip
        if refusal is not None:
            raise FieldErrors([refusal])
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


#: What :func:`decide` did: approved, rejected, or approved by the first officer
#: and waiting for a second (four eyes on an exception).
APPROVED, REJECTED, AWAITING_SECOND = "approved", "rejected", "awaiting_second"


def decide(
    session: Session,
    actor: User,
    loan: LoanApplication,
    approve: bool,
    reason: str | None,
    now: datetime,
) -> str:
    """The bank's decision; a rejection needs its reason in writing.

    An approval over an exception (``lender_desk.approval_exceptions``: the scheme's
    verdict is not eligible, or the plan's capacity is under the lender's threshold
    or unknown) needs a written reason and two officers of the lender: the first
    officer's approval is recorded and the application waits for a second, who is
    never the first (``docs/lender-desk.md``).

    :returns: :data:`APPROVED`, :data:`REJECTED` or :data:`AWAITING_SECOND`.
    """
    from juragan.labels import APPROVAL_EXCEPTION_LABELS
    from juragan.services import lender_desk

    reason = (reason or "").strip() or None
    if not approve and reason is None:
        raise FieldErrors([("reason", _l("Write the reason for the rejection."))])
    if loan.status != "verified":
        raise IllegalTransition(loan.status, "approved" if approve else "rejected")
    if not approve:
        # Set before the move: the database refuses a rejection without its reason.
        loan.decided_by_id = actor.id
        loan.decided_at = now
        loan.decision_reason = reason
        move(session, loan, "rejected", actor, now, reason)
        return REJECTED
    if actor.lender_code != loan.lender:
        raise DomainError(None, _l(
            "Only an officer of the bank the application was sent to approves it."))  # fmt: skip
    loan_checks.ensure_ready_for_approval(loan)  # SLIK, BPJS for KUR Kecil
    today = clock.date_in(loan.returnee.province_code, now)
    exceptions = lender_desk.approval_exceptions(session, loan, today)
    if exceptions and reason is None:
        raise FieldErrors([("reason", _l(
            "Approving although %(exceptions)s needs your reason in writing, and a "
            "second officer of the bank.",
            exceptions="; ".join(str(APPROVAL_EXCEPTION_LABELS[e]) for e in exceptions),
        ))])  # fmt: skip
    first = next((a for a in loan.approvals if a.step == 1), None)
    if first is not None and first.officer_id == actor.id:
        raise DomainError(None, _l(
            "You gave the first approval: a second officer of the bank gives the "
            "other."))  # fmt: skip
    if first is not None and first.lender_code != actor.lender_code:
        raise DomainError(None, _l("The second approval is given by the same bank."))
    loan.approvals.append(LoanApproval(
        officer_id=actor.id, lender_code=actor.lender_code or loan.lender,
        step=1 if first is None else 2, exceptions=list(exceptions), reason=reason,
        at=now,
    ))  # fmt: skip
    if first is None and exceptions:
        session.flush()
        return AWAITING_SECOND
    loan.decided_by_id = actor.id
    loan.decided_at = now
    loan.decision_reason = reason
    move(session, loan, "approved", actor, now, reason)
    return APPROVED


@dataclass
class Disbursement:
    amount_idr: int
    akad_on: date
    disbursed_on: date
    first_due_on: date
    #: The grace the lender grants (``None``: as requested).
    grace_months: int | None = None


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
    grace = loan.grace_months if data.grace_months is None else data.grace_months
    if errors:
        raise FieldErrors(errors)
    # SIKP registration before the akad.
    loan_checks.ensure_ready_for_akad(loan, data.akad_on)
    check_terms(loan.tenor_months, grace, frozenset(loan.lean_months or ()),
                _line_of(loan))  # fmt: skip
    try:
        lines = servicing.schedule(terms_of(loan, data.amount_idr, data.first_due_on,
                                            grace))  # fmt: skip
    except ValueError:
        raise FieldErrors([("grace_months", _l("Leave months to repay in."))]) from None
    move(session, loan, "disbursed", actor, now)
    loan.amount_disbursed_idr = data.amount_idr
    loan.akad_on = data.akad_on
    loan.disbursed_on = data.disbursed_on
    loan.first_due_on = data.first_due_on
    loan.grace_months = grace
    loan.interest_only_months = [line.number for line in lines
                                 if line.principal_idr == 0]  # fmt: skip
    _lay_out(session, loan, lines)
    _revise(loan, actor, now, "disbursement", data.disbursed_on, data.amount_idr)
    session.flush()


def _line_of(loan: LoanApplication) -> str | None:
    if loan.business is not None:
        return loan.business.sector
    return loan.plan.sector if loan.plan is not None else None


def _lay_out(session: Session, loan: LoanApplication,
             lines: list[servicing.Line]) -> None:  # fmt: skip
    """Make ``lines`` the loan's schedule, and settle it again with every payment."""
    loan.instalments = [
        Instalment(number=line.number, due_on=line.due_on,
                   principal_idr=line.principal_idr, interest_idr=line.interest_idr,
                   paid_principal_idr=0, paid_interest_idr=0)
        for line in lines
    ]  # fmt: skip
    session.flush()
    _settle(loan, payments_of(loan))


def _settle(loan: LoanApplication, payments: list[tuple[date, int]]) -> list[Due]:
    states = allocate(dues_of(loan), payments)
    for instalment, state in zip(loan.instalments, states, strict=True):
        instalment.paid_principal_idr = state.paid_principal_idr
        instalment.paid_interest_idr = state.paid_interest_idr
        instalment.settled_on = state.settled_on
    return states


def _revise(loan: LoanApplication, actor: User | None, now: datetime, kind: str,
            on: date, principal: int, **details) -> ScheduleRevision:  # fmt: skip
    """Keep the schedule now in force as the loan's next revision."""
    revision = ScheduleRevision(
        number=len(loan.revisions) + 1, kind=kind, effective_on=on,
        principal_idr=principal, actor_id=actor.id if actor else None, at=now,
        lines=[[i.number, i.due_on.isoformat(), i.principal_idr, i.interest_idr]
               for i in loan.instalments],
        **{"arrears_principal_idr": 0, "arrears_interest_idr": 0,
           "accrued_interest_idr": 0, **details},
    )  # fmt: skip
    loan.revisions.append(revision)
    return revision


def dues_of(loan: LoanApplication) -> list[Due]:
    return [Due(i.number, i.due_on, i.principal_idr, i.interest_idr)
            for i in loan.instalments]  # fmt: skip


def payments_of(loan: LoanApplication) -> list[tuple[date, int]]:
    """Every entry that settles instalments: money, and capitalised arrears."""
    return [(p.paid_on, p.amount_idr) for p in loan.payments]


def quote(loan: LoanApplication, on: date) -> servicing.Quote:
    """What pays the loan off on ``on``: outstanding principal, what is overdue and
    the interest accrued to that day; never the interest of later instalments."""
    return servicing.payoff_quote(dues_of(loan), payments_of(loan), loan.disbursed_on,
                                  on)  # fmt: skip


def _check_entry(loan: LoanApplication, on: date, amount_idr: int | None, today: date,
                 reference: str | None, amount_field: str = "amount_idr",
                 date_field: str = "paid_on") -> list[tuple[str | None, str]]:  # fmt: skip
    """What any money or schedule change recorded on ``on`` must respect."""
    errors: list[tuple[str | None, str]] = []
    if loan.status not in LIVE_STATES:
        raise DomainError(None, _l("Payments are recorded for disbursed loans only."))
    if amount_idr is not None and amount_idr <= 0:
        errors.append((amount_field, _l("Enter an amount above zero.")))
    if on > today:
        errors.append((date_field, _l("The date cannot be in the future.")))
    elif loan.disbursed_on and on < loan.disbursed_on:
        errors.append((date_field, _l("The payment cannot be before disbursement.")))
    if reference and any(p.reference == reference for p in loan.payments):
        errors.append(
            ("reference", _l("A payment with this reference is recorded already."))
        )
    return errors


def _after_last_change(loan: LoanApplication, on: date, field: str) -> list:
    """A prepayment, payoff or restructuring lays the schedule out again from its
    day: it cannot come before money already recorded or an earlier revision."""
    latest = max([p.paid_on for p in loan.payments]
                 + [r.effective_on for r in loan.revisions], default=None)  # fmt: skip
    if latest is not None and on < latest:
        return [(field, _l(
            "Record it on or after %(day)s, the last payment or schedule change.",
            day=format_date(latest),
        ))]  # fmt: skip
    return []


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
    """Record an instalment payment and settle instalments, oldest first.

    Money paid ahead settles the next instalments as scheduled. Exactly the payoff
    of that day closes the loan (:func:`prepay`); more than the payoff is refused.

    :raises FieldErrors: for a non-positive amount, a date before disbursement or in
        the future, more than the payoff, or a reference already recorded.
    """
    reference = (reference or "").strip() or None
    if amount_idr is None:
        amount_idr = 0
    errors = _check_entry(loan, paid_on, amount_idr, today, reference)
    if errors:
        raise FieldErrors(errors)
    payoff = quote(loan, paid_on).total_idr
    if amount_idr > payoff:
        raise FieldErrors([("amount_idr", _l(
            "That is more than the %(amount)s that pays the loan off on that day.",
            amount=format_rupiah(payoff),
        ))])  # fmt: skip
    ahead = any(i.due_on > paid_on for i in loan.instalments)
    if (
        amount_idr == payoff
        and ahead
        and not _after_last_change(loan, paid_on, "paid_on")
    ):
        return prepay(session, actor, loan, paid_on, amount_idr, today, now,
                      reference=reference)  # fmt: skip
    try:
        states = allocate(dues_of(loan), [*payments_of(loan), (paid_on, amount_idr)])
    except Overpayment:  # paid ahead past the payoff of an earlier day
        raise FieldErrors([("amount_idr", _l(
            "That is more than is still owed."))]) from None  # fmt: skip
    payment = _pay(loan, actor, now, paid_on, amount_idr, "instalment", reference)
    _settle(loan, payments_of(loan))
    _after_payment(session, loan, actor, now, states)
    return payment


def _pay(loan: LoanApplication, actor: User | None, now: datetime, on: date,
         amount_idr: int, kind: str, reference: str | None = None) -> Payment:  # fmt: skip
    payment = Payment(paid_on=on, amount_idr=amount_idr, reference=reference,
                      kind=kind, recorded_by_id=actor.id if actor else None,
                      recorded_at=now)  # fmt: skip
    loan.payments.append(payment)
    return payment


def _after_payment(session: Session, loan: LoanApplication, actor: User | None,
                   now: datetime, states: list[Due]) -> None:  # fmt: skip
    if all(state.is_settled for state in states):
        move(session, loan, "paid_off", actor, now)
    elif loan.status == "disbursed":
        move(session, loan, "repaying", actor, now)
    session.flush()


def prepay(
    session: Session,
    actor: User | None,
    loan: LoanApplication,
    on: date,
    amount_idr: int,
    today: date,
    now: datetime,
    option: str = servicing.LOWER_INSTALMENT,
    reference: str | None = None,
) -> Payment:
    """Money paid ahead of the schedule on ``on``: it clears what is due and the
    interest accrued to that day, the rest repays principal; the principal left is
    laid out again (a lower instalment, or the same instalment over fewer months, as
    the lender chooses). The whole payoff closes the loan as paid off.

    :raises FieldErrors: for a date out of order, an amount that does not go past
        what is due, or more than the payoff.
    """
    reference = (reference or "").strip() or None
    errors = _check_entry(loan, on, amount_idr, today, reference,
                          date_field="prepaid_on")  # fmt: skip
    errors += _after_last_change(loan, on, "prepaid_on")
    if option not in servicing.PREPAYMENT_OPTIONS:
        errors.append(("option", _l("Choose a lower instalment or a shorter tenor.")))
    if errors:
        raise FieldErrors(errors)
    try:
        lines = servicing.prepay(
            dues_of(loan), payments_of(loan), loan.disbursed_on, on, amount_idr,
            loan_rates(loan), option, frozenset(loan.lean_months or ()),
        )  # fmt: skip
    except servicing.BeyondPayoff as error:
        raise FieldErrors([("amount_idr", _l(
            "That is more than the %(amount)s that pays the loan off on that day.",
            amount=format_rupiah(error.payoff_idr),
        ))]) from None  # fmt: skip
    except servicing.NotAPrepayment as error:
        raise FieldErrors([("amount_idr", _l(
            "A prepayment first clears what is due and the interest to that day: "
            "pay at least %(amount)s, or record an instalment payment.",
            amount=format_rupiah(error.needed_idr),
        ))]) from None  # fmt: skip
    except ValueError:
        raise FieldErrors([("option", _l(
            "This instalment does not repay the rest in time: choose a lower "
            "instalment."))]) from None  # fmt: skip
    closes = lines[-1].due_on == on
    payment = _pay(loan, actor, now, on, amount_idr,
                   "payoff" if closes else "prepayment", reference)  # fmt: skip
    _lay_out(session, loan, lines)
    if not closes:
        loan.tenor_months = _months_between(loan.first_due_on, lines[-1].due_on) + 1
    _revise(loan, actor, now, "payoff" if closes else "prepayment", on,
            lines[-1].balance_idr if closes else sum(
                line.principal_idr for line in lines if line.due_on > on),
            option=None if closes else option)  # fmt: skip
    _after_payment(session, loan, actor, now, _settle(loan, payments_of(loan)))
    return payment


def _months_between(first: date, last: date) -> int:
    delta = relativedelta(last, first)
    return delta.years * 12 + delta.months


@dataclass
class RestructuringTerms:
    """What a restructuring agreement says (POJK 40/2019; ``docs/loan-servicing.md``)."""

    on: date
    #: ``capitalise``: the arrears become principal; ``settle``: the borrower pays
    #: them on the day.
    treatment: str
    #: Months of the new schedule, from its first due date.
    tenor_months: int
    first_due_on: date
    grace_months: int = 0
    reference: str | None = None


def restructure(
    session: Session,
    actor: User,
    loan: LoanApplication,
    terms: RestructuringTerms,
    reason: str,
    today: date,
    now: datetime,
) -> ScheduleRevision:
    """Lay the loan out again from the restructuring date.

    The instalments due by then stay as they were; the arrears (their scheduled
    principal and interest, and the interest accrued to the day) are capitalised
    into the new principal or settled by the borrower on the day; the new schedule
    runs ``tenor_months`` from ``first_due_on``. The whole loan may not pass the
    scheme's tenor on restructuring, counted from the first instalment. The class is
    then at most the class before until three instalments in a row are paid on time.

    :raises FieldErrors: without a reason, with dates out of order, or beyond the
        extended tenor.
    """
    reason = (reason or "").strip()
    reference = (terms.reference or "").strip() or None
    errors = _check_entry(loan, terms.on, None, today, reference, date_field="on")
    errors += _after_last_change(loan, terms.on, "on")
    if not reason:
        errors.append(("reason", _l("Write the reason.")))
    if terms.treatment not in servicing.ARREARS_TREATMENTS:
        errors.append(("treatment", _l("Say what happens to the arrears.")))
    if terms.first_due_on <= terms.on:
        errors.append(("first_due_on", _l(
            "The first instalment falls after the restructuring date.")))  # fmt: skip
    rule = rules_on(loan.applied_on).schemes[loan.scheme]
    longest = rule.max_tenor_extended[loan.purpose]
    last_due = terms.first_due_on + relativedelta(months=terms.tenor_months - 1)
    if terms.tenor_months < 1 or (
        loan.first_due_on and _months_between(loan.first_due_on, last_due) + 1 > longest
    ):
        errors.append(("tenor_months", _l(
            "On restructuring the whole loan may run at most %(n)s months.", n=longest
        )))  # fmt: skip
    if not errors:
        try:
            check_terms(terms.tenor_months, terms.grace_months,
                        frozenset(loan.lean_months or ()), _line_of(loan))  # fmt: skip
        except FieldErrors as error:
            errors += error.errors
    if errors:
        raise FieldErrors(errors)
    grade_before = standing(loan, terms.on).grade
    try:
        result = servicing.restructure(
            dues_of(loan), payments_of(loan), loan.disbursed_on, terms.on,
            terms.treatment, terms.tenor_months, terms.first_due_on, loan_rates(loan),
            terms.grace_months, frozenset(loan.lean_months or ()),
        )  # fmt: skip
    except ValueError:
        raise FieldErrors([("grace_months", _l("Leave months to repay in."))]) from None
    if loan.status == "restructured":
        loan.transitions.append(LoanTransition(
            from_status=loan.status, to_status="restructured", actor_id=actor.id,
            at=now, reason=reason))  # fmt: skip
    else:
        move(session, loan, "restructured", actor, now, reason)
    if result.settled_idr:
        kind = (
            "capitalisation" if terms.treatment == servicing.CAPITALISE else "arrears"
        )
        _pay(loan, actor, now, terms.on, result.settled_idr, kind, reference)
    _lay_out(session, loan, result.lines)
    loan.tenor_months = _months_between(loan.first_due_on, last_due) + 1
    revision = _revise(
        loan, actor, now, "restructuring", terms.on, result.principal_idr,
        option=terms.treatment, reason=reason, grade_before=grade_before,
        arrears_principal_idr=result.arrears_principal_idr,
        arrears_interest_idr=result.arrears_interest_idr,
        accrued_interest_idr=result.accrued_interest_idr,
    )  # fmt: skip
    session.flush()
    return revision


def write_off(session: Session, actor: User, loan: LoanApplication, now: datetime,
              reason: str) -> None:  # fmt: skip
    if not (reason or "").strip():
        raise FieldErrors([("reason", _l("Write the reason."))])
    move(session, loan, "written_off", actor, now, reason.strip())


# Standing ----------------------------------------------------------------------------


def schedule_on(loan: LoanApplication, on: date) -> list[Due]:
    """The schedule in force on ``on``: an earlier revision before a prepayment or a
    restructuring laid the loan out again, else the current one."""
    earlier = [r for r in loan.revisions if r.effective_on <= on]
    if not earlier or earlier[-1] is loan.revisions[-1]:
        return dues_of(loan)
    return revision_dues(earlier[-1])


def revision_dues(revision: ScheduleRevision) -> list[Due]:
    return [Due(number, date.fromisoformat(day), principal, interest)
            for number, day, principal, interest in revision.lines]  # fmt: skip


def grade_on(loan: LoanApplication, lines: list[Due],
             payments: list[tuple[date, int]], on: date) -> int:  # fmt: skip
    """The indicative class on ``on``: from days past due, held at the class before a
    restructuring until three instalments in a row are paid on time."""
    restructured = [r for r in loan.revisions
                    if r.kind == "restructuring" and r.effective_on <= on]  # fmt: skip
    if restructured:
        last = restructured[-1]
        return servicing.grade_after_restructuring(
            lines, payments, on, last.effective_on, last.grade_before or 1
        )
    return collectibility(days_past_due(lines, payments, on))


@dataclass(frozen=True)
class Standing:
    days_past_due: int
    grade: int
    outstanding_idr: int
    next_due: Due | None
    owed_now_idr: int


def standing(loan: LoanApplication, on: date) -> Standing | None:
    """Days past due, indicative collectibility, what is owed: on any day, on the
    schedule in force that day."""
    if not loan.instalments:
        return None
    payments = [(day, amount) for day, amount in payments_of(loan) if day <= on]
    lines = schedule_on(loan, on)
    states = allocate(lines, payments)
    days = days_past_due(lines, payments, on)
    upcoming = next((d for d in states if not d.is_settled), None)
    return Standing(
        days_past_due=days,
        grade=grade_on(loan, lines, payments, on),
        outstanding_idr=sum(d.principal_idr - d.paid_principal_idr for d in states),
        next_due=upcoming,
        owed_now_idr=sum(d.owed_idr for d in states if d.due_on <= on),
    )
