"""Mentoring: caseload assignments, visits, action items, photos, wellbeing checks
and the monthly figures each business reports."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from juragan.domain.codes import ActionOwner, ObservedStatus, VisitMode
from juragan.models.account import User
from juragan.models.base import Audited, Base, Versioned
from juragan.models.business import Business
from juragan.models.registry_codes import in_list
from juragan.models.returnee import Returnee

REPORT_SOURCES = ("visit", "self")


class CaseAssignment(Base):
    """A returnee in a mentor's caseload, from one day to another."""

    __tablename__ = "case_assignments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    returnee_id: Mapped[int] = mapped_column(
        ForeignKey("returnees.id", ondelete="CASCADE"), index=True
    )
    mentor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    assigned_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: Why the returnee moved to this mentor (required when reassigning).
    reason: Mapped[str | None] = mapped_column(Text)

    mentor: Mapped[User | None] = relationship(foreign_keys=[mentor_id], viewonly=True)
    assigned_by: Mapped[User | None] = relationship(
        foreign_keys=[assigned_by_id], viewonly=True
    )


class VisitCadence(Audited, Versioned, Base):
    """How often mentors visit, per province (the row without one is the default)."""

    __tablename__ = "visit_cadences"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    province_code: Mapped[str | None] = mapped_column(
        ForeignKey("provinces.code", ondelete="CASCADE"), unique=True
    )
    #: Days between visits while a business is young (its first months).
    early_days: Mapped[int] = mapped_column(SmallInteger, default=30)
    early_months: Mapped[int] = mapped_column(SmallInteger, default=6)
    #: Days between visits afterwards, and before a business opens.
    steady_days: Mapped[int] = mapped_column(SmallInteger, default=90)
    #: Days between visits while a risk sign is showing.
    risk_days: Mapped[int] = mapped_column(SmallInteger, default=14)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    __table_args__ = (
        CheckConstraint(
            "early_days BETWEEN 7 AND 180 AND steady_days BETWEEN 7 AND 365"
            " AND risk_days BETWEEN 1 AND 90 AND early_months BETWEEN 0 AND 24",
            name="sensible_days",
        ),
    )


class Visit(Audited, Base):
    """One contact between a mentor and a returnee."""

    __tablename__ = "visits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    returnee_id: Mapped[int] = mapped_column(
        ForeignKey("returnees.id", ondelete="CASCADE")
    )
    business_id: Mapped[int | None] = mapped_column(
        ForeignKey("businesses.id", ondelete="SET NULL"), index=True
    )
    mentor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    visited_on: Mapped[date] = mapped_column(Date)
    mode: Mapped[str] = mapped_column(String(10))
    duration_minutes: Mapped[int] = mapped_column(SmallInteger)
    #: Where, only when the returnee agreed to it being stored.
    location_consent: Mapped[bool] = mapped_column(Boolean, default=False)
    latitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    longitude: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)
    observations: Mapped[str | None] = mapped_column(Text)
    business_status: Mapped[str] = mapped_column(String(12))
    revenue_last_month_idr: Mapped[int | None] = mapped_column(BigInteger)
    workers_family: Mapped[int] = mapped_column(SmallInteger, default=0)
    workers_paid: Mapped[int] = mapped_column(SmallInteger, default=0)
    problems: Mapped[str | None] = mapped_column(Text)
    next_visit_on: Mapped[date | None] = mapped_column(Date)
    #: Sent by the form: a repeated submission of the same visit is stored once.
    idempotency_key: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    returnee: Mapped[Returnee] = relationship()
    business: Mapped[Business | None] = relationship()
    mentor: Mapped[User | None] = relationship(viewonly=True)
    action_items: Mapped[list[ActionItem]] = relationship(
        back_populates="visit",
        order_by="ActionItem.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    photos: Mapped[list[VisitPhoto]] = relationship(
        back_populates="visit",
        order_by="VisitPhoto.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    __table_args__ = (
        CheckConstraint(in_list("mode", VisitMode), name="mode_known"),
        CheckConstraint(
            in_list("business_status", ObservedStatus), name="status_known"
        ),
        CheckConstraint("duration_minutes BETWEEN 1 AND 720", name="duration_range"),
        CheckConstraint(
            "revenue_last_month_idr IS NULL OR revenue_last_month_idr >= 0",
            name="revenue_not_negative",
        ),
        CheckConstraint(
            "workers_family BETWEEN 0 AND 500 AND workers_paid BETWEEN 0 AND 500",
            name="workers_range",
        ),
        CheckConstraint(
            "next_visit_on IS NULL OR next_visit_on > visited_on", name="next_after"
        ),
        CheckConstraint(
            "location_consent OR (latitude IS NULL AND longitude IS NULL)",
            name="location_only_with_consent",
        ),
        Index("ix_visits_returnee_day", "returnee_id", "visited_on"),
    )


