"""The dashboards carry a restructured loan's class floor (POJK 40/2019: at most
the class before restructuring until three instalments in a row are paid on time):
``loan_facts.grade_floor`` today and ``loan_months.grade`` at each month end; the
summaries of an existing registry are rebuilt.

The rebuild is the app's (``juragan.summaries.rebuild_all``) as it was when this
revision was written, copied below for the tables as they are at this revision, so
that a later change to the app never changes what this upgrade does. The app keeps
them current from then on, and ``flask juragan refresh-dashboards`` rebuilds them
with its own rules of the day.

Revision ID: 0020_restructured_class
Revises: 0019_kbli_2025
Create Date: 2026-12-02 18:45:00

"""
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op
from dateutil.relativedelta import relativedelta

revision = '0020_restructured_class'
down_revision = '0019_kbli_2025'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('loan_facts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grade_floor', sa.SmallInteger(), nullable=False,
                                      server_default='1'))
    with op.batch_alter_table('loan_months', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grade', sa.SmallInteger(), nullable=False,
                                      server_default='1'))
    # The dashboards' summaries of an existing registry: rebuilt here, the newest
    # revision that changes them (see 0005), with the rebuild frozen below.
    _rebuild_all(op.get_bind())


def downgrade():
    with op.batch_alter_table('loan_months', schema=None) as batch_op:
        batch_op.drop_column('grade')
    with op.batch_alter_table('loan_facts', schema=None) as batch_op:
        batch_op.drop_column('grade_floor')


# The rebuild as of this revision ------------------------------------------------
# From juragan.summaries, juragan.sqldates, juragan.repayment, juragan.servicing,
# juragan.clock and juragan.models (dashboard, loan) of the day. Only the columns
# the rebuild reads or writes are declared.

#: How far ahead of the rebuild a live loan's months reach.
MONTHS_AHEAD = 24
#: Loan states that take a loan out of the portfolio.
CLOSED_STATUSES = ("paid_off", "written_off")
#: Months after the return at which the cohort asks "is a business operating?".
COHORT_MONTHS = (3, 6, 12, 24, 36)
#: The bits of scheme_mask and lender_mask, in this order (append-only lists).
SCHEMES = ("super_mikro", "mikro", "kecil", "khusus", "pmi")
LENDERS = (
    "bri", "bni", "mandiri", "bsi", "bpd_jatim", "bpd_jateng", "bjb", "sinarmas",
    "artha_graha", "bank_jakarta",
)
DIMENSIONS = (
    "province_code", "regency_code", "sex", "return_quarter", "country_code",
    "sector", "scheme_mask", "lender_mask",
)
#: Upper bounds of days past due for classes 1-4 (POJK 40/2019); beyond is 5.
COLLECTIBILITY_BANDS = ((0, 1), (90, 2), (120, 3), (180, 4))
#: Consecutive on-time instalments after which a restructured loan may improve.
ON_TIME_TO_IMPROVE = 3
#: Provinces outside WIB (Keppres 41/1987); every other province is WIB.
WIB = ZoneInfo("Asia/Jakarta")
WITA = ZoneInfo("Asia/Makassar")
WIT = ZoneInfo("Asia/Jayapura")
ZONE_OF_PROVINCE = {
    **dict.fromkeys(
        ("51", "52", "53", "63", "64", "65", "71", "72", "73", "74", "75", "76"), WITA
    ),
    **dict.fromkeys(("81", "82", "91", "92", "93", "94", "95", "96"), WIT),
}

_DIMENSION_TYPES = {
    "province_code": sa.String(2), "regency_code": sa.String(5), "sex": sa.String(1),
    "return_quarter": sa.Integer(), "country_code": sa.String(2),
    "sector": sa.String(12), "scheme_mask": sa.SmallInteger(),
    "lender_mask": sa.SmallInteger(),
}


def _table(name, *columns, dimensions=False):
    dims = [sa.column(n, t) for n, t in _DIMENSION_TYPES.items()] if dimensions else []
    return sa.table(name, *columns, *dims)


