"""Summary tables behind the dashboards, derived from the registry, plans and loans.

Nothing here is entered by a person: :mod:`juragan.dashboards.summaries` rebuilds a returnee's
rows whenever a write touches that returnee, and a bulk rebuild recomputes them all.
The tables carry no foreign keys, so a deleted person's rows can still be read to
take them out of the cells before they go.

Every table repeats the returnee's *dimensions*, the values the dashboard filters
on, so that a filter is a WHERE on one table and never a join:

- region: ``province_code`` and ``regency_code`` of the returnee's home;
- ``sex``;
- ``return_quarter``: the quarter of the latest return home as ``YYYYQ`` (20241 is
  January-March 2024), 0 while the person has never come home;
- ``country_code``: the destination of the latest placement, '' without one;
- ``sector``: the line of business of the latest business, '' without one;
- ``scheme_mask`` and ``lender_mask``: one bit per KUR scheme and per lender the
  person has applied to (``SCHEMES`` and ``LENDERS`` order), 0 without a loan.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column

from juragan.models.base import Base

#: Months after the return at which the cohort table asks "is a business operating?".
COHORT_MONTHS = (3, 6, 12, 24, 36)


class Dimensions:
    """The filter columns every summary table carries (see the module docstring)."""

    province_code: Mapped[str] = mapped_column(String(2))
    regency_code: Mapped[str] = mapped_column(String(5))
    sex: Mapped[str] = mapped_column(String(1))
    return_quarter: Mapped[int] = mapped_column(Integer, default=0)
    country_code: Mapped[str] = mapped_column(String(2), default="")
    sector: Mapped[str] = mapped_column(String(12), default="")
    scheme_mask: Mapped[int] = mapped_column(SmallInteger, default=0)
    lender_mask: Mapped[int] = mapped_column(SmallInteger, default=0)


DIMENSIONS = (
    "province_code",
    "regency_code",
    "sex",
    "return_quarter",
    "country_code",
    "sector",
    "scheme_mask",
    "lender_mask",
)


class ReturneeFact(Dimensions, Base):
    """One row per returnee: where they are on the road from return to business."""

    __tablename__ = "returnee_facts"

    returnee_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_return_on: Mapped[date | None] = mapped_column(Date)
    has_plan: Mapped[bool] = mapped_column(Boolean)
    has_ready_plan: Mapped[bool] = mapped_column(Boolean)
    has_business: Mapped[bool] = mapped_column(Boolean)
    businesses: Mapped[int] = mapped_column(SmallInteger)
    operating: Mapped[int] = mapped_column(SmallInteger)
    #: Family and paid workers of the operating businesses.
    workers: Mapped[int] = mapped_column(Integer)
    #: Overall score (0-1) of the latest wellbeing check, if any.
    wellbeing: Mapped[Decimal | None] = mapped_column(Numeric(4, 3))
    #: Whether a business of theirs was operating N months after the latest return.
    #: A checkpoint still in the future holds today's state: any change before it
    #: is a write, and writes rebuild the row.
    operating_at_3: Mapped[bool] = mapped_column(Boolean)
    operating_at_6: Mapped[bool] = mapped_column(Boolean)
    operating_at_12: Mapped[bool] = mapped_column(Boolean)
    operating_at_24: Mapped[bool] = mapped_column(Boolean)
    operating_at_36: Mapped[bool] = mapped_column(Boolean)
    #: The person's disclosure key (``juragan.domain.perturbation``).
    record_key: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: Their plans waiting for a reviewer: sent, and with the review under way.
    plans_submitted: Mapped[int] = mapped_column(
        SmallInteger, default=0, server_default="0"
    )
    plans_in_review: Mapped[int] = mapped_column(
        SmallInteger, default=0, server_default="0"
    )
    #: Their KUR applications waiting for the documents' check.
    loans_to_verify: Mapped[int] = mapped_column(
        SmallInteger, default=0, server_default="0"
    )

    __table_args__ = (
        Index("ix_returnee_facts_region", "province_code", "regency_code"),
    )


class ReturneeCell(Base):
    """Returnee facts summed per combination of dimensions.

    Three levels share the table: rows with a regency code sum one regency; rows
    whose ``regency_code`` is '' sum a province; the row whose province and regency
    are both '' sums the country. A query reads the coarsest level that answers it,
    so its cost follows the number of combinations, not the number of people.
    """

    __tablename__ = "returnee_cells"

    province_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    regency_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    sex: Mapped[str] = mapped_column(String(1), primary_key=True)
    return_quarter: Mapped[int] = mapped_column(Integer, primary_key=True)
    country_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    sector: Mapped[str] = mapped_column(String(12), primary_key=True)
    scheme_mask: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    lender_mask: Mapped[int] = mapped_column(SmallInteger, primary_key=True)

    returnees: Mapped[int] = mapped_column(Integer)
    planned: Mapped[int] = mapped_column(Integer)
    ready: Mapped[int] = mapped_column(Integer)
    opened: Mapped[int] = mapped_column(Integer)
    businesses: Mapped[int] = mapped_column(Integer)
    operating: Mapped[int] = mapped_column(Integer)
    workers: Mapped[int] = mapped_column(Integer)
    wellbeing_sum: Mapped[Decimal] = mapped_column(Numeric(14, 3))
    wellbeing_n: Mapped[int] = mapped_column(Integer)
    operating_at_3: Mapped[int] = mapped_column(Integer)
    operating_at_6: Mapped[int] = mapped_column(Integer)
    operating_at_12: Mapped[int] = mapped_column(Integer)
    operating_at_24: Mapped[int] = mapped_column(Integer)
    operating_at_36: Mapped[int] = mapped_column(Integer)
    #: The sum of the people's disclosure keys: the cell key of any group of cells
    #: is the sum of theirs (``juragan.domain.perturbation``).
    key_sum: Mapped[int] = mapped_column(BigInteger, default=0, server_default="0")


class RegencyCount(Base):
    """The region home's figures per regency and sex: returnees, and the plans and
    applications waiting for the region's officials. Kept from the returnee facts
    by the same deltas as the cells, so that a home page reads at most some 1,000
    rows (514 regencies, two sexes) whatever the size of the registry."""

    __tablename__ = "regency_counts"

    province_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    regency_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    sex: Mapped[str] = mapped_column(String(1), primary_key=True)
    returnees: Mapped[int] = mapped_column(Integer)
    plans_submitted: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    plans_in_review: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    loans_to_verify: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class DestinationCount(Base):
    """Returnees per country of their latest placement, for the whole programme:
    the order of the country lists (``reports.registry.common_destinations``).
    Kept from the returnee facts by the same deltas as the cells, so that every
    form with a country list reads a row per country, not the country level's
    cells (18,000 at a million returnees). Read only by the system: it is no
    one's region."""

    __tablename__ = "destination_counts"

    country_code: Mapped[str] = mapped_column(String(2), primary_key=True)
    returnees: Mapped[int] = mapped_column(Integer)


