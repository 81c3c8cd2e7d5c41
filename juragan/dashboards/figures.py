"""The programme in figures, for an official's region, read from the summary tables.

Every figure starts from the summary rows (``juragan.models.dashboard``) in the
viewer's scope that pass the filters, and is aggregated by the database. People are
counted from the returnee cells, whose number follows the combinations of filter
values rather than the number of people; businesses and loans from their own facts.

Definitions (the tests work each one out by hand):

- A returnee's *destination* is the country of their latest placement, their
  *return* the latest return home, their *line of business* that of their latest
  business. A scheme or bank filter keeps people who applied to it (any
  application past draft); loan figures then count only such loans.
- *Returned*: has come home at least once. The funnel follows returned people:
  wrote a plan, had a plan ready for the bank, opened a business, had a business
  still operating on its first anniversary (once that anniversary has come).
- *Days from return to business*: from the latest return on or before the opening.
- *KUR applied* counts applications past draft; *approved* those approved or in a
  later state; the approval rate is approved over approved and rejected.
- *NPL*: outstanding principal in collectibility classes 3-5 (the class from days
  past due, held up after a restructuring) over all outstanding principal of loans
  with money out (disbursed, repaying, restructured).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import ColumnElement, and_, case, func, select, tuple_
from sqlalchemy.orm import Session, selectinload

from juragan.dashboards.summaries import ensure_current, lender_bit, scheme_bit
from juragan.db.pagination import Page
from juragan.db.sqldates import days_between, whole_months
from juragan.domain import loan_lifecycle
from juragan.domain import perturbation as pert
from juragan.domain.repayment import COLLECTIBILITY_BANDS, is_non_performing
from juragan.models import Returnee, User
from juragan.models.dashboard import (
    COHORT_MONTHS,
    BusinessFact,
    LoanFact,
    LoanMonth,
    ReturneeCell,
    ReturneeFact,
)
from juragan.policy import may_see_individuals, may_see_loans, scoped, summary_clause

APPROVED = loan_lifecycle.ordered(loan_lifecycle.APPROVED_OR_LATER)
LIVE = loan_lifecycle.ordered(loan_lifecycle.LIVE)
#: The non-performing classes, for SQL: the rule is
#: :func:`juragan.domain.repayment.is_non_performing`.
NPL_GRADES = tuple(g for g in range(1, 6) if is_non_performing(g))


@dataclass(frozen=True)
class Protection:
    """Which figures are perturbed for the reader (:mod:`juragan.domain.perturbation`):
    people's for those who may not see individuals; loans' too, unless the reader
    lists loans one by one anyway (a lender's officer, their own lender's)."""

    people: bool
    loans: bool


def protection(user: User) -> Protection:
    people = not may_see_individuals(user)
    return Protection(people, people and not may_see_loans(user))


@dataclass(frozen=True)
class Filters:
    province_code: str | None = None
    regency_code: str | None = None
    #: Return period, as quarter keys ``YYYYQ`` (both ends included).
    returned_from: int | None = None
    returned_to: int | None = None
    sex: str | None = None
    country_code: str | None = None
    sector: str | None = None
    scheme: str | None = None
    lender: str | None = None

    def as_args(self) -> dict[str, str]:
        """The filters as URL arguments (the form's field names)."""
        names = {
            "province_code": "province",
            "regency_code": "regency",
            "country_code": "country",
        }
        return {
            names.get(f.name, f.name): str(getattr(self, f.name))
            for f in fields(self)
            if getattr(self, f.name) not in (None, "")
        }


def where(table: Any, user: User, filters: Filters) -> list[ColumnElement[bool]]:
    """Scope and filters for any summary table (its columns are the dimensions)."""
    clauses = [summary_clause(user, table)]
    if filters.province_code:
        clauses.append(table.province_code == filters.province_code)
    if filters.regency_code:
        clauses.append(table.regency_code == filters.regency_code)
    if filters.returned_from:
        clauses.append(table.return_quarter >= filters.returned_from)
    if filters.returned_to:
        clauses.append(table.return_quarter.between(1, filters.returned_to))
    if filters.sex:
        clauses.append(table.sex == filters.sex)
    if filters.country_code:
        clauses.append(table.country_code == filters.country_code)
    if filters.sector:
        clauses.append(table.sector == filters.sector)
    if filters.scheme:
        clauses.append(table.scheme_mask.op("&")(scheme_bit(filters.scheme)) != 0)
    if filters.lender:
        clauses.append(table.lender_mask.op("&")(lender_bit(filters.lender)) != 0)
    return clauses


def inside_province(user: User, filters: Filters) -> bool:
    """Whether the view is inside one province (chosen, or the viewer's scope)."""
    return bool(filters.province_code or user.scope_province_code)


def cell_level(user: User, filters: Filters) -> str:
    """The coarsest level of cells that answers for this scope and these filters."""
    if filters.regency_code or user.scope_regency_code:
        return "regency"
    return "province" if inside_province(user, filters) else "national"


def cells_where(user: User, filters: Filters, level: str | None = None) -> list[Any]:
    """Cells of one level in scope and filtered (see :class:`ReturneeCell`)."""
    cell = ReturneeCell
    level = level or cell_level(user, filters)
    if level == "regency":
        chosen = cell.regency_code != ""
    elif level == "province":
        chosen = and_(cell.province_code != "", cell.regency_code == "")
    else:
        chosen = cell.province_code == ""
    return [chosen, *where(cell, user, filters)]


def loans_where(user: User, filters: Filters, table: Any = LoanFact) -> list[Any]:
    clauses = where(table, user, filters)
    if filters.scheme:
        clauses.append(table.scheme == filters.scheme)
    if filters.lender:
        clauses.append(table.lender == filters.lender)
    return clauses


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _ratio(part: int, whole: int, places: str = "0.0001") -> Decimal | None:
    if not whole:
        return None
    return (Decimal(int(part)) / Decimal(int(whole))).quantize(
        Decimal(places), ROUND_HALF_UP
    )


def _median(session: Session, column: Any, clauses: Iterable[Any]) -> Decimal | None:
    """The median of one column, in the database where it can do it."""
    clauses = [*clauses, column.is_not(None)]
    if _dialect(session) == "postgresql":
        value = session.scalar(
            select(func.percentile_cont(0.5).within_group(column)).where(*clauses)
        )
        return None if value is None else Decimal(str(value))
    values = list(session.scalars(select(column).where(*clauses)))
    return Decimal(str(statistics.median(values))) if values else None


@dataclass(frozen=True)
class Headline:
    returnees: int
    businesses_operating: int
    workers: int
    kur_applied: int
    kur_applied_idr: int
    kur_approved: int
    kur_disbursed: int
    kur_disbursed_idr: int
    approval_rate: Decimal | None
    median_days_to_business: Decimal | None
    median_days_to_disbursement: Decimal | None
    npl_ratio: Decimal | None
    mean_wellbeing: Decimal | None
    #: How many wellbeing checks the mean is of.
    wellbeing_checks: int = 0
    #: The figures left out because their group is too small to show (not: none).
    hidden: frozenset[str] = frozenset()

    @property
    def min_group(self) -> int:
        """The smallest group a mean, median or share is shown for."""
        return pert.MIN_FOR_STATISTICS


_KUR_FIGURES = (
    "kur_applied",
    "kur_applied_idr",
    "kur_approved",
    "kur_disbursed",
    "kur_disbursed_idr",
    "approval_rate",
    "median_days_to_disbursement",
    "npl_ratio",
)


def _key_of(column: Any, condition: Any = None) -> Any:
    """The cell key of the rows a query sums (``juragan.domain.perturbation``)."""
    value = column if condition is None else case((condition, column), else_=0)
    return func.coalesce(func.sum(value), 0)


def _protected_median(
    session: Session, column: Any, clauses: list[Any], protect: bool
) -> tuple[Decimal | None, bool]:
    """The median as it may be shown, and whether it was left out for the size of
    its group."""
    median = _median(session, column, clauses)
    if not protect or median is None:
        return median, False
    table = column.class_ if hasattr(column, "class_") else column.table
    n, key = session.execute(
        select(func.count(), _key_of(table.record_key)).where(
            *clauses, column.is_not(None)
        )
    ).one()
    shown = pert.statistic(
        median,
        pert.count(n, key, "median_n"),
        key,
        "median",
        spread=Decimal(5),
        step=Decimal(5),
    )
    return shown, shown is None


def headline(session: Session, user: User, filters: Filters, today: date) -> Headline:
    """The headline figures; perturbed where the reader may not see individuals."""
    ensure_current(session)
    guard = protection(user)
    cell = ReturneeCell
    returnees, operating, workers, wellbeing_sum, wellbeing_n, key = session.execute(
        select(
            func.coalesce(func.sum(cell.returnees), 0),
            func.coalesce(func.sum(cell.operating), 0),
            func.coalesce(func.sum(cell.workers), 0),
            func.coalesce(func.sum(cell.wellbeing_sum), 0),
            func.coalesce(func.sum(cell.wellbeing_n), 0),
            _key_of(cell.key_sum),
        ).where(*cells_where(user, filters))
    ).one()
    loan = LoanFact
    applied = loan.status != "draft"
    is_approved = loan.status.in_(APPROVED)
    is_rejected = loan.status == "rejected"
    is_disbursed = loan.amount_disbursed_idr.is_not(None)
    row = session.execute(
        select(
            func.count().filter(applied),
            func.coalesce(
                func.sum(case((applied, loan.amount_requested_idr), else_=0)), 0
            ),
            func.count().filter(is_approved),
            func.count().filter(is_rejected),
            func.count().filter(is_disbursed),
            func.coalesce(func.sum(loan.amount_disbursed_idr), 0),
            _key_of(loan.record_key, applied),
            _key_of(loan.record_key, is_approved),
            _key_of(loan.record_key, is_rejected),
            _key_of(loan.record_key, is_disbursed),
        ).where(*loans_where(user, filters))
    ).one()
    (
        n_applied,
        applied_idr,
        approved,
        rejected,
        disbursed,
        disbursed_idr,
        k_applied,
        k_approved,
        k_rejected,
        k_disbursed,
    ) = row
    mean = (
        (Decimal(wellbeing_sum) / wellbeing_n).quantize(Decimal("0.001"), ROUND_HALF_UP)
        if wellbeing_n
        else None
    )
    raw_mean = mean
    if guard.people:
        returnees = pert.count(returnees, key, "returnees")
        operating = pert.count(operating, key, "operating")
        workers = pert.count(workers, key, "workers")
        wellbeing_n = pert.count(wellbeing_n, key, "wellbeing_n")
        mean = pert.statistic(
            mean,
            wellbeing_n,
            key,
            "wellbeing",
            spread=Decimal("0.02"),
            step=Decimal("0.01"),
        )
    if guard.loans:
        n_applied = pert.count(n_applied, k_applied, "applied")
        applied_idr = pert.amount(applied_idr, k_applied, "applied_idr")
        approved = pert.count(approved, k_approved, "approved")
        rejected = pert.count(rejected, k_rejected, "rejected")
        disbursed = pert.count(disbursed, k_disbursed, "disbursed")
        disbursed_idr = pert.amount(disbursed_idr, k_disbursed, "disbursed_idr")
    decided = approved + rejected
    by_business = _protected_median(
        session,
        BusinessFact.days_from_return,
        where(BusinessFact, user, filters),
        guard.people,
    )
    by_disbursement = _protected_median(
        session, LoanFact.days_to_disbursement, loans_where(user, filters), guard.loans
    )
    hidden = {
        name
        for name, left_out in (
            ("mean_wellbeing", raw_mean is not None and mean is None),
            ("approval_rate", guard.loans and 0 < decided < pert.MIN_FOR_STATISTICS),
            ("median_days_to_business", by_business[1]),
            ("median_days_to_disbursement", by_disbursement[1]),
        )
        if left_out
    }
    return Headline(
        returnees=int(returnees),
        businesses_operating=int(operating),
        workers=int(workers),
        kur_applied=n_applied,
        kur_applied_idr=int(applied_idr),
        kur_approved=approved,
        kur_disbursed=disbursed,
        kur_disbursed_idr=int(disbursed_idr),
        approval_rate=(
            None
            if guard.loans and decided < pert.MIN_FOR_STATISTICS
            else _ratio(approved, decided)
        ),
        median_days_to_business=by_business[0],
        median_days_to_disbursement=by_disbursement[0],
        npl_ratio=npl(session, user, filters, today),
        mean_wellbeing=mean,
        wellbeing_checks=int(wellbeing_n),
        hidden=frozenset(hidden),
    )


def _days_late(session: Session, table: Any, today: date) -> Any:
    """Days past due today of a loan fact row (0 when nothing is overdue)."""
    oldest = table.oldest_unpaid_due_on
    return case(
        (oldest < today, days_between(today, oldest, _dialect(session))), else_=0
    )


def grade_of(days: Any) -> Any:
    """SQL twin of :func:`juragan.domain.repayment.collectibility`."""
    return case(
        *((days <= upper, grade) for upper, grade in COLLECTIBILITY_BANDS), else_=5
    )


def grade_today(session: Session, loan: Any, today: date) -> Any:
    """A fact row's indicative class today, as :func:`juragan.db.loan_reading.grade_on`
    has it: from days past due, and a restructured loan at most its class before
    until it has earned better."""
    by_days = grade_of(_days_late(session, loan, today))
    return case((loan.grade_floor > by_days, loan.grade_floor), else_=by_days)


def npl(session: Session, user: User, filters: Filters, today: date) -> Decimal | None:
    """Outstanding principal in classes 3-5 over all of it, for loans with money out."""
    loan = LoanFact
    grade = grade_today(session, loan, today)
    total, bad, n, key = session.execute(
        select(
            func.coalesce(func.sum(loan.outstanding_idr), 0),
            func.coalesce(
                func.sum(case((grade.in_(NPL_GRADES), loan.outstanding_idr), else_=0)),
                0,
            ),
            func.count(),
            _key_of(loan.record_key),
        ).where(*loans_where(user, filters), loan.status.in_(LIVE))
    ).one()
    if protection(user).loans:
        return pert.ratio_of_amounts(bad, total, n, key, "npl")
    return _ratio(bad, total)


def funnel(
    session: Session, user: User, filters: Filters, today: date
) -> list[tuple[str, int]]:
    """From return to a business still operating twelve months after it opened.

    Stages, among people who came home: returned; wrote a business plan; had a plan
    ready for the bank; opened a business (with or without a ready plan); had a
    business operating on its first anniversary (only anniversaries up to ``today``
    count).
    """
    ensure_current(session)
    cell = ReturneeCell
    returned, planned, ready, opened, key = session.execute(
        select(
            *(
                func.coalesce(func.sum(column), 0)
                for column in (cell.returnees, cell.planned, cell.ready, cell.opened)
            ),
            _key_of(cell.key_sum),
        ).where(*cells_where(user, filters), cell.return_quarter != 0)
    ).one()
    business = BusinessFact
    owners = (
        select(business.returnee_id, business.owner_key)
        .where(
            *where(business, user, filters),
            business.return_quarter != 0,
            business.anniversary_on <= today,
            business.is_operating_at_anniversary,
        )
        .distinct()
        .subquery()
    )
    lasting, lasting_key = session.execute(
        select(func.count(), _key_of(owners.c.owner_key))
    ).one()
    names = ("returned", "planned", "ready", "opened", "lasting")
    values = [int(v) for v in (returned, planned, ready, opened, lasting or 0)]
    if protection(user).people:
        keys = (key, key, key, key, lasting_key)
        values = [
            pert.count(v, k, name)
            for v, k, name in zip(values, keys, names, strict=True)
        ]
    return list(zip(names, values, strict=True))


def by_country(session: Session, user: User, filters: Filters) -> list[tuple[str, int]]:
    """Returnees per destination (latest placement), most first."""
    ensure_current(session)
    cell = ReturneeCell
    total = func.sum(cell.returnees)
    rows = session.execute(
        select(cell.country_code, total, _key_of(cell.key_sum))
        .where(*cells_where(user, filters), cell.country_code != "")
        .group_by(cell.country_code)
        .order_by(total.desc(), cell.country_code)
    ).all()
    if not protection(user).people:
        return [(code, int(n)) for code, n, _key in rows]
    shown = [(code, pert.count(n, key, "returnees")) for code, n, key in rows]
    # A group shown as 0 is left out: a row of its own would say it is not empty.
    return sorted(((c, n) for c, n in shown if n), key=lambda r: (-r[1], r[0]))


def by_sector(
    session: Session, user: User, filters: Filters
) -> list[tuple[str, int, int]]:
    """Businesses per line of business: all, and operating."""
    ensure_current(session)
    business = BusinessFact
    everything = func.count()
    is_operating = business.status == "operating"
    rows = session.execute(
        select(
            business.sector,
            everything,
            func.count().filter(is_operating),
            _key_of(business.record_key),
            _key_of(business.record_key, is_operating),
        )
        .where(*where(business, user, filters))
        .group_by(business.sector)
        .order_by(everything.desc(), business.sector)
    ).all()
    if not protection(user).people:
        return [(sector, n, operating) for sector, n, operating, _k, _o in rows]
    shown = [
        (
            sector,
            pert.count(n, key, "businesses"),
            pert.count(operating, key_operating, "operating"),
        )
        for sector, n, operating, key, key_operating in rows
    ]
    return sorted(
        ((s, n, min(o, n)) for s, n, o in shown if n), key=lambda r: (-r[1], r[0])
    )


@dataclass(frozen=True)
class Area:
    """A province or regency on the map: people, businesses, operating businesses,
    the share of its businesses operating and its mean wellbeing."""

    code: str
    returnees: int
    businesses: int
    operating: int
    operating_share: Decimal | None = None
    mean_wellbeing: Decimal | None = None
    #: The figures left out because their group is too small to show (not: none).
    hidden: frozenset[str] = frozenset()


def _area(
    code: str,
    returnees: int,
    businesses: int,
    operating: int,
    wellbeing_sum: Any,
    wellbeing_n: int,
    key: int,
    protect: bool,
) -> Area:
    """One area's figures as its reader may see them. For a protected reader the
    counts are perturbed; the share is of the counts as shown, and it and the mean
    are given only for groups of 10 or more (shown), as in the headline."""
    returnees, businesses, operating = int(returnees), int(businesses), int(operating)
    wellbeing_n = int(wellbeing_n)
    mean = (
        (Decimal(wellbeing_sum) / wellbeing_n).quantize(Decimal("0.001"), ROUND_HALF_UP)
        if wellbeing_n
        else None
    )
    if not protect:
        return Area(
            code, returnees, businesses, operating, _ratio(operating, businesses), mean
        )
    returnees = pert.count(returnees, key, "returnees")
    businesses = pert.count(businesses, key, "businesses")
    operating = min(pert.count(operating, key, "operating"), businesses)
    share = (
        _ratio(operating, businesses) if businesses >= pert.MIN_FOR_STATISTICS else None
    )
    shown_mean = pert.statistic(
        mean,
        pert.count(wellbeing_n, key, "wellbeing_n"),
        key,
        "wellbeing",
        spread=Decimal("0.02"),
        step=Decimal("0.01"),
    )
    hidden = {
        name
        for name, left_out in (
            ("operating_share", businesses > 0 and share is None),
            ("mean_wellbeing", mean is not None and shown_mean is None),
        )
        if left_out
    }
    return Area(
        code, returnees, businesses, operating, share, shown_mean, frozenset(hidden)
    )


def by_area(session: Session, user: User, filters: Filters) -> tuple[str, list[Area]]:
    """Figures per province, or per regency once the view is inside one province.

    Returns the level (``province`` or ``regency``) and one row per area with people.
    """
    ensure_current(session)
    cell = ReturneeCell
    inside = inside_province(user, filters)
    key = cell.regency_code if inside else cell.province_code
    rows = session.execute(
        select(
            key,
            func.sum(cell.returnees),
            func.sum(cell.businesses),
            func.sum(cell.operating),
            func.coalesce(func.sum(cell.wellbeing_sum), 0),
            func.coalesce(func.sum(cell.wellbeing_n), 0),
            _key_of(cell.key_sum),
        )
        .where(*cells_where(user, filters, "regency" if inside else "province"))
        .group_by(key)
        .order_by(key)
    ).all()
    level = "regency" if inside else "province"
    protect = protection(user).people
    areas = [_area(*row, protect=protect) for row in rows]
    return level, [a for a in areas if a.returnees]


@dataclass(frozen=True)
class CohortRow:
    quarter: int
    returnees: int
    #: Share with an operating business N months after return, per ``COHORT_MONTHS``;
    #: ``None`` where the youngest of the cohort has not reached N months yet.
    shares: tuple[Decimal | None, ...]


def quarter_end(quarter: int) -> date:
    year, q = divmod(quarter, 10)
    return date(year, 3 * q, 1) + relativedelta(months=1, days=-1)


def cohorts(
    session: Session, user: User, filters: Filters, today: date, limit: int = 16
) -> list[CohortRow]:
    """The most recent ``limit`` return quarters, newest first."""
    ensure_current(session)
    cell = ReturneeCell
    measures = [
        func.sum(cell.returnees),
        *(func.sum(getattr(cell, f"operating_at_{m}")) for m in COHORT_MONTHS),
    ]
    rows = session.execute(
        select(cell.return_quarter, _key_of(cell.key_sum), *measures)
        .where(*cells_where(user, filters), cell.return_quarter != 0)
        .group_by(cell.return_quarter)
        .order_by(cell.return_quarter.desc())
        .limit(limit)
    ).all()
    protect = protection(user).people
    result = []
    for quarter, key, n, *operating in rows:
        reached = [
            quarter_end(quarter) + relativedelta(months=m) <= today
            for m in COHORT_MONTHS
        ]
        if protect:
            shown_n = pert.count(n, key, "returnees")
            if not shown_n:
                continue
            shares = tuple(
                pert.share(k, n, key, f"cohort_{m}") if ok else None
                for k, ok, m in zip(operating, reached, COHORT_MONTHS, strict=True)
            )
            result.append(CohortRow(quarter, shown_n, shares))
            continue
        shares = tuple(
            _ratio(k, n) if ok else None
            for k, ok in zip(operating, reached, strict=True)
        )
        result.append(CohortRow(quarter, int(n), shares))
    return result


def _by_two_keys(
    session: Session,
    first: Any,
    second: Any,
    extra: Any,
    measures: list[Any],
    clauses: list[Any],
) -> list[tuple[Any, ...]]:
    """Rows grouped by (first, extra) and by (second, extra) in one scan where the
    database can (GROUPING SETS): ``(0 or 1, key, extra, *measures)``."""
    if _dialect(session) == "postgresql":
        rows = session.execute(
            select(func.grouping(first), func.coalesce(first, second), extra, *measures)
            .where(*clauses)
            .group_by(func.grouping_sets(tuple_(first, extra), tuple_(second, extra)))
        ).all()
        return [tuple(row) for row in rows]
    return [
        (which, *row)
        for which, key in ((0, first), (1, second))
        for row in session.execute(
            select(key, extra, *measures).where(*clauses).group_by(key, extra)
        )
    ]


def survival_counts(
    session: Session, user: User, filters: Filters, today: date
) -> dict[str, dict[str, list[tuple[int, int, int]]]]:
    """Per sector and per destination: ``(months, closures, still open)`` per duration.

    A business's time runs from its opening to its closing, or to ``today`` while it
    has not closed (a reopened business counts as open; a paused one too).
    """
    ensure_current(session)
    business = BusinessFact
    ended = func.coalesce(business.closed_on, today)
    months = whole_months(days_between(ended, business.opened_on, _dialect(session)))
    closed = business.closed_on.is_not(None)
    rows = _by_two_keys(
        session,
        business.sector,
        business.country_code,
        months,
        [
            func.count().filter(closed),
            func.count().filter(~closed),
            _key_of(business.record_key),
        ],
        [*where(business, user, filters), business.opened_on <= today],
    )
    counts: dict[str, dict[str, list[tuple[int, int, int]]]] = {
        "sector": {},
        "country": {},
    }
    keys: dict[tuple[str, str], int] = {}
    for which, code, t, events, censored, key in sorted(
        rows, key=lambda r: (r[0], r[1], r[2])
    ):
        if code:
            by = "sector" if which == 0 else "country"
            counts[by].setdefault(code, []).append((int(t), int(events), int(censored)))
            keys[by, code] = keys.get((by, code), 0) + int(key or 0)
    if protection(user).people:
        counts["keys"] = keys  # type: ignore[assignment]
    return counts


@dataclass(frozen=True)
class Collectibility:
    key: str
    #: Outstanding principal per class 1-5.
    outstanding: tuple[int, int, int, int, int]
    #: Loans behind the figures.
    loans: int = 0

    @property
    def total(self) -> int:
        return sum(self.outstanding)

    @property
    def npl_ratio(self) -> Decimal | None:
        bad = sum(
            amount
            for grade, amount in enumerate(self.outstanding, start=1)
            if is_non_performing(grade)
        )
        return _ratio(bad, self.total)


def collectibility_mix(
    session: Session, user: User, filters: Filters, today: date, by: str
) -> list[Collectibility]:
    """Outstanding principal by class today, per bank or per area (province/regency)."""
    ensure_current(session)
    loan = LoanFact
    grade = grade_today(session, loan, today)
    key = _loan_group(loan, user, filters, by)
    rows = session.execute(
        select(
            key,
            grade.label("grade"),
            func.sum(loan.outstanding_idr),
            func.count(),
            _key_of(loan.record_key),
        )
        .where(*loans_where(user, filters), loan.status.in_(LIVE))
        .group_by(key, grade)
    ).all()
    mix: dict[str, list[int]] = {}
    counts: dict[str, int] = {}
    keys: dict[str, int] = {}
    for code, g, amount, n, cell_key in rows:
        mix.setdefault(code, [0] * 5)[int(g) - 1] += int(amount or 0)
        counts[code] = counts.get(code, 0) + n
        keys[code] = keys.get(code, 0) + int(cell_key or 0)
    if protection(user).loans:
        # Amounts of groups shown under 10 loans are not given; the others move.
        for code in list(mix):
            counts[code] = pert.count(counts[code], keys[code], "loans")
            if counts[code] < pert.MIN_FOR_STATISTICS:
                del mix[code]
                continue
            mix[code] = [
                pert.amount(v, keys[code], f"grade_{g}") or 0
                for g, v in enumerate(mix[code], start=1)
            ]
    return sorted(
        (
            Collectibility(code, tuple(values), counts[code])  # type: ignore[arg-type]
            for code, values in mix.items()
        ),
        key=lambda c: (-c.total, c.key),
    )


def _loan_group(table: Any, user: User, filters: Filters, by: str) -> Any:
    if by == "lender":
        return table.lender
    return table.regency_code if inside_province(user, filters) else table.province_code


def month_ends_before(today: date, months: int = 12) -> list[date]:
    """The last ``months`` month ends before ``today``, oldest first."""
    last = today.replace(day=1) - relativedelta(days=1)
    return [last - relativedelta(months=k, day=31) for k in range(months - 1, -1, -1)]


def npl_trends(
    session: Session, user: User, filters: Filters, today: date
) -> dict[str, dict[str, list[tuple[date, Decimal | None, int]]]]:
    """NPL at each of the last twelve month ends, per bank and per area, with the
    number of loans behind each point."""
    ensure_current(session)
    month = LoanMonth
    ends = month_ends_before(today)
    bad = case((month.grade.in_(NPL_GRADES), month.outstanding_idr), else_=0)
    rows = _by_two_keys(
        session,
        month.lender,
        _loan_group(month, user, filters, "area"),
        month.month_end,
        [
            func.sum(month.outstanding_idr),
            func.sum(bad),
            func.count(),
            _key_of(month.record_key),
        ],
        [*loans_where(user, filters, month), month.month_end.in_(ends)],
    )
    protect = protection(user).loans
    found: dict[str, dict[str, dict[date, tuple[Decimal | None, int]]]] = {
        "lender": {},
        "area": {},
    }
    for which, code, day, total, bad_total, loans, key in rows:
        group = found["lender" if which == 0 else "area"]
        if protect:
            point = (
                pert.ratio_of_amounts(bad_total, total, loans, key, "npl"),
                pert.count(loans, key, "npl:n"),
            )
        else:
            point = (_ratio(bad_total, total), loans)
        group.setdefault(code, {})[_as_date(day)] = point
    return {
        by: {
            code: [(day, *points.get(day, (None, 0))) for day in ends]
            for code, points in sorted(groups.items())
        }
        for by, groups in found.items()
    }


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


#: Funnel stages as conditions on a returnee's facts (each among the returned).
STAGES: dict[str, Any] = {
    "returned": lambda fact: fact.return_quarter != 0,
    "planned": lambda fact: and_(fact.return_quarter != 0, fact.has_plan),
    "ready": lambda fact: and_(fact.return_quarter != 0, fact.has_ready_plan),
    "opened": lambda fact: and_(fact.return_quarter != 0, fact.has_business),
}


def returnees_behind(
    session: Session,
    user: User,
    filters: Filters,
    today: date,
    stage: str | None = None,
    business_sector: str | None = None,
    after: int | None = None,
    size: int = 50,
) -> Page[Returnee]:
    """A page of the returnees a chart's bar counts, in id order (keyset).

    The page is found in the facts (one narrow table, scoped as summaries are),
    then its people are loaded through their own scope: both must agree.

    :param stage: a funnel stage (``STAGES`` or ``lasting``).
    :param business_sector: people owning a business in this line of business.
    """
    if not may_see_individuals(user):  # figures only, whatever the view asks
        return Page([], None)
    ensure_current(session)
    fact = ReturneeFact
    ids = select(fact.returnee_id).where(*where(fact, user, filters))
    if stage in STAGES:
        ids = ids.where(STAGES[stage](fact))
    business = BusinessFact
    if stage == "lasting":
        ids = ids.where(
            fact.return_quarter != 0,
            fact.returnee_id.in_(
                select(business.returnee_id).where(
                    business.anniversary_on <= today,
                    business.is_operating_at_anniversary,
                )
            ),
        )
    if business_sector:
        ids = ids.where(
            fact.returnee_id.in_(
                select(business.returnee_id).where(business.sector == business_sector)
            )
        )
    if after is not None:
        ids = ids.where(fact.returnee_id > after)
    found = list(session.scalars(ids.order_by(fact.returnee_id).limit(size + 1)))
    people = session.scalars(
        scoped(select(Returnee), user, Returnee)
        .where(Returnee.id.in_(found[:size]))
        .options(selectinload(Returnee.regency))
        .order_by(Returnee.id)
    ).all()
    return Page(list(people), found[size - 1] if len(found) > size else None)


__all__ = [
    "Area",
    "CohortRow",
    "Collectibility",
    "Filters",
    "Headline",
    "by_area",
    "by_country",
    "by_sector",
    "cohorts",
    "collectibility_mix",
    "funnel",
    "headline",
    "protection",
    "npl",
    "npl_trends",
    "returnees_behind",
    "survival_counts",
]
