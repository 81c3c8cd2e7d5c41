"""The lender's desk: what a KUR officer decides on, and who must agree.

:func:`brief` gathers, for one application, the eligibility verdict of the chosen
scheme worked out again on the decision day, the plan's figures against the
application's own instalment, the schedule an approval would lay down, and the
exceptions that make an approval need two officers of the lender
(``docs/lender-desk.md``). :func:`approval_exceptions` is the one place that says
which exceptions an application has; :func:`juragan.services.loans.decide` asks it
on every approval, whatever page or file the approval comes from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from juragan.db import plan_reading
from juragan.domain import servicing
from juragan.domain.eligibility import Request, SchemeVerdict, advise
from juragan.domain.finance import PlanFigures
from juragan.domain.kur_rules import RuleSet, rule_set
from juragan.models import (
    BusinessPlan,
    Lender,
    LoanApplication,
    PlanComment,
)
from juragan.models.lender import DEFAULT_MIN_COVERAGE

#: Exceptions in the order the page lists them (``models.loan.APPROVAL_EXCEPTIONS``).
NOT_ELIGIBLE = "not_eligible"
BELOW_THRESHOLD = "capacity_below_threshold"
NO_CAPACITY = "no_capacity"


@dataclass(frozen=True)
class Capacity:
    """The plan's monthly cash left, while the loan runs, against the instalment
    the application would pay (its regular one, after any grace)."""

    #: Average over the projection's months within the tenor; ``None`` without a
    #: plan or a projection.
    average_cash_idr: int | None
    instalment_idr: int
    threshold: Decimal
    months_counted: int = 0

    @property
    def coverage(self) -> Decimal | None:
        if self.average_cash_idr is None or not self.instalment_idr:
            return None
        return (Decimal(self.average_cash_idr) / self.instalment_idr).quantize(
            Decimal("0.01"), ROUND_HALF_UP
        )

    @property
    def is_known(self) -> bool:
        return self.coverage is not None

    @property
    def is_below(self) -> bool:
        return self.coverage is not None and self.coverage < self.threshold


def capacity(
    figures: PlanFigures | None,
    tenor_months: int,
    instalment_idr: int,
    threshold: Decimal,
) -> Capacity:
    """Pure: the plan's cash left in the months the loan runs, per instalment."""
    months = [m for m in (figures.months if figures else []) if m.month <= tenor_months]
    if not months:
        return Capacity(None, instalment_idr, threshold)
    total = sum(m.cash_left_idr for m in months)
    average = int((Decimal(total) / len(months)).quantize(Decimal(1), ROUND_HALF_UP))
    return Capacity(average, instalment_idr, threshold, len(months))


def exceptions_of(
    verdict: SchemeVerdict | None, cap: Capacity, needs_plan: bool = True
) -> tuple[str, ...]:
    """Pure: why an approval would need a second officer. A KUR Penempatan is
    repaid from the wages of the placement, not from a business: no plan's
    capacity is asked of it (``needs_plan`` false)."""
    found = []
    if verdict is None or not verdict.fits:
        found.append(NOT_ELIGIBLE)
    if not needs_plan:
        pass
    elif not cap.is_known:
        found.append(NO_CAPACITY)
    elif cap.is_below:
        found.append(BELOW_THRESHOLD)
    return tuple(found)


@dataclass(frozen=True)
class Endorsement:
    """The mentor's (or office's) word for the plan: who declared it ready, when,
    and what they wrote when its capacity was below the lender's threshold."""

    name: str | None
    on: Any
    reason: str | None


@dataclass
class Brief:
    loan: LoanApplication
    rules: RuleSet
    verdict: SchemeVerdict | None
    figures: PlanFigures | None
    capacity: Capacity
    schedule: list[servicing.Line]
    first_due_on: date
    exceptions: tuple[str, ...]
    endorsement: Endorsement | None
    open_comments: list[PlanComment] = field(default_factory=list)
    #: KUR disbursed through juragan before, per scheme, at any lender.
    previous: dict[str, int] = field(default_factory=dict)
    #: KUR taken elsewhere, as the applicant declared, per scheme.
    declared_elsewhere: dict[str, int] = field(default_factory=dict)

    @property
    def own_contribution_idr(self) -> int | None:
        """What the applicant puts in besides the KUR: every funding source but it."""
        if self.figures is None:
            return None
        return self.figures.sources_idr - self.figures.kur_idr

    @property
    def needs_second_officer(self) -> bool:
        return bool(self.exceptions)


def lender_threshold(session: Session, loan: LoanApplication) -> Decimal:
    lender = session.get(Lender, loan.lender)
    return Decimal(lender.min_repayment_coverage) if lender else DEFAULT_MIN_COVERAGE


def _plan_figures(plan: BusinessPlan | None) -> PlanFigures | None:
    """The figures of the version the reviewer saw (else the draft's)."""
    if plan is None:
        return None
    content = (
        plan.last_version.content
        if plan.last_version
        else plan_reading.content_of(plan)
    )
    return plan_reading.figures_from_content(content)


