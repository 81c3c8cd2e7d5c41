"""KUR loans: the application and its history, documents, schedule and payments."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

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
    text,
)
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from juragan.db import vault
from juragan.domain import loan_lifecycle
from juragan.domain.codes import (
    DocumentType,
    LoanKind,
    LoanPurpose,
    PaymentKind,
    RevisionOption,
    ScheduleRevision,
    Scheme,
)
from juragan.domain.kur_rules import CREDIT_KINDS, LONGEST_TENOR_MONTHS, credit_kinds_of
from juragan.domain.loan_lifecycle import LoanStatus
from juragan.models.account import User
from juragan.models.base import (
    Audited,
    Base,
    Timestamped,
    Versioned,
    random_key,
    utcnow,
)
from juragan.models.business import Business
from juragan.models.plan import BusinessPlan
from juragan.models.registry_codes import in_list
from juragan.models.returnee import NikComparator, Placement, Returnee

#: States in which a loan counts as held: a returnee may hold two business KUR at
#: most, each in its own slot (a second only where the rules allow it). In the
#: enum's order, so the slot index's SQL stays as migrated.
ACTIVE_STATUSES = loan_lifecycle.ordered(loan_lifecycle.ACTIVE)
#: In the order of the bits of the dashboards' scheme masks.
SCHEMES = Scheme.values()
#: Business KUR slots: at most two active business KUR per returnee.
BUSINESS_SLOTS = (1, 2)
#: The rows the slot index covers.
ACTIVE_BUSINESS = (
    "kind = 'business' AND status IN ("
    + ", ".join(f"'{s}'" for s in ACTIVE_STATUSES)
    + ")"
)
#: The lenders (penyalur) shipped with the first data: the ``lenders`` table holds
#: them all; this order gives each its bit in the dashboards' ``lender_mask``.
LENDERS = (
    "bri",
    "bni",
    "mandiri",
    "bsi",
    "bpd_jatim",
    "bpd_jateng",
    "bjb",
    "sinarmas",
    "artha_graha",
    "bank_jakarta",
)


class LoanApplication(Audited, Versioned, Timestamped, Base):
    """A KUR application, and the loan it becomes once approved and disbursed."""

    __tablename__ = "loan_applications"
    __audit_redacted__ = ("npwp_ciphertext", "npwp_hash")

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    returnee_id: Mapped[int] = mapped_column(
        ForeignKey("returnees.id", ondelete="CASCADE"), index=True
    )
    #: ``business`` KUR for a returnee's business, or ``placement`` (KUR
    #: Penempatan PMI) taken before a departure.
    kind: Mapped[str] = mapped_column(String(10))
    business_id: Mapped[int | None] = mapped_column(
        ForeignKey("businesses.id", ondelete="SET NULL"), index=True
    )
    plan_id: Mapped[int | None] = mapped_column(
        ForeignKey("business_plans.id", ondelete="SET NULL")
    )
    placement_id: Mapped[int | None] = mapped_column(
        ForeignKey("placements.id", ondelete="SET NULL"), index=True
    )
    #: The lender the returnee addressed the application to (``lenders.code``).
    lender: Mapped[str] = mapped_column(
        ForeignKey("lenders.code", ondelete="RESTRICT"), index=True
    )
    scheme: Mapped[str] = mapped_column(String(12))
    #: The rule set in force on the application date (``juragan.domain.kur_rules``).
    rule_set: Mapped[str] = mapped_column(String(8))
    purpose: Mapped[str] = mapped_column(String(16))
    amount_requested_idr: Mapped[int] = mapped_column(BigInteger)
    tenor_months: Mapped[int] = mapped_column(SmallInteger)
    #: Which KUR of this borrower this is (1 for the first); sets the rate pre-2026.
    access_number: Mapped[int] = mapped_column(SmallInteger, default=1)
    rate_percent: Mapped[Decimal] = mapped_column(Numeric(5, 2))
    has_npwp: Mapped[bool] = mapped_column(Boolean, default=False)
    #: The NPWP (16 digits; a resident's NIK is their NPWP, PMK 112/2022): never
    #: stored in clear, like the NIK. Read and written through :attr:`npwp`.
    npwp_ciphertext: Mapped[str | None] = mapped_column(String(200))
    npwp_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    #: The kinds of credit the applicant held when filing, a bit per kind of
    #: ``juragan.domain.kur_rules.CREDIT_KINDS`` (0: none).
    other_credit_mask: Mapped[int] = mapped_column(Integer, default=0)
    #: The borrower's province when filing: the rates of some regions differ
    #: (``juragan.domain.kur_rules.borrower_rates``). None for loans filed before.
    rate_province_code: Mapped[str | None] = mapped_column(
        ForeignKey("provinces.code", ondelete="RESTRICT")
    )
    #: Which of the returnee's two business KUR slots it takes (None: placement).
    business_slot: Mapped[int | None] = mapped_column(SmallInteger)
    #: Instalment numbers that pay interest only (grace or lean season), as the
    #: schedule laid them out at disbursement.
    interest_only_months: Mapped[list[int]] = mapped_column(JSON, default=list)
    #: Requested (and at disbursement agreed) terms of the schedule: the first
    #: instalments that pay interest only (grace, as the lender assesses it) and the
    #: lean-season calendar months (1-12) that pay interest only every year.
    grace_months: Mapped[int] = mapped_column(
        SmallInteger, default=0, server_default="0"
    )
    lean_months: Mapped[list[int]] = mapped_column(
        JSON, default=list, server_default="[]"
    )
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)
    #: When the application entered its present state: the lender's work queue
    #: ages it from here (set by every transition).
    status_changed_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow
    )
    applied_on: Mapped[date] = mapped_column(Date)
    #: What the applicant declared when filing and the registry does not hold
    #: (an offtaker, the family's consent, whether other credit is current, KUR
    #: held elsewhere per scheme): the eligibility verdict is worked out again from
    #: them at the decision (``juragan.services.loans.Declared``).
    declared_facts: Mapped[dict] = mapped_column(
        JSON, default=dict, server_default="{}"
    )
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    #: The bank's decision.
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    #: The loan as disbursed (may be less than requested).
    amount_disbursed_idr: Mapped[int | None] = mapped_column(BigInteger)
    akad_on: Mapped[date | None] = mapped_column(Date)
    disbursed_on: Mapped[date | None] = mapped_column(Date)
    first_due_on: Mapped[date | None] = mapped_column(Date)
    #: Registered in SIKP by the lender (the Ministry of Finance's system).
    is_sikp_registered: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Random, never shown: what the dashboards' figures are perturbed by for those
    #: who may not see individuals (``juragan.domain.perturbation``).
    disclosure_key: Mapped[int] = mapped_column(Integer, default=random_key)
    #: Who filed it (the returnee, or a mentor helping them).
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )

    returnee: Mapped[Returnee] = relationship()
    business: Mapped[Business | None] = relationship()
    plan: Mapped[BusinessPlan | None] = relationship()
    placement: Mapped[Placement | None] = relationship()
    decided_by: Mapped[User | None] = relationship(
        foreign_keys=[decided_by_id], viewonly=True
    )
    transitions: Mapped[list[LoanTransition]] = relationship(
        back_populates="loan",
        order_by="LoanTransition.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    documents: Mapped[list[LoanDocument]] = relationship(
        back_populates="loan",
        order_by="LoanDocument.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    instalments: Mapped[list[Instalment]] = relationship(
        back_populates="loan",
        order_by="Instalment.number",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    payments: Mapped[list[Payment]] = relationship(
        back_populates="loan",
        order_by="(Payment.paid_on, Payment.id)",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    revisions: Mapped[list[ScheduleRevision]] = relationship(
        back_populates="loan",
        order_by="ScheduleRevision.number",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    approvals: Mapped[list[LoanApproval]] = relationship(
        back_populates="loan",
        order_by="LoanApproval.id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    @hybrid_property
    def npwp(self) -> str | None:
        if self.npwp_ciphertext is None:
            return None
        return vault.current().decrypt(self.npwp_ciphertext)

    @npwp.inplace.setter
    def _npwp_setter(self, value: str | None) -> None:
        if value is None:
            self.npwp_ciphertext = self.npwp_hash = None
        else:
            self.npwp_ciphertext, self.npwp_hash = vault.current().sealed(value)

    @npwp.inplace.comparator
    @classmethod
    def _npwp_comparator(cls) -> NikComparator:
        return NikComparator(cls.npwp_hash)  # compared by keyed hash, as a NIK

    @property
    def other_credit_kinds(self) -> tuple[str, ...]:
        return credit_kinds_of(self.other_credit_mask or 0)

    @property
    def makers(self) -> frozenset[int]:
        """Accounts that filed or sent the application: maker-checker keeps them
        from checking it themselves."""
        senders = {t.actor_id for t in self.transitions if t.to_status == "submitted"}
        return frozenset({self.created_by_id, *senders} - {None})

    __table_args__ = (
        CheckConstraint(in_list("kind", LoanKind), name="kind_known"),
        CheckConstraint(in_list("status", LoanStatus), name="status_known"),
        CheckConstraint(in_list("scheme", Scheme), name="scheme_known"),
        CheckConstraint(in_list("purpose", LoanPurpose), name="purpose_known"),
        CheckConstraint(
            f"other_credit_mask BETWEEN 0 AND {2 ** len(CREDIT_KINDS) - 1}",
            name="credit_kinds_known",
        ),
        CheckConstraint(
            "business_slot IS NULL OR business_slot IN (1, 2)", name="slot_known"
        ),
        CheckConstraint(
            "(kind = 'business') = (business_slot IS NOT NULL)",
            name="business_has_slot",
        ),
        CheckConstraint("amount_requested_idr > 0", name="amount_positive"),
        CheckConstraint(
            f"tenor_months BETWEEN 1 AND {LONGEST_TENOR_MONTHS}", name="tenor_range"
        ),
        CheckConstraint("rate_percent BETWEEN 0 AND 30", name="rate_range"),
        CheckConstraint("access_number >= 1", name="access_positive"),
        CheckConstraint(
            "grace_months >= 0 AND grace_months < tenor_months",
            name="grace_within_tenor",
        ),
        CheckConstraint(
            "amount_disbursed_idr IS NULL OR (amount_disbursed_idr > 0"
            " AND amount_disbursed_idr <= amount_requested_idr)",
            name="disbursed_within_request",
        ),
        CheckConstraint(
            "status <> 'rejected' OR decision_reason IS NOT NULL",
            name="rejection_has_reason",
        ),
        CheckConstraint(
            "(kind = 'placement') = (scheme = 'pmi')", name="placement_is_pmi"
        ),
        CheckConstraint(
            "(npwp_ciphertext IS NULL) = (npwp_hash IS NULL)", name="npwp_sealed"
        ),
        # At most two active business KUR per returnee: one per slot.
        Index(
            "uq_loan_applications_active_business_slot",
            "returnee_id",
            "business_slot",
            unique=True,
            postgresql_where=text(ACTIVE_BUSINESS),
            sqlite_where=text(ACTIVE_BUSINESS),
        ),
        # The lender's work queue: its applications by state, oldest first.
        Index(
            "ix_loan_applications_queue", "lender", "status", "status_changed_at", "id"
        ),
    )


#: Why an approval needs a second officer of the lender (four eyes): the chosen
#: scheme's verdict is "not eligible", or the plan's repayment capacity is under
#: the lender's threshold.
APPROVAL_EXCEPTIONS = ("not_eligible", "capacity_below_threshold", "no_capacity")


class LoanApproval(Base):
    """One officer's approval of an application. An application with an exception
    is approved only by two officers of its lender, each with a written reason."""

    __tablename__ = "loan_approvals"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(
        ForeignKey("loan_applications.id", ondelete="CASCADE"), index=True
    )
    officer_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    lender_code: Mapped[str] = mapped_column(
        ForeignKey("lenders.code", ondelete="RESTRICT")
    )
    #: 1: the first officer's; 2: the second officer's, which approves.
    step: Mapped[int] = mapped_column(SmallInteger)
    #: The exceptions the officer approved over (``APPROVAL_EXCEPTIONS``).
    exceptions: Mapped[list[str]] = mapped_column(JSON, default=list)
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    loan: Mapped[LoanApplication] = relationship(back_populates="approvals")
    officer: Mapped[User | None] = relationship(viewonly=True)

    __table_args__ = (
        CheckConstraint("step IN (1, 2)", name="step_known"),
        UniqueConstraint("loan_id", "step"),
        UniqueConstraint("loan_id", "officer_id"),  # never the same officer twice
        CheckConstraint(
            "reason IS NULL OR length(trim(reason)) > 0", name="reason_not_blank"
        ),
    )


class LoanTransition(Base):
    """One step of the application's state machine: who, when and why."""

    __tablename__ = "loan_transitions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(
        ForeignKey("loan_applications.id", ondelete="CASCADE"), index=True
    )
    from_status: Mapped[str | None] = mapped_column(String(12))
    to_status: Mapped[str] = mapped_column(String(12))
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str | None] = mapped_column(Text)

    loan: Mapped[LoanApplication] = relationship(back_populates="transitions")
    actor: Mapped[User | None] = relationship(viewonly=True)


