"""Keeps the dashboards' summary tables (``juragan.models.dashboard``) current.

Writes: a session listener notes which returnees a flush touched (directly, or
through a placement, plan, business, status change, loan, instalment, payment,
transition or wellbeing check) and, before the transaction commits, rebuilds exactly those
people's rows in the same transaction: their facts, their loans' months, and the
cells, regency counts and destination counts their old and new facts fall in
(subtracted, then added). Readers call
:func:`ensure_current` first, so a transaction always reads its own writes.

Bulk statements name their people with :func:`mark_stale`; bulk loads call
:func:`rebuild_all` at the end, and so does
``flask juragan refresh-dashboards``, which a nightly timer should run so that the
months of loans nobody touched keep reaching ahead of today.

Everything except the loan months is computed by one SELECT per table that works on
both databases; the months replay each loan's schedule in Python
(:func:`juragan.domain.repayment.month_end_standings`).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import date
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import (
    ColumnElement,
    and_,
    case,
    delete,
    distinct,
    event,
    func,
    insert,
    literal,
    or_,
    select,
    true,
    update,
)
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from juragan import clock
from juragan.db import scope
from juragan.db.sqldates import days_between, plus_months, quarter_key
from juragan.domain import loan_lifecycle
from juragan.domain.repayment import Due, collectibility, month_end_standings
from juragan.domain.servicing import restructuring_floor, standings_across
from juragan.models import (
    Business,
    BusinessPlan,
    BusinessStatusChange,
    Instalment,
    LoanApplication,
    LoanTransition,
    Payment,
    Placement,
    Returnee,
    ScheduleRevision,
    WellbeingCheck,
)
from juragan.models.dashboard import (
    CELL_MEASURES,
    COHORT_MONTHS,
    DIMENSIONS,
    REGENCY_MEASURES,
    SUMMARY_MODELS,
    BusinessFact,
    DestinationCount,
    LoanFact,
    LoanMonth,
    RegencyCount,
    ReturneeCell,
    ReturneeFact,
)
from juragan.models.loan import LENDERS, SCHEMES

#: How far ahead of the rebuild a live loan's months reach (see ``LoanMonth``).
MONTHS_AHEAD = 24
#: Loan states that take a loan out of the portfolio.
CLOSED_STATUSES = loan_lifecycle.ordered(loan_lifecycle.CLOSED)
#: Loan states waiting for the documents' check (a region home's count).
TO_VERIFY = loan_lifecycle.ordered(loan_lifecycle.TO_VERIFY)
_CHUNK = 500
_PENDING = "summaries.pending_returnees"
_PENDING_BUSINESSES = "summaries.pending_businesses"
_PENDING_LOANS = "summaries.pending_loans"

Where = Callable[[Any], ColumnElement[bool]]


def _everyone(_column: Any) -> ColumnElement[bool]:
    return true()


def _among(ids: Sequence[int]) -> Where:
    return lambda column: column.in_(list(ids))


def scheme_bit(scheme: str) -> int:
    return 1 << SCHEMES.index(scheme)


def lender_bit(lender: str) -> int:
    return 1 << LENDERS.index(lender)


def _bits(column: Any, codes: Sequence[str]) -> Any:
    return case({code: 1 << i for i, code in enumerate(codes)}, value=column, else_=0)


def _count_where(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


def _first_per(key: Any, order: Sequence[Any], where: Where, *columns: Any) -> Any:
    """The first row per ``key`` by ``order``, as a subquery of ``key`` and columns."""
    rank = func.row_number().over(partition_by=key, order_by=list(order))
    ranked = select(key.label("returnee_id"), *columns, rank.label("rank"))
    ranked = ranked.where(where(key)).subquery()
    names = [c.key for c in columns]
    return (
        select(ranked.c.returnee_id, *(ranked.c[name] for name in names))
        .where(ranked.c.rank == 1)
        .subquery()
    )


def _operating_spans(where: Where):
    """Periods a business was operating: from a change to operating to the next one."""
    following = func.lead(BusinessStatusChange.changed_on).over(
        partition_by=BusinessStatusChange.business_id,
        order_by=(BusinessStatusChange.changed_on, BusinessStatusChange.id),
    )
    changes = (
        select(
            Business.returnee_id,
            BusinessStatusChange.business_id,
            BusinessStatusChange.to_status,
            BusinessStatusChange.changed_on.label("starts"),
            following.label("ends"),
        )
        .join(Business, Business.id == BusinessStatusChange.business_id)
        .where(where(Business.returnee_id))
        .subquery()
    )
    return (
        select(
            changes.c.returnee_id,
            changes.c.business_id,
            changes.c.starts,
            changes.c.ends,
        )
        .where(changes.c.to_status == "operating")
        .subquery()
    )


def _covers(spans: Any, day: Any) -> Any:
    return and_(spans.c.starts <= day, or_(spans.c.ends.is_(None), spans.c.ends > day))


def returnee_fact_rows(dialect: str, where: Where = _everyone):
    """SELECT producing :class:`ReturneeFact` rows for the returnees ``where`` keeps."""
    returns = (
        select(Placement.returnee_id, func.max(Placement.return_date).label("on"))
        .where(where(Placement.returnee_id))
        .group_by(Placement.returnee_id)
        .subquery()
    )
    last_placement = _first_per(
        Placement.returnee_id,
        (Placement.departure_date.desc(), Placement.id.desc()),
        where,
        Placement.country_code,
    )
    latest_business = _first_per(
        Business.returnee_id,
        (Business.opened_on.desc(), Business.id.desc()),
        where,
        Business.sector,
    )
    operating = Business.status == "operating"
    businesses = (
        select(
            Business.returnee_id,
            func.count().label("n"),
            func.sum(case((operating, 1), else_=0)).label("operating"),
            func.sum(
                case(
                    (operating, Business.workers_family + Business.workers_paid),
                    else_=0,
                )
            ).label("workers"),
        )
        .where(where(Business.returnee_id))
        .group_by(Business.returnee_id)
        .subquery()
    )
    plans = (
        select(
            BusinessPlan.returnee_id,
            func.count().label("n"),
            func.max(case((BusinessPlan.status == "ready", 1), else_=0)).label("ready"),
            _count_where(BusinessPlan.status == "submitted").label("submitted"),
            _count_where(BusinessPlan.status == "in_review").label("in_review"),
        )
        .where(where(BusinessPlan.returnee_id))
        .group_by(BusinessPlan.returnee_id)
        .subquery()
    )
    loans = (
        select(
            LoanApplication.returnee_id,
            func.sum(distinct(_bits(LoanApplication.scheme, SCHEMES))).label("schemes"),
            func.sum(distinct(_bits(LoanApplication.lender, LENDERS))).label("lenders"),
            _count_where(LoanApplication.status.in_(TO_VERIFY)).label("to_verify"),
        )
        .where(where(LoanApplication.returnee_id), LoanApplication.status != "draft")
        .group_by(LoanApplication.returnee_id)
        .subquery()
    )
    wellbeing = _first_per(
        WellbeingCheck.returnee_id,
        (WellbeingCheck.taken_on.desc(), WellbeingCheck.id.desc()),
        where,
        WellbeingCheck.overall,
    )
    spans = _operating_spans(where)
    cohort = (
        select(
            spans.c.returnee_id,
            *(
                func.max(
                    case(
                        (_covers(spans, plus_months(returns.c.on, m, dialect)), 1),
                        else_=0,
                    )
                ).label(f"at_{m}")
                for m in COHORT_MONTHS
            ),
        )
        .join(returns, returns.c.returnee_id == spans.c.returnee_id)
        .group_by(spans.c.returnee_id)
        .subquery()
    )
    zero = literal(0)
    return (
        select(
            Returnee.id.label("returnee_id"),
            Returnee.province_code,
            Returnee.regency_code,
            Returnee.sex,
            func.coalesce(quarter_key(returns.c.on, dialect), zero).label(
                "return_quarter"
            ),
            func.coalesce(last_placement.c.country_code, "").label("country_code"),
            func.coalesce(latest_business.c.sector, "").label("sector"),
            func.coalesce(loans.c.schemes, zero).label("scheme_mask"),
            func.coalesce(loans.c.lenders, zero).label("lender_mask"),
            returns.c.on.label("last_return_on"),
            (func.coalesce(plans.c.n, zero) > 0).label("has_plan"),
            (func.coalesce(plans.c.ready, zero) == 1).label("has_ready_plan"),
            (func.coalesce(businesses.c.n, zero) > 0).label("has_business"),
            func.coalesce(businesses.c.n, zero).label("businesses"),
            func.coalesce(businesses.c.operating, zero).label("operating"),
            func.coalesce(businesses.c.workers, zero).label("workers"),
            wellbeing.c.overall.label("wellbeing"),
            Returnee.disclosure_key.label("record_key"),
            *(
                (func.coalesce(cohort.c[f"at_{m}"], zero) == 1).label(
                    f"operating_at_{m}"
                )
                for m in COHORT_MONTHS
            ),
            func.coalesce(plans.c.submitted, zero).label("plans_submitted"),
            func.coalesce(plans.c.in_review, zero).label("plans_in_review"),
            func.coalesce(loans.c.to_verify, zero).label("loans_to_verify"),
        )
        .select_from(Returnee)
        .outerjoin(returns, returns.c.returnee_id == Returnee.id)
        .outerjoin(last_placement, last_placement.c.returnee_id == Returnee.id)
        .outerjoin(latest_business, latest_business.c.returnee_id == Returnee.id)
        .outerjoin(businesses, businesses.c.returnee_id == Returnee.id)
        .outerjoin(plans, plans.c.returnee_id == Returnee.id)
        .outerjoin(loans, loans.c.returnee_id == Returnee.id)
        .outerjoin(wellbeing, wellbeing.c.returnee_id == Returnee.id)
        .outerjoin(cohort, cohort.c.returnee_id == Returnee.id)
        .where(where(Returnee.id))
    )


def _owner_dimensions(fact: Any, own_sector: Any = None) -> list[Any]:
    columns = [fact.c[name] for name in DIMENSIONS]
    if own_sector is not None:
        columns[DIMENSIONS.index("sector")] = own_sector.label("sector")
    return columns


def business_fact_rows(dialect: str, where: Where = _everyone):
    """SELECT producing :class:`BusinessFact` rows (owners' facts must be in place)."""
    facts = ReturneeFact.__table__
    back = (
        select(func.max(Placement.return_date))
        .where(
            Placement.returnee_id == Business.returnee_id,
            Placement.return_date <= Business.opened_on,
        )
        .correlate(Business)
        .scalar_subquery()
    )
    anniversary = plus_months(Business.opened_on, 12, dialect)
    spans = _operating_spans(where)
    at_anniversary = (
        select(
            spans.c.business_id,
            func.max(case((_covers(spans, anniversary), 1), else_=0)).label("hit"),
        )
        .join(Business, Business.id == spans.c.business_id)
        .group_by(spans.c.business_id)
        .subquery()
    )
    return (
        select(
            Business.id.label("business_id"),
            Business.returnee_id,
            *_owner_dimensions(facts, Business.sector),
            Business.opened_on,
            Business.status,
            case(
                (Business.status == "closed", Business.status_since), else_=None
            ).label("closed_on"),
            (Business.workers_family + Business.workers_paid).label("workers"),
            days_between(Business.opened_on, back, dialect).label("days_from_return"),
            anniversary.label("anniversary_on"),
            (func.coalesce(at_anniversary.c.hit, 0) == 1).label(
                "is_operating_at_anniversary"
            ),
            Business.disclosure_key.label("record_key"),
            facts.c.record_key.label("owner_key"),
        )
        .join(facts, facts.c.returnee_id == Business.returnee_id)
        .outerjoin(at_anniversary, at_anniversary.c.business_id == Business.id)
        .where(where(Business.returnee_id))
    )


def loan_fact_rows(dialect: str, where: Where = _everyone):
    """SELECT producing :class:`LoanFact` rows (borrowers' facts must be in place)."""
    facts = ReturneeFact.__table__
    balances = (
        select(
            Instalment.loan_id,
            func.sum(Instalment.principal_idr - Instalment.paid_principal_idr).label(
                "out"
            ),
            func.min(
                case((Instalment.settled_on.is_(None), Instalment.due_on), else_=None)
            ).label("oldest"),
        )
        .join(LoanApplication, LoanApplication.id == Instalment.loan_id)
        .where(where(LoanApplication.returnee_id))
        .group_by(Instalment.loan_id)
        .subquery()
    )
    loan = LoanApplication
    return (
        select(
            loan.id.label("loan_id"),
            loan.returnee_id,
            *_owner_dimensions(facts),
            loan.scheme,
            loan.lender,
            loan.status,
            loan.amount_requested_idr,
            loan.amount_disbursed_idr,
            loan.applied_on,
            loan.disbursed_on,
            days_between(loan.disbursed_on, loan.applied_on, dialect).label(
                "days_to_disbursement"
            ),
            func.coalesce(balances.c.out, 0).label("outstanding_idr"),
            balances.c.oldest.label("oldest_unpaid_due_on"),
            loan.disclosure_key.label("record_key"),
            loan.plan_id,
            BusinessPlan.status.label("plan_status"),
            loan.status_changed_at,
        )
        .join(facts, facts.c.returnee_id == loan.returnee_id)
        .outerjoin(balances, balances.c.loan_id == loan.id)
        .outerjoin(BusinessPlan, BusinessPlan.id == loan.plan_id)
        .where(where(loan.returnee_id))
    )


def cell_sums(where: Where = _everyone):
    """Facts summed into cells at the three levels (see :class:`ReturneeCell`)."""
    fact = ReturneeFact.__table__.c
    blank = literal("")

    def one_level(province: Any, regency: Any):
        keys = [
            province.label("province_code"),
            regency.label("regency_code"),
            *(fact[name] for name in DIMENSIONS[2:]),
        ]
        flag = lambda column: func.sum(case((column, 1), else_=0))  # noqa: E731
        return (
            select(
                *keys,
                func.count().label("returnees"),
                flag(fact.has_plan).label("planned"),
                flag(fact.has_ready_plan).label("ready"),
                flag(fact.has_business).label("opened"),
                func.sum(fact.businesses).label("businesses"),
                func.sum(fact.operating).label("operating"),
                func.sum(fact.workers).label("workers"),
                func.coalesce(func.sum(fact.wellbeing), 0).label("wellbeing_sum"),
                func.count(fact.wellbeing).label("wellbeing_n"),
                *(
                    flag(fact[f"operating_at_{m}"]).label(f"operating_at_{m}")
                    for m in COHORT_MONTHS
                ),
                func.sum(fact.record_key).label("key_sum"),
            )
            .where(where(fact.returnee_id))
            .group_by(*keys[2:], *(k for k in (province, regency) if k is not blank))
        )

    return one_level(fact.province_code, fact.regency_code).union_all(
        one_level(fact.province_code, blank), one_level(blank, blank)
    )


_REGENCY_KEY = ("province_code", "regency_code", "sex")


def regency_sums(where: Where = _everyone):
    """The returnee facts summed by regency and sex (see :class:`RegencyCount`)."""
    fact = ReturneeFact.__table__.c
    keys = [fact[name] for name in _REGENCY_KEY]
    return (
        select(
            *keys,
            func.count().label("returnees"),
            *(func.sum(fact[m]).label(m) for m in REGENCY_MEASURES[1:]),
        )
        .where(where(fact.returnee_id))
        .group_by(*keys)
    )


def destination_sums(where: Where = _everyone):
    """The returnee facts counted by country (see :class:`DestinationCount`)."""
    fact = ReturneeFact.__table__.c
    return (
        select(fact.country_code, func.count().label("returnees"))
        .where(where(fact.returnee_id), fact.country_code != "")
        .group_by(fact.country_code)
    )


# Rebuilding ------------------------------------------------------------------


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


def _insert_from(session: Session, model: Any, rows: Any) -> None:
    columns = [c.key for c in rows.selected_columns]
    session.execute(insert(model.__table__).from_select(columns, rows))


def rebuild_all(session: Session, today: date | None = None) -> None:
    """Recompute every summary row from scratch (after a bulk load, or nightly)."""
    with scope.system("summaries"):
        _rebuild_all(session, today)


def _rebuild_all(session: Session, today: date | None) -> None:
    dialect = _dialect(session)
    for model in SUMMARY_MODELS:
        session.execute(delete(model))
    _insert_from(session, ReturneeFact, returnee_fact_rows(dialect))
    _insert_from(session, ReturneeCell, cell_sums())
    _insert_from(session, RegencyCount, regency_sums())
    _insert_from(session, DestinationCount, destination_sums())
    _insert_from(session, BusinessFact, business_fact_rows(dialect))
    _insert_from(session, LoanFact, loan_fact_rows(dialect))
    _write_loan_months(session, None, today or clock.today())
    _pending(session).clear()


def vacuum(engine: Any) -> None:
    """After a rebuild has committed: reclaim the old rows and refresh the planner's
    statistics (PostgreSQL; a rebuild leaves every old row dead behind it). Inside
    an outer transaction (a connection rather than an engine, as in tests) it does
    nothing: VACUUM cannot run there."""
    if not isinstance(engine, Engine) or engine.dialect.name != "postgresql":
        return
    names = ", ".join(model.__tablename__ for model in SUMMARY_MODELS)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql(f"VACUUM ANALYZE {names}")


def refresh_returnees(
    session: Session, returnee_ids: Iterable[int], today: date | None = None
) -> None:
    """Rebuild the summary rows of these returnees, and the cells they move between."""
    with scope.system("summaries"):
        _refresh_returnees(session, returnee_ids, today)


def _refresh_returnees(
    session: Session, returnee_ids: Iterable[int], today: date | None
) -> None:
    ids = sorted(set(returnee_ids))
    dialect = _dialect(session)
    today = today or clock.today()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        where = _among(chunk)
        if dialect == "postgresql":
            # A concurrent rebuild of the same people waits for this one to commit,
            # then subtracts what this one added (never the same old rows twice).
            session.execute(
                select(ReturneeFact.returnee_id)
                .where(ReturneeFact.returnee_id.in_(chunk))
                .order_by(ReturneeFact.returnee_id)
                .with_for_update()
            )
        delta: dict[tuple[Any, ...], list[Any]] = defaultdict(
            lambda: [0] * len(CELL_MEASURES)
        )
        regencies: dict[tuple[Any, ...], list[int]] = defaultdict(
            lambda: [0] * len(REGENCY_MEASURES)
        )
        countries: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0])
        _add_cells(session, delta, where, -1)
        _add_sums(session, regencies, regency_sums(where), len(_REGENCY_KEY), -1)
        _add_sums(session, countries, destination_sums(where), 1, -1)
        for model in (LoanMonth, LoanFact, BusinessFact, ReturneeFact):
            session.execute(delete(model).where(model.returnee_id.in_(chunk)))
        _insert_from(session, ReturneeFact, returnee_fact_rows(dialect, where))
        _add_cells(session, delta, where, +1)
        _add_sums(session, regencies, regency_sums(where), len(_REGENCY_KEY), +1)
        _add_sums(session, countries, destination_sums(where), 1, +1)
        _apply_cells(session, delta)
        _apply_regency_counts(session, regencies)
        _apply_destination_counts(session, countries)
        _insert_from(session, BusinessFact, business_fact_rows(dialect, where))
        _insert_from(session, LoanFact, loan_fact_rows(dialect, where))
        _write_loan_months(session, chunk, today)