RETURNEES = _table(
    "returnees", sa.column("id", sa.Integer), sa.column("province_code", sa.String(2)),
    sa.column("regency_code", sa.String(5)), sa.column("sex", sa.String(1)),
    sa.column("disclosure_key", sa.Integer),
)
PLACEMENTS = _table(
    "placements", sa.column("id", sa.Integer), sa.column("returnee_id", sa.Integer),
    sa.column("country_code", sa.String(2)), sa.column("departure_date", sa.Date),
    sa.column("return_date", sa.Date),
)
BUSINESSES = _table(
    "businesses", sa.column("id", sa.Integer), sa.column("returnee_id", sa.Integer),
    sa.column("sector", sa.String(12)), sa.column("opened_on", sa.Date),
    sa.column("status", sa.String(10)), sa.column("status_since", sa.Date),
    sa.column("workers_family", sa.SmallInteger),
    sa.column("workers_paid", sa.SmallInteger), sa.column("disclosure_key", sa.Integer),
)
STATUS_CHANGES = _table(
    "business_status_changes", sa.column("id", sa.Integer),
    sa.column("business_id", sa.Integer), sa.column("to_status", sa.String(10)),
    sa.column("changed_on", sa.Date),
)
PLANS = _table(
    "business_plans", sa.column("returnee_id", sa.Integer),
    sa.column("status", sa.String(12)),
)
LOANS = _table(
    "loan_applications", sa.column("id", sa.Integer),
    sa.column("returnee_id", sa.Integer), sa.column("scheme", sa.String(12)),
    sa.column("lender", sa.String(16)), sa.column("status", sa.String(12)),
    sa.column("amount_requested_idr", sa.BigInteger),
    sa.column("amount_disbursed_idr", sa.BigInteger), sa.column("applied_on", sa.Date),
    sa.column("disbursed_on", sa.Date), sa.column("disclosure_key", sa.Integer),
)
WELLBEING = _table(
    "wellbeing_checks", sa.column("id", sa.Integer),
    sa.column("returnee_id", sa.Integer), sa.column("taken_on", sa.Date),
    sa.column("overall", sa.Numeric(4, 3)),
)
INSTALMENTS = _table(
    "loan_instalments", sa.column("loan_id", sa.Integer),
    sa.column("number", sa.SmallInteger), sa.column("due_on", sa.Date),
    sa.column("principal_idr", sa.BigInteger), sa.column("interest_idr", sa.BigInteger),
    sa.column("paid_principal_idr", sa.BigInteger), sa.column("settled_on", sa.Date),
)
PAYMENTS = _table(
    "loan_payments", sa.column("loan_id", sa.Integer), sa.column("paid_on", sa.Date),
    sa.column("amount_idr", sa.BigInteger),
)
TRANSITIONS = _table(
    "loan_transitions", sa.column("loan_id", sa.Integer),
    sa.column("to_status", sa.String(12)), sa.column("at", sa.DateTime(timezone=True)),
)
REVISIONS = _table(
    "loan_schedule_revisions", sa.column("loan_id", sa.Integer),
    sa.column("number", sa.SmallInteger), sa.column("kind", sa.String(14)),
    sa.column("effective_on", sa.Date), sa.column("grade_before", sa.SmallInteger),
    sa.column("lines", sa.JSON),
)
RETURNEE_FACTS = _table(
    "returnee_facts", sa.column("returnee_id", sa.Integer),
    sa.column("last_return_on", sa.Date), sa.column("has_plan", sa.Boolean),
    sa.column("has_ready_plan", sa.Boolean), sa.column("has_business", sa.Boolean),
    sa.column("businesses", sa.SmallInteger), sa.column("operating", sa.SmallInteger),
    sa.column("workers", sa.Integer), sa.column("wellbeing", sa.Numeric(4, 3)),
    *(sa.column(f"operating_at_{m}", sa.Boolean) for m in COHORT_MONTHS),
    sa.column("record_key", sa.Integer), dimensions=True,
)
RETURNEE_CELLS = _table(
    "returnee_cells",
    *(sa.column(name, sa.Integer) for name in (
        "returnees", "planned", "ready", "opened", "businesses", "operating", "workers",
    )),
    sa.column("wellbeing_sum", sa.Numeric(14, 3)), sa.column("wellbeing_n", sa.Integer),
    *(sa.column(f"operating_at_{m}", sa.Integer) for m in COHORT_MONTHS),
    sa.column("key_sum", sa.BigInteger), dimensions=True,
)
BUSINESS_FACTS = _table(
    "business_facts", sa.column("business_id", sa.Integer),
    sa.column("returnee_id", sa.Integer), sa.column("opened_on", sa.Date),
    sa.column("status", sa.String(10)), sa.column("closed_on", sa.Date),
    sa.column("workers", sa.Integer), sa.column("days_from_return", sa.Integer),
    sa.column("anniversary_on", sa.Date),
    sa.column("is_operating_at_anniversary", sa.Boolean),
    sa.column("record_key", sa.Integer), sa.column("owner_key", sa.Integer),
    dimensions=True,
)
LOAN_FACTS = _table(
    "loan_facts", sa.column("loan_id", sa.Integer), sa.column("returnee_id", sa.Integer),
    sa.column("scheme", sa.String(12)), sa.column("lender", sa.String(16)),
    sa.column("status", sa.String(12)), sa.column("amount_requested_idr", sa.BigInteger),
    sa.column("amount_disbursed_idr", sa.BigInteger), sa.column("applied_on", sa.Date),
    sa.column("disbursed_on", sa.Date), sa.column("days_to_disbursement", sa.Integer),
    sa.column("outstanding_idr", sa.BigInteger),
    sa.column("oldest_unpaid_due_on", sa.Date), sa.column("grade_floor", sa.SmallInteger),
    sa.column("record_key", sa.Integer), dimensions=True,
)
LOAN_MONTHS = _table(
    "loan_months", sa.column("loan_id", sa.Integer), sa.column("month_end", sa.Date),
    sa.column("returnee_id", sa.Integer), sa.column("scheme", sa.String(12)),
    sa.column("lender", sa.String(16)), sa.column("outstanding_idr", sa.BigInteger),
    sa.column("days_past_due", sa.Integer), sa.column("grade", sa.SmallInteger),
    sa.column("record_key", sa.Integer), dimensions=True,
)