def verdict_on(
    session: Session, loan: LoanApplication, on: date
) -> SchemeVerdict | None:
    """The chosen scheme's verdict, rule by rule, under the rule set of the
    application date, on what is known about the applicant on ``on``."""
    from juragan.services.loans.applying import Declared, facts_for

    facts = facts_for(
        session,
        loan.returnee,
        on,
        Declared.of(loan),
        loan.business,
        loan.plan,
        loan.placement,
    )
    try:
        advice = advise(
            Request(
                loan.kind,
                loan.amount_requested_idr,
                loan.tenor_months,
                loan.purpose,
                loan.applied_on,
            ),
            facts,
        )
    except LookupError:
        return None
    return next((v for v in advice.verdicts if v.scheme == loan.scheme), None)


def preview_schedule(
    loan: LoanApplication, today: date
) -> tuple[date, list[servicing.Line]]:
    """What disbursing the requested amount with the first instalment a month from
    today would lay down (the disbursement form proposes that date)."""
    from juragan.services.loans.schedule import preview_first_due, terms_of

    first_due = preview_first_due(today)
    lines = servicing.schedule(terms_of(loan, loan.amount_requested_idr, first_due))
    return first_due, lines


def _endorsement(plan: BusinessPlan | None) -> Endorsement | None:
    if plan is None or plan.status != "ready":
        return None
    who = plan.ready_by.full_name if plan.ready_by is not None else None
    return Endorsement(who, plan.ready_at, plan.ready_reason)


def brief(session: Session, loan: LoanApplication, today: date) -> Brief:
    """Everything the decision rests on, as of ``today``."""
    from juragan.services.loans.applying import Declared, previous_kur

    verdict = verdict_on(session, loan, today)
    first_due, lines = preview_schedule(loan, today)
    figures = _plan_figures(loan.plan)
    cap = capacity(
        figures,
        loan.tenor_months,
        servicing.regular_instalment(lines),
        lender_threshold(session, loan),
    )
    comments = []
    if loan.plan is not None:
        comments = list(
            session.scalars(
                select(PlanComment)
                .where(
                    PlanComment.plan_id == loan.plan_id,
                    PlanComment.resolved_at.is_(None),
                )
                .order_by(PlanComment.id)
            )
        )
    return Brief(
        loan=loan,
        rules=rule_set(loan.rule_set),
        verdict=verdict,
        figures=figures,
        capacity=cap,
        schedule=lines,
        first_due_on=first_due,
        exceptions=exceptions_of(verdict, cap, loan.kind == "business"),
        endorsement=_endorsement(loan.plan),
        open_comments=comments,
        previous=previous_kur(session, loan.returnee, exclude_id=loan.id),
        declared_elsewhere={
            k: v for k, v in Declared.of(loan).kur_elsewhere.items() if v
        },
    )


def approval_exceptions(
    session: Session, loan: LoanApplication, today: date
) -> tuple[str, ...]:
    """The exceptions of ``loan`` today (see :func:`exceptions_of`)."""
    verdict = verdict_on(session, loan, today)
    _first_due, lines = preview_schedule(loan, today)
    cap = capacity(
        _plan_figures(loan.plan),
        loan.tenor_months,
        servicing.regular_instalment(lines),
        lender_threshold(session, loan),
    )
    return exceptions_of(verdict, cap, loan.kind == "business")


@dataclass(frozen=True)
class Step:
    """One line of an application's timeline."""

    at: Any
    #: ``transition``, ``document``, ``check`` or ``approval``.
    kind: str
    #: The state reached, the document type, the check kind or the approval step.
    code: str
    actor: str | None = None
    note: str | None = None
    #: A check's result, or the exceptions an approval was given over.
    detail: Any = None


def timeline(loan: LoanApplication, checks: list[Any]) -> list[Step]:
    """Every step of the application, oldest first: its states, the documents
    attached, the SIKP/SLIK/BPJS checks and the officers' approvals."""
    from datetime import UTC, datetime, time

    def name(user: Any) -> str | None:
        return user.full_name if user is not None else None

    steps = [
        Step(t.at, "transition", t.to_status, name(t.actor), t.reason)
        for t in loan.transitions
    ]
    steps += [Step(d.uploaded_at, "document", d.doc_type) for d in loan.documents]
    steps += [
        Step(
            c.recorded_at,
            "check",
            c.kind,
            name(c.checked_by),
            c.reason or c.note,
            c.result,
        )
        for c in checks
    ]
    steps += [
        Step(
            a.at,
            "approval",
            str(a.step),
            name(a.officer),
            a.reason,
            tuple(a.exceptions or ()),
        )
        for a in loan.approvals
    ]

    def moment(step: Step) -> datetime:
        at = step.at
        if isinstance(at, datetime):
            return at if at.tzinfo else at.replace(tzinfo=UTC)
        return datetime.combine(at, time(), UTC)

    order = {"document": 0, "check": 1, "approval": 2, "transition": 3}
    return sorted(steps, key=lambda s: (moment(s), order[s.kind]))