def _add_cells(session: Session, delta: dict, where: Where, sign: int) -> None:
    width = len(DIMENSIONS)
    for row in session.execute(cell_sums(where)):
        sums = delta[tuple(row[:width])]
        for i, value in enumerate(row[width:]):
            sums[i] += sign * (value or 0)


def _add_sums(session: Session, delta: dict, rows: Any, width: int, sign: int) -> None:
    """Add ``sign`` times the measures of ``rows`` (a SELECT of ``width`` key
    columns, then measures) to ``delta``, by key."""
    for row in session.execute(rows):
        sums = delta[tuple(row[:width])]
        for i, value in enumerate(row[width:]):
            sums[i] += sign * (value or 0)


def _upsert(session: Session) -> Any:
    if _dialect(session) == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as upsert
    else:
        from sqlalchemy.dialects.sqlite import insert as upsert
    return upsert


def _apply_regency_counts(session: Session, delta: dict) -> None:
    """Add the facts' changes, summed by regency and sex, to :class:`RegencyCount`
    (in key order, as the cells)."""
    rows = [
        dict(zip(_REGENCY_KEY, key, strict=True))
        | dict(zip(REGENCY_MEASURES, sums, strict=True))
        for key, sums in sorted(delta.items())
        if any(sums)
    ]
    if not rows:
        return
    table = RegencyCount.__table__
    statement = _upsert(session)(table)
    statement = statement.on_conflict_do_update(
        index_elements=list(_REGENCY_KEY),
        set_={m: table.c[m] + statement.excluded[m] for m in REGENCY_MEASURES},
    )
    session.execute(statement, rows)
    if any(row["returnees"] < 0 for row in rows):
        session.execute(delete(RegencyCount).where(RegencyCount.returnees == 0))