def _everyone(_column):
    return sa.true()


# Date arithmetic in SQL that gives the same answer on PostgreSQL and SQLite.

def _days_between(later, earlier, dialect):
    if dialect == "postgresql":
        return later - earlier
    return sa.cast(sa.func.julianday(later) - sa.func.julianday(earlier), sa.Integer)


def _plus_months(day, months, dialect):
    """``day`` plus whole months, the last day of a shorter month when it overflows."""
    months = int(months)
    if dialect == "postgresql":
        return sa.cast(day + sa.text(f"interval '{months} months'"), sa.Date)
    first = sa.func.date(day, "start of month", f"{months:+d} months")
    day_of_month = sa.cast(sa.func.strftime("%d", day), sa.Integer)
    shifted = sa.func.date(first, sa.func.printf("+%d days", day_of_month - 1))
    last_of_month = sa.func.date(first, "+1 months", "-1 days")
    return sa.func.min(shifted, last_of_month)


def _quarter_key(day, dialect):
    if dialect == "postgresql":
        return sa.cast(
            sa.func.extract("year", day) * 10 + sa.func.extract("quarter", day),
            sa.Integer,
        )
    return (
        sa.cast(sa.func.strftime("%Y", day), sa.Integer) * 10
        + (sa.cast(sa.func.strftime("%m", day), sa.Integer) + 2) // 3
    )


# The facts and cells, one SELECT each.

def _bits(column, codes):
    return sa.case({code: 1 << i for i, code in enumerate(codes)}, value=column,
                   else_=0)


def _first_per(key, order, where, *columns):
    """The first row per ``key`` by ``order``, as a subquery of ``key`` and columns."""
    rank = sa.func.row_number().over(partition_by=key, order_by=list(order))
    ranked = sa.select(key.label("returnee_id"), *columns, rank.label("rank"))
    ranked = ranked.where(where(key)).subquery()
    names = [c.key for c in columns]
    return (
        sa.select(ranked.c.returnee_id, *(ranked.c[name] for name in names))
        .where(ranked.c.rank == 1)
        .subquery()
    )


