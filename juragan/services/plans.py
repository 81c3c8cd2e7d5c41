"""Business plans: writing them in parts, the money, the review workflow, versions.

The workflow is draft -> submitted -> in review -> ready for the bank. A returnee
(or their mentor, writing for them) edits a draft and submits it; each submission
is kept as a numbered version. A mentor or official opens the review and comments
per part; the returnee revises and submits again; the reviewer declares the plan
ready. Who may do which step is :mod:`juragan.policy`; this module enforces the
rules of the plan itself (complete, balanced) and records what happened.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from juragan import kbli
from juragan.errors import DomainError, FieldErrors
from juragan.finance import Month, PlanFigures, plan_figures
from juragan.i18n import format_rupiah
from juragan.kur_rules import PRODUCTION_LINES
from juragan.labels import MONTH_NAMES
from juragan.models import (
    BusinessPlan,
    CapitalItem,
    FundingSource,
    Lender,
    LoanApplication,
    PlanComment,
    PlanVersion,
    ProjectionMonth,
    Regency,
    Returnee,
    User,
    utcnow,
)
from juragan.models.business_codes import (
    BUSINESS_LINE_SUBCLASSES,
    BUSINESS_LINES,
    CAPITAL_KINDS,
    FUNDING_KINDS,
    KBLI_SECTIONS,
    LEGAL_FORMS,
    MAX_PROJECTION_MONTHS,
    MIN_PROJECTION_MONTHS,
    PLAN_SECTIONS,
)
from juragan.models.lender import DEFAULT_MIN_COVERAGE as DEFAULT_LENDER_COVERAGE

#: The rate a plan assumes for its KUR until the returnee changes it: the 2026
#: guideline's single 6% effective rate for every access (see
#: docs/kur-rules.md). The KUR rules module gives each loan its own rate.
DEFAULT_KUR_RATE = Decimal("6.00")
DEFAULT_KUR_TENOR = 24
#: The programme's threshold of repayment capacity for a plan with no lender yet.
DEFAULT_MIN_COVERAGE = DEFAULT_LENDER_COVERAGE
EARLIEST_START = date(2000, 1, 1)

#: The fields of each written part of the plan.
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    "business": (
        "business_name", "legal_form", "sector", "kbli_code", "kbli_section",
        "province_code", "regency_code", "district", "planned_start",
        "description",
    ),
    "market": ("target_market", "competitors", "marketing"),
    "operations": ("operations", "suppliers", "equipment", "workers_planned"),
    "risks": ("risks",),
}  # fmt: skip
#: What a part needs before the plan can be submitted.
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "business": ("business_name", "regency_code", "planned_start", "description"),
    "market": ("target_market", "marketing"),
    "operations": ("operations",),
    "risks": ("risks",),
}
TEXT_LIMITS = {"business_name": 120, "district": 80}
LONG_TEXT_LIMIT = 4000


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    return value


# Creating and choosing plans ---------------------------------------------------


def create_plan(
    session: Session,
    actor: User,
    returnee: Returnee,
    business_name: str,
    sector: str,
) -> BusinessPlan:
    """Start a draft plan and make it the returnee's active one.

    The location starts as the returnee's home; the KBLI section follows the line
    of business.
    """
    name = _clean(business_name)
    errors = []
    if not name:
        errors.append(("business_name", _l("Give the business a name.")))
    elif len(name) > TEXT_LIMITS["business_name"]:
        errors.append(("business_name", _l("Keep the name under 120 characters.")))
    if sector not in BUSINESS_LINES:
        errors.append(("sector", _l("Choose the line of business.")))
    if errors:
        raise FieldErrors(errors)
    _deactivate_others(session, returnee.id)
    plan = BusinessPlan(
        returnee_id=returnee.id,
        is_active=True,
        status="draft",
        business_name=name,
        legal_form="individual",
        sector=sector,
        kbli_section=BUSINESS_LINES[sector],
        province_code=returnee.province_code,
        regency_code=returnee.regency_code,
        projection_months=MIN_PROJECTION_MONTHS,
        kur_tenor_months=DEFAULT_KUR_TENOR,
        kur_rate_percent=DEFAULT_KUR_RATE,
        workers_planned=0,
        created_by_id=actor.id,
    )
    session.add(plan)
    session.flush()
    return plan


def _deactivate_others(session: Session, returnee_id: int) -> None:
    session.execute(
        update(BusinessPlan)
        .where(BusinessPlan.returnee_id == returnee_id, BusinessPlan.is_active)
        .values(is_active=False)
        .execution_options(synchronize_session="fetch")
    )


def make_active(session: Session, plan: BusinessPlan) -> None:
    """Make ``plan`` the one its returnee is working on."""
    if plan.is_active:
        return
    _deactivate_others(session, plan.returnee_id)
    session.flush()
    plan.is_active = True
    session.flush()


def plans_of(session: Session, returnee: Returnee) -> list[BusinessPlan]:
    return list(
        session.scalars(
            select(BusinessPlan)
            .where(BusinessPlan.returnee_id == returnee.id)
            .order_by(BusinessPlan.is_active.desc(), BusinessPlan.id.desc())
        )
    )


# Editing, part by part -------------------------------------------------------


def _ensure_editable(plan: BusinessPlan) -> None:
    if plan.status not in ("draft", "in_review"):
        raise DomainError(
            None,
            _l(
                "This plan is locked while it waits for review or is ready for the bank."
            ),
        )


def _note_edit(plan: BusinessPlan) -> None:
    # An edit during review is a revision: it has to be submitted again.
    if plan.status == "in_review":
        plan.is_revised = True
    # Any part saved is a new version of the plan, even when only its rows changed
    # (so that two people editing it do not overwrite each other).
    plan.updated_at = utcnow()


def _section_for(plan: BusinessPlan, values: dict[str, Any]) -> str:
    """The KBLI 2025 category a plan is in: its subclass's, when it has one; else
    the one it had, unless the line of business changed (then the new line's)."""
    entry = kbli.subclass(values.get("kbli_code"))
    if entry is not None:
        return entry.category
    if values.get("kbli_section") in KBLI_SECTIONS:
        return values["kbli_section"]
    if plan.sector == values["sector"] and plan.kbli_section in KBLI_SECTIONS:
        return plan.kbli_section
    return BUSINESS_LINES[values["sector"]]


def suggested_subclass(sector: str | None) -> kbli.KbliEntry | None:
    """The KBLI 2025 subclass a line of business is offered first (None for
    "other")."""
    suggestion = BUSINESS_LINE_SUBCLASSES.get(sector or "")
    return kbli.subclass(suggestion[0]) if suggestion else None


def save_section(
    session: Session,
    plan: BusinessPlan,
    section: str,
    values: dict[str, Any],
    today: date,
) -> None:
    """Save one written part of the plan (drafts may be incomplete).

    :raises FieldErrors: for values that are wrong, not for ones that are missing.
    """
    _ensure_editable(plan)
    fields = SECTION_FIELDS[section]
    values = {name: _clean(values.get(name)) for name in fields}
    errors: list[tuple[str | None, str]] = []
    for name, value in values.items():
        if isinstance(value, str):
            limit = TEXT_LIMITS.get(name, LONG_TEXT_LIMIT)
            if len(value) > limit:
                errors.append(
                    (name, _l("Keep this under %(limit)s characters.", limit=limit))
                )
    if section == "business":
        if not values["business_name"]:
            errors.append(("business_name", _l("Give the business a name.")))
        if values["legal_form"] not in LEGAL_FORMS:
            errors.append(("legal_form", _l("Choose the form of the business.")))
        if values["sector"] not in BUSINESS_LINES:
            errors.append(("sector", _l("Choose the line of business.")))
        else:
            values["kbli_section"] = _section_for(plan, values)
        code = values["kbli_code"]
        if code is not None and kbli.subclass(code) is None:
            errors.append(
                (
                    "kbli_code",
                    _l(
                        "Enter a five-digit KBLI 2025 code, or find one by words"
                        " (the link below the field)."
                    ),
                )
            )
        if values["regency_code"] or values["province_code"]:
            regency = session.get(Regency, values["regency_code"] or "")
            if regency is None or regency.province_code != values["province_code"]:
                errors.append(
                    (
                        "regency_code",
                        _l("This regency or city is not in the chosen province."),
                    )
                )
        start = values["planned_start"]
        if start is not None and start < EARLIEST_START:
            errors.append(("planned_start", _l("Check the year.")))
        elif start is not None and start.year > today.year + 5:
            errors.append(
                ("planned_start", _l("Plan a start within the next five years."))
            )
    if section == "operations":
        workers = values["workers_planned"] or 0
        if not 0 <= workers <= 500:
            errors.append(("workers_planned", _l("Enter a number from 0 to 500.")))
        values["workers_planned"] = workers
    if errors:
        raise FieldErrors(errors)
    for name, value in values.items():
        setattr(plan, name, value)
    _note_edit(plan)
    session.flush()


@dataclass
class LineItem:
    """A capital need or a funding source as entered."""

    kind: str
    description: str | None
    amount_idr: int | None


def _is_blank(line: LineItem) -> bool:
    return not line.description and not line.amount_idr


#: Rows of capital needs or of funding a plan may list: enough for any small
#: business, and a proposal (its page, its PDF) that stays quick to make.
MAX_LINES = 40


def _check_lines(
    lines: Sequence[LineItem], kinds: Sequence[str], needs_description: bool
) -> list[tuple[str | None, str]]:
    """Errors named after the row as the form shows it (blank rows are skipped)."""
    errors: list[tuple[str | None, str]] = []
    if len(_filled(lines)) > MAX_LINES:
        return [(None, _l("At most %(n)d rows: group small items together.",
                          n=MAX_LINES))]  # fmt: skip
    for index, line in enumerate(lines):
        line.description = _clean(line.description)
        if _is_blank(line):
            continue
        prefix = f"items-{index}-"
        if line.kind not in kinds:
            errors.append((prefix + "kind", _l("Choose a kind.")))
        if needs_description and not line.description:
            errors.append((prefix + "description", _l("Say what it is.")))
        if line.description and len(line.description) > 160:
            errors.append((prefix + "description", _l("Keep it under 160 characters.")))
        if line.amount_idr is None or line.amount_idr <= 0:
            errors.append((prefix + "amount_idr", _l("Enter an amount above zero.")))
        elif line.amount_idr > 100_000_000_000:
            errors.append((prefix + "amount_idr", _l("Check the amount.")))
    return errors


def _filled(lines: Sequence[LineItem]) -> list[LineItem]:
    """Drop the blank rows a form offers for adding more."""
    return [line for line in lines if not _is_blank(line)]


def save_capital(
    session: Session, plan: BusinessPlan, lines: Sequence[LineItem]
) -> None:
    """Replace the capital needs with ``lines`` (blank rows are ignored).

    Errors name the row: ``items-<n>-<field>``, counting blank rows too.
    """
    _ensure_editable(plan)
    errors = _check_lines(lines, CAPITAL_KINDS, needs_description=True)
    if errors:
        raise FieldErrors(errors)
    lines = _filled(lines)
    plan.capital_items = [
        CapitalItem(
            position=position,
            kind=line.kind,
            description=line.description,
            amount_idr=line.amount_idr,
        )
        for position, line in enumerate(lines, start=1)
    ]
    _note_edit(plan)
    session.flush()


def save_funding(
    session: Session,
    plan: BusinessPlan,
    lines: Sequence[LineItem],
    kur_tenor_months: int | None,
    kur_rate_percent: Decimal | None,
    kur_lean_months: Collection[int] = (),
) -> None:
    """Replace the funding sources and the terms of the KUR asked for.

    :param kur_lean_months: calendar months (1-12) the KUR would pay interest only
        in: for farming, livestock and fishing plans (``loans.check_terms``), and
        never all twelve.
    :raises FieldErrors: for a line, a tenor, a rate or lean months not allowed.
    """
    _ensure_editable(plan)
    errors = _check_lines(lines, FUNDING_KINDS, needs_description=False)
    lines = _filled(lines)
    asks_kur = any(line.kind == "kur" for line in lines)
    if asks_kur and not kur_tenor_months:
        errors.append(("kur_tenor_months", _l("Say over how many months to repay.")))
    if kur_tenor_months is not None and not 1 <= kur_tenor_months <= 84:
        errors.append(("kur_tenor_months", _l("Enter 1 to 84 months.")))
    if kur_rate_percent is not None and not 0 <= kur_rate_percent <= 30:
        errors.append(("kur_rate_percent", _l("Enter a rate from 0 to 30%.")))
    lean = sorted(set(kur_lean_months))
    if not set(lean) <= set(range(1, 13)):
        errors.append(("kur_lean_months", _l("Choose calendar months.")))
    elif lean and plan.sector not in PRODUCTION_LINES:
        errors.append(("kur_lean_months", _l(
            "A seasonal schedule is for farming, livestock and fishing businesses."
        )))  # fmt: skip
    elif len(lean) == 12:
        errors.append(("kur_lean_months", _l("Leave months to repay in.")))
    if errors:
        raise FieldErrors(errors)
    plan.funding_sources = [
        FundingSource(
            position=position,
            kind=line.kind,
            description=line.description,
            amount_idr=line.amount_idr,
        )
        for position, line in enumerate(lines, start=1)
    ]
    plan.kur_tenor_months = kur_tenor_months
    plan.kur_rate_percent = (
        kur_rate_percent if kur_rate_percent is not None else DEFAULT_KUR_RATE
    )
    plan.kur_lean_months = lean
    _note_edit(plan)
    session.flush()


@dataclass
class MonthInput:
    sales_idr: int | None
    cogs_idr: int | None
    operating_costs_idr: int | None
    owner_draw_idr: int | None


MONTH_FIELDS = ("sales_idr", "cogs_idr", "operating_costs_idr", "owner_draw_idr")


def save_projection(
    session: Session,
    plan: BusinessPlan,
    month_count: int,
    rows: Sequence[MonthInput],
) -> None:
    """Replace the monthly projection with the first ``month_count`` rows.

    Empty cells count as zero. Errors are named ``months-<n>-<field>``.
    """
    _ensure_editable(plan)
    errors: list[tuple[str | None, str]] = []
    if not MIN_PROJECTION_MONTHS <= (month_count or 0) <= MAX_PROJECTION_MONTHS:
        raise FieldErrors([("month_count", _l("Project 12 to 36 months."))])
    if len(rows) < month_count:
        raise FieldErrors([("month_count", _l("Fill in every month."))])
    values = []
    for index, row in enumerate(rows[:month_count]):
        amounts = {name: getattr(row, name) or 0 for name in MONTH_FIELDS}
        for name, amount in amounts.items():
            if amount < 0:
                errors.append((f"months-{index}-{name}", _l("Cannot be negative.")))
            elif amount > 100_000_000_000:
                errors.append((f"months-{index}-{name}", _l("Check the amount.")))
        values.append(amounts)
    if errors:
        raise FieldErrors(errors)
    plan.months = [
        ProjectionMonth(month=number, **amounts)
        for number, amounts in enumerate(values, start=1)
    ]
    plan.projection_months = month_count
    _note_edit(plan)
    session.flush()


def fill_months(
    first: MonthInput, growth_percent: Decimal, month_count: int
) -> list[MonthInput]:
    """A projection from one typical month: sales and cost of goods grow by
    ``growth_percent`` a month (compounded, whole rupiah); operating costs and the
    owner's draw stay the same."""
    rows = []
    factor = Decimal(1)
    step = 1 + Decimal(growth_percent) / 100
    for _ in range(month_count):
        rows.append(
            MonthInput(
                sales_idr=int(
                    (Decimal(first.sales_idr or 0) * factor).to_integral_value()
                ),
                cogs_idr=int(
                    (Decimal(first.cogs_idr or 0) * factor).to_integral_value()
                ),
                operating_costs_idr=first.operating_costs_idr or 0,
                owner_draw_idr=first.owner_draw_idr or 0,
            )
        )
        factor *= step
    return rows


# Figures, completeness, versions ---------------------------------------------


def figures_of(plan: BusinessPlan) -> PlanFigures:
    return figures_from_content(content_of(plan))


@dataclass(frozen=True)
class KurRequest:
    """The KUR a plan asks for, as the simulator opened from the plan fills it in."""

    amount_idr: int
    tenor_months: int | None
    #: ``investment`` when the plan needs more money for investment than for
    #: working capital, else ``working_capital`` (KI or KMK: what the loan pays for).
    purpose: str
    #: Calendar months (1-12) paying interest only, for a farming, livestock or
    #: fishing plan; none for other lines.
    lean_months: tuple[int, ...]


def kur_request(plan: BusinessPlan) -> KurRequest:
    """The KUR ``plan`` asks for: the sum of its ``kur`` sources, its tenor, the
    purpose its capital needs point to and its lean-season months."""
    figures = figures_of(plan)
    purpose = (
        "investment"
        if figures.investment_idr > figures.working_capital_idr
        else "working_capital"
    )
    lean = (
        tuple(sorted(plan.kur_lean_months or ()))
        if plan.sector in PRODUCTION_LINES
        else ()
    )
    return KurRequest(figures.kur_idr, plan.kur_tenor_months, purpose, lean)


def figures_from_content(content: dict[str, Any]) -> PlanFigures:
    """The figures of a plan or of a stored version."""
    kur = content["kur"]
    rate = kur["rate_percent"]
    start = content["text"].get("planned_start")
    return plan_figures(
        [(line["kind"], line["amount_idr"]) for line in content["capital"]],
        [(line["kind"], line["amount_idr"]) for line in content["funding"]],
        [Month(*row) for row in content["months"]],
        kur["tenor_months"],
        Decimal(rate) if rate is not None else None,
        legal_form=content["text"].get("legal_form") or "individual",
        start=date.fromisoformat(start) if start else None,
    )


def content_of(plan: BusinessPlan) -> dict[str, Any]:
    """The whole plan as plain JSON-ready values (what a version stores)."""
    text = {}
    for fields in SECTION_FIELDS.values():
        for name in fields:
            value = getattr(plan, name)
            text[name] = value.isoformat() if isinstance(value, date) else value
    return {
        "text": text,
        "capital": [
            {"kind": i.kind, "description": i.description, "amount_idr": i.amount_idr}
            for i in plan.capital_items
        ],
        "funding": [
            {"kind": s.kind, "description": s.description, "amount_idr": s.amount_idr}
            for s in plan.funding_sources
        ],
        "kur": {
            "tenor_months": plan.kur_tenor_months,
            # As stored (two decimals), whether or not the plan was reloaded.
            "rate_percent": (
                str(Decimal(plan.kur_rate_percent).quantize(Decimal("0.01")))
                if plan.kur_rate_percent is not None
                else None
            ),
            "lean_months": sorted(plan.kur_lean_months or ()),
        },
        "projection_months": plan.projection_months,
        "months": [
            [m.month, m.sales_idr, m.cogs_idr, m.operating_costs_idr, m.owner_draw_idr]
            for m in plan.months
        ],
    }


def completeness(plan: BusinessPlan) -> dict[str, bool]:
    """For each part of the plan, whether it has what a submission needs."""
    done = {
        section: all(getattr(plan, name) for name in required)
        for section, required in REQUIRED_FIELDS.items()
    }
    done["capital"] = bool(plan.capital_items)
    done["funding"] = bool(plan.funding_sources)
    done["projections"] = len(plan.months) == plan.projection_months and any(
        m.sales_idr for m in plan.months
    )
    return {section: done[section] for section in PLAN_SECTIONS}


SECTION_MISSING = {
    "business": _l("Describe the business and where and when it starts."),
    "market": _l("Describe the customers and how you will reach them."),
    "operations": _l("Describe how the business will run."),
    "risks": _l("Name the risks and how you will meet them."),
    "capital": _l("List what the business needs money for."),
    "funding": _l("List where the money comes from."),
    "projections": _l("Fill in the monthly projection."),
}


def balance_message(figures: PlanFigures) -> str | None:
    """Why the money does not balance, in rupiah, or ``None`` when it does."""
    if figures.needs_idr <= 0 or figures.gap_idr == 0:
        return None
    if figures.gap_idr < 0:
        return _l(
            "Funding is %(amount)s short of what the business needs.",
            amount=format_rupiah(-figures.gap_idr),
        )
    return _l(
        "Funding is %(amount)s more than the business needs.",
        amount=format_rupiah(figures.gap_idr),
    )


def submit_plan(
    session: Session, actor: User, plan: BusinessPlan, now: datetime
) -> PlanVersion:
    """Submit the plan for review, keeping this version of it.

    :raises FieldErrors: naming each incomplete part, and the funding part when
        sources and needs do not balance (saying by how much).
    """
    if plan.status not in ("draft", "in_review"):
        raise DomainError(None, _l("This plan has been submitted already."))
    if plan.status == "in_review" and not plan.is_revised:
        raise DomainError(
            None, _l("Nothing has changed since the last version: revise it first.")
        )
    errors: list[tuple[str | None, str]] = [
        (section, SECTION_MISSING[section])
        for section, done in completeness(plan).items()
        if not done
    ]
    figures = figures_of(plan)
    message = balance_message(figures)
    if message is not None:
        errors.append(("funding", message))
    if figures.kur_idr and not plan.kur_tenor_months:
        errors.append(("funding", _l("Say over how many months to repay.")))
    if errors:
        raise FieldErrors(errors)
    number = (plan.last_version.number if plan.last_version else 0) + 1
    version = PlanVersion(
        plan_id=plan.id,
        number=number,
        submitted_at=now,
        submitted_by_id=actor.id,
        content=content_of(plan),
    )
    session.add(version)
    plan.status = "submitted"
    plan.is_revised = False
    session.flush()
    session.refresh(plan, ["versions"])
    return version


def start_review(session: Session, plan: BusinessPlan) -> None:
    if plan.status != "submitted":
        raise DomainError(None, _l("Only a submitted plan can be reviewed."))
    plan.status = "in_review"
    session.flush()


def add_comment(
    session: Session,
    actor: User,
    plan: BusinessPlan,
    section: str,
    body: str,
    now: datetime,
) -> PlanComment:
    """A reviewer's remark on one part; it opens the review if needed."""
    body = (body or "").strip()
    errors = []
    if section not in PLAN_SECTIONS:
        errors.append(("section", _l("Choose the part of the plan.")))
    if not body:
        errors.append(("body", _l("Write the comment.")))
    elif len(body) > LONG_TEXT_LIMIT:
        errors.append(
            ("body", _l("Keep this under %(limit)s characters.", limit=LONG_TEXT_LIMIT))
        )
    if errors:
        raise FieldErrors(errors)
    if plan.status == "submitted":
        start_review(session, plan)
    if plan.status != "in_review":
        raise DomainError(None, _l("Only a plan in review takes comments."))
    comment = PlanComment(
        plan_id=plan.id,
        version_number=plan.last_version.number if plan.last_version else 1,
        section=section,
        author_id=actor.id,
        body=body,
        created_at=now,
    )
    session.add(comment)
    session.flush()
    return comment


def resolve_comment(session: Session, comment: PlanComment, now: datetime) -> None:
    if comment.resolved_at is None:
        comment.resolved_at = now
        session.flush()


@dataclass(frozen=True)
class Readiness:
    """How the plan's repayment capacity compares with its lender's threshold."""

    #: The capacity of the version to be declared ready (``None`` without a KUR).
    coverage: Decimal | None
    #: The threshold it is held to, and whose it is (``None``: the programme's).
    threshold: Decimal
    lender: Lender | None

    @property
    def is_below(self) -> bool:
        return self.coverage is not None and self.coverage < self.threshold


def lender_of(session: Session, plan: BusinessPlan) -> Lender | None:
    """The lender a plan is meant for: that of its latest KUR application that was
    not withdrawn, or ``None`` while no application names one.

    A plan names no lender itself: a returnee chooses the bank when applying,
    usually after the plan is ready (docs/plan-figures.md).
    """
    return session.scalar(
        select(Lender)
        .join(LoanApplication, LoanApplication.lender == Lender.code)
        .where(LoanApplication.plan_id == plan.id,
               LoanApplication.status != "withdrawn")
        .order_by(LoanApplication.id.desc())
        .limit(1)
    )  # fmt: skip


def readiness(session: Session, plan: BusinessPlan) -> Readiness:
    """The capacity of the plan's last version (else its draft) against the
    threshold of its lender, or the programme's 1,5 when none is chosen yet."""
    content = plan.last_version.content if plan.last_version else content_of(plan)
    repayment = figures_from_content(content).repayment
    lender = lender_of(session, plan)
    threshold = (
        Decimal(lender.min_repayment_coverage)
        if lender is not None
        else DEFAULT_MIN_COVERAGE
    )
    return Readiness(repayment.coverage if repayment else None, threshold, lender)


def mark_ready(session: Session, plan: BusinessPlan, reason: str | None = None,
               endorser: User | None = None, now: datetime | None = None) -> None:  # fmt: skip
    """Declare the last submitted version ready for the bank.

    When its repayment capacity is below the lender's threshold the reviewer must
    say why in ``reason``; it is stored with the threshold (and so audited) and
    shown on the plan and the proposal. A reason given for a plan that meets the
    threshold is not kept.

    :raises DomainError: on ``ready_reason`` when the capacity is below the
        threshold and no reason is given (nothing is changed).
    """
    if plan.status not in ("submitted", "in_review"):
        raise DomainError(None, _l("Only a submitted plan can be declared ready."))
    if plan.is_revised:
        raise DomainError(
            None,
            _l(
                "The plan was revised after the last version: it must be submitted again."
            ),
        )
    check = readiness(session, plan)
    reason = _clean(reason)
    if check.is_below and not reason:
        raise DomainError(
            "ready_reason",
            _l(
                "The repayment capacity is %(coverage)s, below the %(threshold)s "
                "the lender looks for: write why the plan is ready all the same.",
                coverage=format_decimal(check.coverage, "#,##0.00"),
                threshold=format_decimal(check.threshold, "#,##0.00"),
            ),
        )
    if check.is_below and len(reason) > LONG_TEXT_LIMIT:
        raise DomainError(
            "ready_reason",
            _l("Keep this under %(limit)s characters.", limit=LONG_TEXT_LIMIT),
        )
    plan.status = "ready"
    plan.ready_reason = reason if check.is_below else None
    plan.ready_threshold = check.threshold if check.is_below else None
    # The endorsement: who vouches for the plan before the lender, and when.
    plan.ready_by_id = endorser.id if endorser is not None else None
    plan.ready_at = now or utcnow()
    session.flush()


def reopen_plan(session: Session, plan: BusinessPlan) -> None:
    """Take a ready plan back to draft (for instance when the bank asks for changes);
    the reason it was declared ready goes with the declaration."""
    if plan.status != "ready":
        raise DomainError(None, _l("Only a plan that is ready can be reopened."))
    plan.status = "draft"
    plan.ready_reason = None
    plan.ready_threshold = None
    plan.ready_by_id = None
    plan.ready_at = None
    session.flush()


def open_comments(plan: BusinessPlan) -> dict[str, list[PlanComment]]:
    by_section: dict[str, list[PlanComment]] = {s: [] for s in PLAN_SECTIONS}
    for comment in plan.comments:
        by_section[comment.section].append(comment)
    return by_section


# Comparing versions ----------------------------------------------------------


@dataclass(frozen=True)
class ComparedRow:
    section: str
    #: A field name (see ``juragan.labels.PLAN_FIELD_LABELS``).
    name: str
    #: How to show the values: ``text``, ``money``, ``number``, ``lines``, ``percent``.
    kind: str
    left: Any
    right: Any

    @property
    def changed(self) -> bool:
        return self.left != self.right


def _summary(content: dict[str, Any]) -> dict[str, tuple[str, Any]]:
    figures = figures_from_content(content)
    repayment = figures.repayment
    return {
        "needs_idr": ("money", figures.needs_idr),
        "sources_idr": ("money", figures.sources_idr),
        "kur_idr": ("money", figures.kur_idr),
        "total_sales_idr": ("money", figures.total_sales_idr),
        "total_operating_profit_idr": ("money", figures.total_operating_profit_idr),
        "total_interest_idr": ("money", figures.total_interest_idr),
        "total_tax_idr": ("money", figures.total_tax_idr),
        "total_net_profit_idr": ("money", figures.total_net_profit_idr),
        "operating_margin": ("percent", figures.operating_margin),
        "net_margin": ("percent", figures.net_margin),
        "break_even_month": ("number", figures.break_even_month),
        "break_even_sales_idr": ("money", figures.break_even_sales_idr),
        "payback_month": ("number", figures.payback_month),
        "instalment_idr": ("money", repayment.instalment_idr if repayment else None),
        "coverage": ("number", repayment.coverage if repayment else None),
    }


def compare_versions(left: dict[str, Any], right: dict[str, Any]) -> list[ComparedRow]:
    """Row by row, the two versions' text, line items, terms and figures."""
    rows = []
    for section, fields in SECTION_FIELDS.items():
        for name in fields:
            kind = "number" if name == "workers_planned" else "text"
            rows.append(
                ComparedRow(
                    section, name, kind, left["text"].get(name), right["text"].get(name)
                )
            )
    for section, key in (("capital", "capital"), ("funding", "funding")):
        rows.append(
            ComparedRow(
                section,
                key,
                "lines",
                [tuple(line.values()) for line in left[key]],
                [tuple(line.values()) for line in right[key]],
            )
        )
    rows.append(
        ComparedRow(
            "funding",
            "kur_terms",
            "text",
            _terms(left),
            _terms(right),
        )
    )
    rows.append(
        ComparedRow(
            "projections",
            "projection_months",
            "number",
            left["projection_months"],
            right["projection_months"],
        )
    )
    left_summary, right_summary = _summary(left), _summary(right)
    for name, (kind, value) in left_summary.items():
        rows.append(
            ComparedRow("projections", name, kind, value, right_summary[name][1])
        )
    return rows


def _terms(content: dict[str, Any]) -> str | None:
    kur = content["kur"]
    if not kur["tenor_months"]:
        return None
    terms = f"{kur['tenor_months']} / {kur['rate_percent']}%"
    # Versions submitted before plans named lean-season months have none.
    lean = kur.get("lean_months") or ()
    if lean:
        terms += " · " + ", ".join(str(MONTH_NAMES[m - 1]) for m in lean)
    return terms