def _apply_destination_counts(session: Session, delta: dict) -> None:
    """Add the facts' changes, counted by country, to :class:`DestinationCount`."""
    rows = [
        {"country_code": code, "returnees": n}
        for (code,), (n,) in sorted(delta.items())
        if n
    ]
    if not rows:
        return
    table = DestinationCount.__table__
    statement = _upsert(session)(table)
    statement = statement.on_conflict_do_update(
        index_elements=["country_code"],
        set_={"returnees": table.c.returnees + statement.excluded.returnees},
    )
    session.execute(statement, rows)
    if any(row["returnees"] < 0 for row in rows):
        session.execute(delete(DestinationCount).where(DestinationCount.returnees == 0))


def _apply_cells(session: Session, delta: dict) -> None:
    """Add the deltas to the cells, in key order so that writers never deadlock."""
    table = ReturneeCell.__table__
    rows = [
        dict(zip(DIMENSIONS, key, strict=True))
        | dict(zip(CELL_MEASURES, sums, strict=True))
        for key, sums in sorted(delta.items())
        if any(sums)
    ]
    if not rows:
        return
    upsert = _upsert(session)
    # One statement executed for many rows: compiled once (a multi-row VALUES of
    # the same rows cost seconds to compile and send, per chunk).
    statement = upsert(table)
    statement = statement.on_conflict_do_update(
        index_elements=list(DIMENSIONS),
        set_={m: table.c[m] + statement.excluded[m] for m in CELL_MEASURES},
    )
    session.execute(statement, rows)
    emptied = [
        tuple(row[d] for d in DIMENSIONS) for row in rows if row["returnees"] < 0
    ]
    for start in range(0, len(emptied), _CHUNK):
        keys = emptied[start : start + _CHUNK]
        session.execute(
            delete(ReturneeCell).where(
                ReturneeCell.returnees == 0,
                or_(
                    *(
                        and_(
                            *(
                                table.c[d] == v
                                for d, v in zip(DIMENSIONS, key, strict=True)
                            )
                        )
                        for key in keys
                    )
                ),
            )
        )