def _operating_spans(where):
    """Periods a business was operating: from a change to operating to the next one."""
    change, business = STATUS_CHANGES.c, BUSINESSES.c
    following = sa.func.lead(change.changed_on).over(
        partition_by=change.business_id, order_by=(change.changed_on, change.id),
    )
    changes = (
        sa.select(business.returnee_id, change.business_id, change.to_status,
                  change.changed_on.label("starts"), following.label("ends"))
        .select_from(STATUS_CHANGES)
        .join(BUSINESSES, business.id == change.business_id)
        .where(where(business.returnee_id))
        .subquery()
    )
    return (
        sa.select(changes.c.returnee_id, changes.c.business_id, changes.c.starts,
                  changes.c.ends)
        .where(changes.c.to_status == "operating")
        .subquery()
    )


def _covers(spans, day):
    return sa.and_(spans.c.starts <= day,
                   sa.or_(spans.c.ends.is_(None), spans.c.ends > day))


def _returnee_fact_rows(dialect, where=_everyone):
    placement, business, plan = PLACEMENTS.c, BUSINESSES.c, PLANS.c
    loan, check, person = LOANS.c, WELLBEING.c, RETURNEES.c
    returns = (
        sa.select(placement.returnee_id, sa.func.max(placement.return_date).label("on"))
        .where(where(placement.returnee_id))
        .group_by(placement.returnee_id)
        .subquery()
    )
    last_placement = _first_per(
        placement.returnee_id, (placement.departure_date.desc(), placement.id.desc()),
        where, placement.country_code,
    )
    latest_business = _first_per(
        business.returnee_id, (business.opened_on.desc(), business.id.desc()),
        where, business.sector,
    )
    operating = business.status == "operating"
    businesses = (
        sa.select(
            business.returnee_id,
            sa.func.count().label("n"),
            sa.func.sum(sa.case((operating, 1), else_=0)).label("operating"),
            sa.func.sum(sa.case((operating, business.workers_family
                                 + business.workers_paid), else_=0)).label("workers"),
        )
        .where(where(business.returnee_id))
        .group_by(business.returnee_id)
        .subquery()
    )
    plans = (
        sa.select(
            plan.returnee_id,
            sa.func.count().label("n"),
            sa.func.max(sa.case((plan.status == "ready", 1), else_=0)).label("ready"),
        )
        .where(where(plan.returnee_id))
        .group_by(plan.returnee_id)
        .subquery()
    )
    loans = (
        sa.select(
            loan.returnee_id,
            sa.func.sum(sa.distinct(_bits(loan.scheme, SCHEMES))).label("schemes"),
            sa.func.sum(sa.distinct(_bits(loan.lender, LENDERS))).label("lenders"),
        )
        .where(where(loan.returnee_id), loan.status != "draft")
        .group_by(loan.returnee_id)
        .subquery()
    )
    wellbeing = _first_per(
        check.returnee_id, (check.taken_on.desc(), check.id.desc()), where,
        check.overall,
    )
    spans = _operating_spans(where)
    cohort = (
        sa.select(
            spans.c.returnee_id,
            *(sa.func.max(sa.case((_covers(spans, _plus_months(returns.c.on, m, dialect)),
                                   1), else_=0)).label(f"at_{m}")
              for m in COHORT_MONTHS),
        )
        .join(returns, returns.c.returnee_id == spans.c.returnee_id)
        .group_by(spans.c.returnee_id)
        .subquery()
    )
    zero = sa.literal(0)
    coalesce = sa.func.coalesce
    return (
        sa.select(
            person.id.label("returnee_id"),
            person.province_code,
            person.regency_code,
            person.sex,
            coalesce(_quarter_key(returns.c.on, dialect), zero).label("return_quarter"),
            coalesce(last_placement.c.country_code, "").label("country_code"),
            coalesce(latest_business.c.sector, "").label("sector"),
            coalesce(loans.c.schemes, zero).label("scheme_mask"),
            coalesce(loans.c.lenders, zero).label("lender_mask"),
            returns.c.on.label("last_return_on"),
            (coalesce(plans.c.n, zero) > 0).label("has_plan"),
            (coalesce(plans.c.ready, zero) == 1).label("has_ready_plan"),
            (coalesce(businesses.c.n, zero) > 0).label("has_business"),
            coalesce(businesses.c.n, zero).label("businesses"),
            coalesce(businesses.c.operating, zero).label("operating"),
            coalesce(businesses.c.workers, zero).label("workers"),
            wellbeing.c.overall.label("wellbeing"),
            person.disclosure_key.label("record_key"),
            *((coalesce(cohort.c[f"at_{m}"], zero) == 1).label(f"operating_at_{m}")
              for m in COHORT_MONTHS),
        )
        .select_from(RETURNEES)
        .outerjoin(returns, returns.c.returnee_id == person.id)
        .outerjoin(last_placement, last_placement.c.returnee_id == person.id)
        .outerjoin(latest_business, latest_business.c.returnee_id == person.id)
        .outerjoin(businesses, businesses.c.returnee_id == person.id)
        .outerjoin(plans, plans.c.returnee_id == person.id)
        .outerjoin(loans, loans.c.returnee_id == person.id)
        .outerjoin(wellbeing, wellbeing.c.returnee_id == person.id)
        .outerjoin(cohort, cohort.c.returnee_id == person.id)
        .where(where(person.id))
    )


