"""Reading a business plan in the domain's terms: its content as a version stores
it, its figures, what a submission still needs, the KUR it asks for and how its
repayment capacity compares with its lender's threshold.

Reads only, shared below the layers: :mod:`juragan.services` checks submissions
with them and :mod:`juragan.reports` and the pages show them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from juragan.domain.codes import PlanSection
from juragan.domain.finance import PlanFigures, figures_from_content
from juragan.domain.kur_rules import PRODUCTION_LINES
from juragan.domain.money import format_rupiah
from juragan.models import BusinessPlan, Lender, LoanApplication
from juragan.models.lender import DEFAULT_MIN_COVERAGE as DEFAULT_LENDER_COVERAGE

#: The programme's threshold of repayment capacity for a plan with no lender yet.
DEFAULT_MIN_COVERAGE = DEFAULT_LENDER_COVERAGE
#: The fields of each written part of the plan.
SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    "business": (
        "business_name",
        "legal_form",
        "sector",
        "kbli_code",
        "kbli_section",
        "province_code",
        "regency_code",
        "district",
        "planned_start",
        "description",
    ),
    "market": ("target_market", "competitors", "marketing"),
    "operations": ("operations", "suppliers", "equipment", "workers_planned"),
    "risks": ("risks",),
}
#: What a part needs before the plan can be submitted.
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "business": ("business_name", "regency_code", "planned_start", "description"),
    "market": ("target_market", "marketing"),
    "operations": ("operations",),
    "risks": ("risks",),
}


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
    return {section: done[section] for section in PlanSection.values()}


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
        .where(
            LoanApplication.plan_id == plan.id, LoanApplication.status != "withdrawn"
        )
        .order_by(LoanApplication.id.desc())
        .limit(1)
    )


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