def _month_ends(first: date, last: date) -> list[date]:
    """The last day of every month from ``first``'s month to ``last``'s month."""
    ends = []
    month = first.replace(day=1)
    while month <= last:
        ends.append(month + relativedelta(months=1, days=-1))
        month += relativedelta(months=1)
    return ends


def _write_loan_months(
    session: Session, returnee_ids: Sequence[int] | None, today: date
) -> None:
    """Replay each disbursed loan (of these returnees, or all) to its month ends."""
    loans = select(LoanApplication.id, LoanApplication.disbursed_on).where(
        LoanApplication.disbursed_on.is_not(None)
    )
    if returnee_ids is not None:
        loans = loans.where(LoanApplication.returnee_id.in_(list(returnee_ids)))
    horizon = today + relativedelta(months=MONTHS_AHEAD)
    dims = [ReturneeFact.__table__.c[name] for name in DIMENSIONS]
    for batch in _batches(session.execute(loans.order_by(LoanApplication.id)), 2000):
        loan_ids = [loan_id for loan_id, _ in batch]
        schedules: dict[int, list[Due]] = defaultdict(list)
        for row in session.execute(
            select(
                Instalment.loan_id,
                Instalment.number,
                Instalment.due_on,
                Instalment.principal_idr,
                Instalment.interest_idr,
            ).where(Instalment.loan_id.in_(loan_ids))
        ):
            schedules[row[0]].append(Due(row[1], row[2], row[3], row[4]))
        # Loans laid out again keep their earlier schedules: a month end before a
        # restructuring or prepayment is replayed on the schedule then in force.
        earlier: dict[int, list[tuple[date, list[Due]]]] = defaultdict(list)
        # Restructurings: (date, class before), for the class floor of POJK 40/2019.
        restructured: dict[int, list[tuple[date, int]]] = defaultdict(list)
        revised = select(ScheduleRevision.loan_id).where(
            ScheduleRevision.loan_id.in_(loan_ids), ScheduleRevision.number > 1
        )
        for loan_id, effective_on, lines, kind, grade_before in session.execute(
            select(
                ScheduleRevision.loan_id,
                ScheduleRevision.effective_on,
                ScheduleRevision.lines,
                ScheduleRevision.kind,
                ScheduleRevision.grade_before,
            )
            .where(ScheduleRevision.loan_id.in_(revised))
            .order_by(ScheduleRevision.loan_id, ScheduleRevision.number)
        ):
            earlier[loan_id].append(
                (
                    effective_on,
                    [Due(n, date.fromisoformat(day), p, i) for n, day, p, i in lines],
                )
            )
            if kind == "restructuring":
                restructured[loan_id].append((effective_on, grade_before or 1))
        paid: dict[int, list[tuple[date, int]]] = defaultdict(list)
        for loan_id, paid_on, amount in session.execute(
            select(Payment.loan_id, Payment.paid_on, Payment.amount_idr).where(
                Payment.loan_id.in_(loan_ids)
            )
        ):
            paid[loan_id].append((paid_on, amount))
        ended = dict(
            session.execute(
                select(LoanTransition.loan_id, func.min(LoanTransition.at))
                .where(
                    LoanTransition.loan_id.in_(loan_ids),
                    LoanTransition.to_status.in_(CLOSED_STATUSES),
                )
                .group_by(LoanTransition.loan_id)
            ).all()
        )
        owners = {
            row[0]: row[1:]
            for row in session.execute(
                select(
                    LoanApplication.id,
                    LoanApplication.returnee_id,
                    LoanApplication.scheme,
                    LoanApplication.lender,
                    LoanApplication.disclosure_key,
                    *dims,
                )
                .join(
                    ReturneeFact,
                    ReturneeFact.returnee_id == LoanApplication.returnee_id,
                )
                .where(LoanApplication.id.in_(loan_ids))
            )
        }
        rows = []
        for loan_id, disbursed_on in batch:
            if loan_id not in owners or not schedules[loan_id]:
                continue
            returnee_id, scheme, lender, key, *owner = owners[loan_id]
            dimensions = dict(zip(DIMENSIONS, owner, strict=True))
            end = ended.get(loan_id)
            # The day it closed where the borrower lives.
            end_day = clock.date_in(dimensions["province_code"], end) if end else None
            last = (end_day - relativedelta(days=1)) if end_day else horizon
            # A closed loan stops at its last open day: the end of the month it
            # closed in is not reached (an open loan runs to the horizon's month end).
            days = [
                day
                for day in _month_ends(disbursed_on, last)
                if day >= disbursed_on and (end is None or day <= last)
            ]
            base = dimensions | {
                "loan_id": loan_id,
                "returnee_id": returnee_id,
                "scheme": scheme,
                "lender": lender,
                "record_key": key,
            }
            versions = earlier.get(loan_id)
            if versions:  # the last revision is the schedule in force
                versions = [*versions[:-1], (versions[-1][0], schedules[loan_id])]
            for day, outstanding, late in (
                standings_across(versions, paid[loan_id], days)
                if versions
                else month_end_standings(schedules[loan_id], paid[loan_id], days)
            ):
                grade = collectibility(late)
                floors = [r for r in restructured.get(loan_id, ()) if r[0] <= day]
                if floors:
                    in_force = next(
                        lines for start, lines in reversed(versions) if start <= day
                    )
                    grade = max(
                        grade,
                        restructuring_floor(in_force, paid[loan_id], day, *floors[-1]),
                    )
                rows.append(
                    base
                    | {
                        "month_end": day,
                        "outstanding_idr": outstanding,
                        "days_past_due": late,
                        "grade": grade,
                    }
                )
        for start in range(0, len(rows), 5000):
            session.execute(insert(LoanMonth), rows[start : start + 5000])
        _write_grade_floors(session, restructured, schedules, paid, today)