#: The summed columns of :class:`RegencyCount`, each the sum of the returnee
#: facts' column of the same name (``returnees`` counts the facts).
REGENCY_MEASURES = (
    "returnees",
    "plans_submitted",
    "plans_in_review",
    "loans_to_verify",
)


#: The summed columns of :class:`ReturneeCell`, with the fact each one sums.
CELL_MEASURES = (
    "returnees",
    "planned",
    "ready",
    "opened",
    "businesses",
    "operating",
    "workers",
    "wellbeing_sum",
    "wellbeing_n",
    *(f"operating_at_{m}" for m in COHORT_MONTHS),
    "key_sum",
)


class BusinessFact(Dimensions, Base):
    """One row per business, with its owner's dimensions (``sector`` is its own)."""

    __tablename__ = "business_facts"

    business_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    returnee_id: Mapped[int] = mapped_column(Integer, index=True)
    opened_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10))
    #: The day it closed, while its current state is closed.
    closed_on: Mapped[date | None] = mapped_column(Date)
    workers: Mapped[int] = mapped_column(Integer)
    #: From the latest return on or before the opening; empty without one.
    days_from_return: Mapped[int | None] = mapped_column(Integer)
    anniversary_on: Mapped[date] = mapped_column(Date)
    #: Operating on its first anniversary (today's state while that is to come).
    is_operating_at_anniversary: Mapped[bool] = mapped_column(Boolean)
    #: The business's disclosure key, and its owner's.
    record_key: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    owner_key: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (
        Index("ix_business_facts_region", "province_code", "regency_code"),
    )


