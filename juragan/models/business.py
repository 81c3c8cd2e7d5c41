"""A returnee's business once it has opened, and the history of its states."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from juragan.domain.codes import (
    BusinessLine,
    BusinessStatus,
    CloseReason,
    KbliSection,
    LegalForm,
)
from juragan.models.account import User
from juragan.models.base import Audited, Base, Timestamped, Versioned, random_key
from juragan.models.plan import BusinessPlan
from juragan.models.region import Regency
from juragan.models.registry_codes import in_list
from juragan.models.returnee import Returnee

if TYPE_CHECKING:
    from juragan.models.loan import LoanApplication


class Business(Audited, Versioned, Timestamped, Base):
    """The business mentoring and the dashboards follow."""

    __tablename__ = "businesses"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    returnee_id: Mapped[int] = mapped_column(
        ForeignKey("returnees.id", ondelete="CASCADE"), index=True
    )
    #: The plan it grew from; one plan opens at most one business.
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("business_plans.id", ondelete="SET NULL"), unique=True
    )
    name: Mapped[str] = mapped_column(String(120))
    legal_form: Mapped[str] = mapped_column(String(12))
    sector: Mapped[str] = mapped_column(String(12))
    #: KBLI 2025 category letter (A–V): the category of ``kbli_code`` when there
    #: is one, else the line of business's (docs/kbli.md).
    kbli_section: Mapped[str] = mapped_column(String(1))
    #: KBLI 2025 subclass (5 digits, as OSS/NIB asks); empty until chosen.
    kbli_code: Mapped[str | None] = mapped_column(String(5), index=True)
    province_code: Mapped[str] = mapped_column(String(2))
    regency_code: Mapped[str] = mapped_column(String(5))
    district: Mapped[str | None] = mapped_column(String(80))
    opened_on: Mapped[date] = mapped_column(Date, index=True)
    #: Nomor Induk Berusaha from OSS: 13 digits, when the business has one.
    nib: Mapped[str | None] = mapped_column(String(13), unique=True)
    workers_family: Mapped[int] = mapped_column(SmallInteger, default=0)
    workers_paid: Mapped[int] = mapped_column(SmallInteger, default=0)
    #: The current state; its history is in ``business_status_changes``.
    status: Mapped[str] = mapped_column(String(10), default="operating")
    status_since: Mapped[date] = mapped_column(Date)
    #: Random, never shown: what the dashboards' figures are perturbed by for those
    #: who may not see individuals (``juragan.domain.perturbation``).
    disclosure_key: Mapped[int] = mapped_column(Integer, default=random_key)

    returnee: Mapped[Returnee] = relationship()
    plan: Mapped[BusinessPlan | None] = relationship(back_populates="business")
    regency: Mapped[Regency] = relationship(
        viewonly=True,
        foreign_keys=[regency_code],
        primaryjoin="Regency.code == Business.regency_code",
    )
    status_changes: Mapped[list[BusinessStatusChange]] = relationship(
        back_populates="business",
        order_by="(BusinessStatusChange.changed_on, BusinessStatusChange.id)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    #: KUR applications for this business that the reader may see.
    applications: Mapped[list[LoanApplication]] = relationship(
        "LoanApplication", viewonly=True, order_by="LoanApplication.id"
    )

    __table_args__ = (
        ForeignKeyConstraint(
            ["province_code", "regency_code"],
            ["regencies.province_code", "regencies.code"],
            ondelete="RESTRICT",
            name="fk_businesses_regency_in_province",
        ),
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
            name="fk_businesses_kbli_code_in_category",
        ),
        CheckConstraint(in_list("status", BusinessStatus), name="status_known"),
        CheckConstraint("nib IS NULL OR length(nib) = 13", name="nib_thirteen_digits"),
        CheckConstraint(
            "workers_family BETWEEN 0 AND 500 AND workers_paid BETWEEN 0 AND 500",
            name="workers_range",
        ),
        CheckConstraint("status_since >= opened_on", name="status_after_opening"),
        Index("ix_businesses_region", "province_code", "regency_code", "id"),
    )


class BusinessStatusChange(Audited, Base):
    """One move of a business between operating, paused and closed."""

    __tablename__ = "business_status_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    business_id: Mapped[int] = mapped_column(
        ForeignKey("businesses.id", ondelete="CASCADE"), index=True
    )
    #: ``None`` for the opening itself.
    from_status: Mapped[str | None] = mapped_column(String(10))
    to_status: Mapped[str] = mapped_column(String(10))
    changed_on: Mapped[date] = mapped_column(Date)
    #: Required when closing (``CLOSE_REASONS``).
    close_reason: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    changed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    business: Mapped[Business] = relationship(back_populates="status_changes")
    changed_by: Mapped[User | None] = relationship(viewonly=True)

    __table_args__ = (
        CheckConstraint(in_list("to_status", BusinessStatus), name="to_known"),
        CheckConstraint(
            "from_status IS NULL OR from_status <> to_status", name="is_a_change"
        ),
        CheckConstraint(
            "(to_status = 'closed') = (close_reason IS NOT NULL)",
            name="reason_when_closed",
        ),
        CheckConstraint(
            "close_reason IS NULL OR " + in_list("close_reason", CloseReason),
            name="close_reason_known",
        ),
    )