def _owner_dimensions(fact, own_sector=None):
    columns = [fact.c[name] for name in DIMENSIONS]
    if own_sector is not None:
        columns[DIMENSIONS.index("sector")] = own_sector.label("sector")
    return columns


def _business_fact_rows(dialect, where=_everyone):
    """Business facts (the owners' facts must be in place)."""
    facts, business, placement = RETURNEE_FACTS, BUSINESSES.c, PLACEMENTS.c
    back = (sa.select(sa.func.max(placement.return_date))
            .where(placement.returnee_id == business.returnee_id,
                   placement.return_date <= business.opened_on)
            .correlate(BUSINESSES).scalar_subquery())
    anniversary = _plus_months(business.opened_on, 12, dialect)
    spans = _operating_spans(where)
    at_anniversary = (
        sa.select(spans.c.business_id,
                  sa.func.max(sa.case((_covers(spans, anniversary), 1),
                                      else_=0)).label("hit"))
        .join(BUSINESSES, business.id == spans.c.business_id)
        .group_by(spans.c.business_id)
        .subquery()
    )
    return (
        sa.select(
            business.id.label("business_id"),
            business.returnee_id,
            *_owner_dimensions(facts, business.sector),
            business.opened_on,
            business.status,
            sa.case((business.status == "closed", business.status_since),
                    else_=None).label("closed_on"),
            (business.workers_family + business.workers_paid).label("workers"),
            _days_between(business.opened_on, back, dialect).label("days_from_return"),
            anniversary.label("anniversary_on"),
            (sa.func.coalesce(at_anniversary.c.hit, 0) == 1)
            .label("is_operating_at_anniversary"),
            business.disclosure_key.label("record_key"),
            facts.c.record_key.label("owner_key"),
        )
        .select_from(BUSINESSES)
        .join(facts, facts.c.returnee_id == business.returnee_id)
        .outerjoin(at_anniversary, at_anniversary.c.business_id == business.id)
        .where(where(business.returnee_id))
    )


def _loan_fact_rows(dialect, where=_everyone):
    """Loan facts (the borrowers' facts must be in place)."""
    facts, loan, instalment = RETURNEE_FACTS, LOANS.c, INSTALMENTS.c
    balances = (
        sa.select(
            instalment.loan_id,
            sa.func.sum(instalment.principal_idr
                        - instalment.paid_principal_idr).label("out"),
            sa.func.min(sa.case((instalment.settled_on.is_(None), instalment.due_on),
                                else_=None)).label("oldest"),
        )
        .select_from(INSTALMENTS)
        .join(LOANS, loan.id == instalment.loan_id)
        .where(where(loan.returnee_id))
        .group_by(instalment.loan_id)
        .subquery()
    )
    return (
        sa.select(
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
            _days_between(loan.disbursed_on, loan.applied_on, dialect)
            .label("days_to_disbursement"),
            sa.func.coalesce(balances.c.out, 0).label("outstanding_idr"),
            balances.c.oldest.label("oldest_unpaid_due_on"),
            loan.disclosure_key.label("record_key"),
        )
        .select_from(LOANS)
        .join(facts, facts.c.returnee_id == loan.returnee_id)
        .outerjoin(balances, balances.c.loan_id == loan.id)
        .where(where(loan.returnee_id))
    )