class LoanDocument(Audited, Base):
    """A file attached to an application, kept outside the web root."""

    __tablename__ = "loan_documents"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(
        ForeignKey("loan_applications.id", ondelete="CASCADE"), index=True
    )
    doc_type: Mapped[str] = mapped_column(String(20))
    original_name: Mapped[str] = mapped_column(String(200))
    #: Random name on disk; the original name is never used as a path.
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    loan: Mapped[LoanApplication] = relationship(back_populates="documents")

    __table_args__ = (
        CheckConstraint(in_list("doc_type", DocumentType), name="type_known"),
        CheckConstraint("size_bytes > 0", name="not_empty"),
    )


class Instalment(Audited, Base):
    """One scheduled instalment and how much of it has been paid."""

    __tablename__ = "loan_instalments"

    loan_id: Mapped[int] = mapped_column(
        ForeignKey("loan_applications.id", ondelete="CASCADE"), primary_key=True
    )
    number: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    due_on: Mapped[date] = mapped_column(Date, index=True)
    principal_idr: Mapped[int] = mapped_column(BigInteger)
    interest_idr: Mapped[int] = mapped_column(BigInteger)
    paid_principal_idr: Mapped[int] = mapped_column(BigInteger, default=0)
    paid_interest_idr: Mapped[int] = mapped_column(BigInteger, default=0)
    #: The day the instalment was fully paid.
    settled_on: Mapped[date | None] = mapped_column(Date)

    loan: Mapped[LoanApplication] = relationship(back_populates="instalments")

    __table_args__ = (
        CheckConstraint(
            "principal_idr >= 0 AND interest_idr >= 0 AND paid_principal_idr >= 0"
            " AND paid_interest_idr >= 0 AND paid_principal_idr <= principal_idr"
            " AND paid_interest_idr <= interest_idr",
            name="amounts_consistent",
        ),
        # The arrears list walks the instalments not yet paid, oldest due first.
        Index(
            "ix_loan_instalments_open",
            "due_on",
            "loan_id",
            postgresql_where=text("settled_on IS NULL"),
            sqlite_where=text("settled_on IS NULL"),
        ),
    )