class LoanFact(Dimensions, Base):
    """One row per KUR application, with its borrower's dimensions."""

    __tablename__ = "loan_facts"

    loan_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    returnee_id: Mapped[int] = mapped_column(Integer, index=True)
    scheme: Mapped[str] = mapped_column(String(12))
    lender: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(12))
    amount_requested_idr: Mapped[int] = mapped_column(BigInteger)
    amount_disbursed_idr: Mapped[int | None] = mapped_column(BigInteger)
    applied_on: Mapped[date] = mapped_column(Date)
    disbursed_on: Mapped[date | None] = mapped_column(Date)
    days_to_disbursement: Mapped[int | None] = mapped_column(Integer)
    outstanding_idr: Mapped[int] = mapped_column(BigInteger)
    #: The oldest instalment not fully paid; days past due count from it.
    oldest_unpaid_due_on: Mapped[date | None] = mapped_column(Date)
    #: A restructured loan's class floor today (POJK 40/2019: at most the class
    #: before, until three instalments in a row are paid on time); 1 otherwise.
    grade_floor: Mapped[int] = mapped_column(
        SmallInteger, default=1, server_default="1"
    )
    #: The loan's disclosure key.
    record_key: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: The plan it was made on, and that plan's state: a bank officer's count of
    #: plans ready, without a probe of every loan of the lender.
    plan_id: Mapped[int | None] = mapped_column(Integer)
    plan_status: Mapped[str | None] = mapped_column(String(12))
    #: When the application entered its state: the lender's queue ages it.
    status_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_loan_facts_region", "province_code", "regency_code"),
        # A lender's loans of a province, newest first: the bank officer's lists
        # and counts read their way down it.
        Index("ix_loan_facts_lender_region", "lender", "province_code", "loan_id"),
        # The lender's queue of a province, by state, the longest-waiting first.
        Index(
            "ix_loan_facts_lender_queue",
            "lender",
            "province_code",
            "status",
            "status_changed_at",
            "loan_id",
        ),
    )


class LoanMonth(Dimensions, Base):
    """A disbursed loan at the end of each month it was in the portfolio.

    Replayed from the schedule and the payments made by that day, through 24
    months ahead of the rebuild assuming no further payment (a payment is a write
    and rebuilds the rows); ``flask juragan refresh-dashboards`` extends them.
    """

    __tablename__ = "loan_months"

    loan_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    month_end: Mapped[date] = mapped_column(Date, primary_key=True)
    returnee_id: Mapped[int] = mapped_column(Integer, index=True)
    scheme: Mapped[str] = mapped_column(String(12))
    lender: Mapped[str] = mapped_column(String(16))
    outstanding_idr: Mapped[int] = mapped_column(BigInteger)
    days_past_due: Mapped[int] = mapped_column(Integer)
    #: Indicative class at the month end, a restructuring's floor included.
    grade: Mapped[int] = mapped_column(SmallInteger, default=1, server_default="1")
    record_key: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (Index("ix_loan_months_month_end", "month_end"),)


SUMMARY_MODELS = (
    ReturneeFact,
    ReturneeCell,
    RegencyCount,
    DestinationCount,
    BusinessFact,
    LoanFact,
    LoanMonth,
)
