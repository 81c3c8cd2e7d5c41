"""Applying for a KUR: the facts and advice a request is weighed on, the
simulator's schedules for it, and filing the application.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from dateutil.relativedelta import relativedelta
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from juragan.db import plan_reading, scope
from juragan.db.loan_reading import (
    LIVE_STATES,
    standing,
)
from juragan.domain import servicing
from juragan.domain.eligibility import (
    Advice,
    Facts,
    HeldKur,
    Request,
    advise,
    concurrent_refusal,
)
from juragan.domain.kur_rules import (
    CREDIT_KINDS,
    SCHEMES,
    credit_mask,
)
from juragan.errors import DomainError, FieldErrors
from juragan.models import (
    Business,
    BusinessPlan,
    LoanApplication,
    Placement,
    Returnee,
    User,
)
from juragan.models.loan import ACTIVE_STATUSES, BUSINESS_SLOTS, LENDERS
from juragan.services.loans.schedule import (
    check_terms,
    preview_first_due,
)

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
        return {
            "other_credit_current": self.other_credit_current,
            "kur_elsewhere": {k: int(v) for k, v in self.kur_elsewhere.items() if v},
            "has_offtaker": self.has_offtaker,
            "family_consent": self.family_consent,
        }

    @classmethod
    def of(cls, loan: LoanApplication) -> Declared:
        """What the applicant declared when filing ``loan``."""
        kept = loan.declared_facts or {}
        return cls(
            has_npwp=loan.has_npwp,
            other_credit=loan.other_credit_kinds,
            other_credit_current=bool(kept.get("other_credit_current", True)),
            kur_elsewhere={
                k: int(v) for k, v in (kept.get("kur_elsewhere") or {}).items()
            },
            has_offtaker=bool(kept.get("has_offtaker")),
            family_consent=bool(kept.get("family_consent")),
        )


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

    months = None
    if business is not None and business.status != "closed":
        delta = relativedelta(on, business.opened_on)
        months = delta.years * 12 + delta.months
    turnover = None
    source = business.plan if business is not None and business.plan else plan
    if source is not None and source.months:
        figures = plan_reading.figures_of(source)
        turnover = (
            sum(m.sales_idr for m in figures.months[:12])
            * 12
            // min(12, len(figures.months))
        )
    form = (
        business.legal_form if business else plan.legal_form if plan else "individual"
    )
    trainings = [
        t
        for t in returnee.trainings
        if t.stage == "after_return" or t.kind == "entrepreneurship"
    ]
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


@dataclass(frozen=True)
class Simulation:
    """What the simulator shows for a request: every scheme's verdict and, for each
    scheme, the schedule a disbursement of the whole amount with the first instalment
    on ``first_due_on`` lays down (:func:`disburse`, through the same
    :func:`juragan.domain.servicing.schedule`)."""

    advice: Advice
    first_due_on: date
    schedules: dict[str, list[servicing.Line]]
    grace_months: int = 0
    lean_months: frozenset[int] = frozenset()
    #: The draft filed with the same request, when the simulator was asked to apply.
    application: LoanApplication | None = None
    #: Why filing it was refused (the simulation still stands).
    refusal: DomainError | None = None

    @property
    def instalments(self) -> dict[str, int]:
        """Each scheme's instalment once principal is repaid (after any grace)."""
        return {
            scheme: servicing.regular_instalment(lines)
            for scheme, lines in self.schedules.items()
        }

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
    applicant: User | None = None,
) -> Simulation:
    """Advice and schedules for a request, as an application filed with the same
    ``data`` on ``today`` would get them (rule set, access count, regional rate) and
    its disbursement, with the first instalment :func:`preview_first_due`, would lay
    them down. Links to records that are not the returnee's are ignored.

    With an ``applicant``, the same request is then filed as a draft
    (:func:`create_application`), resting on the plan of the business it names when
    it names no plan: the simulation carries the application, or why it was refused.
    What was simulated is what is applied for.

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
    facts = facts_for(
        session, returnee, today, data.declared, business, plan, placement
    )
    advice = advise(
        Request(data.kind, data.amount_idr, data.tenor_months, data.purpose, today),
        facts,
    )
    first_due = preview_first_due(today)
    try:
        schedules = {
            verdict.scheme: servicing.schedule(
                servicing.Terms(
                    data.amount_idr,
                    verdict.rate_periods or servicing.flat_rate(verdict.rate_percent),
                    data.tenor_months,
                    first_due,
                    data.grace_months,
                    data.lean_months,
                )
            )
            for verdict in advice.verdicts
        }
    except ValueError:  # grace and lean months leave no instalment repaying
        raise FieldErrors([("lean_months", _l("Leave months to repay in."))]) from None
    simulation = Simulation(
        advice, first_due, schedules, data.grace_months, frozenset(data.lean_months)
    )
    if applicant is None:
        return simulation
    if data.plan_id is None and data.business_id is not None:
        named = scope.fetch(session, Business, data.business_id)
        if named is not None and named.plan is not None:
            data = replace(data, plan_id=named.plan.id)
    try:
        loan, _advice = create_application(session, applicant, returnee, data, today)
    except DomainError as error:
        return replace(simulation, refusal=error)
    return replace(simulation, application=loan)


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
        allow (:func:`~juragan.domain.eligibility.concurrent_refusal`), or a
        link to a business, plan or placement that is not the returnee's.
    """
    errors: list[tuple[str | None, str]] = []
    business = scope.fetch(session, Business, data.business_id)
    plan = scope.fetch(session, BusinessPlan, data.plan_id)
    placement = scope.fetch(session, Placement, data.placement_id)
    for linked, name in (
        (business, "business_id"),
        (plan, "plan_id"),
        (placement, "placement_id"),
    ):
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
        held = held_business_kur(session, returnee, today)
        refusal = concurrent_refusal(
            advice.rule_set,
            data.scheme,
            data.lender,
            data.amount_idr,
            [kur for _slot, kur in held],
        )
        if refusal is not None:
            raise FieldErrors([refusal])
        taken = {taken_slot for taken_slot, _kur in held}
        free = [n for n in BUSINESS_SLOTS if n not in taken]
        # A slot no draft holds either, where there is one: drafts sent later
        # then do not meet in the database's slot index.
        drafted = set(
            session.scalars(
                select(LoanApplication.business_slot).where(
                    LoanApplication.returnee_id == returnee.id,
                    LoanApplication.kind == "business",
                    LoanApplication.status == "draft",
                )
            )
        )
        slot = next((n for n in free if n not in drafted), free[0])
    line = business.sector if business else plan.sector if plan else None
    check_terms(data.tenor_months, data.grace_months, data.lean_months, line)
    loan = LoanApplication(
        returnee_id=returnee.id,
        kind=data.kind,
        business_id=data.business_id,
        plan_id=data.plan_id,
        placement_id=data.placement_id,
        lender=data.lender,
        scheme=data.scheme,
        rule_set=advice.rule_set.code,
        purpose=data.purpose,
        amount_requested_idr=data.amount_idr,
        tenor_months=data.tenor_months,
        access_number=verdict.access_number,
        rate_percent=verdict.rate_percent,
        has_npwp=data.declared.has_npwp or npwp is not None,
        npwp=npwp,
        other_credit_mask=credit_mask(data.declared.other_credit),
        rate_province_code=returnee.province_code,
        business_slot=slot,
        grace_months=data.grace_months,
        lean_months=sorted(data.lean_months),
        interest_only_months=[],
        status="draft",
        applied_on=today,
        declared_facts=data.declared.stored(),
        created_by_id=actor.id,
    )
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


def held_business_kur(
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
        held.append(
            (
                loan.business_slot,
                HeldKur(
                    loan.scheme,
                    loan.lender,
                    outstanding,
                    now.grade if now else None,
                ),
            )
        )
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