def _write_grade_floors(
    session: Session,
    restructured: dict[int, list[tuple[date, int]]],
    schedules: dict[int, list[Due]],
    paid: dict[int, list[tuple[date, int]]],
    today: date,
) -> None:
    """Each restructured loan's class floor today, on its fact row."""
    for loan_id, restructurings in restructured.items():
        on, grade_before = restructurings[-1]
        floor = restructuring_floor(
            schedules[loan_id], paid[loan_id], today, on, grade_before
        )
        if floor > 1:
            session.execute(
                update(LoanFact)
                .where(LoanFact.loan_id == loan_id)
                .values(grade_floor=floor)
            )


def _batches(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(tuple(row))
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


# Keeping current on every write -------------------------------------------------


def _pending(session: Session) -> set[int]:
    return session.info.setdefault(_PENDING, set())


def _note_changes(session: Session, _flush_context: Any) -> None:
    returnees = _pending(session)
    businesses: set[int] = session.info.setdefault(_PENDING_BUSINESSES, set())
    loans: set[int] = session.info.setdefault(_PENDING_LOANS, set())
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Returnee):
            returnees.add(obj.id)
        elif isinstance(
            obj, Placement | BusinessPlan | Business | LoanApplication | WellbeingCheck
        ):
            returnees.add(obj.returnee_id)
        elif isinstance(obj, BusinessStatusChange):
            businesses.add(obj.business_id)
        elif isinstance(obj, Instalment | Payment | LoanTransition | ScheduleRevision):
            loans.add(obj.loan_id)
    returnees.discard(None)


