"""Writing a business plan: creating and choosing plans, the written parts, the
capital it needs, its funding and the monthly projection. Only a draft, or a plan
in review, may be edited; an edit during review makes it a revision.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import update
from sqlalchemy.orm import Session

from juragan.db.plan_reading import (
    SECTION_FIELDS,
)
from juragan.domain import kbli
from juragan.domain.codes import CapitalKind, FundingKind, KbliSection, LegalForm
from juragan.domain.kur_rules import (
    LONGEST_TENOR_MONTHS,
    PLAN_DEFAULT_RATE,
    PRODUCTION_LINES,
)
from juragan.errors import DomainError, FieldErrors
from juragan.models import (
    BusinessPlan,
    CapitalItem,
    FundingSource,
    ProjectionMonth,
    Regency,
    Returnee,
    User,
    utcnow,
)
from juragan.models.business_codes import (
    BUSINESS_LINE_SUBCLASSES,
    BUSINESS_LINES,
    MAX_PROJECTION_MONTHS,
    MIN_PROJECTION_MONTHS,
)

#: The rate a plan assumes for its KUR until the returnee changes it: the 2026
#: guideline's single 6% effective rate for every access (see
#: docs/kur-rules.md). The KUR rules module gives each loan its own rate.
DEFAULT_KUR_RATE = PLAN_DEFAULT_RATE
DEFAULT_KUR_TENOR = 24
EARLIEST_START = date(2000, 1, 1)

TEXT_LIMITS = {"business_name": 120, "district": 80}
LONG_TEXT_LIMIT = 4000


def clean(value: Any) -> Any:
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
    name = clean(business_name)
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
    if values.get("kbli_section") in KbliSection.values():
        return values["kbli_section"]
    if plan.sector == values["sector"] and plan.kbli_section in KbliSection.values():
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
    values = {name: clean(values.get(name)) for name in fields}
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
        if values["legal_form"] not in LegalForm.values():
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
        return [
            (None, _l("At most %(n)d rows: group small items together.", n=MAX_LINES))
        ]
    for index, line in enumerate(lines):
        line.description = clean(line.description)
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
    errors = _check_lines(lines, CapitalKind.values(), needs_description=True)
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
    errors = _check_lines(lines, FundingKind.values(), needs_description=False)
    lines = _filled(lines)
    asks_kur = any(line.kind == "kur" for line in lines)
    if asks_kur and not kur_tenor_months:
        errors.append(("kur_tenor_months", _l("Say over how many months to repay.")))
    if kur_tenor_months is not None and not (
        1 <= kur_tenor_months <= LONGEST_TENOR_MONTHS
    ):
        errors.append(
            (
                "kur_tenor_months",
                _l("Enter 1 to %(most)d months.", most=LONGEST_TENOR_MONTHS),
            )
        )
    if kur_rate_percent is not None and not 0 <= kur_rate_percent <= 30:
        errors.append(("kur_rate_percent", _l("Enter a rate from 0 to 30%.")))
    lean = sorted(set(kur_lean_months))
    if not set(lean) <= set(range(1, 13)):
        errors.append(("kur_lean_months", _l("Choose calendar months.")))
    elif lean and plan.sector not in PRODUCTION_LINES:
        errors.append(
            (
                "kur_lean_months",
                _l(
                    "A seasonal schedule is for farming, livestock and fishing businesses."
                ),
            )
        )
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