def _cell_sums(where=_everyone):
    """Facts summed into cells at three levels: regency, province ('' regency) and
    the country ('' province and regency)."""
    fact = RETURNEE_FACTS.c
    blank = sa.literal("")

    def one_level(province, regency):
        keys = [province.label("province_code"), regency.label("regency_code"),
                *(fact[name] for name in DIMENSIONS[2:])]

        def flag(column):
            return sa.func.sum(sa.case((column, 1), else_=0))

        return (
            sa.select(
                *keys,
                sa.func.count().label("returnees"),
                flag(fact.has_plan).label("planned"),
                flag(fact.has_ready_plan).label("ready"),
                flag(fact.has_business).label("opened"),
                sa.func.sum(fact.businesses).label("businesses"),
                sa.func.sum(fact.operating).label("operating"),
                sa.func.sum(fact.workers).label("workers"),
                sa.func.coalesce(sa.func.sum(fact.wellbeing), 0).label("wellbeing_sum"),
                sa.func.count(fact.wellbeing).label("wellbeing_n"),
                *(flag(fact[f"operating_at_{m}"]).label(f"operating_at_{m}")
                  for m in COHORT_MONTHS),
                sa.func.sum(fact.record_key).label("key_sum"),
            )
            .where(where(fact.returnee_id))
            .group_by(*keys[2:], *(k for k in (province, regency) if k is not blank))
        )

    return one_level(fact.province_code, fact.regency_code).union_all(
        one_level(fact.province_code, blank), one_level(blank, blank)
    )


def _insert_from(connection, table, rows):
    columns = [c.key for c in rows.selected_columns]
    connection.execute(sa.insert(table).from_select(columns, rows))


def _rebuild_all(connection):
    """Recompute every summary row from scratch."""
    dialect = connection.dialect.name
    for table in (LOAN_MONTHS, LOAN_FACTS, BUSINESS_FACTS, RETURNEE_CELLS,
                  RETURNEE_FACTS):
        connection.execute(sa.delete(table))
    _insert_from(connection, RETURNEE_FACTS, _returnee_fact_rows(dialect))
    _insert_from(connection, RETURNEE_CELLS, _cell_sums())
    _insert_from(connection, BUSINESS_FACTS, _business_fact_rows(dialect))
    _insert_from(connection, LOAN_FACTS, _loan_fact_rows(dialect))
    _write_loan_months(connection, _local(datetime.now(UTC), WIB))


# The loan months: each loan's schedule replayed in Python.

@dataclass(frozen=True)
class _Due:
    number: int
    due_on: date
    principal_idr: int
    interest_idr: int
    paid_principal_idr: int = 0
    paid_interest_idr: int = 0
    settled_on: date | None = None

    @property
    def owed_idr(self):
        return (
            self.principal_idr - self.paid_principal_idr
            + self.interest_idr - self.paid_interest_idr
        )

    @property
    def is_settled(self):
        return self.owed_idr == 0


class _Overpayment(ValueError):
    """The payments add up to more than the loan owes."""


def _local(at, zone):
    if at.tzinfo is None:  # SQLite gives back stored moments as naive UTC
        at = at.replace(tzinfo=UTC)
    return at.astimezone(zone).date()


def _collectibility(days):
    """Indicative OJK collectibility class (1-5) for days past due."""
    for upper, grade in COLLECTIBILITY_BANDS:
        if days <= upper:
            return grade
    return 5


