"""What a loan records besides its schedule: the SIKP, SLIK and BPJS Ketenagakerjaan
checks of the application, late penalties (denda), guarantee claims and recoveries
after a write-off; and the lender's agreement terms they rest on
(``docs/loan-checks.md``)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import (
    BigInteger,
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
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from juragan.domain.codes import (
    CheckKind,
    CheckResult,
    ClaimStatus,
    Guarantor,
    LoanEventKind,
)
from juragan.models.account import User
from juragan.models.base import Audited, Base, utcnow
from juragan.models.loan import LoanApplication
from juragan.models.registry_codes import in_list

#: What each system answers (``juragan.services.loan_checks`` says which of them pass).
CHECK_RESULTS: dict[str, tuple[str, ...]] = {
    # SIKP (PMK 12/2024): the debtor is registered, is not, or was refused.
    CheckKind.SIKP: (
        CheckResult.REGISTERED,
        CheckResult.NOT_REGISTERED,
        CheckResult.REJECTED,
    ),
    # SLIK (POJK 18/2017): collectibility 1 everywhere, arrears somewhere (with the
    # worst collectibility seen), or no record at all.
    CheckKind.SLIK: (CheckResult.CLEAN, CheckResult.ARREARS, CheckResult.NOT_FOUND),
    # BPJS Ketenagakerjaan: an active member or not.
    CheckKind.BPJS_TK: (CheckResult.MEMBER, CheckResult.NOT_MEMBER),
}
PENALTY_BASES = ("none", "per_day", "per_month", "fixed")


def _results_of_kind() -> str:
    return " OR ".join(
        f"(kind = '{kind}' AND {in_list('result', results)})"
        for kind, results in CHECK_RESULTS.items()
    )


class LenderTerms(Base):
    """A lender's agreement terms: its late penalty (denda), if any, and who
    guarantees its KUR (the guarantee agreement's coverage of the loss)."""

    __tablename__ = "lender_terms"

    lender_code: Mapped[str] = mapped_column(
        ForeignKey("lenders.code", ondelete="CASCADE"), primary_key=True
    )
    #: ``none`` (the default), a rate per day or per month of the overdue amount,
    #: or a fixed amount per overdue instalment.
    penalty_basis: Mapped[str] = mapped_column(String(10), default="none")
    penalty_rate_percent: Mapped[Decimal | None] = mapped_column(Numeric(6, 3))
    penalty_fixed_idr: Mapped[int | None] = mapped_column(BigInteger)
    guarantor: Mapped[str | None] = mapped_column(String(12))
    #: Share of the loss (outstanding principal) the guarantee pays on a claim.
    guarantee_cover_percent: Mapped[Decimal | None] = mapped_column(Numeric(5, 2))

    __table_args__ = (
        CheckConstraint(in_list("penalty_basis", PENALTY_BASES), name="basis_known"),
        CheckConstraint(
            "guarantor IS NULL OR " + in_list("guarantor", Guarantor),
            name="guarantor_known",
        ),
        CheckConstraint(
            "(penalty_basis IN ('per_day', 'per_month')) = "
            "(penalty_rate_percent IS NOT NULL)",
            name="rate_with_rate_basis",
        ),
        CheckConstraint(
            "(penalty_basis = 'fixed') = (penalty_fixed_idr IS NOT NULL)",
            name="amount_with_fixed_basis",
        ),
        CheckConstraint(
            "penalty_rate_percent IS NULL OR penalty_rate_percent > 0",
            name="rate_positive",
        ),
        CheckConstraint(
            "penalty_fixed_idr IS NULL OR penalty_fixed_idr > 0", name="fixed_positive"
        ),
        CheckConstraint(
            "guarantee_cover_percent IS NULL OR guarantee_cover_percent BETWEEN 0 AND 100",
            name="cover_range",
        ),
    )


class LoanCheck(Audited, Base):
    """One check of an application in SIKP, SLIK or BPJS Ketenagakerjaan: who
    checked, when, what the system answered and its reference. A re-check is a new
    row; the latest of each kind counts."""

    __tablename__ = "loan_checks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(
        ForeignKey("loan_applications.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(8))
    result: Mapped[str] = mapped_column(String(16))
    #: SLIK arrears: the worst collectibility (2-5) in the iDeb report.
    worst_collectibility: Mapped[int | None] = mapped_column(SmallInteger)
    #: The SIKP debtor id, the iDeb request number or the BPJS membership number.
    reference: Mapped[str | None] = mapped_column(String(40))
    #: Why SIKP refused the debtor.
    reason: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    checked_on: Mapped[date] = mapped_column(Date)
    checked_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )

    loan: Mapped[LoanApplication] = relationship()
    checked_by: Mapped[User | None] = relationship(viewonly=True)

    __table_args__ = (
        CheckConstraint(in_list("kind", CheckKind), name="kind_known"),
        CheckConstraint(_results_of_kind(), name="result_of_kind"),
        CheckConstraint(
            "(result = 'arrears') = (worst_collectibility IS NOT NULL)",
            name="arrears_have_collectibility",
        ),
        CheckConstraint(
            "worst_collectibility IS NULL OR worst_collectibility BETWEEN 2 AND 5",
            name="collectibility_range",
        ),
        CheckConstraint(
            "result <> 'rejected' OR reason IS NOT NULL", name="rejection_has_reason"
        ),
    )


class LoanEvent(Audited, Base):
    """A late penalty charged, waived or paid, or money recovered after the loan
    was written off (with the share passed on to the guarantor, if recorded)."""

    __tablename__ = "loan_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(
        ForeignKey("loan_applications.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16))
    occurred_on: Mapped[date] = mapped_column(Date)
    amount_idr: Mapped[int] = mapped_column(BigInteger)
    #: How a penalty was worked out ("2% of Rp 1.000.000 for 1 month").
    basis: Mapped[str | None] = mapped_column(String(200))
    reference: Mapped[str | None] = mapped_column(String(40))
    #: Of a recovery, what goes on to the guarantor under subrogation.
    guarantor_share_idr: Mapped[int | None] = mapped_column(BigInteger)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )

    loan: Mapped[LoanApplication] = relationship()

    __table_args__ = (
        CheckConstraint(in_list("kind", LoanEventKind), name="kind_known"),
        CheckConstraint("amount_idr > 0", name="amount_positive"),
        CheckConstraint(
            "kind <> 'penalty_charge' OR basis IS NOT NULL", name="charge_has_basis"
        ),
        CheckConstraint(
            "guarantor_share_idr IS NULL OR (kind = 'recovery'"
            " AND guarantor_share_idr >= 0 AND guarantor_share_idr <= amount_idr)",
            name="share_of_recovery",
        ),
    )


class GuaranteeClaim(Audited, Base):
    """A claim on the loan's guarantee (klaim penjaminan): submitted, then paid or
    rejected with a reason. It moves the loss from the lender to the guarantor; it
    does not lower what the borrower owes."""

    __tablename__ = "guarantee_claims"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(
        ForeignKey("loan_applications.id", ondelete="CASCADE"), index=True
    )
    guarantor: Mapped[str] = mapped_column(String(12))
    submitted_on: Mapped[date] = mapped_column(Date)
    claimed_idr: Mapped[int] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(10), default="submitted")
    settled_on: Mapped[date | None] = mapped_column(Date)
    paid_idr: Mapped[int | None] = mapped_column(BigInteger)
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )

    loan: Mapped[LoanApplication] = relationship()

    __table_args__ = (
        CheckConstraint(in_list("guarantor", Guarantor), name="guarantor_known"),
        CheckConstraint(in_list("status", ClaimStatus), name="status_known"),
        CheckConstraint("claimed_idr > 0", name="claimed_positive"),
        CheckConstraint(
            "(status = 'paid') = (paid_idr IS NOT NULL)", name="paid_has_amount"
        ),
        CheckConstraint(
            "paid_idr IS NULL OR (paid_idr > 0 AND paid_idr <= claimed_idr)",
            name="paid_within_claim",
        ),
        CheckConstraint(
            "(status = 'rejected') = (rejection_reason IS NOT NULL)",
            name="rejection_has_reason",
        ),
        CheckConstraint(
            "(status = 'submitted') = (settled_on IS NULL)", name="settled_has_date"
        ),
        # One claim at a time: a new one only after a rejection.
        Index(
            "uq_guarantee_claims_one_standing",
            "loan_id",
            unique=True,
            postgresql_where=text("status <> 'rejected'"),
            sqlite_where=text("status <> 'rejected'"),
        ),
    )
