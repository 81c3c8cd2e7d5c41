"""Business plans: the proposal a returnee writes, its money and its versions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from juragan.domain.codes import (
    BusinessLine,
    CapitalKind,
    FundingKind,
    KbliSection,
    LegalForm,
    PlanSection,
    PlanStatus,
)
from juragan.domain.kur_rules import LONGEST_TENOR_MONTHS
from juragan.models.account import User
from juragan.models.base import Audited, Base, Timestamped, Versioned
from juragan.models.business_codes import (
    MAX_PROJECTION_MONTHS,
    MIN_PROJECTION_MONTHS,
)
from juragan.models.region import Regency
from juragan.models.registry_codes import in_list
from juragan.models.returnee import Returnee

if TYPE_CHECKING:
    from juragan.models.business import Business
    from juragan.models.loan import LoanApplication


class BusinessPlan(Audited, Versioned, Timestamped, Base):
    """A plan for one business; a returnee may keep several, one of them active."""

    __tablename__ = "business_plans"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    returnee_id: Mapped[int] = mapped_column(
        ForeignKey("returnees.id", ondelete="CASCADE"), index=True
    )
    #: The plan the returnee is working on now; the others are kept for reference.
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    #: Set when the returnee edits the plan while it is in review: it must be
    #: submitted again before it can be declared ready.
    is_revised: Mapped[bool] = mapped_column(Boolean, default=False)
    business_name: Mapped[str] = mapped_column(String(120))
    legal_form: Mapped[str] = mapped_column(String(12), default="individual")
    #: One of the common returnee lines (``BUSINESS_LINES``).
    sector: Mapped[str] = mapped_column(String(12))
    #: KBLI 2025 category letter (A–V): the category of ``kbli_code`` when there
    #: is one, else the line of business's (docs/kbli.md).
    kbli_section: Mapped[str] = mapped_column(String(1))
    #: KBLI 2025 subclass (5 digits, as OSS/NIB asks); empty until chosen.
    kbli_code: Mapped[str | None] = mapped_column(String(5), index=True)
    province_code: Mapped[str | None] = mapped_column(String(2))
    regency_code: Mapped[str | None] = mapped_column(String(5))
    district: Mapped[str | None] = mapped_column(String(80))
    planned_start: Mapped[date | None] = mapped_column(Date)
    description: Mapped[str | None] = mapped_column(Text)
    target_market: Mapped[str | None] = mapped_column(Text)
    competitors: Mapped[str | None] = mapped_column(Text)
    marketing: Mapped[str | None] = mapped_column(Text)
    operations: Mapped[str | None] = mapped_column(Text)
    suppliers: Mapped[str | None] = mapped_column(Text)
    equipment: Mapped[str | None] = mapped_column(Text)
    workers_planned: Mapped[int] = mapped_column(SmallInteger, default=0)
    risks: Mapped[str | None] = mapped_column(Text)
    #: How many months the projection covers (12 to 36).
    projection_months: Mapped[int] = mapped_column(SmallInteger, default=12)
    #: The KUR the plan asks for: tenor in months and the expected effective
    #: annual rate in percent (the amount is the ``kur`` funding source).
    kur_tenor_months: Mapped[int | None] = mapped_column(SmallInteger)
    kur_rate_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))
    #: The lean-season calendar months (1-12) in which the KUR asked for would pay
    #: interest only (farming, livestock and fishing): what the simulator, opened
    #: from the plan, asks for.
    kur_lean_months: Mapped[list[int]] = mapped_column(
        JSON, default=list, server_default="[]"
    )
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    #: Why the reviewer declared the plan ready although its repayment capacity
    #: was below the lender's threshold (``ready_threshold``); empty otherwise,
    #: and cleared when the plan is reopened.
    ready_reason: Mapped[str | None] = mapped_column(Text)
    #: The threshold the capacity was below when the reason was given.
    ready_threshold: Mapped[Decimal | None] = mapped_column(Numeric(4, 2))
    #: Who declared the plan ready, and when: the mentor's (or office's)
    #: endorsement the lender and the proposal show. Cleared on reopening.
    ready_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    ready_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    returnee: Mapped[Returnee] = relationship()
    ready_by: Mapped[User | None] = relationship(
        foreign_keys=[ready_by_id], viewonly=True
    )
    regency: Mapped[Regency | None] = relationship(
        viewonly=True,
        foreign_keys=[regency_code],
        primaryjoin="Regency.code == BusinessPlan.regency_code",
    )
    capital_items: Mapped[list[CapitalItem]] = relationship(
        back_populates="plan",
        order_by="CapitalItem.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    funding_sources: Mapped[list[FundingSource]] = relationship(
        back_populates="plan",
        order_by="FundingSource.position",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    months: Mapped[list[ProjectionMonth]] = relationship(
        back_populates="plan",
        order_by="ProjectionMonth.month",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    versions: Mapped[list[PlanVersion]] = relationship(
        back_populates="plan",
        order_by="PlanVersion.number",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    #: The business opened from this plan, if any.
    business: Mapped[Business | None] = relationship(back_populates="plan")
    comments: Mapped[list[PlanComment]] = relationship(
        back_populates="plan",
        order_by="PlanComment.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    #: KUR applications made on this plan that the reader may see.
    applications: Mapped[list[LoanApplication]] = relationship(
        "LoanApplication", viewonly=True, order_by="LoanApplication.id"
    )

    __table_args__ = (
        ForeignKeyConstraint(
            ["province_code", "regency_code"],
            ["regencies.province_code", "regencies.code"],
            ondelete="RESTRICT",
            name="fk_business_plans_regency_in_province",
        ),
        CheckConstraint(in_list("status", PlanStatus), name="status_known"),
        CheckConstraint(in_list("legal_form", LegalForm), name="legal_form_known"),
        CheckConstraint(in_list("sector", BusinessLine), name="sector_known"),
        CheckConstraint(in_list("kbli_section", KbliSection), name="kbli_known"),
        CheckConstraint(
            "kbli_code IS NULL OR length(kbli_code) = 5", name="kbli_code_subclass"
        ),
        # The code exists, and the category letter is the code's own.
        ForeignKeyConstraint(
            ["kbli_code", "kbli_section"],
            ["kbli_codes.code", "kbli_codes.category"],
            ondelete="RESTRICT",
            name="fk_business_plans_kbli_code_in_category",
        ),
        CheckConstraint(
            f"projection_months BETWEEN {MIN_PROJECTION_MONTHS}"
            f" AND {MAX_PROJECTION_MONTHS}",
            name="projection_months_range",
        ),
        CheckConstraint("workers_planned BETWEEN 0 AND 500", name="workers_range"),
        CheckConstraint(
            "kur_tenor_months IS NULL OR kur_tenor_months"
            f" BETWEEN 1 AND {LONGEST_TENOR_MONTHS}",
            name="kur_tenor_range",
        ),
        CheckConstraint(
            "kur_rate_percent IS NULL OR kur_rate_percent BETWEEN 0 AND 30",
            name="kur_rate_range",
        ),
        CheckConstraint(
            "(province_code IS NULL) = (regency_code IS NULL)",
            name="regency_with_province",
        ),
        # A reason is the ready plan's, given with the threshold it answers, and
        # is never blank.
        CheckConstraint(
            "ready_reason IS NULL OR (status = 'ready'"
            " AND ready_threshold IS NOT NULL AND length(trim(ready_reason)) > 0)",
            name="ready_reason_when_ready",
        ),
        CheckConstraint(
            "(ready_reason IS NULL) = (ready_threshold IS NULL)",
            name="ready_threshold_with_reason",
        ),
        # One active plan per returnee.
        Index(
            "uq_business_plans_one_active",
            "returnee_id",
            unique=True,
            postgresql_where=text("is_active"),
            sqlite_where=text("is_active"),
        ),
    )

    @property
    def last_version(self) -> PlanVersion | None:
        return self.versions[-1] if self.versions else None


class CapitalItem(Audited, Base):
    """One thing the business needs money for."""

    __tablename__ = "plan_capital_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("business_plans.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(SmallInteger)
    #: ``investment`` (equipment, building: lasts years) or ``working_capital``.
    kind: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(String(160))
    amount_idr: Mapped[int] = mapped_column(BigInteger)

    plan: Mapped[BusinessPlan] = relationship(back_populates="capital_items")

    __table_args__ = (
        CheckConstraint(in_list("kind", CapitalKind), name="kind_known"),
        CheckConstraint("amount_idr > 0", name="amount_positive"),
    )


class FundingSource(Audited, Base):
    """Where part of the money comes from."""

    __tablename__ = "plan_funding_sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("business_plans.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(SmallInteger)
    kind: Mapped[str] = mapped_column(String(12))
    description: Mapped[str | None] = mapped_column(String(160))
    amount_idr: Mapped[int] = mapped_column(BigInteger)

    plan: Mapped[BusinessPlan] = relationship(back_populates="funding_sources")

    __table_args__ = (
        CheckConstraint(in_list("kind", FundingKind), name="kind_known"),
        CheckConstraint("amount_idr > 0", name="amount_positive"),
    )


class ProjectionMonth(Audited, Base):
    """Projected figures for one month of the plan (month 1 is the opening month)."""

    __tablename__ = "plan_projection_months"

    plan_id: Mapped[int] = mapped_column(
        ForeignKey("business_plans.id", ondelete="CASCADE"), primary_key=True
    )
    month: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    sales_idr: Mapped[int] = mapped_column(BigInteger, default=0)
    #: Cost of goods sold: what the things sold cost to buy or make.
    cogs_idr: Mapped[int] = mapped_column(BigInteger, default=0)
    #: Rent, wages, electricity, transport, fees...
    operating_costs_idr: Mapped[int] = mapped_column(BigInteger, default=0)
    #: What the owner takes home for the family each month.
    owner_draw_idr: Mapped[int] = mapped_column(BigInteger, default=0)

    plan: Mapped[BusinessPlan] = relationship(back_populates="months")

    __table_args__ = (
        CheckConstraint(
            f"month BETWEEN 1 AND {MAX_PROJECTION_MONTHS}", name="month_range"
        ),
        CheckConstraint(
            "sales_idr >= 0 AND cogs_idr >= 0 AND operating_costs_idr >= 0"
            " AND owner_draw_idr >= 0",
            name="amounts_not_negative",
        ),
    )


class PlanVersion(Base):
    """A plan as it was submitted: kept whole, never changed afterwards."""

    __tablename__ = "plan_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("business_plans.id", ondelete="CASCADE")
    )
    number: Mapped[int] = mapped_column(SmallInteger)
    submitted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    submitted_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    #: The whole plan (text, items, sources, months) and its computed figures.
    content: Mapped[dict[str, Any]] = mapped_column(JSON)

    plan: Mapped[BusinessPlan] = relationship(back_populates="versions")
    submitted_by: Mapped[User | None] = relationship(viewonly=True)

    __table_args__ = (
        UniqueConstraint("plan_id", "number"),
        CheckConstraint("number >= 1", name="number_positive"),
    )


class PlanComment(Audited, Base):
    """A reviewer's remark on one part of a plan."""

    __tablename__ = "plan_comments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("business_plans.id", ondelete="CASCADE"), index=True
    )
    #: The submitted version the remark was written against.
    version_number: Mapped[int] = mapped_column(SmallInteger)
    section: Mapped[str] = mapped_column(String(12))
    author_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    #: Set when the returnee (or the reviewer) marks the remark as dealt with.
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    plan: Mapped[BusinessPlan] = relationship(back_populates="comments")
    author: Mapped[User | None] = relationship(viewonly=True)

    __table_args__ = (
        CheckConstraint(in_list("section", PlanSection), name="section_known"),
        CheckConstraint("length(body) > 0", name="body_not_empty"),
    )