def _allocate(schedule, payments):
    """The schedule after the payments, oldest instalment first: each payment
    settles the oldest instalment not fully paid, interest first, then principal."""
    dues = [replace(d, paid_principal_idr=0, paid_interest_idr=0, settled_on=None)
            for d in sorted(schedule, key=lambda d: d.number)]
    index = 0
    for paid_on, amount in sorted(payments, key=lambda p: p[0]):
        left = amount
        while left > 0:
            while index < len(dues) and dues[index].is_settled:
                index += 1
            if index == len(dues):
                raise _Overpayment(f"{left} more than owed")
            due = dues[index]
            to_interest = min(left, due.interest_idr - due.paid_interest_idr)
            left -= to_interest
            to_principal = min(left, due.principal_idr - due.paid_principal_idr)
            left -= to_principal
            due = replace(
                due,
                paid_interest_idr=due.paid_interest_idr + to_interest,
                paid_principal_idr=due.paid_principal_idr + to_principal,
            )
            if due.is_settled:
                due = replace(due, settled_on=paid_on)
            dues[index] = due
    return dues


def _month_end_standings(schedule, payments, days):
    """``(day, outstanding principal, days past due)`` on each of ``days``."""
    dues = sorted(schedule, key=lambda d: d.number)
    interest_left = [d.interest_idr for d in dues]
    principal_left = [d.principal_idr for d in dues]
    outstanding = sum(principal_left)
    pending = sorted(payments, key=lambda p: p[0])
    index = paid = 0
    result = []
    for day in days:
        while paid < len(pending) and pending[paid][0] <= day:
            left = pending[paid][1]
            paid += 1
            while left > 0 and index < len(dues):
                to_interest = min(left, interest_left[index])
                interest_left[index] -= to_interest
                left -= to_interest
                to_principal = min(left, principal_left[index])
                principal_left[index] -= to_principal
                outstanding -= to_principal
                left -= to_principal
                if interest_left[index] == 0 and principal_left[index] == 0:
                    index += 1
            if left > 0:
                raise _Overpayment(f"{left} more than owed")
        while index < len(dues) and interest_left[index] == 0 \
                and principal_left[index] == 0:
            index += 1
        late = (day - dues[index].due_on).days if (
            index < len(dues) and dues[index].due_on < day) else 0
        result.append((day, outstanding, late))
    return result


def _standings_across(schedules, payments, days):
    """The standings on each day, replayed on the schedule in force that day:
    ``schedules`` are ``(effective_on, lines)`` in order, the last one in force now."""
    result = []
    for index, (start, lines) in enumerate(schedules):
        end = schedules[index + 1][0] if index + 1 < len(schedules) else None
        segment = [day for day in days if (index == 0 or day >= start)
                   and (end is None or day < end)]
        if segment:
            result += _month_end_standings(lines, payments, segment)
    return result


def _restructuring_floor(lines, payments, on, restructured_on, grade_before):
    """The class a restructured loan cannot be better than on ``on``: the class
    before restructuring until three consecutive instalments of the new schedule
    are paid on time, then 1."""
    made = [(day, amount) for day, amount in payments if day <= on]
    run = 0
    for due in _allocate(lines, made):
        if not restructured_on < due.due_on <= on:
            continue
        on_time = due.settled_on is not None and due.settled_on <= due.due_on
        run = run + 1 if on_time else 0
        if run >= ON_TIME_TO_IMPROVE:
            return 1
    return grade_before


def _month_ends(first, last):
    """The last day of every month from ``first``'s month to ``last``'s month."""
    ends = []
    month = first.replace(day=1)
    while month <= last:
        ends.append(month + relativedelta(months=1, days=-1))
        month += relativedelta(months=1)
    return ends