class ActionItem(Audited, Versioned, Base):
    """Something agreed at a visit, with who does it and by when."""

    __tablename__ = "action_items"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visit_id: Mapped[int] = mapped_column(ForeignKey("visits.id", ondelete="CASCADE"))
    returnee_id: Mapped[int] = mapped_column(
        ForeignKey("returnees.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(String(300))
    owner: Mapped[str] = mapped_column(String(10))
    due_on: Mapped[date] = mapped_column(Date)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    visit: Mapped[Visit] = relationship(back_populates="action_items")

    __table_args__ = (
        CheckConstraint(in_list("owner", ActionOwner), name="owner_known"),
    )


class VisitPhoto(Base):
    """A photo taken at a visit: re-encoded, without EXIF, stored outside the web root."""

    __tablename__ = "visit_photos"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    visit_id: Mapped[int] = mapped_column(
        ForeignKey("visits.id", ondelete="CASCADE"), index=True
    )
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(20))
    width: Mapped[int] = mapped_column(SmallInteger)
    height: Mapped[int] = mapped_column(SmallInteger)
    size_bytes: Mapped[int] = mapped_column(Integer)

    visit: Mapped[Visit] = relationship(back_populates="photos")


class WellbeingCheck(Audited, Base):
    """The short reintegration questionnaire and its scores (0-1)."""

    __tablename__ = "wellbeing_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    returnee_id: Mapped[int] = mapped_column(
        ForeignKey("returnees.id", ondelete="CASCADE"), index=True
    )
    visit_id: Mapped[int | None] = mapped_column(
        ForeignKey("visits.id", ondelete="SET NULL")
    )
    taken_on: Mapped[date] = mapped_column(Date)
    #: Question code -> answer (1-5).
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    economic: Mapped[Decimal] = mapped_column(Numeric(4, 3))
    social: Mapped[Decimal] = mapped_column(Numeric(4, 3))
    psychosocial: Mapped[Decimal] = mapped_column(Numeric(4, 3))
    overall: Mapped[Decimal] = mapped_column(Numeric(4, 3))

    __table_args__ = (
        CheckConstraint(
            "economic BETWEEN 0 AND 1 AND social BETWEEN 0 AND 1"
            " AND psychosocial BETWEEN 0 AND 1 AND overall BETWEEN 0 AND 1",
            name="scores_in_range",
        ),
    )


class BusinessReport(Audited, Base):
    """A business's figures for one month, from a visit or reported by the returnee."""

    __tablename__ = "business_reports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    business_id: Mapped[int] = mapped_column(
        ForeignKey("businesses.id", ondelete="CASCADE")
    )
    #: The first day of the month the figures are for.
    month: Mapped[date] = mapped_column(Date)
    source: Mapped[str] = mapped_column(String(6))
    status: Mapped[str] = mapped_column(String(12))
    revenue_idr: Mapped[int | None] = mapped_column(BigInteger)
    workers_family: Mapped[int] = mapped_column(SmallInteger, default=0)
    workers_paid: Mapped[int] = mapped_column(SmallInteger, default=0)
    visit_id: Mapped[int | None] = mapped_column(
        ForeignKey("visits.id", ondelete="SET NULL")
    )
    reported_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    reported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (
        UniqueConstraint("business_id", "month", "source"),
        CheckConstraint(in_list("source", REPORT_SOURCES), name="source_known"),
        CheckConstraint(in_list("status", ObservedStatus), name="status_known"),
        CheckConstraint("revenue_idr IS NULL OR revenue_idr >= 0", name="revenue_ok"),
    )