def mark_stale(session: Session, returnee_ids: Iterable[int]) -> None:
    """Have these returnees' rows rebuilt before the transaction commits (for writes
    made with bulk statements, which the session listener does not see)."""
    _pending(session).update(returnee_ids)


def ensure_current(session: Session) -> None:
    """Flush, then rebuild the summary rows of every returnee touched so far."""
    session.flush()
    returnees = _pending(session)
    businesses = session.info.pop(_PENDING_BUSINESSES, set())
    loans = session.info.pop(_PENDING_LOANS, set())
    businesses.discard(None)
    loans.discard(None)
    with scope.system("summaries"):
        _owners(session, returnees, businesses, loans)
    if not returnees:
        return
    ids = sorted(returnees)
    returnees.clear()
    refresh_returnees(session, ids)


def _owners(
    session: Session, returnees: set[int], businesses: set[int], loans: set[int]
) -> None:
    """Add the owners of changed businesses and loans to ``returnees``."""
    if businesses:
        returnees.update(
            session.scalars(
                select(Business.returnee_id).where(Business.id.in_(sorted(businesses)))
            )
        )
    if loans:
        returnees.update(
            session.scalars(
                select(LoanApplication.returnee_id).where(
                    LoanApplication.id.in_(sorted(loans))
                )
            )
        )


def _before_commit(session: Session) -> None:
    ensure_current(session)


def _forget(session: Session, *_args: Any) -> None:
    # What was rolled back needs no rebuild; what a rebuild wrote went with it.
    for key in (_PENDING, _PENDING_BUSINESSES, _PENDING_LOANS):
        session.info.pop(key, None)


def install() -> None:
    """Listen on every session (idempotent)."""
    for name, listener in (
        ("after_flush", _note_changes),
        ("before_commit", _before_commit),
        ("after_rollback", _forget),
    ):
        if not event.contains(Session, name, listener):
            event.listen(Session, name, listener)


__all__ = [
    "ensure_current",
    "install",
    "lender_bit",
    "mark_stale",
    "rebuild_all",
    "refresh_returnees",
    "scheme_bit",
    "vacuum",
]