def _batches(rows, size):
    batch = []
    for row in rows:
        batch.append(tuple(row))
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _write_loan_months(connection, today):
    """Replay each disbursed loan to its month ends."""
    loan, instalment, revision = LOANS.c, INSTALMENTS.c, REVISIONS.c
    payment, transition = PAYMENTS.c, TRANSITIONS.c
    loans = (sa.select(loan.id, loan.disbursed_on)
             .where(loan.disbursed_on.is_not(None)).order_by(loan.id))
    horizon = today + relativedelta(months=MONTHS_AHEAD)
    dims = [RETURNEE_FACTS.c[name] for name in DIMENSIONS]
    for batch in _batches(connection.execute(loans), 2000):
        loan_ids = [loan_id for loan_id, _ in batch]
        schedules = defaultdict(list)
        for row in connection.execute(
            sa.select(instalment.loan_id, instalment.number, instalment.due_on,
                      instalment.principal_idr, instalment.interest_idr)
            .where(instalment.loan_id.in_(loan_ids))
        ):
            schedules[row[0]].append(_Due(row[1], row[2], row[3], row[4]))
        # Loans laid out again keep their earlier schedules: a month end before a
        # restructuring or prepayment is replayed on the schedule then in force.
        earlier = defaultdict(list)
        # Restructurings: (date, class before), for the class floor.
        restructured = defaultdict(list)
        revised = sa.select(revision.loan_id).where(
            revision.loan_id.in_(loan_ids), revision.number > 1
        )
        for loan_id, effective_on, lines, kind, grade_before in connection.execute(
            sa.select(revision.loan_id, revision.effective_on, revision.lines,
                      revision.kind, revision.grade_before)
            .where(revision.loan_id.in_(revised))
            .order_by(revision.loan_id, revision.number)
        ):
            earlier[loan_id].append((effective_on, [
                _Due(n, date.fromisoformat(day), p, i) for n, day, p, i in lines]))
            if kind == "restructuring":
                restructured[loan_id].append((effective_on, grade_before or 1))
        paid = defaultdict(list)
        for loan_id, paid_on, amount in connection.execute(
            sa.select(payment.loan_id, payment.paid_on, payment.amount_idr)
            .where(payment.loan_id.in_(loan_ids))
        ):
            paid[loan_id].append((paid_on, amount))
        ended = dict(connection.execute(
            sa.select(transition.loan_id, sa.func.min(transition.at))
            .where(transition.loan_id.in_(loan_ids),
                   transition.to_status.in_(CLOSED_STATUSES))
            .group_by(transition.loan_id)
        ).all())
        owners = {
            row[0]: row[1:]
            for row in connection.execute(
                sa.select(loan.id, loan.returnee_id, loan.scheme, loan.lender,
                          loan.disclosure_key, *dims)
                .select_from(LOANS)
                .join(RETURNEE_FACTS,
                      RETURNEE_FACTS.c.returnee_id == loan.returnee_id)
                .where(loan.id.in_(loan_ids))
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
            zone = ZONE_OF_PROVINCE.get(dimensions["province_code"] or "", WIB)
            end_day = _local(end, zone) if end else None
            last = (end_day - relativedelta(days=1)) if end_day else horizon
            # A closed loan stops at its last open day.
            days = [
                day for day in _month_ends(disbursed_on, last)
                if day >= disbursed_on and (end is None or day <= last)
            ]
            base = dimensions | {
                "loan_id": loan_id, "returnee_id": returnee_id, "scheme": scheme,
                "lender": lender, "record_key": key}
            versions = earlier.get(loan_id)
            if versions:  # the last revision is the schedule in force
                versions = [*versions[:-1], (versions[-1][0], schedules[loan_id])]
            for day, outstanding, late in (
                _standings_across(versions, paid[loan_id], days) if versions
                else _month_end_standings(schedules[loan_id], paid[loan_id], days)
            ):
                grade = _collectibility(late)
                floors = [r for r in restructured.get(loan_id, ()) if r[0] <= day]
                if floors:
                    in_force = next(lines for start, lines in reversed(versions)
                                    if start <= day)
                    grade = max(grade, _restructuring_floor(
                        in_force, paid[loan_id], day, *floors[-1]))
                rows.append(base | {"month_end": day, "outstanding_idr": outstanding,
                                    "days_past_due": late, "grade": grade})
        for start in range(0, len(rows), 5000):
            connection.execute(sa.insert(LOAN_MONTHS), rows[start : start + 5000])
        # Each restructured loan's class floor today, on its fact row.
        for loan_id, restructurings in restructured.items():
            on, grade_before = restructurings[-1]
            floor = _restructuring_floor(schedules[loan_id], paid[loan_id], today, on,
                                         grade_before)
            if floor > 1:
                connection.execute(sa.update(LOAN_FACTS)
                                   .where(LOAN_FACTS.c.loan_id == loan_id)
                                   .values(grade_floor=floor))