class Payment(Audited, Base):
    """Money received for a loan, recorded by a bank officer or imported."""

    __tablename__ = "loan_payments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(
        ForeignKey("loan_applications.id", ondelete="CASCADE"), index=True
    )
    paid_on: Mapped[date] = mapped_column(Date)
    amount_idr: Mapped[int] = mapped_column(BigInteger)
    #: The lender's own reference: a re-imported file does not pay twice.
    reference: Mapped[str | None] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(
        String(14), default="instalment", server_default="instalment"
    )
    recorded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    loan: Mapped[LoanApplication] = relationship(back_populates="payments")

    __table_args__ = (
        CheckConstraint("amount_idr > 0", name="amount_positive"),
        CheckConstraint(in_list("kind", PaymentKind), name="kind_known"),
        UniqueConstraint("loan_id", "reference"),
        # Payments dated after a day: the loans whose standing then must be replayed.
        Index("ix_loan_payments_paid_on", "paid_on"),
    )

    @property
    def is_cash(self) -> bool:
        return self.kind != "capitalisation"


class ScheduleRevision(Audited, Base):
    """A schedule the loan has had: laid down at disbursement, laid out again after a
    prepayment or a restructuring, closed by a payoff. The lines are kept as they
    were, so every earlier schedule stays readable and a past day's standing is
    replayed on the schedule then in force."""

    __tablename__ = "loan_schedule_revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    loan_id: Mapped[int] = mapped_column(
        ForeignKey("loan_applications.id", ondelete="CASCADE"), index=True
    )
    #: 1 for the schedule laid down at disbursement.
    number: Mapped[int] = mapped_column(SmallInteger)
    kind: Mapped[str] = mapped_column(String(14))
    #: From this day the schedule is the one in force.
    effective_on: Mapped[date] = mapped_column(Date)
    #: The lender's choice: lower instalment or shorter tenor (prepayment); arrears
    #: capitalised or settled (restructuring).
    option: Mapped[str | None] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)
    #: Principal laid out by this schedule from ``effective_on``.
    principal_idr: Mapped[int] = mapped_column(BigInteger)
    #: Restructuring: the arrears as scheduled, the interest accrued to the date,
    #: and the indicative class just before (the most the class can be after it).
    arrears_principal_idr: Mapped[int] = mapped_column(BigInteger, default=0)
    arrears_interest_idr: Mapped[int] = mapped_column(BigInteger, default=0)
    accrued_interest_idr: Mapped[int] = mapped_column(BigInteger, default=0)
    grade_before: Mapped[int | None] = mapped_column(SmallInteger)
    #: ``[[number, "YYYY-MM-DD", principal, interest], ...]``, the whole schedule.
    lines: Mapped[list[list]] = mapped_column(JSON, default=list)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL")
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    loan: Mapped[LoanApplication] = relationship(back_populates="revisions")
    actor: Mapped[User | None] = relationship(viewonly=True)

    __table_args__ = (
        UniqueConstraint("loan_id", "number"),
        CheckConstraint(in_list("kind", ScheduleRevision), name="kind_known"),
        CheckConstraint(
            "option IS NULL OR " + in_list("option", RevisionOption),
            name="option_known",
        ),
        CheckConstraint(
            "kind <> 'restructuring' OR (reason IS NOT NULL AND grade_before"
            " BETWEEN 1 AND 5 AND option IN ('capitalise', 'settle'))",
            name="restructuring_complete",
        ),
        CheckConstraint(
            "kind <> 'prepayment' OR option IN ('lower_instalment', 'shorter_tenor')",
            name="prepayment_has_choice",
        ),
        CheckConstraint(
            "principal_idr >= 0 AND arrears_principal_idr >= 0"
            " AND arrears_interest_idr >= 0 AND accrued_interest_idr >= 0",
            name="amounts_not_negative",
        ),
        # Schedules that start after a day: their loans' standing is replayed.
        Index("ix_loan_schedule_revisions_effective_on", "effective_on"),
    )
