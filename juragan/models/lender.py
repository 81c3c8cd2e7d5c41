"""Lenders (penyalur KUR) and their branches: the organisations bank officers work for."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    ForeignKeyConstraint,
    Integer,
    Numeric,
    SmallInteger,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from juragan.models.base import Audited, Base
from juragan.models.region import Province, Regency

#: State-owned banks, regional development banks (BPD) and private banks.
LENDER_KINDS = ("state", "regional", "private")
#: The repayment capacity a lender wants unless it says otherwise: the instalment at
#: most two thirds of the cash left (docs/plan-figures.md, "The lender's threshold").
DEFAULT_MIN_COVERAGE = Decimal("1.50")
#: The range a lender's threshold may take: below 1 the instalment would exceed
#: the cash left; above 5 no micro plan would pass.
MIN_COVERAGE_RANGE = (Decimal("1.00"), Decimal("5.00"))
#: Days a lender takes to decide unless it says otherwise, and the range allowed.
DEFAULT_DECISION_SLA_DAYS = 14
DECISION_SLA_RANGE = (1, 90)


class Lender(Audited, Base):
    """A bank or other appointed KUR lender; applications are addressed to one.
    Its settings (service level, threshold) are changed by administrators: audited."""

    __tablename__ = "lenders"

    #: Short stable code, also used in applications and the dashboards' filters.
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: The repayment capacity (average cash left / instalment) below which a plan
    #: is declared ready for this lender only with the mentor's written reason.
    min_repayment_coverage: Mapped[Decimal] = mapped_column(
        Numeric(4, 2), default=DEFAULT_MIN_COVERAGE, server_default="1.50"
    )
    #: The service level: days from the documents' check to the decision, after
    #: which an application is overdue in the lender's work queue.
    decision_sla_days: Mapped[int] = mapped_column(
        SmallInteger, default=DEFAULT_DECISION_SLA_DAYS, server_default="14"
    )

    branches: Mapped[list[LenderBranch]] = relationship(
        back_populates="lender", order_by="LenderBranch.name"
    )

    __table_args__ = (
        CheckConstraint("kind IN ('state', 'regional', 'private')", name="kind_known"),
        CheckConstraint("code = lower(code)", name="code_lowercase"),
        CheckConstraint(
            "min_repayment_coverage BETWEEN 1 AND 5", name="min_coverage_range"
        ),
        CheckConstraint("decision_sla_days BETWEEN 1 AND 90", name="sla_range"),
    )

    def __repr__(self) -> str:
        return f"<Lender {self.code}>"


class LenderBranch(Base):
    """A lender's office for a province (or one regency in it): its officers decide
    and service the applications of the people of that area addressed to the lender."""

    __tablename__ = "lender_branches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    lender_code: Mapped[str] = mapped_column(
        ForeignKey("lenders.code", ondelete="RESTRICT"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    province_code: Mapped[str] = mapped_column(String(2))
    #: Empty for a branch that serves the whole province.
    regency_code: Mapped[str | None] = mapped_column(String(5))

    lender: Mapped[Lender] = relationship(back_populates="branches")
    province: Mapped[Province] = relationship(viewonly=True)
    regency: Mapped[Regency | None] = relationship(
        viewonly=True,
        foreign_keys=[regency_code],
        primaryjoin="Regency.code == LenderBranch.regency_code",
    )

    __table_args__ = (
        ForeignKeyConstraint(
            ["province_code"], ["provinces.code"], ondelete="RESTRICT"
        ),
        ForeignKeyConstraint(
            ["province_code", "regency_code"],
            ["regencies.province_code", "regencies.code"],
            ondelete="RESTRICT",
            name="fk_lender_branches_regency_in_province",
        ),
        UniqueConstraint("lender_code", "name"),
        # Target of the officers' composite key: an officer's lender and region are
        # those of their branch.
        UniqueConstraint(
            "id",
            "lender_code",
            "province_code",
            name="uq_lender_branches_id_lender_province",
        ),
    )

    def __repr__(self) -> str:
        return f"<LenderBranch {self.id} {self.lender_code} {self.name}>"
